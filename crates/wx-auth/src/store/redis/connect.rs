//! How a [`RedisStore`](super::RedisStore) opens its connection: URL parsing without leaking
//! the password, the connection manager's reconnect policy, and the Tokio requirement.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::sentinel::{SentinelClient, SentinelNodeConnectionInfo, SentinelServerType};
use redis::{ConnectionInfo, IntoConnectionInfo};

use super::errors::{BACKEND, from_redis, timed_out};
use crate::store::StoreError;

/// A connection manager for `url` and a description of the endpoint without credentials.
/// With `wait_up_to`, connects now and fails if Redis does not answer in time; without, the
/// first operation connects.
pub(super) async fn open(url: &str, wait_up_to: Option<Duration>) -> Result<(ConnectionManager, String), StoreError> {
    let (client, endpoint) = client(url)?;
    let manager = match wait_up_to {
        None => open_lazy(client)?,
        Some(limit) => match tokio::time::timeout(limit, ConnectionManager::new_with_config(client, config())).await {
            Ok(Ok(manager)) => manager,
            Ok(Err(e)) => return Err(from_redis("connect", &e)),
            Err(_) => return Err(timed_out("connect", limit)),
        },
    };
    Ok((manager, endpoint))
}

/// [`open`] without waiting: no I/O happens here.
pub(super) fn open_lazy_url(url: &str) -> Result<(ConnectionManager, String), StoreError> {
    let (client, endpoint) = client(url)?;
    Ok((open_lazy(client)?, endpoint))
}

fn open_lazy(client: redis::Client) -> Result<ConnectionManager, StoreError> {
    require_tokio()?;
    ConnectionManager::new_lazy_with_config(client, config()).map_err(|e| from_redis("connect", &e))
}

/// What a connection URL must look like, for error messages.
const EXPECTED_URL: &str =
    "expected redis://[user[:password]@]host[:port][/db], rediss://… (TLS) or redis+unix:///path";

/// The URL schemes a store accepts. Without one, the redis crate would read `host:port` as
/// something else entirely (or not at all), so a missing scheme is refused up front.
const SCHEMES: [&str; 4] = ["redis://", "rediss://", "redis+unix://", "unix://"];

/// Checks that `url` names a scheme this store speaks, without quoting it (it may hold a
/// password).
pub(super) fn check_scheme(url: &str) -> Result<(), StoreError> {
    let lower = url.trim_start().to_ascii_lowercase();
    if SCHEMES.iter().any(|scheme| lower.starts_with(scheme)) {
        Ok(())
    } else {
        Err(StoreError::config(
            BACKEND,
            format!("the connection URL has no redis:// scheme; {EXPECTED_URL}"),
        ))
    }
}

fn client(url: &str) -> Result<(redis::Client, String), StoreError> {
    require_tokio()?;
    check_scheme(url)?;
    let client = redis::Client::open(url).map_err(|_| {
        // The parser's message may quote the URL, password included: say what is expected.
        StoreError::config(
            BACKEND,
            format!("the connection URL is not a valid Redis URL; {EXPECTED_URL}"),
        )
    })?;
    let info = client.get_connection_info();
    let endpoint = format!("{}/{}", info.addr(), info.redis_settings().db());
    Ok((client, endpoint))
}

/// Each connection attempt is bounded; a lost connection is re-established in the background
/// with a short back-off. Responses are bounded by the store's own operation timeout, which
/// the user can change after connecting, so the manager sets none.
pub(super) fn config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_number_of_retries(1)
        .set_min_delay(Duration::from_millis(50))
        .set_max_delay(Duration::from_secs(1))
}

/// The connection manager spawns its reconnection task on Tokio: outside a runtime it would
/// panic, so say so instead.
pub(super) fn require_tokio() -> Result<(), StoreError> {
    tokio::runtime::Handle::try_current().map(|_| ()).map_err(|_| {
        StoreError::config(
            BACKEND,
            "RedisStore must be created inside a Tokio runtime (e.g. under #[tokio::main])",
        )
    })
}

/// Parses `url` as a connection URL, refusing one without a scheme; the error never quotes it.
fn connection_info(url: &str) -> Result<ConnectionInfo, StoreError> {
    check_scheme(url)?;
    url.into_connection_info().map_err(|_| {
        StoreError::config(
            BACKEND,
            format!("a connection URL is not a valid Redis URL; {EXPECTED_URL}"),
        )
    })
}

/// A cluster connection through `nodes`, and a description of them without credentials.
pub(super) async fn open_cluster(
    nodes: &[&str],
    wait_up_to: Duration,
) -> Result<(ClusterConnection, String), StoreError> {
    require_tokio()?;
    if nodes.is_empty() {
        return Err(StoreError::config(
            BACKEND,
            "connect_cluster needs at least one node URL",
        ));
    }
    let infos = nodes
        .iter()
        .map(|url| connection_info(url))
        .collect::<Result<Vec<_>, _>>()?;
    let endpoint = format!(
        "cluster via {}",
        infos.iter().map(|i| i.addr().to_string()).collect::<Vec<_>>().join(",")
    );
    let client = ClusterClient::builder(infos)
        .connection_timeout(Duration::from_secs(1))
        .retries(3)
        .min_retry_wait(20)
        .max_retry_wait(500)
        .build()
        .map_err(|_| StoreError::config(BACKEND, "the cluster node URLs do not agree (TLS, user, password)"))?;
    match tokio::time::timeout(wait_up_to, client.get_async_connection()).await {
        Ok(Ok(conn)) => Ok((conn, endpoint)),
        Ok(Err(e)) => Err(from_redis("connect to the cluster", &e)),
        Err(_) => Err(timed_out("connect to the cluster", wait_up_to)),
    }
}

/// A Sentinel client for the primary of `master_name`; the primary is reached with the user,
/// password and database of the first Sentinel URL.
pub(super) fn sentinel_client(sentinels: &[&str], master_name: &str) -> Result<SentinelClient, StoreError> {
    require_tokio()?;
    if sentinels.is_empty() {
        return Err(StoreError::config(
            BACKEND,
            "connect_sentinel needs at least one Sentinel URL",
        ));
    }
    if master_name.is_empty() {
        return Err(StoreError::config(
            BACKEND,
            "connect_sentinel needs the master name Sentinel monitors",
        ));
    }
    let infos = sentinels
        .iter()
        .map(|url| connection_info(url))
        .collect::<Result<Vec<_>, _>>()?;
    let primary = SentinelNodeConnectionInfo::default().set_redis_connection_info(infos[0].redis_settings().clone());
    SentinelClient::build(infos, master_name.to_owned(), Some(primary), SentinelServerType::Master)
        .map_err(|_| StoreError::config(BACKEND, "the Sentinel URLs are not usable"))
}
