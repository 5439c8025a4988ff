//! The caching engine every token source shares: an in-process L1 in front of the
//! [`TokenStore`], single-flight per key inside the process, and the store's refresh lock
//! across processes.
//!
//! Lookup order for a key: L1 → (one task per key) store → store lock → re-read → refresh.
//! A store outage degrades to L1 plus local single-flight, with a warning; it never fails a call
//! that WeChat could serve.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::Rng;
use tokio::sync::OnceCell;

use crate::clock::{self, SharedClock};
use crate::error::AuthError;
use crate::store::{TokenKey, TokenStore};
use crate::token::AccessToken;

/// How a token source behaves when its cached token is missing or stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RefreshMode {
    /// Refresh from WeChat (under the store's lock) when needed. The default.
    #[default]
    Refresh,
    /// Never call a token endpoint: wait (bounded) for a refresher process to write a fresh
    /// token to the shared store, then fail with [`AuthError::RefreshTimeout`].
    ReadOnly,
}

/// Tunables of a [`TokenCache`]; the builders of the token sources set them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CacheSettings {
    /// Refresh this long before expiry (capped at half a token's lifetime). Default 5 minutes.
    pub margin: Duration,
    /// How long the cross-process refresh lock is held at most. Default 20 s.
    pub lock_ttl: Duration,
    /// How long a caller waits for someone else's refresh. Default 30 s.
    pub wait_budget: Duration,
    /// Most tokens kept in the in-process L1. Default 10 000.
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
            l1_capacity: 10_000,
            mode: RefreshMode::Refresh,
            clock: clock::system(),
        }
    }
}

type Flight = Arc<OnceCell<Result<AccessToken, AuthError>>>;

/// The caching engine behind every token source, public for credentials of the same shape
/// (e.g. the `wx_card` ticket): an in-process L1 in front of a [`TokenStore`], one load per
/// key in the process (single-flight), the store's lock across processes, and degradation to
/// local refresh when the store is down.
pub struct TokenCache {
    store: Arc<dyn TokenStore>,
    settings: CacheSettings,
    l1: Mutex<HashMap<TokenKey, AccessToken>>,
    flights: Mutex<HashMap<TokenKey, Flight>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is a single map operation: a poisoned map is still consistent.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("store", &self.store)
            .field("settings", &self.settings)
            .field("l1_entries", &lock(&self.l1).len())
            .finish_non_exhaustive()
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
    fn bounded(mut self) -> Self {
        let (min_ttl, max_ttl) = Self::LOCK_TTL_RANGE;
        self.lock_ttl = self.lock_ttl.clamp(min_ttl, max_ttl);
        self.wait_budget = self.wait_budget.min(Self::MAX_WAIT_BUDGET);
        self.l1_capacity = self.l1_capacity.max(1);
        self
    }
}

impl TokenCache {
    /// A cache over `store`. Durations outside their ranges are brought inside them (see
    /// [`CacheSettings::LOCK_TTL_RANGE`] and [`CacheSettings::MAX_WAIT_BUDGET`]).
    pub fn new(store: Arc<dyn TokenStore>, settings: CacheSettings) -> Self {
        let settings = settings.bounded();
        Self {
            store,
            settings,
            l1: Mutex::new(HashMap::new()),
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// The store behind the cache.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.store
    }

    /// The fresh token of `key` from L1 alone, if any (no I/O).
    pub fn cached(&self, key: &TokenKey) -> Option<AccessToken> {
        self.cached_within(key, self.settings.margin)
    }

    fn cached_within(&self, key: &TokenKey, margin: Duration) -> Option<AccessToken> {
        lock(&self.l1).get(key).filter(|t| !t.needs_refresh(margin)).cloned()
    }

    /// A token from L1 that has not expired yet, however close to expiry: the last resort when a
    /// refresh fails (a store outage, WeChat unreachable). Rejected tokens are never in L1.
    fn unexpired(&self, key: &TokenKey) -> Option<AccessToken> {
        lock(&self.l1).get(key).filter(|t| !t.is_expired()).cloned()
    }

    fn remember(&self, key: &TokenKey, token: &AccessToken) {
        let mut l1 = lock(&self.l1);
        if l1.len() >= self.settings.l1_capacity && !l1.contains_key(key) {
            l1.retain(|_, t| !t.is_expired());
            if l1.len() >= self.settings.l1_capacity {
                // Still full of live tokens: drop the one closest to expiry.
                if let Some(victim) = l1.iter().min_by_key(|(_, t)| t.expires_at()).map(|(k, _)| k.clone()) {
                    l1.remove(&victim);
                }
            }
        }
        l1.insert(key.clone(), token.clone());
    }

    /// A fresh token for `key`, refreshing it with `refresh` if needed.
    ///
    /// Concurrent callers for the same key share one load; across processes the store's lock
    /// lets one refresh while the others wait and re-read.
    pub async fn get<F, Fut>(&self, key: &TokenKey, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        self.get_within(key, self.settings.margin, refresh).await
    }

    /// Like [`get`](Self::get), but treats a token as stale `ahead` before its expiry: a
    /// background refresher calls this with its own period added to the margin, so callers
    /// never meet a stale token.
    pub async fn refresh_ahead<F, Fut>(
        &self,
        key: &TokenKey,
        ahead: Duration,
        refresh: F,
    ) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        self.get_within(key, ahead.max(self.settings.margin), refresh).await
    }

    async fn get_within<F, Fut>(&self, key: &TokenKey, margin: Duration, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        if let Some(token) = self.cached_within(key, margin) {
            return Ok(token);
        }
        let flight = lock(&self.flights).entry(key.clone()).or_default().clone();
        let result = flight.get_or_init(|| self.load(key, margin, refresh)).await.clone();
        let mut flights = lock(&self.flights);
        if flights.get(key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            flights.remove(key);
        }
        result
    }

