//! [`TokenMap`]: tokens by key in this process's memory, in O(1) on every path — the token
//! cache's in-process layer (bounded) and [`MemoryStore`](crate::MemoryStore)'s token map
//! (bounded only by expiry).
//!
//! - **Sharded**: keys spread over independent shards, each under its own short lock, so
//!   concurrent lookups of different keys rarely meet; there is no global lock.
//! - **Partitioned by kind**: each [`TokenKind`] has its own shards and its own bound, so a
//!   churn of authorizer tokens never evicts the component token or a ticket.
//! - **Entries go with their token**: a lookup never returns an expired token and drops the one
//!   it finds; every insert also looks at the next two entries of its shard (a rotating cursor)
//!   and drops them if expired, so dead entries are reclaimed in amortised O(1) even for keys
//!   nobody asks for again.
//! - **Bounded without a scan** (when given a bound): a shard at its bound evicts, among a few entries sampled at
//!   random, the one closest to expiry (an expired one first).
//! - **Compact keys**: an entry keeps its appid (in place when short, as appids are) and a
//!   shared handle to its namespace (the component appid, the same for nearly every entry);
//!   the kind is the partition's.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use foldhash::fast::RandomState;
use indexmap::{Equivalent, IndexMap};
use rand::Rng;

use crate::short_text::ShortText;
use crate::store::{TokenKey, TokenKind};
use crate::token::AccessToken;

/// Kinds of credential, each in its own partition.
const KINDS: [TokenKind; 4] = [
    TokenKind::ComponentAccessToken,
    TokenKind::AuthorizerAccessToken,
    TokenKind::AccessToken,
    TokenKind::WxCardTicket,
];
/// Entries an insert examines for expiry, at the shard's rotating cursor.
const SWEEP_PER_INSERT: usize = 2;
/// Entries sampled to choose an eviction victim.
const EVICTION_SAMPLES: usize = 5;

/// A key as an entry holds it. Hashes as [`KeyRef`] does, so lookups borrow.
#[derive(Debug, PartialEq, Eq)]
struct HeldKey {
    namespace: Arc<str>,
    appid: ShortText,
}

impl Hash for HeldKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        KeyRef::of_held(self).hash(state);
    }
}

/// A key as a lookup names it.
#[derive(Hash)]
struct KeyRef<'a> {
    namespace: &'a str,
    appid: &'a str,
}

impl<'a> KeyRef<'a> {
    fn of(key: &'a TokenKey) -> Self {
        Self {
            namespace: key.namespace(),
            appid: key.appid(),
        }
    }

    fn of_held(key: &'a HeldKey) -> Self {
        Self {
            namespace: &key.namespace,
            appid: key.appid.as_str(),
        }
    }
}

impl Equivalent<HeldKey> for KeyRef<'_> {
    fn equivalent(&self, key: &HeldKey) -> bool {
        self.appid.as_bytes() == key.appid.as_bytes() && *self.namespace == *key.namespace
    }
}

#[derive(Debug)]
pub(crate) struct TokenMap {
    hasher: RandomState,
    /// Every namespace an entry was stored under, each kept once (a handful: the component
    /// appids and the fixed namespaces of direct accounts and tickets).
    namespaces: Mutex<HashSet<Arc<str>>>,
    /// `partitions[kind][shard]`.
    partitions: Vec<Box<[Mutex<Shard>]>>,
    /// Entries one shard of one kind holds at most.
    per_shard: usize,
}

#[derive(Debug, Default)]
struct Shard {
    tokens: IndexMap<HeldKey, AccessToken>,
    cursor: usize,
}

impl Shard {
    /// Drops the next few entries at the cursor if they have expired.
    fn sweep(&mut self, now: SystemTime) {
        for _ in 0..SWEEP_PER_INSERT {
            if self.tokens.is_empty() {
                return;
            }
            if self.cursor >= self.tokens.len() {
                self.cursor = 0;
            }
            let expired = self
                .tokens
                .get_index(self.cursor)
                .is_some_and(|(_, t)| t.is_expired_at(now));
            if expired {
                // The last entry moves into the cursor's place and is looked at next.
                self.tokens.swap_remove_index(self.cursor);
            } else {
                self.cursor += 1;
            }
        }
    }

    /// Drops the entry closest to expiry among a few sampled at random.
    fn evict_one(&mut self) {
        let len = self.tokens.len();
        if len == 0 {
            return;
        }
        let mut rng = rand::rng();
        let victim = (0..EVICTION_SAMPLES.min(len))
            .map(|_| rng.random_range(0..len))
            .min_by_key(|&i| self.tokens.get_index(i).map(|(_, t)| t.expires_at()));
        if let Some(i) = victim {
            self.tokens.swap_remove_index(i);
        }
    }
}

fn partition_of(kind: TokenKind) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(0)
}

impl TokenMap {
    /// A map keeping at most `capacity` tokens of each kind (`usize::MAX`: no bound but expiry).
    pub(crate) fn new(capacity: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let shards = (cores * 8).next_power_of_two().clamp(8, 128);
        // A small bound gets fewer shards, so that it still holds `capacity` entries in total.
        let shards = shards
            .min(capacity.checked_next_power_of_two().unwrap_or(usize::MAX))
            .max(1);
        let per_shard = capacity.div_ceil(shards).max(1);
        let partitions = KINDS
            .iter()
            .map(|_| (0..shards).map(|_| Mutex::new(Shard::default())).collect())
            .collect();
        Self {
            hasher: RandomState::default(),
            namespaces: Mutex::default(),
            partitions,
            per_shard,
        }
    }

