//! Replay protection for pushes: a push whose signed timestamp is outside the replay window is
//! refused, and a push already acted on (the same decrypted message, however it was
//! re-encrypted) is acknowledged without acting again.
//!
//! The memory of recent pushes is bounded ([`RECENT_CAPACITY`] entries) and each entry expires
//! after two windows, when no replay of it could pass the timestamp check any more. Insertion
//! and lookup are O(1) amortised.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha1::{Digest, Sha1};

use crate::push::PushError;

/// How many recent pushes are remembered at most.
pub(crate) const RECENT_CAPACITY: usize = 10_000;

/// The default replay window: 10 minutes either side of this process's clock.
pub(crate) const DEFAULT_WINDOW: Duration = Duration::from_secs(600);

/// The SHA-1 of a decrypted push: what identifies it, however it was re-encrypted.
pub(crate) type PushDigest = [u8; 20];

#[derive(Debug)]
pub(crate) struct ReplayGuard {
    window: Duration,
    recent: Mutex<Recent>,
}

#[derive(Debug, Default)]
struct Recent {
    seen: HashMap<PushDigest, SystemTime>,
    order: VecDeque<(PushDigest, SystemTime)>,
}

impl ReplayGuard {
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window,
            recent: Mutex::new(Recent::default()),
        }
    }

    fn recent(&self) -> MutexGuard<'_, Recent> {
        // Every update keeps both collections consistent before it can panic.
        self.recent.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses a push whose signed `timestamp` (Unix seconds, from the URL query) is further
    /// than the window from `now`.
    pub(crate) fn check_timestamp(&self, timestamp: &str, now: SystemTime) -> Result<(), PushError> {
        let sent: i64 = timestamp.trim().parse().map_err(|_| PushError::InvalidTimestamp)?;
        let now_secs = unix_secs(now);
        let skew = now_secs.saturating_sub(sent);
        let window = i64::try_from(self.window.as_secs()).unwrap_or(i64::MAX);
        if skew.unsigned_abs() > window.unsigned_abs() {
            return Err(PushError::OutsideReplayWindow {
                skew_secs: skew,
                window_secs: self.window.as_secs(),
            });
        }
        Ok(())
    }

    /// Whether the push was already acted on within the memory's reach.
    pub(crate) fn already_handled(&self, digest: &PushDigest, now: SystemTime) -> bool {
        let mut recent = self.recent();
        self.expire(&mut recent, now);
        recent.seen.contains_key(digest)
    }

    /// Remembers that the push was acted on.
    pub(crate) fn remember(&self, digest: PushDigest, now: SystemTime) {
        let mut recent = self.recent();
        self.expire(&mut recent, now);
        if recent.seen.insert(digest, now).is_none() {
            recent.order.push_back((digest, now));
        }
        while recent.order.len() > RECENT_CAPACITY {
            if let Some((oldest, _)) = recent.order.pop_front() {
                recent.seen.remove(&oldest);
            }
        }
    }

    /// Drops entries older than two windows (no replay of them passes the timestamp check).
    fn expire(&self, recent: &mut Recent, now: SystemTime) {
        let keep_for = self.window.saturating_mul(2);
        while let Some((digest, at)) = recent.order.front().copied() {
            let age = now.duration_since(at).unwrap_or(Duration::ZERO);
            if age <= keep_for {
                break;
            }
            recent.order.pop_front();
            recent.seen.remove(&digest);
        }
    }
}

pub(crate) fn digest(plaintext: &str) -> PushDigest {
    Sha1::digest(plaintext.as_bytes()).into()
}

/// Unix seconds of `t` (negative before 1970).
pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// The time a push's `CreateTime` names, never later than `now` (a future `CreateTime` would
/// otherwise make its ticket look newer than every later one).
pub(crate) fn create_time(secs: i64, now: SystemTime) -> SystemTime {
    let at = u64::try_from(secs)
        .ok()
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
        .unwrap_or(UNIX_EPOCH);
    at.min(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_symmetric_and_hostile_timestamps_are_refused() {
        let guard = ReplayGuard::new(Duration::from_secs(600));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(guard.check_timestamp("1700000000", now).is_ok());
        assert!(guard.check_timestamp("1699999400", now).is_ok());
        assert!(guard.check_timestamp("1700000600", now).is_ok());
        for bad in [
            "1699999399",
            "1700000601",
            "0",
            "-9223372036854775808",
            "9223372036854775807",
        ] {
            assert!(
                matches!(
                    guard.check_timestamp(bad, now),
                    Err(PushError::OutsideReplayWindow { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(guard.check_timestamp("soon", now), Err(PushError::InvalidTimestamp));
        let huge = ReplayGuard::new(Duration::MAX);
        assert!(
            huge.check_timestamp("0", now).is_ok(),
            "an unbounded window accepts all"
        );
    }

    #[test]
    fn memory_is_bounded_and_expires() {
        let guard = ReplayGuard::new(Duration::from_secs(600));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        guard.remember(digest("a"), now);
        assert!(guard.already_handled(&digest("a"), now));
        assert!(!guard.already_handled(&digest("b"), now));
        assert!(
            !guard.already_handled(&digest("a"), now + Duration::from_secs(1201)),
            "expired"
        );
        for i in 0..(RECENT_CAPACITY + 10) {
            guard.remember(digest(&i.to_string()), now);
        }
        assert!(!guard.already_handled(&digest("0"), now), "the oldest left first");
        assert!(guard.already_handled(&digest(&(RECENT_CAPACITY + 9).to_string()), now));
        assert!(guard.recent().seen.len() <= RECENT_CAPACITY);
    }

    #[test]
    fn create_time_never_lies_in_the_future() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(create_time(10, now), UNIX_EPOCH + Duration::from_secs(10));
        assert_eq!(create_time(i64::MAX, now), now);
        assert_eq!(create_time(-5, now), UNIX_EPOCH);
    }
}
