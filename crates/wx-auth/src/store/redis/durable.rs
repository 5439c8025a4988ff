//! Durable writes that wait for replicas: after each write of durable data (an authorizer
//! record, a rotated refresh token, a verify ticket) the store sends Redis `WAIT` in the same
//! pipeline, so the answer says how many replicas hold the write.
//!
//! Redis replicates asynchronously: a primary that fails right after a write can take the write
//! with it, and for a rotated refresh token that is a merchant who must authorize again. `WAIT`
//! does not make replication synchronous (a primary can still fail between the write and the
//! acknowledgements), but once it reports N acknowledgements, a fail-over to any of those
//! replicas keeps the write.

use std::time::Duration;

/// How durable writes wait for replicas (see [`RedisStore::with_durable_writes`]).
///
/// [`RedisStore::with_durable_writes`]: super::RedisStore::with_durable_writes
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurableWrites {
    replicas: u32,
    timeout: Duration,
    fail_when_unreplicated: bool,
}

impl DurableWrites {
    /// How long a write waits for acknowledgements unless [`timeout`](Self::timeout) says
    /// otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

    /// Wait for `replicas` acknowledgements of each durable write, up to
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT); a shortfall is logged as a warning.
    pub fn new(replicas: u32) -> Self {
        Self {
            replicas,
            timeout: Self::DEFAULT_TIMEOUT,
            fail_when_unreplicated: false,
        }
    }

    /// The longest a write waits for its acknowledgements (bounded to 10 s; at least 1 ms, since
    /// `WAIT 0` would wait forever).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.clamp(Duration::from_millis(1), Duration::from_secs(10));
        self
    }

    /// Report a shortfall as an error ([`StoreError::is_not_replicated`]) instead of a warning.
    /// The write itself has been made on the primary either way.
    ///
    /// [`StoreError::is_not_replicated`]: crate::StoreError::is_not_replicated
    pub fn fail_when_unreplicated(mut self) -> Self {
        self.fail_when_unreplicated = true;
        self
    }

    /// The acknowledgements each durable write waits for.
    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    /// How long a write waits for them.
    pub fn wait_timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether a shortfall is an error (else a warning).
    pub fn fails_when_unreplicated(&self) -> bool {
        self.fail_when_unreplicated
    }

    /// The `WAIT` timeout argument, in whole milliseconds.
    pub(super) fn wait_millis(&self) -> u64 {
        u64::try_from(self.timeout.as_millis()).unwrap_or(10_000).max(1)
    }
}
