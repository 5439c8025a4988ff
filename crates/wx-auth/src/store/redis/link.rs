//! What a [`RedisStore`](super::RedisStore) talks through: one node, a Redis Cluster, or the
//! primary that Sentinel names — one type, so every operation is written once.
//!
//! - **Node**: a `ConnectionManager` (one multiplexed connection, re-established by itself).
//! - **Cluster**: redis-rs `cluster_async::ClusterConnection`, which routes each command by
//!   its key's slot and follows `MOVED`/`ASK` and topology changes itself. Every script and
//!   pipeline of the store stays inside one slot.
//! - **Sentinel**: a `ConnectionManager` to the current primary, plus the Sentinel client that
//!   named it. A failure that suggests the primary moved (connection lost or refused, a
//!   `READONLY` answer from a demoted primary, no answer in time) makes the link ask Sentinel
//!   again in the background; once Sentinel names another primary, the link switches to it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager};
use redis::cluster_async::ClusterConnection;
use redis::sentinel::SentinelClient;
use redis::{Cmd, ErrorKind, Pipeline, RedisError, RedisFuture, ServerErrorKind, Value};

/// How long one question to Sentinel (and the role check of the primary it names) may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(2);

/// The connection of one store.
#[derive(Clone)]
pub(super) enum Link {
    /// One Redis node.
    Node(ConnectionManager),
    /// A Redis Cluster.
    Cluster(ClusterConnection),
    /// The primary Sentinel names.
    Sentinel(SentinelLink),
}

impl Link {
    /// Tells the link that an operation got no answer in time (the future was dropped, so the
    /// link never saw an error): under Sentinel, the primary may be gone.
    pub(super) fn suspect(&self) {
        if let Link::Sentinel(link) = self {
            link.re_resolve();
        }
    }

    /// The topology, for `Debug`.
    pub(super) fn topology(&self) -> &'static str {
        match self {
            Link::Node(_) => "node",
            Link::Cluster(_) => "cluster",
            Link::Sentinel(_) => "sentinel",
        }
    }
}

impl ConnectionLike for Link {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Link::Node(conn) => conn.req_packed_command(cmd),
            Link::Cluster(conn) => conn.req_packed_command(cmd),
            Link::Sentinel(link) => {
                let link = link.clone();
                Box::pin(async move {
                    let mut conn = link.current();
                    let result = conn.req_packed_command(cmd).await;
                    link.after(result.as_ref().err());
                    result
                })
            }
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Link::Node(conn) => conn.req_packed_commands(pipeline, offset, count),
            Link::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
            Link::Sentinel(link) => {
                let link = link.clone();
                Box::pin(async move {
                    let mut conn = link.current();
                    let result = conn.req_packed_commands(pipeline, offset, count).await;
                    link.after(result.as_ref().err());
                    result
                })
            }
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Link::Node(conn) => conn.get_db(),
            Link::Cluster(conn) => conn.get_db(),
            Link::Sentinel(link) => link.current().get_db(),
        }
    }
}

/// A connection to the primary of a Sentinel-managed group that follows fail-overs.
#[derive(Clone)]
pub(super) struct SentinelLink {
    shared: Arc<SentinelShared>,
}

struct SentinelShared {
    sentinel: tokio::sync::Mutex<SentinelClient>,
    primary: RwLock<Primary>,
    resolving: AtomicBool,
}

struct Primary {
    conn: ConnectionManager,
    addr: String,
}

impl SentinelLink {
    /// Asks Sentinel for the primary now and connects to it. Right after a fail-over Sentinel
    /// can briefly name no valid primary: it asks again every 100 ms until `deadline`.
    pub(super) async fn open(
        mut sentinel: SentinelClient,
        config: redis::aio::ConnectionManagerConfig,
        deadline: tokio::time::Instant,
    ) -> Result<(Self, String), RedisError> {
        let client = loop {
            match sentinel.async_get_client().await {
                Ok(client) => break client,
                Err(e) if tokio::time::Instant::now() + Duration::from_millis(100) < deadline => {
                    tracing::debug!(error_kind = ?e.kind(), "Sentinel named no usable primary yet; asking again");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let addr = client.get_connection_info().addr().to_string();
        let conn = ConnectionManager::new_with_config(client, config).await?;
        let link = Self {
            shared: Arc::new(SentinelShared {
                sentinel: tokio::sync::Mutex::new(sentinel),
                primary: RwLock::new(Primary {
                    conn,
                    addr: addr.clone(),
                }),
                resolving: AtomicBool::new(false),
            }),
        };
        Ok((link, addr))
    }

    /// The address of the primary in use.
    pub(super) fn primary_addr(&self) -> String {
        self.read(|p| p.addr.clone())
    }

    fn current(&self) -> ConnectionManager {
        self.read(|p| p.conn.clone())
    }

    fn read<T>(&self, f: impl FnOnce(&Primary) -> T) -> T {
        // Writers only swap the whole value, so a poisoned lock still holds a usable primary.
        let guard = self
            .shared
            .primary
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&guard)
    }

    fn after(&self, error: Option<&RedisError>) {
        if error.is_some_and(suggests_failover) {
            self.re_resolve();
        }
    }

    /// Asks Sentinel again, in the background and at most once at a time.
    fn re_resolve(&self) {
        if self.shared.resolving.swap(true, Ordering::AcqRel) {
            return;
        }
        let link = self.clone();
        tokio::spawn(async move {
            link.resolve_once().await;
            link.shared.resolving.store(false, Ordering::Release);
        });
    }

    async fn resolve_once(&self) {
        let resolved = tokio::time::timeout(RESOLVE_TIMEOUT, async {
            self.shared.sentinel.lock().await.async_get_client().await
        })
        .await;
        let client = match resolved {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                tracing::warn!(error_kind = ?e.kind(), "Sentinel did not name a reachable primary yet; asking again on the next failure");
                return;
            }
            Err(_) => {
                tracing::warn!("Sentinel did not answer in time; asking again on the next failure");
                return;
            }
        };
        let addr = client.get_connection_info().addr().to_string();
        if addr == self.primary_addr() {
            return;
        }
        match ConnectionManager::new_lazy_with_config(client, super::connect::config()) {
            Ok(conn) => {
                tracing::warn!(primary = %addr, "Sentinel names a new primary; the store switches to it");
                let mut guard = self
                    .shared
                    .primary
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                *guard = Primary { conn, addr };
            }
            Err(e) => tracing::warn!(error_kind = ?e.kind(), "could not connect to the primary Sentinel names"),
        }
    }
}

/// Whether a failure suggests the primary is gone or demoted.
fn suggests_failover(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || matches!(
            e.kind(),
            ErrorKind::Server(ServerErrorKind::ReadOnly | ServerErrorKind::MasterDown)
        )
}
