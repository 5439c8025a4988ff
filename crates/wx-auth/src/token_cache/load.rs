//! The load path of the token cache: the store first, then (under the fleet's refresh lock,
//! kept alive while it runs, with a fenced final write) the refresh itself; read-only nodes wait
//! for a refresher instead; a failed refresh falls back to a cached token that has not expired.

use std::future::Future;
use std::time::{Duration, Instant};

use rand::Rng;

use super::refresh_lock::HeldLock;
use super::{RefreshMode, TokenCache};
use crate::error::AuthError;
use crate::metrics;
use crate::store::TokenKey;
use crate::token::AccessToken;

impl TokenCache {
    pub(super) async fn read_store(&self, key: &TokenKey, margin: Duration) -> Result<Option<AccessToken>, ()> {
        match self.store().get_token(key).await {
            Ok(Some(token)) if !token.needs_refresh_at(self.now(), margin) => Ok(Some(token)),
            Ok(_) => Ok(None),
            Err(e) => {
                tracing::warn!(key = %key, error = %e, "token store unavailable; falling back to in-process refresh");
                Err(())
            }
        }
    }

    pub(super) async fn load<F, Fut>(
        &self,
        key: &TokenKey,
        margin: Duration,
        refresh: F,
    ) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        match self.load_fresh(key, margin, refresh).await {
            Err(e) if !e.is_token_invalid() => match self.unexpired(key) {
                Some(token) => {
                    metrics::stale_token_served(key.kind());
                    tracing::warn!(key = %key, error = %e, remaining_secs = token.remaining_at(self.now()).as_secs(), "refresh failed; using the cached token until it expires");
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
        if self.settings().mode == RefreshMode::ReadOnly {
            return self.wait_for_refresher(key, margin).await;
        }
        if !store_up {
            return self.refresh_and_keep(key, refresh).await;
        }
        let started = Instant::now();
        let mut waited = false;
        loop {
            match HeldLock::try_take(self.store(), key, self.settings().lock_ttl).await {
                Ok(Some(lock)) => {
                    if waited {
                        metrics::lock_waited(key.kind(), "lock", started.elapsed());
                    }
                    let result = self.refresh_under(&lock, key, margin, refresh).await;
                    lock.release().await;
                    return result;
                }
                Ok(None) => waited = true,
                Err(e) => {
                    if waited {
                        metrics::lock_waited(key.kind(), "store_down", started.elapsed());
                    }
                    tracing::warn!(key = %key, error = %e, "refresh lock unavailable; refreshing within this process only");
                    return self.refresh_and_keep(key, refresh).await;
                }
            }
            // Someone else is refreshing: wait a little, then look again.
            tokio::time::sleep(poll_delay()).await;
            match self.read_store(key, margin).await {
                Ok(Some(token)) => {
                    metrics::lock_waited(key.kind(), "token", started.elapsed());
                    self.remember(key, &token);
                    return Ok(token);
                }
                Ok(None) => {}
                Err(()) => {
                    metrics::lock_waited(key.kind(), "store_down", started.elapsed());
                    return self.refresh_and_keep(key, refresh).await;
                }
            }
            if started.elapsed() > self.settings().wait_budget {
                metrics::lock_waited(key.kind(), "timeout", started.elapsed());
                return Err(Self::timeout_error(key, started));
            }
        }
    }

    /// With the lock held: re-read (the previous holder may just have written), else refresh
    /// while keeping the lock alive, and write the result only if the lock is still ours.
    async fn refresh_under<F, Fut>(
        &self,
        lock: &HeldLock,
        key: &TokenKey,
        margin: Duration,
        refresh: F,
    ) -> Result<AccessToken, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        if let Ok(Some(token)) = self.read_store(key, margin).await {
            self.remember(key, &token);
            return Ok(token);
        }
        let refreshed = lock.keep_alive_during(refresh()).await;
        metrics::token_refreshed(key.kind(), &refreshed);
        let token = refreshed?;
        self.remember(key, &token);
        lock.store_token(&token).await;
        Ok(token)
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
        let refreshed = refresh().await;
        metrics::token_refreshed(key.kind(), &refreshed);
        let token = refreshed?;
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
                metrics::lock_waited(key.kind(), "token", started.elapsed());
                self.remember(key, &token);
                return Ok(token);
            }
            if started.elapsed() > self.settings().wait_budget {
                metrics::lock_waited(key.kind(), "timeout", started.elapsed());
                return Err(Self::timeout_error(key, started));
            }
            tokio::time::sleep(poll_delay()).await;
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// 25–75 ms: short enough to pick up a refresh quickly, jittered so waiters do not move in step.
fn poll_delay() -> Duration {
    Duration::from_millis(rand::rng().random_range(25..=75))
}
