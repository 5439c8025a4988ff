//! [`CacheSettings`] and [`RefreshMode`]: the tunables of a [`TokenCache`](super::TokenCache).

use std::time::Duration;

use crate::clock::{self, SharedClock};

/// How a token source behaves when its cached token is missing or stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RefreshMode {
    /// Refresh from WeChat (under the store's lock) when needed. The default.
    #[default]
    Refresh,
    /// Never call a token endpoint: wait (bounded) for a refresher process to write a fresh
    /// token to the shared store, then fail with
    /// [`AuthError::RefreshTimeout`](crate::AuthError::RefreshTimeout).
    ReadOnly,
}

/// Tunables of a [`TokenCache`](crate::TokenCache); the builders of the token sources set them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CacheSettings {
    /// Refresh this long before expiry (capped at half a token's lifetime). Default 5 minutes.
    pub margin: Duration,
    /// How long the cross-process refresh lock is held at most. Default 20 s.
    pub lock_ttl: Duration,
    /// How long a caller waits for someone else's refresh. Default 30 s.
    pub wait_budget: Duration,
    /// Most tokens of each kind kept in the in-process L1 (authorizer tokens, tickets and the
    /// component token are bounded separately, so one kind never evicts another). Default
    /// 200 000. Tokens also leave the L1 when they expire, so it holds at most the tokens used
    /// within one lifetime (two hours); a full L1 costs about 350 bytes per token with WeChat's
    /// 157-character tokens (about 67 MiB at the default bound). A lookup costs the same at any
    /// size (no step visits every entry).
    pub l1_capacity: usize,
    /// Refresh, or only read what a refresher wrote.
    pub mode: RefreshMode,
    /// Where time comes from (default: the system clock); builders set the same clock as
    /// their transport's.
    pub clock: SharedClock,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            margin: Duration::from_secs(300),
            lock_ttl: Duration::from_secs(20),
            wait_budget: Duration::from_secs(30),
            l1_capacity: 200_000,
            mode: RefreshMode::Refresh,
            clock: clock::system(),
        }
    }
}

impl CacheSettings {
    /// The range a lock TTL is kept within: long enough for one refresh round trip, short
    /// enough that a crashed holder does not stall the fleet for long.
    pub const LOCK_TTL_RANGE: (Duration, Duration) = (Duration::from_millis(100), Duration::from_secs(600));
    /// The longest a caller waits for someone else's refresh.
    pub const MAX_WAIT_BUDGET: Duration = Duration::from_secs(600);

    /// These settings with every duration inside its documented range, so that any value a
    /// caller passes (`Duration::MAX` included) is safe.
    pub(super) fn bounded(mut self) -> Self {
        let (min_ttl, max_ttl) = Self::LOCK_TTL_RANGE;
        self.lock_ttl = self.lock_ttl.clamp(min_ttl, max_ttl);
        self.wait_budget = self.wait_budget.min(Self::MAX_WAIT_BUDGET);
        self.l1_capacity = self.l1_capacity.max(1);
        self
    }
}
