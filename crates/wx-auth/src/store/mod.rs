//! Where credentials live: the [`TokenStore`] trait, its keys and records, and the in-memory
//! implementation. `RedisStore` (feature `redis`) shares one cache across a fleet;
//! `PostgresStore` (feature `postgres`) keeps durable data in the application's database.
//!
//! A store holds two kinds of data with different lifetimes:
//! - **short-lived cache** — access tokens and tickets, keyed by [`TokenKey`], each with its
//!   expiry; losing one costs a refresh, nothing more;
//! - **durable data** — each authorizer's refresh token and granted permission sets
//!   ([`AuthorizerRecord`]) and the component's latest [`VerifyTicket`]; losing a refresh token
//!   means the merchant must authorize again, so a store never expires or deletes these on its
//!   own. The builders accept a separate durable store (a database behind this same trait).
//!
//! Stores also provide the cross-process refresh lock ([`TokenStore::try_lock`]), so that a
//! fleet refreshes each token once per expiry.

mod encoding;
mod memory;
mod packed_record;
#[cfg(feature = "postgres")]
mod postgres;
mod record_table;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

pub use encoding::{
    decode_authorizer, decode_token, decode_verify_ticket, encode_authorizer, encode_token, encode_verify_ticket,
};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "redis")]
pub use redis::{DurableWrites, RedisStore};

use crate::token::AccessToken;

/// What a cached credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TokenKind {
    /// A third-party platform's `component_access_token`.
    ComponentAccessToken,
    /// An `authorizer_access_token` the component holds for a merchant.
    AuthorizerAccessToken,
    /// An account's own `access_token` (direct, self-built mode).
    AccessToken,
    /// A `wx_card` api ticket (merchant authorization pages).
    WxCardTicket,
}

impl TokenKind {
    /// A short, stable name, used in store keys and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::ComponentAccessToken => "component_token",
            TokenKind::AuthorizerAccessToken => "authorizer_token",
            TokenKind::AccessToken => "access_token",
            TokenKind::WxCardTicket => "wx_card_ticket",
        }
    }
}

/// The key of one cached credential: whose namespace (the component appid, or `direct` for
/// self-built accounts), which account, and what kind.
///
/// Cheap to clone: the namespace and the appid are shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenKey {
    namespace: Arc<str>,
    appid: Arc<str>,
    kind: TokenKind,
}

/// The namespace under which direct-mode (self-built) accounts keep their tokens.
pub const DIRECT_NAMESPACE: &str = "direct";

impl TokenKey {
    /// A key for `kind` of `appid` within `namespace`.
    pub fn new(namespace: impl Into<String>, appid: impl Into<String>, kind: TokenKind) -> Self {
        Self {
            namespace: namespace.into().into(),
            appid: appid.into().into(),
            kind,
        }
    }

    /// A key for `kind` of `appid` in `namespace`, sharing that copy of the namespace (one
    /// allocation, for the appid).
    pub(crate) fn in_namespace(namespace: &Arc<str>, appid: &str, kind: TokenKind) -> Self {
        Self {
            namespace: namespace.clone(),
            appid: appid.into(),
            kind,
        }
    }

    /// The namespace, as this key shares it.
    pub(crate) fn shared_namespace(&self) -> &Arc<str> {
        &self.namespace
    }

    /// The namespace: a component appid, or [`DIRECT_NAMESPACE`].
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The account the credential belongs to.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// What the credential is.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.namespace, self.appid, self.kind.as_str())
    }
}

/// Whether an authorizer's grant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizerStatus {
    /// The merchant's authorization stands.
    Authorized,
    /// The merchant revoked the authorization (`unauthorized` push); calls fail fast.
    Revoked,
}

/// Durable data about one authorizer: its refresh token and the permission sets it granted.
#[derive(Clone)]
pub struct AuthorizerRecord {
    /// The merchant's appid.
    pub authorizer_appid: String,
    /// The `authorizer_refresh_token`; never expires while the grant stands.
    pub refresh_token: SecretString,
    /// Granted permission sets (`funcscope_category.id`); `None` when not yet known
    /// (e.g. right after [`import`](crate::Component::import_authorizer) before the info call).
    pub permission_sets: Option<Vec<u32>>,
    /// Whether the grant stands.
    pub status: AuthorizerStatus,
    /// When this record was last written.
    pub updated_at: SystemTime,
    /// A write counter: 0 for a record never stored; every write of a changed record carries a
    /// higher number than the one it replaces ([`TokenStore::put_authorizer_if`] checks it,
    /// [`TokenStore::rotate_refresh_token`] adds 1). When two copies of a record disagree, the
    /// higher version is the newer one.
    pub version: u64,
    /// When the last authorization event acted on for this authorizer happened: the
    /// `CreateTime` of an `authorized`, `updateauthorized` or `unauthorized` push, or the moment
    /// a grant was exchanged through the redirect. An older push (a replay) is ignored.
    pub last_push_at: Option<SystemTime>,
}

