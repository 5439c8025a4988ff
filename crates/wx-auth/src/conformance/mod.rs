//! The checks every [`TokenStore`] must pass, for the tests of a store of your own (feature
//! `conformance`). `MemoryStore`, `RedisStore` (on one node, a Cluster and through Sentinel) and
//! `PostgresStore` pass the same checks in this crate's tests.
//!
//! One line in a test runs the whole contract:
//!
//! ```no_run
//! # async fn run() {
//! # let my_store = wx_auth::MemoryStore::new();
//! wx_auth::conformance::check(&my_store).await;
//! # }
//! ```
//!
//! - [`check`]: everything — cached tokens (round trip, expiry, compare-and-delete), durable
//!   data (records, version compare-and-set, refresh-token rotation, listing, verify tickets),
//!   the refresh lock (exclusive, owner-checked, expiring, extension, fenced writes).
//! - [`check_durable`]: the durable part only, for a store that is only ever given to
//!   `durable_store(…)` (its token and lock methods are never called).
//! - [`check_outage`]: a store whose backend is down must fail every operation with an
//!   [`is_unavailable`](crate::StoreError::is_unavailable) error, in bounded time, without
//!   panicking.
//!
//! The checks panic (as test assertions do) with a message naming what failed. They write only
//! under component appids made for this run (a random prefix), so they can share a store with
//! other data, and they take a few seconds: some wait for short TTLs to pass.

mod locks;
mod outage;
mod records;
mod tokens;

use std::time::{Duration, SystemTime};

use secrecy::SecretString;

pub use outage::{check_outage, every_operation};

use crate::{AuthorizerRecord, TokenKey, TokenKind, TokenStore};

/// Runs every check on `store`. Panics on the first violation.
pub async fn check(store: &dyn TokenStore) {
    let run = &Run::new();
    tokens::tokens_round_trip_and_expire(run, store).await;
    tokens::compare_and_delete_drops_only_the_rejected_token(run, store).await;
    durable_checks(run, store).await;
    locks::locks_are_exclusive_owner_checked_and_expire(run, store).await;
    locks::locks_are_extended_only_by_their_owner(run, store).await;
    locks::fenced_token_writes_need_the_lock(run, store).await;
    locks::lock_holders_are_reported_truthfully(run, store).await;
    tokens::namespaces_do_not_collide(run, store).await;
}

/// Runs the checks of durable data only: authorizer records, version compare-and-set,
/// refresh-token rotation, listing, verify tickets. Panics on the first violation.
pub async fn check_durable(store: &dyn TokenStore) {
    durable_checks(&Run::new(), store).await;
}

async fn durable_checks(run: &Run, store: &dyn TokenStore) {
    records::authorizer_records_are_durable(run, store).await;
    records::rotation_is_compare_and_set(run, store).await;
    records::record_writes_are_compare_and_set_on_the_version(run, store).await;
    records::rotation_adds_one_to_the_version(run, store).await;
    records::authorizers_are_listed_per_component(run, store).await;
    records::verify_tickets_keep_the_newest(run, store).await;
}

/// One run of the checks: the random prefix of every component appid it writes under.
struct Run {
    prefix: String,
}

impl Run {
    fn new() -> Self {
        Self {
            prefix: format!("t{:08x}_", rand::random::<u32>()),
        }
    }

    /// A component appid (or namespace) of this run.
    fn c(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }
}

fn key(namespace: impl Into<String>, appid: &str, kind: TokenKind) -> TokenKey {
    TokenKey::new(namespace, appid, kind)
}

fn millis_apart(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b).unwrap_or_else(|e| e.duration())
}

fn record(appid: &str, refresh: &str, sets: Option<Vec<u32>>) -> AuthorizerRecord {
    AuthorizerRecord::new(appid, SecretString::from(refresh.to_owned()), sets)
}
