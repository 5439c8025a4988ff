//! [`RedisStore`]: a [`TokenStore`](crate::TokenStore) in Redis, shared by every process of a
//! fleet — on one node, a Redis Cluster, or the primary Sentinel names.
//!
//! Values use the text encodings of [`crate::store::encoding`]; the key layout is in
//! [`keys`]; compare-and-X operations are the Lua scripts in [`scripts`]; the connection per
//! topology is [`link`]; replica acknowledgements are [`durable`]. See `docs/redis.md` for
//! keys, persistence, sizing, Cluster and Sentinel.

mod connect;
mod durable;
mod errors;
mod keys;
mod link;
mod ops;
mod scripts;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{FromRedisValue, RedisResult};

pub use self::durable::DurableWrites;
use self::errors::{BACKEND, from_redis, timed_out};
use self::keys::KeyLayout;
use self::link::{Link, SentinelLink};
use self::scripts::Lua;
use super::StoreError;

/// The longest expiry written with `PX` (about 100 years): a [`StaticToken`](crate::StaticToken)
/// is "forever", and Redis rejects expiries that overflow its clock.
const MAX_PX_MILLIS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// A [`TokenStore`](crate::TokenStore) in Redis, shared by a fleet: one refresh per token expiry
/// across all processes, compare-and-delete invalidation, durable authorizer records.
///
/// One type for every topology: [`connect`](Self::connect) (one node),
/// [`connect_cluster`](Self::connect_cluster) (Redis Cluster: every script and multi-key
/// operation stays in one slot; `MOVED`, `ASK` and node loss are handled by the cluster client)
/// and [`connect_sentinel`](Self::connect_sentinel) (the primary Sentinel names, followed across
/// fail-overs).
///
/// Cheap to clone (an `Arc` inside); `Debug` shows the endpoint and prefix but never the
/// password. Every operation is bounded by a timeout (default 500 ms) and fails with an
/// [`is_unavailable`](StoreError::is_unavailable) error when Redis is down; the connection is
/// re-established by itself when Redis comes back.
///
/// Refresh tokens are durable data: run this Redis with persistence (AOF `everysec`), or give
/// the builders a separate durable store; with replicas, consider
/// [`with_durable_writes`](Self::with_durable_writes). See `docs/redis.md`.
///
/// ```no_run
/// # async fn run() -> Result<(), wx_auth::StoreError> {
/// use std::sync::Arc;
/// use wx_auth::{RedisStore, TokenStore};
///
/// let store: Arc<dyn TokenStore> = Arc::new(RedisStore::connect("redis://127.0.0.1:6379/").await?);
/// let cluster = RedisStore::connect_cluster(&["redis://127.0.0.1:7000/", "redis://127.0.0.1:7001/"]).await?;
/// let sentinel = RedisStore::connect_sentinel(&["redis://127.0.0.1:26379/"], "mymaster").await?;
/// # let _ = (store, cluster, sentinel); Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
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
    link: Link,
    keys: KeyLayout,
    op_timeout: Duration,
    durable: Option<DurableWrites>,
    /// The endpoint(s) without credentials, when the store built its own connection.
    endpoint: Option<String>,
}

impl RedisStore {
    /// The key prefix used unless [`with_prefix`](Self::with_prefix) picks another.
    pub const DEFAULT_PREFIX: &'static str = keys::DEFAULT_PREFIX;
    /// The bound on each Redis round trip unless [`with_op_timeout`](Self::with_op_timeout)
    /// sets another.
    pub const DEFAULT_OP_TIMEOUT: Duration = Duration::from_millis(500);
    /// How long [`connect`](Self::connect) (and the Cluster and Sentinel variants) wait for the
    /// first connection.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

