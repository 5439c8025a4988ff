//! [`Clock`]: the one place the SDK reads time from.
//!
//! Token expiry, early refresh, host cool-downs, retry back-off and the push replay window all
//! ask a [`Clock`] for the time and for sleeps, so a test can move time instead of waiting:
//! give a builder a [`ManualClock`] and [`advance`](ManualClock::advance) it.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use wx_auth::clock::{Clock, ManualClock};
//!
//! let clock = Arc::new(ManualClock::new());
//! let start = clock.now();
//! clock.advance(Duration::from_secs(7200));
//! assert_eq!(clock.now().duration_since(start).unwrap(), Duration::from_secs(7200));
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

/// A boxed future that finishes after a sleep.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A source of wall-clock time and of sleeps.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;

    /// A future that finishes once `duration` has passed on this clock.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// A clock shared by the parts of one client.
pub type SharedClock = Arc<dyn Clock>;

/// The system's clock and Tokio's timer. The default everywhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// `t + d`, or — when that is beyond what `SystemTime` can represent — a time a century or
/// more ahead: "never" for every deadline and expiry the SDK computes.
pub(crate) fn later_by(t: SystemTime, d: Duration) -> SystemTime {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    t.checked_add(d).or_else(|| t.checked_add(CENTURY)).unwrap_or(t)
}

/// The default clock as a [`SharedClock`].
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that only moves when told to, for tests.
///
/// Sleeps finish as soon as [`advance`](Self::advance) or [`set`](Self::set) moves the clock
/// past their deadline; a sleep of zero finishes at once.
pub struct ManualClock {
    now: Mutex<SystemTime>,
    moved: watch::Sender<SystemTime>,
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualClock").field("now", &*self.guard()).finish()
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock standing at the system's current time.
    pub fn new() -> Self {
        Self::at(SystemTime::now())
    }

    /// A clock standing at `start`.
    pub fn at(start: SystemTime) -> Self {
        let (moved, _) = watch::channel(start);
        Self {
            now: Mutex::new(start),
            moved,
        }
    }

    fn guard(&self) -> MutexGuard<'_, SystemTime> {
        // Only a plain value is stored: a poisoned lock still holds a valid time.
        self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward by `by` and wakes due sleeps. An advance beyond what
    /// `SystemTime` can represent leaves the clock where it is.
    pub fn advance(&self, by: Duration) {
        let next = {
            let mut now = self.guard();
            *now = now.checked_add(by).unwrap_or(*now);
            *now
        };
        self.moved.send_replace(next);
    }

    /// Sets the clock to `to` (backwards too, as a wall clock may jump) and wakes due sleeps.
    pub fn set(&self, to: SystemTime) {
        *self.guard() = to;
        self.moved.send_replace(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.guard()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let now = self.now();
        let deadline = now.checked_add(duration).unwrap_or(now);
        let mut moved = self.moved.subscribe();
        Box::pin(async move {
            // `wait_for` checks the current value first, so an advance that happened between
            // `subscribe` and here is not missed. A dropped clock never wakes the sleep.
            if moved.wait_for(|t| *t >= deadline).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_sleep_finishes_only_when_the_clock_passes_its_deadline() {
        let clock = Arc::new(ManualClock::new());
        let sleeper = clock.sleep(Duration::from_secs(10));
        let task = tokio::spawn(sleeper);
        clock.advance(Duration::from_secs(5));
        tokio::task::yield_now().await;
        assert!(!task.is_finished(), "half-way is not enough");
        clock.advance(Duration::from_secs(5));
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("woken by the advance")
            .expect("sleep task");
    }

    #[tokio::test]
    async fn zero_sleep_and_huge_advances_are_safe() {
        let clock = ManualClock::new();
        clock.sleep(Duration::ZERO).await;
        clock.advance(Duration::MAX);
        let far = clock.now();
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), far, "an unrepresentable advance is ignored, not a panic");
        drop(clock.sleep(Duration::MAX)); // building a sleep that never ends must not panic
    }
}