impl AuthorizerRecord {
    /// A record for a standing grant, written now.
    pub fn new(
        authorizer_appid: impl Into<String>,
        refresh_token: SecretString,
        permission_sets: Option<Vec<u32>>,
    ) -> Self {
        Self {
            authorizer_appid: authorizer_appid.into(),
            refresh_token,
            permission_sets,
            status: AuthorizerStatus::Authorized,
            updated_at: SystemTime::now(),
            version: 0,
            last_push_at: None,
        }
    }
}

impl fmt::Debug for AuthorizerRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizerRecord")
            .field("authorizer_appid", &self.authorizer_appid)
            .field("refresh_token", &"[redacted]")
            .field("permission_sets", &self.permission_sets)
            .field("status", &self.status)
            .field("updated_at", &self.updated_at)
            .field("version", &self.version)
            .field("last_push_at", &self.last_push_at)
            .finish()
    }
}

/// The latest `component_verify_ticket` and when it was received (valid about 12 hours).
#[derive(Clone)]
pub struct VerifyTicket {
    /// The ticket.
    pub ticket: SecretString,
    /// When it was received.
    pub received_at: SystemTime,
}

impl VerifyTicket {
    /// How long WeChat keeps a ticket valid.
    pub const VALIDITY: Duration = Duration::from_secs(12 * 3600);

    /// A ticket received now.
    pub fn new(ticket: impl Into<String>) -> Self {
        Self {
            ticket: SecretString::from(ticket.into()),
            received_at: SystemTime::now(),
        }
    }

    /// Whether the ticket is older than [`VerifyTicket::VALIDITY`].
    pub fn is_stale(&self) -> bool {
        self.received_at.elapsed().is_ok_and(|age| age > Self::VALIDITY)
    }
}

impl PartialEq for VerifyTicket {
    fn eq(&self, other: &Self) -> bool {
        self.ticket.expose_secret() == other.ticket.expose_secret()
    }
}

impl fmt::Debug for VerifyTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyTicket")
            .field("ticket", &"[redacted]")
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// A token store failed.
///
/// The kind tells callers what to do: [`is_unavailable`](Self::is_unavailable) (retry, fall back
/// to the in-process cache), [`is_config`](Self::is_config) (fix the setting; retrying cannot
/// help), [`is_not_replicated`](Self::is_not_replicated) (the write reached the primary but not
/// enough replicas) — anything else is data the SDK cannot read. With the feature `metrics`,
/// every error made by these constructors is counted in `wx_store_errors_total`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{backend} token store {what}: {detail}")]
pub struct StoreError {
    backend: &'static str,
    what: &'static str,
    detail: String,
    kind: StoreErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoreErrorKind {
    Unavailable,
    Corrupt,
    Config,
    NotReplicated,
}

impl StoreError {
    /// The backend could not be reached or did not answer (a retry may succeed).
    pub fn unavailable(backend: &'static str, detail: impl fmt::Display) -> Self {
        crate::metrics::store_error(backend, "unavailable");
        Self {
            backend,
            what: "is unavailable (callers fall back to the in-process cache)",
            detail: detail.to_string(),
            kind: StoreErrorKind::Unavailable,
        }
    }

    /// The backend answered with data this SDK cannot read.
    pub fn corrupt(backend: &'static str, detail: impl fmt::Display) -> Self {
        crate::metrics::store_error(backend, "corrupt");
        Self {
            backend,
            what: "holds a value this SDK cannot read (delete or repair the key)",
            detail: detail.to_string(),
            kind: StoreErrorKind::Corrupt,
        }
    }

    /// The store is set up wrongly (a malformed URL, a missing runtime): retrying cannot help.
    pub fn config(backend: &'static str, detail: impl fmt::Display) -> Self {
        crate::metrics::store_error(backend, "config");
        Self {
            backend,
            what: "is misconfigured (fix the setting; retrying cannot help)",
            detail: detail.to_string(),
            kind: StoreErrorKind::Config,
        }
    }

    /// A durable write reached the primary but fewer replicas than required acknowledged it in
    /// time: it is stored, but a fail-over right now could lose it.
    pub fn not_replicated(backend: &'static str, detail: impl fmt::Display) -> Self {
        crate::metrics::store_error(backend, "not_replicated");
        Self {
            backend,
            what: "stored a durable write on the primary only (a fail-over now could lose it)",
            detail: detail.to_string(),
            kind: StoreErrorKind::NotReplicated,
        }
    }

    /// Whether the backend was unreachable (as opposed to holding bad data).
    pub fn is_unavailable(&self) -> bool {
        self.kind == StoreErrorKind::Unavailable
    }

    /// Whether the store is misconfigured (a malformed URL, no runtime).
    pub fn is_config(&self) -> bool {
        self.kind == StoreErrorKind::Config
    }

    /// Whether a durable write was made on the primary but not acknowledged by enough replicas.
    pub fn is_not_replicated(&self) -> bool {
        self.kind == StoreErrorKind::NotReplicated
    }

