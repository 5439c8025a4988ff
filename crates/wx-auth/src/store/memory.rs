//! [`MemoryStore`]: the default, zero-set-up store, local to one process.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use foldhash::fast::RandomState;
use secrecy::SecretString;

use super::packed_record::PackedRecord;
use super::record_table::RecordTable;
use super::{AuthorizerRecord, AuthorizerStatus, StoreError, TokenKey, TokenStore, VerifyTicket};
use crate::token::AccessToken;
use crate::token_map::TokenMap;

/// A [`TokenStore`] in this process's memory.
///
/// Good for one process, tests and the examples. Everything is lost when the process exits —
/// including authorizer refresh tokens — so production deployments pair it with a durable store
/// (`RedisStore` with persistence, or a database behind [`TokenStore`]) for durable data.
///
/// Tokens are kept in a sharded map (no lock shared by every lookup, each token dropped when it
/// expires), and a token cache over this store reads it directly instead of keeping a second
/// copy of each token in its own in-process layer (see [`TokenStore::as_memory_store`]).
pub struct MemoryStore {
    tokens: TokenMap,
    state: Mutex<State>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self {
            tokens: TokenMap::new(usize::MAX),
            state: Mutex::default(),
        }
    }
}

#[derive(Default)]
struct State {
    /// By component, then authorizer: lookups by `&str` allocate nothing, a component's appid
    /// is kept once, not once per authorizer, and an authorizer's appid only in its record.
    /// Records are packed (one allocation each), and a component over this store reads one in
    /// place instead of mirroring a copy of its own.
    authorizers: HashMap<String, RecordTable, RandomState>,
    tickets: HashMap<String, VerifyTicket, RandomState>,
    locks: HashMap<TokenKey, (String, Instant), RandomState>,
}

