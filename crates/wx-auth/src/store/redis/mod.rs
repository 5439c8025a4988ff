//! [`RedisStore`]: a [`TokenStore`] in Redis, shared by every process of a fleet.
//!
//! Values use the text encodings of [`crate::store::encoding`]; the key layout is in
//! [`keys`]; compare-and-X operations are the Lua scripts in [`scripts`]. See `docs/redis.md`
//! for keys, persistence, sizing, Cluster and Sentinel.

mod connect;
mod errors;
mod keys;
mod scripts;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use redis::RedisResult;
use redis::aio::ConnectionManager;
use secrecy::{ExposeSecret, SecretString};

use self::errors::{BACKEND, from_redis, timed_out};
use self::keys::KeyLayout;
use super::{
    AuthorizerRecord, StoreError, TokenKey, TokenStore, VerifyTicket, decode_authorizer, decode_token,
    decode_verify_ticket, encode_authorizer, encode_token, encode_verify_ticket,
};
use crate::token::AccessToken;

/// How often [`RedisStore::rotate_refresh_token`] re-reads a record that another writer changed
/// (in a field other than the refresh token) between its read and its write.
const ROTATE_ATTEMPTS: usize = 5;

/// The longest expiry written with `PX` (about 100 years): a [`StaticToken`](crate::StaticToken)
/// is "forever", and Redis rejects expiries that overflow its clock.
const MAX_PX_MILLIS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// A [`TokenStore`] in Redis, shared by a fleet: one refresh per token expiry across all
/// processes, compare-and-delete invalidation, durable authorizer records.
///
/// Cheap to clone (an `Arc` inside); `Debug` shows the endpoint and prefix but never the
/// password. Every operation is bounded by a timeout (default 500 ms) and fails with an
/// [`is_unavailable`](StoreError::is_unavailable) error when Redis is down; the connection is
/// re-established by itself when Redis comes back.
///
/// Refresh tokens are durable data: run this Redis with persistence (AOF `everysec`), or give
/// the builders a separate durable store. See `docs/redis.md`.
///
/// ```no_run
/// # async fn run() -> Result<(), wx_auth::StoreError> {
/// use std::sync::Arc;
/// use wx_auth::{RedisStore, TokenStore};
///
/// let store: Arc<dyn TokenStore> = Arc::new(RedisStore::connect("redis://127.0.0.1:6379/").await?);
/// # let _ = store; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

// The contract callers rely on: shareable across tasks and cheap to clone.
const _: fn() = || {
    fn shareable<T: Clone + Send + Sync + fmt::Debug + 'static>() {}
    shareable::<RedisStore>();
};

#[derive(Clone)]
struct Inner {
    conn: ConnectionManager,
    keys: KeyLayout,
    op_timeout: Duration,
    /// `host:port/db` without credentials, when the store built its own connection.
    endpoint: Option<String>,
}

impl RedisStore {
    /// The key prefix used unless [`with_prefix`](Self::with_prefix) picks another.
    pub const DEFAULT_PREFIX: &'static str = keys::DEFAULT_PREFIX;
    /// The bound on each Redis round trip unless [`with_op_timeout`](Self::with_op_timeout)
    /// sets another.
    pub const DEFAULT_OP_TIMEOUT: Duration = Duration::from_millis(500);
    /// How long [`connect`](Self::connect) waits for the first connection.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

