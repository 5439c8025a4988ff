//! The cross-process refresh lock as held by one refresh: taken, kept alive while the refresh
//! runs, released on every exit path (an unwinding panic included), and the final token write
//! fenced so that only the lock's current holder writes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;

use crate::error::AuthError;
use crate::store::{TokenKey, TokenStore};
use crate::token::AccessToken;

/// A refresh lock this process holds. Dropping it without [`release`](Self::release) (a panic)
/// releases it in a spawned task.
pub(super) struct HeldLock {
    store: Arc<dyn TokenStore>,
    key: TokenKey,
    owner: String,
    ttl: Duration,
    released: bool,
}

impl HeldLock {
    /// Tries to take the lock of `key`; `Ok(None)` when someone else holds it.
    pub(super) async fn try_take(
        store: &Arc<dyn TokenStore>,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<HeldLock>, crate::store::StoreError> {
        let owner = lock_owner();
        Ok(store.try_lock(key, &owner, ttl).await?.then(|| HeldLock {
            store: store.clone(),
            key: key.clone(),
            owner,
            ttl,
            released: false,
        }))
    }

    /// Runs `refresh` while renewing the lock every third of its TTL, so that a slow refresh
    /// (several hosts, retries) never outlives it. A renewal that finds the lock gone is
    /// logged; the final write is then refused by [`store_token`](Self::store_token).
    pub(super) async fn keep_alive_during<Fut>(&self, refresh: Fut) -> Result<AccessToken, AuthError>
    where
        Fut: Future<Output = Result<AccessToken, AuthError>>,
    {
        let period = self.ttl / 3;
        tokio::pin!(refresh);
        loop {
            tokio::select! {
                result = &mut refresh => return result,
                () = tokio::time::sleep(period) => match self.store.extend_lock(&self.key, &self.owner, self.ttl).await {
                    Ok(true) => tracing::debug!(key = %self.key, "refresh lock extended"),
                    Ok(false) => tracing::warn!(key = %self.key, "refresh lock lost while refreshing; this refresh will not overwrite the shared token"),
                    Err(e) => tracing::warn!(key = %self.key, error = %e, "could not extend the refresh lock"),
                },
            }
        }
    }

    /// Writes `token` to the store only if this process still holds the lock. Returns whether
    /// it wrote.
    pub(super) async fn store_token(&self, token: &AccessToken) -> bool {
        match self.store.put_token_if_owner(&self.key, token, &self.owner).await {
            Ok(true) => true,
            Ok(false) => {
                tracing::warn!(key = %self.key, "refresh lock lost before the write; the shared token was left as another holder wrote it");
                false
            }
            Err(e) => {
                tracing::warn!(key = %self.key, error = %e, "token store unavailable; token kept in the in-process cache only");
                false
            }
        }
    }

    /// Releases the lock (if still held by this process).
    pub(super) async fn release(mut self) {
        self.released = true;
        if let Err(e) = self.store.unlock(&self.key, &self.owner).await {
            tracing::warn!(key = %self.key, error = %e, "could not release the refresh lock; it expires by itself");
        }
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        let (store, key, owner) = (self.store.clone(), self.key.clone(), std::mem::take(&mut self.owner));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(e) = store.unlock(&key, &owner).await {
                    tracing::warn!(key = %key, error = %e, "could not release an abandoned refresh lock; it expires by itself");
                }
            });
        }
    }
}

/// A random lock owner, so only the holder can release the lock.
fn lock_owner() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes: [u8; 16] = rand::rng().random();
    let mut owner = String::with_capacity(32);
    for b in bytes {
        owner.push(char::from(HEX[usize::from(b >> 4)]));
        owner.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    owner
}