impl State {
    /// The records of one component, for a write.
    fn component_records(&mut self, component_appid: &str) -> &mut RecordTable {
        self.authorizers.entry(component_appid.to_owned()).or_default()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the maps half-written (every update is a
        // single insert or remove), so a poisoned lock is safe to keep using.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The token of `key` if it has not expired at `now` and `keep` accepts it, read in place
    /// (no I/O, no lock shared with other keys).
    pub(crate) fn token_if(
        &self,
        key: &TokenKey,
        now: SystemTime,
        keep: impl FnOnce(&AccessToken) -> bool,
    ) -> Option<AccessToken> {
        self.tokens.get_if(key, now, keep)
    }

    /// Whether an authorizer's grant stands and, if its permission sets are known, whether
    /// they include any of `any_of` — read in place, nothing copied. `None` for an authorizer
    /// this store does not hold.
    pub(crate) fn grant_in_place(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        any_of: &[u32],
    ) -> Option<(AuthorizerStatus, Option<bool>)> {
        let state = self.state();
        let record = state.authorizers.get(component_appid)?.get(authorizer_appid)?;
        let granted = record
            .permission_sets()
            .map(|mut sets| sets.any(|set| any_of.contains(&set)));
        Some((record.status(), granted))
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("MemoryStore")
            .field("tokens", &self.tokens.len())
            .field(
                "authorizers",
                &state.authorizers.values().map(RecordTable::len).sum::<usize>(),
            )
            .field("tickets", &state.tickets.len())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenStore for MemoryStore {
    async fn get_token(&self, key: &TokenKey) -> Result<Option<AccessToken>, StoreError> {
        Ok(self.tokens.get_if(key, SystemTime::now(), |_| true))
    }

    async fn put_token(&self, key: &TokenKey, token: &AccessToken) -> Result<(), StoreError> {
        self.tokens.insert(key, token, SystemTime::now());
        Ok(())
    }

    async fn delete_token_if(&self, key: &TokenKey, rejected: &AccessToken) -> Result<bool, StoreError> {
        Ok(self.tokens.remove_if(key, rejected))
    }

    async fn get_authorizer(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<Option<AuthorizerRecord>, StoreError> {
        Ok(self
            .state()
            .authorizers
            .get(component_appid)
            .and_then(|records| records.get(authorizer_appid))
            .map(PackedRecord::unpack))
    }

    async fn put_authorizer(&self, component_appid: &str, record: &AuthorizerRecord) -> Result<(), StoreError> {
        self.state().component_records(component_appid).insert(packed(record)?);
        Ok(())
    }

    async fn put_authorizer_if(
        &self,
        component_appid: &str,
        record: &AuthorizerRecord,
        expected: Option<u64>,
    ) -> Result<bool, StoreError> {
        if record.version <= expected.unwrap_or(0) {
            return Ok(false);
        }
        let mut state = self.state();
        let records = state.component_records(component_appid);
        let stored = records.get(&record.authorizer_appid).map(PackedRecord::version);
        if stored != expected {
            return Ok(false);
        }
        records.insert(packed(record)?);
        Ok(true)
    }

    async fn rotate_refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        previous: &SecretString,
        next: &SecretString,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(records) = state.authorizers.get_mut(component_appid) else {
            return Ok(false);
        };
        let mut record = match records.get(authorizer_appid) {
            Some(held) if held.refresh_token_is(previous) => held.unpack(),
            _ => return Ok(false),
        };
        record.refresh_token = next.clone();
        record.updated_at = SystemTime::now();
        record.version = record.version.saturating_add(1);
        records.insert(packed(&record)?);
        Ok(true)
    }

    async fn list_authorizers(&self, component_appid: &str) -> Result<Vec<String>, StoreError> {
        let mut appids: Vec<String> = self
            .state()
            .authorizers
            .get(component_appid)
            .map(|records| records.appids().map(str::to_owned).collect())
            .unwrap_or_default();
        appids.sort();
        Ok(appids)
    }

    async fn get_verify_ticket(&self, component_appid: &str) -> Result<Option<VerifyTicket>, StoreError> {
        Ok(self.state().tickets.get(component_appid).cloned())
    }

    async fn put_verify_ticket(&self, component_appid: &str, ticket: &VerifyTicket) -> Result<(), StoreError> {
        self.state().tickets.insert(component_appid.to_owned(), ticket.clone());
        Ok(())
    }

    async fn try_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let mut state = self.state();
        let now = Instant::now();
        match state.locks.get(key) {
            Some((_, until)) if *until > now => Ok(false),
            _ => {
                state.locks.insert(key.clone(), (owner.to_owned(), deadline(now, ttl)));
                Ok(true)
            }
        }
    }

    async fn unlock(&self, key: &TokenKey, owner: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.locks.get(key).is_some_and(|(held_by, _)| held_by == owner) {
            state.locks.remove(key);
        }
        Ok(())
    }

    async fn extend_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let mut state = self.state();
        let now = Instant::now();
        match state.locks.get_mut(key) {
            Some((held_by, until)) if held_by == owner && *until > now => {
                *until = deadline(now, ttl);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn put_token_if_owner(&self, key: &TokenKey, token: &AccessToken, owner: &str) -> Result<bool, StoreError> {
        let state = self.state();
        let held = state
            .locks
            .get(key)
            .is_some_and(|(held_by, until)| held_by == owner && *until > Instant::now());
        if held {
            // Written while the lock map is still held, so the write stays fenced.
            self.tokens.insert(key, token, SystemTime::now());
        }
        drop(state);
        Ok(held)
    }

    async fn lock_holder(&self, key: &TokenKey) -> Result<Option<(String, Duration)>, StoreError> {
        let now = Instant::now();
        Ok(self
            .state()
            .locks
            .get(key)
            .filter(|(_, until)| *until > now)
            .map(|(owner, until)| (owner.clone(), until.duration_since(now))))
    }

    fn as_memory_store(&self) -> Option<&MemoryStore> {
        Some(self)
    }
}

/// `record` packed for the table, or an error for one too long to hold.
fn packed(record: &AuthorizerRecord) -> Result<PackedRecord, StoreError> {
    PackedRecord::pack(record).ok_or_else(|| {
        StoreError::corrupt(
            "memory",
            "refused a record whose appid or refresh token is longer than 4 GiB",
        )
    })
}

/// `now + ttl`, saturating far in the future instead of overflowing for huge TTLs.
fn deadline(now: Instant, ttl: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    now.checked_add(ttl.min(FAR)).unwrap_or(now + Duration::from_secs(3600))
}