    /// Whether the backend holds data this SDK cannot read.
    pub fn is_corrupt(&self) -> bool {
        self.kind == StoreErrorKind::Corrupt
    }
}

/// Storage for credentials: a short-lived token cache, durable authorizer data and the verify
/// ticket, and a cross-process refresh lock.
///
/// Implementations must be safe to share between tasks and (for shared backends) processes.
/// Writes of durable data must be atomic: a reader sees the old record or the new one, never a
/// record without a refresh token. `wx_auth::conformance` (feature `conformance`) checks an
/// implementation against this whole contract in one call.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// A cached credential, if present (expired ones may be returned; callers check).
    async fn get_token(&self, key: &TokenKey) -> Result<Option<AccessToken>, StoreError>;
    /// Caches a credential until its expiry.
    async fn put_token(&self, key: &TokenKey, token: &AccessToken) -> Result<(), StoreError>;
    /// Deletes the cached credential only if it is still `rejected` (compare-and-delete), so a
    /// process can drop the token WeChat rejected but never a newer one. Returns whether it
    /// deleted.
    async fn delete_token_if(&self, key: &TokenKey, rejected: &AccessToken) -> Result<bool, StoreError>;

    /// The durable record of an authorizer under a component.
    async fn get_authorizer(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<Option<AuthorizerRecord>, StoreError>;
    /// Writes (replaces) the durable record of an authorizer, atomically and unconditionally,
    /// as given (its version included).
    ///
    /// For restoring backups and imports by tools. The SDK's own read-modify-write paths use
    /// [`put_authorizer_if`](Self::put_authorizer_if), so that a stale copy never replaces a
    /// newer record.
    async fn put_authorizer(&self, component_appid: &str, record: &AuthorizerRecord) -> Result<(), StoreError>;
    /// Compare-and-set write of an authorizer record: writes `record` (as given, its version
    /// included) only if the stored record's version equals `expected` (`None`: only if no record
    /// is stored) and `record.version > expected.unwrap_or(0)`. Returns whether it wrote.
    async fn put_authorizer_if(
        &self,
        component_appid: &str,
        record: &AuthorizerRecord,
        expected: Option<u64>,
    ) -> Result<bool, StoreError>;
    /// Replaces the refresh token only if the stored one is still `previous` (compare-and-set);
    /// returns whether it wrote. Used when WeChat rotates a refresh token. A successful rotation
    /// also stamps `updated_at` and adds 1 to the record's version, in the same atomic step.
    async fn rotate_refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        previous: &SecretString,
        next: &SecretString,
    ) -> Result<bool, StoreError>;
    /// The appids of every authorizer stored under a component.
    async fn list_authorizers(&self, component_appid: &str) -> Result<Vec<String>, StoreError>;

    /// The latest verify ticket of a component.
    async fn get_verify_ticket(&self, component_appid: &str) -> Result<Option<VerifyTicket>, StoreError>;
    /// Stores the latest verify ticket of a component (no expiry: the newest is kept until
    /// replaced, as WeChat advises).
    async fn put_verify_ticket(&self, component_appid: &str, ticket: &VerifyTicket) -> Result<(), StoreError>;

    /// Tries to take the refresh lock of `key` for `ttl`, as `owner` (a random value). Returns
    /// whether this caller now holds it. A holder that dies loses the lock when `ttl` passes.
    /// Locks taken through this method always expire; a lock found without an expiry (written by
    /// hand or by a foreign tool) can have no live holder, so it is taken over as if free.
    async fn try_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError>;
    /// Releases the refresh lock of `key` if `owner` still holds it.
    async fn unlock(&self, key: &TokenKey, owner: &str) -> Result<(), StoreError>;
    /// Extends the refresh lock of `key` to `ttl` from now if `owner` still holds it; returns
    /// whether it did. A lock that has already expired is not revived.
    async fn extend_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError>;
    /// Writes `token` only while `owner` holds the refresh lock of `key` (a fenced write), in one
    /// atomic step; returns whether it wrote, that is whether `owner` held the lock. A token that
    /// has already expired is never cached (as with [`put_token`](Self::put_token)): the answer
    /// is then still whether the lock was held.
    async fn put_token_if_owner(&self, key: &TokenKey, token: &AccessToken, owner: &str) -> Result<bool, StoreError>;
    /// Who holds the refresh lock of `key` and for how much longer, for operations tooling (the
    /// owner is a random id, not a secret). `Duration::MAX` means the lock has no expiry (set by
    /// hand; the next [`try_lock`](Self::try_lock) breaks it). Default: `Ok(None)`.
    async fn lock_holder(&self, key: &TokenKey) -> Result<Option<(String, Duration)>, StoreError> {
        let _ = key;
        Ok(None)
    }

    /// This store as a [`MemoryStore`], if it is one. A [`TokenCache`](crate::TokenCache) over
    /// an in-process store reads its tokens in place and keeps no second copy of each. Default:
    /// `None` (a store wrapping a `MemoryStore` to change its behaviour must keep it so).
    fn as_memory_store(&self) -> Option<&MemoryStore> {
        None
    }
}
