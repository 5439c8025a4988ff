//! How a [`RedisStore`](super::RedisStore) opens its connection: URL parsing without leaking
//! the password, the connection manager's reconnect policy, and the Tokio requirement.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

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

fn client(url: &str) -> Result<(redis::Client, String), StoreError> {
    require_tokio()?;
    let client = redis::Client::open(url).map_err(|_| {
        // The parser's message may quote the URL, password included: say what is expected.
        StoreError::unavailable(
            BACKEND,
            "the connection URL is not a valid Redis URL; expected redis://[user[:password]@]host[:port][/db], \
             rediss://… or redis+unix:///path",
        )
    })?;
    let info = client.get_connection_info();
    let endpoint = format!("{}/{}", info.addr(), info.redis_settings().db());
    Ok((client, endpoint))
}

/// Each connection attempt is bounded; a lost connection is re-established in the background
/// with a short back-off. Responses are bounded by the store's own operation timeout, which
/// the user can change after connecting, so the manager sets none.
fn config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_number_of_retries(1)
        .set_min_delay(Duration::from_millis(50))
        .set_max_delay(Duration::from_secs(1))
}

/// The connection manager spawns its reconnection task on Tokio: outside a runtime it would
/// panic, so say so instead.
fn require_tokio() -> Result<(), StoreError> {
    tokio::runtime::Handle::try_current().map(|_| ()).map_err(|_| {
        StoreError::unavailable(
            BACKEND,
            "RedisStore must be created inside a Tokio runtime (e.g. under #[tokio::main])",
        )
    })
}