    fn shard(&self, key: &TokenKey) -> MutexGuard<'_, Shard> {
        let shards = &self.partitions[partition_of(key.kind())];
        // `shards.len()` is a power of two.
        let index = usize::try_from(self.hasher.hash_one(KeyRef::of(key))).unwrap_or(0) & (shards.len() - 1);
        // Every critical section leaves the shard consistent: a poisoned one is still usable.
        shards[index].lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tokens held (for `Debug`; visits every shard).
    pub(crate) fn len(&self) -> usize {
        self.partitions
            .iter()
            .flat_map(|p| p.iter())
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).tokens.len())
            .sum()
    }

    /// The token of `key` if it has not expired at `now` and `keep` accepts it. An expired one
    /// is dropped.
    pub(crate) fn get_if(
        &self,
        key: &TokenKey,
        now: SystemTime,
        keep: impl FnOnce(&AccessToken) -> bool,
    ) -> Option<AccessToken> {
        let mut shard = self.shard(key);
        let token = shard.tokens.get(&KeyRef::of(key))?;
        if token.is_expired_at(now) {
            shard.tokens.swap_remove(&KeyRef::of(key));
            return None;
        }
        keep(token).then(|| token.clone())
    }

    pub(crate) fn insert(&self, key: &TokenKey, token: &AccessToken, now: SystemTime) {
        if token.is_expired_at(now) {
            return;
        }
        let mut shard = self.shard(key);
        shard.sweep(now);
        if let Some(held) = shard.tokens.get_mut(&KeyRef::of(key)) {
            *held = token.clone();
            return;
        }
        if shard.tokens.len() >= self.per_shard {
            shard.evict_one();
        }
        let held = HeldKey {
            namespace: self.namespace(key.namespace()),
            appid: ShortText::new(key.appid()),
        };
        shard.tokens.insert(held, token.clone());
    }

    /// Drops `key` if it still holds `rejected`; returns whether it did.
    pub(crate) fn remove_if(&self, key: &TokenKey, rejected: &AccessToken) -> bool {
        let mut shard = self.shard(key);
        let held = shard.tokens.get(&KeyRef::of(key)) == Some(rejected);
        if held {
            shard.tokens.swap_remove(&KeyRef::of(key));
        }
        held
    }

    pub(crate) fn remove(&self, key: &TokenKey) {
        self.shard(key).tokens.swap_remove(&KeyRef::of(key));
    }

    /// The shared handle of `namespace`.
    fn namespace(&self, namespace: &str) -> Arc<str> {
        // Only ever grows by an insert of a whole entry: a poisoned set is still consistent.
        let mut namespaces = self.namespaces.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = namespaces.get(namespace) {
            return held.clone();
        }
        let held: Arc<str> = namespace.into();
        namespaces.insert(held.clone());
        held
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn key(appid: &str, kind: TokenKind) -> TokenKey {
        TokenKey::new("wxcomponent", appid, kind)
    }

    #[test]
    fn authorizer_churn_never_evicts_the_component_token() {
        let map = TokenMap::new(16);
        let now = SystemTime::now();
        let component = key("wxcomponent", TokenKind::ComponentAccessToken);
        // The component token expires first: an eviction by expiry alone would pick it.
        map.insert(
            &component,
            &AccessToken::issued_at_time("c", now, Duration::from_secs(60)),
            now,
        );
        for i in 0..1_000 {
            let t = AccessToken::issued_at_time(format!("t{i}"), now, Duration::from_secs(7200));
            map.insert(&key(&format!("wx{i:016}"), TokenKind::AuthorizerAccessToken), &t, now);
        }
        assert!(map.get_if(&component, now, |_| true).is_some());
        let authorizers = map.partitions[partition_of(TokenKind::AuthorizerAccessToken)]
            .iter()
            .map(|s| s.lock().expect("shard").tokens.len())
            .sum::<usize>();
        assert!(authorizers <= 16, "bounded: {authorizers}");
        assert!(authorizers >= 8, "still holds about its bound: {authorizers}");
    }

    #[test]
    fn expired_tokens_are_never_returned_and_are_reclaimed_by_inserts() {
        let map = TokenMap::new(10_000);
        let now = SystemTime::now();
        for i in 0..100 {
            let t = AccessToken::issued_at_time(format!("t{i}"), now, Duration::from_secs(10));
            map.insert(&key(&format!("old{i}"), TokenKind::AuthorizerAccessToken), &t, now);
        }
        let later = now + Duration::from_secs(11);
        assert!(
            map.get_if(&key("old0", TokenKind::AuthorizerAccessToken), later, |_| true)
                .is_none()
        );
        for i in 0..2_000 {
            let t = AccessToken::issued_at_time(format!("n{i}"), later, Duration::from_secs(7200));
            map.insert(&key(&format!("new{i}"), TokenKind::AuthorizerAccessToken), &t, later);
        }
        assert_eq!(map.len(), 2_000, "every expired entry was swept by later inserts");
    }

    #[test]
    fn remove_if_drops_only_the_rejected_token() {
        let map = TokenMap::new(10);
        let now = SystemTime::now();
        let k = key("wxa", TokenKind::AuthorizerAccessToken);
        let old = AccessToken::issued_at_time("old", now, Duration::from_secs(7200));
        let new = AccessToken::issued_at_time("new", now, Duration::from_secs(7200));
        map.insert(&k, &new, now);
        map.remove_if(&k, &old);
        assert_eq!(map.get_if(&k, now, |_| true), Some(new.clone()));
        map.remove_if(&k, &new);
        assert!(map.get_if(&k, now, |_| true).is_none());
    }
}