    /// Connects to the Redis at `url` (`redis://[user[:password]@]host[:port][/db]`,
    /// `rediss://…`), failing with an [`is_unavailable`](StoreError::is_unavailable) error if it
    /// does not answer within [`CONNECT_TIMEOUT`](Self::CONNECT_TIMEOUT). Must run inside a Tokio
    /// runtime. Uses the default prefix and operation timeout.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let (manager, endpoint) = connect::open(url, Some(Self::CONNECT_TIMEOUT)).await?;
        Ok(Self::assemble(manager, Some(endpoint)))
    }

    /// Like [`connect`](Self::connect) but without contacting Redis: the first operation
    /// connects. A process can start while Redis is down; its operations fail as unavailable
    /// until Redis answers. Must be called inside a Tokio runtime.
    pub fn connect_lazy(url: &str) -> Result<Self, StoreError> {
        let (manager, endpoint) = connect::open_lazy_url(url)?;
        Ok(Self::assemble(manager, Some(endpoint)))
    }

    /// A store over a connection manager the caller built (its own TLS, Sentinel-resolved
    /// address, retry policy), with the default prefix and operation timeout.
    pub fn from_connection_manager(manager: ConnectionManager) -> Self {
        Self::assemble(manager, None)
    }

    fn assemble(conn: ConnectionManager, endpoint: Option<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                conn,
                keys: KeyLayout::new(Self::DEFAULT_PREFIX),
                op_timeout: Self::DEFAULT_OP_TIMEOUT,
                endpoint,
            }),
        }
    }

    /// The same connection under another key prefix (default `wxinv`). Braces in the prefix
    /// are escaped so they cannot act as a Cluster hash tag.
    pub fn with_prefix(self, prefix: &str) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.keys = KeyLayout::new(prefix);
        Self { inner: Arc::new(inner) }
    }

    /// The same connection with another bound on each Redis round trip (default 500 ms).
    pub fn with_op_timeout(self, timeout: Duration) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.op_timeout = timeout;
        Self { inner: Arc::new(inner) }
    }

    /// The key prefix, as it appears in keys.
    pub fn prefix(&self) -> &str {
        self.inner.keys.prefix()
    }

    /// The bound on each Redis round trip.
    pub fn op_timeout(&self) -> Duration {
        self.inner.op_timeout
    }

    /// Checks that Redis answers (`PING`), for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: String = self.run("PING", redis::cmd("PING").query_async(&mut conn)).await?;
        Ok(())
    }

    fn keys(&self) -> &KeyLayout {
        &self.inner.keys
    }

    fn conn(&self) -> ConnectionManager {
        self.inner.conn.clone()
    }

    /// Runs one round trip within the operation timeout, mapping its failure.
    async fn run<T>(&self, op: &'static str, call: impl Future<Output = RedisResult<T>>) -> Result<T, StoreError> {
        match tokio::time::timeout(self.inner.op_timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(from_redis(op, &e)),
            Err(_) => Err(timed_out(op, self.inner.op_timeout)),
        }
    }

    async fn get_text(&self, op: &'static str, key: &str) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn();
        self.run(op, redis::cmd("GET").arg(key).query_async(&mut conn)).await
    }

    /// Adds an authorizer to its component's index (a set; adding twice is harmless).
    async fn add_to_index(&self, component_appid: &str, authorizer_appid: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: i64 = self
            .run(
                "SADD authorizers",
                redis::cmd("SADD")
                    .arg(self.keys().authorizer_index(component_appid))
                    .arg(authorizer_appid)
                    .query_async(&mut conn),
            )
            .await?;
        Ok(())
    }

    /// `SET key value` without expiry (durable data; also clears any TTL the key had).
    async fn set_durable(&self, op: &'static str, key: &str, value: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        self.run(op, redis::cmd("SET").arg(key).arg(value).exec_async(&mut conn))
            .await
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field(
                "endpoint",
                &self
                    .inner
                    .endpoint
                    .as_deref()
                    .unwrap_or("(caller's connection manager)"),
            )
            .field("prefix", &self.inner.keys.prefix())
            .field("op_timeout", &self.inner.op_timeout)
            .finish_non_exhaustive()
    }
}

/// Whole milliseconds in `d`, capped for `PX`.
fn px_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).min(MAX_PX_MILLIS)
}

#[async_trait]
impl TokenStore for RedisStore {
    async fn get_token(&self, key: &TokenKey) -> Result<Option<AccessToken>, StoreError> {
        let Some(text) = self.get_text("GET token", &self.keys().token(key)).await? else {
            return Ok(None);
        };
        let token = decode_token(BACKEND, &text)?;
        // Redis expires the key itself; this covers clock skew between writer and reader.
        Ok((!token.is_expired()).then_some(token))
    }

    async fn put_token(&self, key: &TokenKey, token: &AccessToken) -> Result<(), StoreError> {
        let ttl = px_millis(token.remaining());
        if ttl == 0 {
            tracing::debug!(key = %key, "not caching a token that has already expired");
            return Ok(());
        }
        let mut conn = self.conn();
        let mut set = redis::cmd("SET");
        set.arg(self.keys().token(key))
            .arg(encode_token(token))
            .arg("PX")
            .arg(ttl);
        self.run("SET token", set.exec_async(&mut conn)).await
    }

    async fn delete_token_if(&self, key: &TokenKey, rejected: &AccessToken) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let deleted: i64 = self
            .run(
                "compare-and-delete token",
                scripts::DELETE_TOKEN_IF_VALUE
                    .key(self.keys().token(key))
                    .arg(rejected.expose_secret())
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(deleted == 1)
    }