    /// Connects to the Redis at `url` (`redis://[user[:password]@]host[:port][/db]`,
    /// `rediss://…`), failing with an [`is_unavailable`](StoreError::is_unavailable) error if it
    /// does not answer within [`CONNECT_TIMEOUT`](Self::CONNECT_TIMEOUT), and with an
    /// [`is_config`](StoreError::is_config) error if the URL is malformed or has no scheme. Must
    /// run inside a Tokio runtime. Uses the default prefix and operation timeout.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let (manager, endpoint) = connect::open(url, Some(Self::CONNECT_TIMEOUT)).await?;
        Ok(Self::assemble(Link::Node(manager), Some(endpoint)))
    }

    /// Like [`connect`](Self::connect) but without contacting Redis: the first operation
    /// connects. A process can start while Redis is down; its operations fail as unavailable
    /// until Redis answers. Must be called inside a Tokio runtime.
    pub fn connect_lazy(url: &str) -> Result<Self, StoreError> {
        let (manager, endpoint) = connect::open_lazy_url(url)?;
        Ok(Self::assemble(Link::Node(manager), Some(endpoint)))
    }

    /// A store over a connection manager the caller built (its own TLS, retry policy), with the
    /// default prefix and operation timeout.
    pub fn from_connection_manager(manager: ConnectionManager) -> Self {
        Self::assemble(Link::Node(manager), None)
    }

    /// Connects to a Redis Cluster through any of its nodes (`redis://host:port/` each; the
    /// cluster client discovers the rest). Each command goes to the node that owns its key's
    /// slot; `MOVED`, `ASK` and a node that fails over are handled by the client. Fails like
    /// [`connect`](Self::connect) when no node answers in time or a URL is malformed.
    pub async fn connect_cluster(nodes: &[&str]) -> Result<Self, StoreError> {
        let (conn, endpoint) = connect::open_cluster(nodes, Self::CONNECT_TIMEOUT).await?;
        Ok(Self::assemble(Link::Cluster(conn), Some(endpoint)))
    }

    /// A store over a cluster connection the caller built (its own TLS, read routing).
    pub fn from_cluster_connection(conn: redis::cluster_async::ClusterConnection) -> Self {
        Self::assemble(Link::Cluster(conn), None)
    }

    /// Connects to the primary that the Sentinels at `sentinels` name for `master_name`, and
    /// follows it across fail-overs: when the primary stops answering or answers `READONLY`
    /// (it was demoted), the store asks Sentinel again and switches to the new primary.
    /// Operations during the switch fail as unavailable (callers fall back to their in-process
    /// cache). The user name, password and database of the first Sentinel URL are also used for
    /// the primary; for other settings build a `SentinelClient` and use
    /// [`from_sentinel_client`](Self::from_sentinel_client).
    pub async fn connect_sentinel(sentinels: &[&str], master_name: &str) -> Result<Self, StoreError> {
        let client = connect::sentinel_client(sentinels, master_name)?;
        Self::from_sentinel_client(client).await
    }

    /// Like [`connect_sentinel`](Self::connect_sentinel), over a Sentinel client the caller
    /// built (`redis::sentinel::SentinelClient`, server type master).
    pub async fn from_sentinel_client(client: redis::sentinel::SentinelClient) -> Result<Self, StoreError> {
        connect::require_tokio()?;
        let op = "ask Sentinel for the primary";
        let deadline = tokio::time::Instant::now() + Self::CONNECT_TIMEOUT;
        match tokio::time::timeout_at(deadline, SentinelLink::open(client, connect::config(), deadline)).await {
            Ok(Ok((link, primary))) => Ok(Self::assemble(
                Link::Sentinel(link),
                Some(format!("sentinel primary {primary}")),
            )),
            Ok(Err(e)) => Err(from_redis(op, &e)),
            Err(_) => Err(timed_out(op, Self::CONNECT_TIMEOUT)),
        }
    }

    fn assemble(link: Link, endpoint: Option<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                link,
                keys: KeyLayout::new(Self::DEFAULT_PREFIX),
                op_timeout: Self::DEFAULT_OP_TIMEOUT,
                durable: None,
                endpoint,
            }),
        }
    }

    /// The same connection under another key prefix (default `wxinv`). Braces in the prefix
    /// are escaped so they cannot act as a Cluster hash tag.
    pub fn with_prefix(self, prefix: &str) -> Self {
        self.change(|inner| inner.keys = KeyLayout::new(prefix))
    }

    /// The same connection with another bound on each Redis round trip (default 500 ms).
    pub fn with_op_timeout(self, timeout: Duration) -> Self {
        self.change(|inner| inner.op_timeout = timeout)
    }

    /// The same connection, with every durable write (authorizer record, rotated refresh token,
    /// verify ticket) waiting for replica acknowledgements (`WAIT`); see [`DurableWrites`] and
    /// the durable-writes section of `docs/redis.md` for when to turn it on. Off by default.
    pub fn with_durable_writes(self, durable: DurableWrites) -> Self {
        self.change(|inner| inner.durable = Some(durable))
    }

    fn change(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        f(&mut inner);
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

    /// How durable writes wait for replicas, if they do.
    pub fn durable_writes(&self) -> Option<DurableWrites> {
        self.inner.durable
    }

    /// Checks that Redis answers (`PING`), for health checks. On a Cluster, one node answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: String = self.run("PING", redis::cmd("PING").query_async(&mut conn)).await?;
        Ok(())
    }

    fn keys(&self) -> &KeyLayout {
        &self.inner.keys
    }

    fn conn(&self) -> Link {
        self.inner.link.clone()
    }

    /// Runs one round trip within the operation timeout, mapping its failure.
    async fn run<T>(&self, op: &'static str, call: impl Future<Output = RedisResult<T>>) -> Result<T, StoreError> {
        self.run_within(op, self.inner.op_timeout, call).await
    }

    async fn run_within<T>(
        &self,
        op: &'static str,
        limit: Duration,
        call: impl Future<Output = RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(limit, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(from_redis(op, &e)),
            Err(_) => {
                self.inner.link.suspect();
                Err(timed_out(op, limit))
            }
        }
    }

    async fn get_text(&self, op: &'static str, key: &str) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn();
        self.run(op, redis::cmd("GET").arg(key).query_async(&mut conn)).await
    }

    /// Runs a script (`EVALSHA`, loading it when the server does not know it).
    async fn eval<T: FromRedisValue>(
        &self,
        op: &'static str,
        lua: &Lua,
        keys: &[&str],
        args: &[&str],
    ) -> Result<T, StoreError> {
        let mut invocation = lua.script().prepare_invoke();
        for key in keys {
            invocation.key(*key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        let mut conn = self.conn();
        self.run(op, invocation.invoke_async(&mut conn)).await
    }

    /// Runs a script that writes durable data. With durable writes on, the script goes as
    /// `EVAL` in one pipeline with `WAIT` (same connection, same node); `wrote` tells from the
    /// script's answer whether it wrote, and only a write that did checks the acknowledgements.
    async fn eval_durable<T: FromRedisValue>(
        &self,
        op: &'static str,
        lua: &Lua,
        keys: &[&str],
        args: &[&str],
        wrote: impl Fn(&T) -> bool,
    ) -> Result<T, StoreError> {
        let Some(durable) = self.inner.durable else {
            return self.eval(op, lua, keys, args).await;
        };
        let mut pipe = redis::pipe();
        pipe.cmd("EVAL").arg(lua.source()).arg(keys.len()).arg(keys).arg(args);
        pipe.cmd("WAIT").arg(durable.replicas()).arg(durable.wait_millis());
        let mut conn = self.conn();
        let (answer, acked): (T, i64) = self
            .run_within(
                op,
                self.inner.op_timeout + durable.wait_timeout(),
                pipe.query_async(&mut conn),
            )
            .await?;
        if wrote(&answer) {
            Self::check_acks(op, durable, acked)?;
        }
        Ok(answer)
    }

    /// Runs one writing command of durable data, followed by `WAIT` when durable writes are on.
    async fn write_durable(&self, op: &'static str, cmd: redis::Cmd) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let Some(durable) = self.inner.durable else {
            return self.run(op, cmd.exec_async(&mut conn)).await;
        };
        let mut pipe = redis::pipe();
        pipe.add_command(cmd).ignore();
        pipe.cmd("WAIT").arg(durable.replicas()).arg(durable.wait_millis());
        let (acked,): (i64,) = self
            .run_within(
                op,
                self.inner.op_timeout + durable.wait_timeout(),
                pipe.query_async(&mut conn),
            )
            .await?;
        Self::check_acks(op, durable, acked)
    }

    fn check_acks(op: &'static str, durable: DurableWrites, acked: i64) -> Result<(), StoreError> {
        if acked >= i64::from(durable.replicas()) {
            return Ok(());
        }
        let detail = format!(
            "{op}: {acked} of {} replicas acknowledged within {} ms; check the replicas and their link to the primary",
            durable.replicas(),
            durable.wait_millis()
        );
        if durable.fails_when_unreplicated() {
            Err(StoreError::not_replicated(BACKEND, detail))
        } else {
            tracing::warn!(%detail, "a durable write is on the primary only; a fail-over now could lose it");
            Ok(())
        }
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("topology", &self.inner.link.topology())
            .field(
                "endpoint",
                &self.inner.endpoint.as_deref().unwrap_or("(caller's connection)"),
            )
            .field("prefix", &self.inner.keys.prefix())
            .field("op_timeout", &self.inner.op_timeout)
            .field("durable_writes", &self.inner.durable)
            .finish_non_exhaustive()
    }
}

/// Whole milliseconds in `d`, capped for `PX`.
fn px_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).min(MAX_PX_MILLIS)
}
