//! The caching engine every token source shares: an in-process L1 in front of the
//! [`TokenStore`], single-flight per key inside the process, and the store's refresh lock
//! across processes.
//!
//! Lookup order for a key: L1 → (one task per key) store → store lock → re-read → refresh.
//! A store outage degrades to L1 plus local single-flight, with a warning; it never fails a call
//! that WeChat could serve.
//!
//! Loads run in a task of their own: a caller that goes away (a timeout, a dropped request)
//! neither cancels the refresh — so a rotated refresh token is still stored — nor leaves the
//! fleet's lock held.

mod load;
mod refresh_lock;
mod settings;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

pub use settings::{CacheSettings, RefreshMode};

use crate::error::AuthError;
use crate::store::{TokenKey, TokenStore};
use crate::token::AccessToken;
use crate::token_map::TokenMap;

type Outcome = Option<Result<AccessToken, AuthError>>;
/// The loads under way, by key (keys are hashed with a fast seeded hasher: this map is on
/// every refresh's path).
type Flights = HashMap<TokenKey, watch::Receiver<Outcome>, foldhash::fast::RandomState>;

/// The caching engine behind every token source, public for credentials of the same shape
/// (e.g. the `wx_card` ticket): an in-process L1 in front of a [`TokenStore`], one load per
/// key in the process (single-flight), the store's lock across processes, and degradation to
/// local refresh when the store is down. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn TokenStore>,
    settings: CacheSettings,
    /// The in-process layer; `None` when the store is a [`MemoryStore`](crate::MemoryStore),
    /// whose own map is read instead (one copy of each token).
    l1: Option<TokenMap>,
    flights: Mutex<Flights>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("store", &self.inner.store)
            .field("settings", &self.inner.settings)
            .field("l1_entries", &self.inner.l1.as_ref().map(TokenMap::len))
            .finish_non_exhaustive()
    }
}

/// Removes a finished (or abandoned) flight from the map, unless a newer one replaced it.
struct FlightEnd {
    cache: TokenCache,
    key: TokenKey,
    flight: watch::Receiver<Outcome>,
}

impl Drop for FlightEnd {
    fn drop(&mut self) {
        let mut flights = self.cache.flights();
        if flights.get(&self.key).is_some_and(|f| f.same_channel(&self.flight)) {
            flights.remove(&self.key);
        }
    }
}

impl TokenCache {
    /// A cache over `store`. Durations outside their ranges are brought inside them (see
    /// [`CacheSettings::LOCK_TTL_RANGE`] and [`CacheSettings::MAX_WAIT_BUDGET`]).
    pub fn new(store: Arc<dyn TokenStore>, settings: CacheSettings) -> Self {
        let settings = settings.bounded();
        let l1 = store
            .as_memory_store()
            .is_none()
            .then(|| TokenMap::new(settings.l1_capacity));
        Self {
            inner: Arc::new(Inner {
                store,
                l1,
                settings,
                flights: Mutex::default(),
            }),
        }
    }

    fn flights(&self) -> MutexGuard<'_, Flights> {
        // Every critical section is a single map operation: a poisoned map is still consistent.
        self.inner.flights.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store behind the cache.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    fn settings(&self) -> &CacheSettings {
        &self.inner.settings
    }

    fn now(&self) -> std::time::SystemTime {
        self.inner.settings.clock.now()
    }

    /// The fresh token of `key` from L1 alone, if any (no I/O).
    pub fn cached(&self, key: &TokenKey) -> Option<AccessToken> {
        self.cached_within(key, self.settings().margin)
    }

    fn cached_within(&self, key: &TokenKey, margin: Duration) -> Option<AccessToken> {
        let now = self.now();
        self.local_if(key, |t| !t.needs_refresh_at(now, margin))
    }

    /// The token of `key` held in this process (L1, or an in-process store read in place), if
    /// unexpired and accepted by `keep`.
    fn local_if(&self, key: &TokenKey, keep: impl FnOnce(&AccessToken) -> bool) -> Option<AccessToken> {
        let now = self.now();
        match (&self.inner.l1, self.inner.store.as_memory_store()) {
            (Some(l1), _) => l1.get_if(key, now, keep),
            (None, Some(memory)) => memory.token_if(key, now, keep),
            (None, None) => None,
        }
    }

    /// A token from L1 that has not expired yet, however close to expiry: the last resort when a
    /// refresh fails (a store outage, WeChat unreachable). Rejected tokens are never in L1.
    fn unexpired(&self, key: &TokenKey) -> Option<AccessToken> {
        self.local_if(key, |_| true)
    }