    /// Forgets `rejected` for `key` in L1 and, if still there, in the store (compare-and-delete).
    pub async fn invalidate(&self, key: &TokenKey, rejected: &AccessToken) -> Result<(), AuthError> {
        {
            let mut l1 = lock(&self.l1);
            if l1.get(key) == Some(rejected) {
                l1.remove(key);
            }
        }
        match self.store.delete_token_if(key, rejected).await {
            Ok(deleted) => {
                tracing::debug!(key = %key, deleted, "invalidated a rejected token");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(key = %key, error = %e, "token store unavailable while invalidating; dropped from the in-process cache only");
                Ok(())
            }
        }
    }

    /// Writes a token obtained outside the refresh path (e.g. from `api_query_auth`).
    pub async fn put(&self, key: &TokenKey, token: &AccessToken) {
        self.remember(key, token);
        if let Err(e) = self.store.put_token(key, token).await {
            tracing::warn!(key = %key, error = %e, "token store unavailable; token kept in the in-process cache only");
        }
    }

    /// Forgets `key` in L1 only (the store copy is handled by the caller).
    pub(crate) fn forget_local(&self, key: &TokenKey) {
        lock(&self.l1).remove(key);
    }

    async fn read_store(&self, key: &TokenKey, margin: Duration) -> Result<Option<AccessToken>, ()> {
        match self.store.get_token(key).await {
            Ok(Some(token)) if !token.needs_refresh(margin) => Ok(Some(token)),
            Ok(_) => Ok(None),
            Err(e) => {
                tracing::warn!(key = %key, error = %e, "token store unavailable; falling back to in-process refresh");
                Err(())
            }
        }
    }

    async fn load<F, Fut>(&self, key: &TokenKey, margin: Duration, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        match self.load_fresh(key, margin, refresh).await {
            Err(e) if !e.is_token_invalid() => match self.unexpired(key) {
                Some(token) => {
                    tracing::warn!(key = %key, error = %e, remaining_secs = token.remaining().as_secs(), "refresh failed; using the cached token until it expires");
                    Ok(token)
                }
                None => Err(e),
            },
            other => other,
        }
    }

    async fn load_fresh<F, Fut>(&self, key: &TokenKey, margin: Duration, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        // Another flight may have finished between our L1 miss and joining this one.
        if let Some(token) = self.cached_within(key, margin) {
            return Ok(token);
        }
        let store_up = match self.read_store(key, margin).await {
            Ok(Some(token)) => {
                self.remember(key, &token);
                return Ok(token);
            }
            Ok(None) => true,
            Err(()) => false,
        };
        if self.settings.mode == RefreshMode::ReadOnly {
            return self.wait_for_refresher(key, margin).await;
        }
        if !store_up {
            return self.refresh_and_keep(key, refresh).await;
        }
        let owner = lock_owner();
        let started = Instant::now();
        loop {
            match self.store.try_lock(key, &owner, self.settings.lock_ttl).await {
                Ok(true) => {
                    let result = match self.read_store(key, margin).await {
                        Ok(Some(token)) => {
                            self.remember(key, &token);
                            Ok(token)
                        }
                        _ => self.refresh_and_keep(key, refresh).await,
                    };
                    if let Err(e) = self.store.unlock(key, &owner).await {
                        tracing::warn!(key = %key, error = %e, "could not release the refresh lock; it expires by itself");
                    }
                    return result;
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(key = %key, error = %e, "refresh lock unavailable; refreshing within this process only");
                    return self.refresh_and_keep(key, refresh).await;
                }
            }
            // Someone else is refreshing: wait a little, then look again.
            tokio::time::sleep(poll_delay()).await;
            match self.read_store(key, margin).await {
                Ok(Some(token)) => {
                    self.remember(key, &token);
                    return Ok(token);
                }
                Ok(None) => {}
                Err(()) => return self.refresh_and_keep(key, refresh).await,
            }
            if started.elapsed() > self.settings.wait_budget {
                return Err(Self::timeout_error(key, started));
            }
        }
    }

    fn timeout_error(key: &TokenKey, started: Instant) -> AuthError {
        AuthError::RefreshTimeout {
            what: key.kind().as_str(),
            appid: key.appid().to_owned(),
            waited_ms: millis(started.elapsed()),
        }
    }

    async fn refresh_and_keep<F, Fut>(&self, key: &TokenKey, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        let token = refresh().await?;
        self.put(key, &token).await;
        Ok(token)
    }

    /// Read-only mode: poll the store until a refresher writes a fresh token, within the wait
    /// budget.
    async fn wait_for_refresher(&self, key: &TokenKey, margin: Duration) -> Result<AccessToken, AuthError> {
        let started = Instant::now();
        loop {
            // A read-only node accepts any unexpired token: refreshing early is the refresher's job.
            let accept = margin.min(Duration::from_secs(1));
            if let Ok(Some(token)) = self.read_store(key, accept).await {
                self.remember(key, &token);
                return Ok(token);
            }
            if started.elapsed() > self.settings.wait_budget {
                return Err(Self::timeout_error(key, started));
            }
            tokio::time::sleep(poll_delay()).await;
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A random lock owner, so only the holder can release the lock.
fn lock_owner() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().fold(String::with_capacity(32), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// 25–75 ms: short enough to pick up a refresh quickly, jittered so waiters do not move in step.
fn poll_delay() -> Duration {
    Duration::from_millis(rand::rng().random_range(25..=75))
}
