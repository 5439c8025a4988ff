//! [`RetryPolicy`]: how often, and how far apart, a transient failure is retried; and the retry
//! budget that keeps an outage from multiplying the traffic.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How the transport retries calls that are safe to repeat after a transient failure (WeChat
/// busy: -1, 72036, 72054; HTTP 5xx or 429; a timeout; a connection dropped before the answer).
///
/// The default: up to 3 attempts, exponential backoff with full jitter starting at 200 ms
/// (a random wait between 0 and 200 ms, then 0–400 ms, …) capped at 5 s, and a retry budget of
/// 20 % of the calls plus one retry per second (bursts of up to 10). Quota codes, wrong
/// requests and calls that are not safe to repeat are never retried.
///
/// ```
/// use std::time::Duration;
/// use wx_auth::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(5).max_backoff(Duration::from_secs(2));
/// let once = RetryPolicy::none();
/// assert_eq!(once.attempts(), 1);
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget_ratio: f64,
    budget_per_second: u32,
    budget_burst: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            budget_ratio: 0.2,
            budget_per_second: 1,
            budget_burst: 10,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is attempted once (fail-over to another host when a connection
    /// cannot be opened still happens, since then nothing was sent).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// At most `attempts` attempts per call, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The ceiling of the first backoff; each later one doubles it, up to
    /// [`max_backoff`](Self::max_backoff).
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff ceiling.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The retry budget: retries may add at most `ratio` of the calls (0.2 = 20 %), plus
    /// `per_second` retries a second whatever the traffic, with bursts of up to `burst`. A retry
    /// the budget cannot pay for is not made; the call fails with its last error.
    #[must_use]
    pub fn budget(mut self, ratio: f64, per_second: u32, burst: u32) -> Self {
        self.budget_ratio = if ratio.is_finite() { ratio.clamp(0.0, 1.0) } else { 0.0 };
        self.budget_per_second = per_second;
        self.budget_burst = burst.max(1);
        self
    }

    /// How many attempts a call may take at most.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before retry number `retry` (0 for the first retry): a uniformly random
    /// duration between zero and `min(max_backoff, initial_backoff × 2^retry)` ("full jitter").
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .checked_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::random_range(0..=nanos))
    }
}

/// Milli-tokens: one retry costs [`RETRY_COST`].
const RETRY_COST: u64 = 1000;

/// A token bucket shared by the clones of one client: every call deposits `ratio` of a retry,
/// time refills `per_second` retries a second, a retry withdraws one; the balance never exceeds
/// `burst` retries. Lock-free: two atomics.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    deposit: u64,
    refill_per_ms: u64,
    capacity: u64,
    balance: AtomicU64,
    refilled_at_ms: AtomicU64,
}

impl RetryBudget {
    pub(crate) fn new(policy: &RetryPolicy, now: SystemTime) -> Self {
        let capacity = u64::from(policy.budget_burst) * RETRY_COST;
        // The ratio is bounded to [0, 1] by the setter, so the product fits.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let deposit = (policy.budget_ratio * 1000.0).round() as u64;
        Self {
            deposit,
            refill_per_ms: u64::from(policy.budget_per_second),
            capacity,
            balance: AtomicU64::new(capacity),
            refilled_at_ms: AtomicU64::new(millis(now)),
        }
    }

    /// A call starts: it earns a share of a retry.
    pub(crate) fn deposit(&self) {
        if self.deposit == 0 || self.balance.load(Ordering::Relaxed) >= self.capacity {
            return;
        }
        let _ = self.balance.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
            Some((b + self.deposit).min(self.capacity))
        });
    }

    /// Pays for one retry, if the balance allows.
    pub(crate) fn withdraw(&self, now: SystemTime) -> bool {
        let now_ms = millis(now);
        let before = self.refilled_at_ms.swap(now_ms, Ordering::Relaxed);
        let refill = now_ms.saturating_sub(before).saturating_mul(self.refill_per_ms);
        self.balance
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                let b = b.saturating_add(refill).min(self.capacity);
                b.checked_sub(RETRY_COST)
            })
            .is_ok()
    }
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_capped_ceiling() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(200))
            .max_backoff(Duration::from_secs(1));
        for retry in 0..40 {
            let ceiling = Duration::from_millis(200 * (1 << retry.min(10))).min(Duration::from_secs(1));
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling, "retry {retry}");
            }
        }
        let spread: Vec<Duration> = (0..200).map(|_| policy.backoff(0)).collect();
        assert!(
            spread.iter().any(|d| *d < Duration::from_millis(100)),
            "full jitter reaches low"
        );
        assert!(spread.iter().any(|d| *d > Duration::from_millis(100)), "and high");
    }

    #[test]
    fn the_budget_allows_a_burst_then_a_share_of_the_calls() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let policy = RetryPolicy::default().budget(0.2, 0, 3);
        let budget = RetryBudget::new(&policy, now);
        assert!((0..3).all(|_| budget.withdraw(now)), "the burst");
        assert!(!budget.withdraw(now), "then nothing");
        for _ in 0..5 {
            budget.deposit();
        }
        assert!(budget.withdraw(now), "five calls earn one retry");
        assert!(!budget.withdraw(now));
    }

    #[test]
    fn the_budget_refills_with_time() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let budget = RetryBudget::new(&RetryPolicy::default().budget(0.0, 2, 2), now);
        assert!(budget.withdraw(now) && budget.withdraw(now) && !budget.withdraw(now));
        assert!(
            budget.withdraw(now + Duration::from_millis(500)),
            "2/s: one after 500 ms"
        );
        assert!(!budget.withdraw(now + Duration::from_millis(500)));
    }
}