    /// Keeps `token` in L1. Over an in-process store this does nothing: the store's write (or
    /// the read it came from) is the one copy.
    fn remember(&self, key: &TokenKey, token: &AccessToken) {
        if let Some(l1) = &self.inner.l1 {
            l1.insert(key, token, self.now());
        }
    }

    /// A fresh token for `key`, refreshing it with `refresh` if needed.
    ///
    /// Concurrent callers for the same key share one load; across processes the store's lock
    /// lets one refresh while the others wait and re-read. The load runs in a task of its own,
    /// so it completes (and stores what it obtained) even if every caller goes away.
    pub async fn get<F, Fut>(&self, key: &TokenKey, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<AccessToken, AuthError>> + Send + 'static,
    {
        self.get_within(key, self.settings().margin, refresh).await
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
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<AccessToken, AuthError>> + Send + 'static,
    {
        self.get_within(key, ahead.max(self.settings().margin), refresh).await
    }

    async fn get_within<F, Fut>(&self, key: &TokenKey, margin: Duration, refresh: F) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<AccessToken, AuthError>> + Send + 'static,
    {
        if let Some(token) = self.cached_within(key, margin) {
            return Ok(token);
        }
        let mut flight = self.join_or_start(key, margin, refresh);
        let outcome = flight.wait_for(Option::is_some).await.map(|o| o.clone());
        match outcome {
            Ok(Some(result)) => result,
            // The load's task ended without an answer: it panicked (and was logged by Tokio).
            _ => Err(AuthError::RefreshAborted {
                what: key.kind().as_str(),
                appid: key.appid().to_owned(),
            }),
        }
    }

    fn join_or_start<F, Fut>(&self, key: &TokenKey, margin: Duration, refresh: F) -> watch::Receiver<Outcome>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<AccessToken, AuthError>> + Send + 'static,
    {
        let mut flights = self.flights();
        if let Some(flight) = flights.get(key) {
            return flight.clone();
        }
        let (done, flight) = watch::channel(None);
        flights.insert(key.clone(), flight.clone());
        drop(flights);
        let end = FlightEnd {
            cache: self.clone(),
            key: key.clone(),
            flight: flight.clone(),
        };
        // The load's future is boxed, so the task itself stays small: Tokio aligns every task
        // to a cache line, and with glibc's allocator many large aligned allocations in flight
        // left the heap fragmented (three times the resident memory when warming many tokens
        // at once); a plain boxed future reuses the space of the previous one.
        tokio::spawn(Box::pin(async move {
            let result = end.cache.load(&end.key, margin, refresh).await;
            done.send_replace(Some(result));
            drop(end);
        }));
        flight
    }

    /// Forgets `rejected` for `key` in L1 and, if still there, in the store (compare-and-delete).
    pub async fn invalidate(&self, key: &TokenKey, rejected: &AccessToken) -> Result<(), AuthError> {
        if let Some(l1) = &self.inner.l1 {
            l1.remove_if(key, rejected);
        }
        match self.store().delete_token_if(key, rejected).await {
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
        if let Err(e) = self.store().put_token(key, token).await {
            tracing::warn!(key = %key, error = %e, "token store unavailable; token kept in the in-process cache only");
        }
    }

    /// Forgets `key` in L1 only (the store copy is handled by the caller).
    pub(crate) fn forget_local(&self, key: &TokenKey) {
        if let Some(l1) = &self.inner.l1 {
            l1.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, TokenKind};

    fn never() -> std::future::Ready<Result<AccessToken, AuthError>> {
        std::future::ready(Err(AuthError::Config("no refresh expected".into())))
    }

    #[tokio::test]
    async fn over_a_memory_store_the_store_holds_the_only_copy() {
        let store = Arc::new(MemoryStore::new());
        let cache = TokenCache::new(store.clone(), CacheSettings::default());
        let key = TokenKey::new("wxcomponent", "wxauthorizer", TokenKind::AuthorizerAccessToken);
        let token = AccessToken::new("token-value", Duration::from_secs(7200));
        cache.put(&key, &token).await;
        assert_eq!(cache.get(&key, never).await.expect("cached"), token);
        // Another holder of the store drops the token: the cache has no second copy to serve.
        assert!(store.delete_token_if(&key, &token).await.expect("delete"));
        assert!(cache.cached(&key).is_none());
        assert!(cache.get(&key, never).await.is_err(), "a lookup goes to the refresh");
    }
}
