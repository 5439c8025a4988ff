//! The in-process layer (L1) of the token cache: the freshest token of each key, bounded in
//! size, read without I/O.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use crate::store::TokenKey;
use crate::token::AccessToken;

#[derive(Debug)]
pub(super) struct L1 {
    capacity: usize,
    tokens: Mutex<HashMap<TokenKey, AccessToken>>,
}

impl L1 {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    fn tokens(&self) -> MutexGuard<'_, HashMap<TokenKey, AccessToken>> {
        // Every critical section is a single map operation: a poisoned map is still consistent.
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn len(&self) -> usize {
        self.tokens().len()
    }

    /// The token of `key` if `keep` accepts it.
    pub(super) fn get_if(&self, key: &TokenKey, keep: impl FnOnce(&AccessToken) -> bool) -> Option<AccessToken> {
        self.tokens().get(key).filter(|t| keep(t)).cloned()
    }

    pub(super) fn insert(&self, key: &TokenKey, token: &AccessToken, now: SystemTime) {
        let mut tokens = self.tokens();
        if tokens.len() >= self.capacity && !tokens.contains_key(key) {
            tokens.retain(|_, t| !t.is_expired_at(now));
            if tokens.len() >= self.capacity {
                // Still full of live tokens: drop the one closest to expiry.
                if let Some(victim) = tokens
                    .iter()
                    .min_by_key(|(_, t)| t.expires_at())
                    .map(|(k, _)| k.clone())
                {
                    tokens.remove(&victim);
                }
            }
        }
        tokens.insert(key.clone(), token.clone());
    }

    /// Drops `key` if it still holds `rejected`.
    pub(super) fn remove_if(&self, key: &TokenKey, rejected: &AccessToken) {
        let mut tokens = self.tokens();
        if tokens.get(key) == Some(rejected) {
            tokens.remove(key);
        }
    }

    pub(super) fn remove(&self, key: &TokenKey) {
        self.tokens().remove(key);
    }
}
