//! The hosts a transport calls, first preferred, and their health: a host that could not be
//! connected to, or timed out, is skipped for a cool-down and probed again after it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::AuthError;

/// At most this many hosts (they are tracked in a 64-bit set per call).
const MAX_HOSTS: usize = 64;

#[derive(Debug)]
pub(crate) struct Host {
    /// The base URL, e.g. `https://api.weixin.qq.com` (a path prefix is allowed).
    pub(crate) base: reqwest::Url,
    /// The base's path without its trailing `/` (`""` for a bare host).
    pub(crate) prefix: String,
    /// Until when (ms since the epoch, on the transport's clock) the host is skipped; 0 = healthy.
    cool_until_ms: AtomicU64,
}

impl Host {
    /// The host name, for logs.
    pub(crate) fn name(&self) -> &str {
        self.base.host_str().unwrap_or("")
    }
}

/// The host list and its health. Shared by the clones of a client.
#[derive(Debug)]
pub(crate) struct Hosts {
    hosts: Vec<Host>,
    cooldown: Duration,
}

/// The hosts one call has tried since its last backoff.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tried(u64);

impl Tried {
    fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }
    pub(crate) fn add(&mut self, index: usize) {
        self.0 |= 1 << index;
    }
}

impl Hosts {
    pub(crate) fn new(bases: &[String], cooldown: Duration) -> Result<Self, AuthError> {
        if bases.is_empty() {
            return Err(AuthError::Config("at least one api_base is required".into()));
        }
        if bases.len() > MAX_HOSTS {
            return Err(AuthError::Config(format!(
                "at most {MAX_HOSTS} api_bases are supported"
            )));
        }
        let hosts = bases
            .iter()
            .map(|b| {
                let parsed = reqwest::Url::parse(b.trim_end_matches('/'))
                    .map_err(|e| AuthError::Config(format!("api_base {b:?} is not a URL: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() || parsed.cannot_be_a_base()
                {
                    return Err(AuthError::Config(format!(
                        "api_base {b:?} must be an http(s) URL without a query"
                    )));
                }
                Ok(Host {
                    prefix: parsed.path().trim_end_matches('/').to_owned(),
                    base: parsed,
                    cool_until_ms: AtomicU64::new(0),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { hosts, cooldown })
    }

    pub(crate) fn get(&self, index: usize) -> &Host {
        &self.hosts[index]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Host> {
        self.hosts.iter()
    }

    /// The host for the next attempt: the first untried healthy one; if every untried host is
    /// cooling down, the one whose cool-down ends first (a probe); `None` once all were tried.
    pub(crate) fn pick(&self, now: SystemTime, tried: Tried) -> Option<usize> {
        let now_ms = millis(now);
        let mut soonest: Option<(usize, u64)> = None;
        for (index, host) in self.hosts.iter().enumerate() {
            if tried.has(index) {
                continue;
            }
            let until = host.cool_until_ms.load(Ordering::Relaxed);
            if until <= now_ms {
                return Some(index);
            }
            if soonest.is_none_or(|(_, s)| until < s) {
                soonest = Some((index, until));
            }
        }
        soonest.map(|(index, _)| index)
    }

    /// The host could not be connected to or timed out: skip it for the cool-down.
    pub(crate) fn cool_down(&self, index: usize, now: SystemTime) {
        let host = &self.hosts[index];
        let until = millis(now).saturating_add(u64::try_from(self.cooldown.as_millis()).unwrap_or(u64::MAX));
        host.cool_until_ms.store(until, Ordering::Relaxed);
        if self.hosts.len() > 1 {
            tracing::warn!(
                host = host.name(),
                cooldown_ms = u64::try_from(self.cooldown.as_millis()).unwrap_or(u64::MAX),
                "WeChat host unreachable; skipping it for the cool-down"
            );
        }
    }

    /// The host answered: it is healthy again (a probe that succeeded ends its cool-down).
    pub(crate) fn answered(&self, index: usize) {
        let host = &self.hosts[index];
        if host.cool_until_ms.load(Ordering::Relaxed) != 0 {
            host.cool_until_ms.store(0, Ordering::Relaxed);
        }
    }
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Hosts {
        Hosts::new(
            &[
                "http://a.test".into(),
                "http://b.test/".into(),
                "http://c.test/proxy/".into(),
            ],
            Duration::from_secs(30),
        )
        .expect("hosts")
    }

    #[test]
    fn the_first_healthy_untried_host_is_picked() {
        let h = hosts();
        let now = SystemTime::now();
        assert_eq!(h.pick(now, Tried::default()), Some(0));
        let mut tried = Tried::default();
        tried.add(0);
        assert_eq!(h.pick(now, tried), Some(1));
        tried.add(1);
        tried.add(2);
        assert_eq!(h.pick(now, tried), None);
        assert_eq!(h.get(2).prefix, "/proxy");
        assert_eq!(h.get(1).prefix, "");
    }

    #[test]
    fn a_cooling_host_is_skipped_until_its_cooldown_ends() {
        let h = hosts();
        let now = SystemTime::now();
        h.cool_down(0, now);
        assert_eq!(h.pick(now, Tried::default()), Some(1));
        assert_eq!(h.pick(now + Duration::from_secs(29), Tried::default()), Some(1));
        assert_eq!(
            h.pick(now + Duration::from_secs(31), Tried::default()),
            Some(0),
            "probed again"
        );
        h.cool_down(1, now + Duration::from_secs(1));
        h.cool_down(2, now + Duration::from_secs(2));
        assert_eq!(
            h.pick(now + Duration::from_secs(3), Tried::default()),
            Some(0),
            "all cooling: the one whose cool-down ends first"
        );
        h.answered(1);
        assert_eq!(h.pick(now + Duration::from_secs(3), Tried::default()), Some(1));
    }

    #[test]
    fn bad_bases_are_refused() {
        for bad in ["ftp://x", "http://x/?q=1", "not a url", "mailto:a@b"] {
            assert!(Hosts::new(&[bad.into()], Duration::ZERO).is_err(), "{bad}");
        }
        assert!(Hosts::new(&[], Duration::ZERO).is_err());
    }
}
