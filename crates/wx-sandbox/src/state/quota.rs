//! Daily API quotas per (account, path), the way WeChat counts them, and the monthly budget
//! of quota resets (`clear_quota`).

use std::collections::HashMap;

use crate::wire::{WxError, code, unix_now};

/// Calls a day allowed on a path without a configured limit (a sandbox choice: WeChat
/// publishes no general figure).
pub(crate) const DEFAULT_DAILY_LIMIT: u64 = 1_000_000;
/// The daily limit of `api_component_token` (the figure WeChat's own quota query reported
/// in a community thread).
pub(crate) const COMPONENT_TOKEN_DAILY_LIMIT: u64 = 10_000;
/// Quota resets an account may make per month (`clear_quota` and its `v2` forms together).
pub(crate) const RESETS_PER_MONTH: u32 = 10;

const COMPONENT_TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";

/// WeChat's days and months turn at midnight Beijing time (UTC+8).
fn beijing_days() -> i64 {
    (unix_now() + 8 * 3600).div_euclid(86_400)
}

/// A month number (year × 12 + month) from days since 1970-01-01.
fn month_of(days: i64) -> i64 {
    // Civil-from-days (proleptic Gregorian), March-based years.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year * 12 + month
}

/// Counters and limits.
#[derive(Debug, Default)]
pub(crate) struct Quotas {
    /// Daily limits set by the tester, by path.
    limits: HashMap<String, u64>,
    day: i64,
    /// Calls today by (appid, path).
    used: HashMap<(String, String), u64>,
    month: i64,
    /// Resets this month by appid.
    resets: HashMap<String, u32>,
}

impl Quotas {
    /// Quotas starting with these daily limits by path.
    pub(crate) fn with_limits(limits: HashMap<String, u64>) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Sets the daily limit of `path` for every account.
    pub(crate) fn set_limit(&mut self, path: &str, limit: u64) {
        self.limits.insert(path.to_owned(), limit);
    }

    /// The daily limit of `path`.
    pub(crate) fn limit(&self, path: &str) -> u64 {
        self.limits
            .get(path)
            .copied()
            .unwrap_or(if path == COMPONENT_TOKEN_PATH {
                COMPONENT_TOKEN_DAILY_LIMIT
            } else {
                DEFAULT_DAILY_LIMIT
            })
    }

    fn roll_over(&mut self) {
        let today = beijing_days();
        if today != self.day {
            self.day = today;
            self.used.clear();
        }
        let month = month_of(today);
        if month != self.month {
            self.month = month;
            self.resets.clear();
        }
    }

    /// Counts one call of `appid` on `path`; 45009 once today's limit is used up (the
    /// refused call is not counted).
    pub(crate) fn spend(&mut self, appid: &str, path: &str) -> Result<(), WxError> {
        self.roll_over();
        let limit = self.limit(path);
        let used = self.used.entry((appid.to_owned(), path.to_owned())).or_default();
        if *used >= limit {
            return Err(WxError::new(
                code::DAILY_QUOTA,
                "reach max api daily quota limit (clear it with clear_quota)",
            ));
        }
        *used += 1;
        Ok(())
    }

    /// Calls of `appid` on `path` today.
    pub(crate) fn used(&mut self, appid: &str, path: &str) -> u64 {
        self.roll_over();
        self.used
            .get(&(appid.to_owned(), path.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// Resets every counter of `appid`; 48006 after [`RESETS_PER_MONTH`] resets this month.
    pub(crate) fn clear(&mut self, appid: &str) -> Result<(), WxError> {
        self.roll_over();
        let resets = self.resets.entry(appid.to_owned()).or_default();
        if *resets >= RESETS_PER_MONTH {
            return Err(WxError::new(
                code::CLEAR_QUOTA_LIMIT,
                "forbid to clear quota because of reaching the limit",
            ));
        }
        *resets += 1;
        self.used.retain(|(a, _), _| a != appid);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::month_of;

    #[test]
    fn months_from_days() {
        assert_eq!(month_of(0), 1970 * 12 + 1);
        assert_eq!(month_of(31), 1970 * 12 + 2);
        // 2024-02-29 is day 19782, 2024-03-01 is day 19783.
        assert_eq!(month_of(19_782), 2024 * 12 + 2);
        assert_eq!(month_of(19_783), 2024 * 12 + 3);
    }
}