    async fn get_authorizer(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<Option<AuthorizerRecord>, StoreError> {
        let key = self.keys().authorizer(component_appid, authorizer_appid);
        let Some(text) = self.get_text("GET authorizer", &key).await? else {
            return Ok(None);
        };
        let record = decode_authorizer(BACKEND, &text)?;
        // The record is written before the index entry: a writer that died in between left a
        // record nobody lists. Reading it puts it back in the index (idempotent).
        if let Err(e) = self.add_to_index(component_appid, authorizer_appid).await {
            tracing::debug!(error = %e, "could not check the authorizer index entry; the next write repairs it");
        }
        Ok(Some(record))
    }

    async fn put_authorizer(&self, component_appid: &str, record: &AuthorizerRecord) -> Result<(), StoreError> {
        // Record first, then the index (another slot on Cluster): if the writer dies in between,
        // the record exists but is not listed yet (repaired by the next read or write of it),
        // never a listed merchant without a record. The record itself is one SET, so readers see
        // the old record or the new one.
        self.set_durable(
            "SET authorizer",
            &self.keys().authorizer(component_appid, &record.authorizer_appid),
            &encode_authorizer(record),
        )
        .await?;
        self.add_to_index(component_appid, &record.authorizer_appid).await
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
        let mut conn = self.conn();
        let outcome: i64 = self
            .run(
                "compare-and-set authorizer",
                scripts::PUT_AUTHORIZER_IF_VERSION
                    .key(self.keys().authorizer(component_appid, &record.authorizer_appid))
                    .arg(expected.map(|v| v.to_string()).unwrap_or_default())
                    .arg(encode_authorizer(record))
                    .invoke_async(&mut conn),
            )
            .await?;
        match outcome {
            1 => {
                self.add_to_index(component_appid, &record.authorizer_appid).await?;
                Ok(true)
            }
            -1 => Err(StoreError::corrupt(
                BACKEND,
                "compare-and-set authorizer: the stored record is not a JSON object",
            )),
            _ => Ok(false),
        }
    }

    async fn rotate_refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        previous: &SecretString,
        next: &SecretString,
    ) -> Result<bool, StoreError> {
        let key = self.keys().authorizer(component_appid, authorizer_appid);
        for _ in 0..ROTATE_ATTEMPTS {
            let Some(text) = self.get_text("GET authorizer", &key).await? else {
                return Ok(false);
            };
            let mut record = decode_authorizer(BACKEND, &text)?;
            if record.refresh_token.expose_secret() != previous.expose_secret() {
                return Ok(false);
            }
            record.refresh_token = next.clone();
            record.updated_at = SystemTime::now();
            // The script writes only if the stored text is still exactly `text`, so this
            // increment is atomic with the token swap.
            record.version = record.version.saturating_add(1);
            let mut conn = self.conn();
            let outcome: i64 = self
                .run(
                    "rotate refresh token",
                    scripts::ROTATE_REFRESH_TOKEN
                        .key(&key)
                        .arg(&text)
                        .arg(previous.expose_secret())
                        .arg(encode_authorizer(&record))
                        .invoke_async(&mut conn),
                )
                .await?;
            match outcome {
                1 => {
                    self.add_to_index(component_appid, authorizer_appid).await?;
                    return Ok(true);
                }
                2 => {} // another field changed meanwhile: read again
                _ => return Ok(false),
            }
        }
        Err(StoreError::unavailable(
            BACKEND,
            "rotate refresh token: the authorizer record kept changing under concurrent writers; retry the rotation",
        ))
    }

    async fn list_authorizers(&self, component_appid: &str) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn();
        let mut appids: Vec<String> = self
            .run(
                "SMEMBERS authorizers",
                redis::cmd("SMEMBERS")
                    .arg(self.keys().authorizer_index(component_appid))
                    .query_async(&mut conn),
            )
            .await?;
        appids.sort();
        Ok(appids)
    }

    async fn get_verify_ticket(&self, component_appid: &str) -> Result<Option<VerifyTicket>, StoreError> {
        self.get_text("GET verify ticket", &self.keys().verify_ticket(component_appid))
            .await?
            .map(|text| decode_verify_ticket(BACKEND, &text))
            .transpose()
    }

    async fn put_verify_ticket(&self, component_appid: &str, ticket: &VerifyTicket) -> Result<(), StoreError> {
        self.set_durable(
            "SET verify ticket",
            &self.keys().verify_ticket(component_appid),
            &encode_verify_ticket(ticket),
        )
        .await
    }

    async fn try_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let outcome: i64 = self
            .run(
                "take lock",
                scripts::TRY_LOCK
                    .key(self.keys().lock(key))
                    .arg(owner)
                    .arg(px_millis(ttl).max(1))
                    .invoke_async(&mut conn),
            )
            .await?;
        if outcome == 2 {
            tracing::warn!(key = %key, "took over a refresh lock that had no expiry (set by hand or by another tool)");
        }
        Ok(outcome != 0)
    }

    async fn unlock(&self, key: &TokenKey, owner: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: i64 = self
            .run(
                "release lock",
                scripts::UNLOCK_IF_OWNER
                    .key(self.keys().lock(key))
                    .arg(owner)
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(())
    }

    async fn extend_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let extended: i64 = self
            .run(
                "extend lock",
                scripts::EXTEND_LOCK_IF_OWNER
                    .key(self.keys().lock(key))
                    .arg(owner)
                    .arg(px_millis(ttl).max(1))
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(extended == 1)
    }

    async fn put_token_if_owner(&self, key: &TokenKey, token: &AccessToken, owner: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let held: i64 = self
            .run(
                "fenced SET token",
                scripts::PUT_TOKEN_IF_OWNER
                    .key(self.keys().lock(key))
                    .key(self.keys().token(key))
                    .arg(owner)
                    .arg(encode_token(token))
                    .arg(px_millis(token.remaining()))
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(held == 1)
    }

    async fn lock_holder(&self, key: &TokenKey) -> Result<Option<(String, Duration)>, StoreError> {
        let mut conn = self.conn();
        let holder: Option<(String, i64)> = self
            .run(
                "read lock",
                scripts::LOCK_HOLDER.key(self.keys().lock(key)).invoke_async(&mut conn),
            )
            .await?;
        Ok(holder.map(|(owner, pttl)| {
            let left = u64::try_from(pttl).map_or(Duration::MAX, Duration::from_millis);
            (owner, left)
        }))
    }
}
