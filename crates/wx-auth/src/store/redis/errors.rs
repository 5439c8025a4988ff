//! How Redis failures become [`StoreError`]s.
//!
//! Only the error's category and code are kept: a Redis error message can echo a command's
//! arguments (for example "unknown command, with args beginning with: …"), and those arguments
//! may be tokens, so the message itself never reaches a `StoreError`. Connection URLs and
//! passwords never appear either.

use std::time::Duration;

use redis::{ErrorKind, RedisError, ServerErrorKind};

use crate::store::StoreError;

/// The backend name in every error of this store.
pub(crate) const BACKEND: &str = "redis";

/// Maps a failed command. Data that cannot be read as what this SDK wrote is
/// [`StoreError::corrupt`]; everything else (connection, I/O, server state, permissions) is
/// [`StoreError::unavailable`], so callers fall back to their in-process cache.
pub(crate) fn from_redis(op: &'static str, e: &RedisError) -> StoreError {
    let code = e.code().unwrap_or("-");
    match e.kind() {
        ErrorKind::UnexpectedReturnType => {
            StoreError::corrupt(BACKEND, format!("{op}: the key holds a value of an unexpected type"))
        }
        ErrorKind::Extension if code == "WRONGTYPE" => StoreError::corrupt(
            BACKEND,
            format!("{op}: the key holds the wrong kind of Redis value (WRONGTYPE)"),
        ),
        ErrorKind::Io => StoreError::unavailable(
            BACKEND,
            format!(
                "{op} failed: {} ({}); it reconnects by itself once Redis answers",
                e.category(),
                io_kind(e)
            ),
        ),
        ErrorKind::AuthenticationFailed => StoreError::unavailable(
            BACKEND,
            format!("{op} failed: authentication failed; check the user name and password of the Redis URL"),
        ),
        ErrorKind::Server(ServerErrorKind::NoPerm) => StoreError::unavailable(
            BACKEND,
            format!(
                "{op} failed: the Redis user may not run this command or touch this key (NOPERM); \
                 grant the ACL listed in docs/redis.md"
            ),
        ),
        _ => {
            let category = match e.category() {
                "" => "server error",
                named => named,
            };
            StoreError::unavailable(
                BACKEND,
                format!("{op} failed: {category} ({code}); check the Redis server and its logs"),
            )
        }
    }
}

/// Redis did not answer within the operation timeout.
pub(crate) fn timed_out(op: &'static str, timeout: Duration) -> StoreError {
    StoreError::unavailable(
        BACKEND,
        format!(
            "{op} got no answer within {} ms; check that Redis is up and reachable",
            timeout.as_millis()
        ),
    )
}

/// What kind of I/O failure it was, in words.
fn io_kind(e: &RedisError) -> &'static str {
    if e.is_connection_refusal() {
        "connection refused"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_connection_dropped() {
        "connection lost"
    } else {
        "I/O error"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_unavailable_and_name_the_io_kind() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "secret-bearing text");
        let err = from_redis("GET", &RedisError::from(io));
        assert!(err.is_unavailable());
        let text = err.to_string();
        assert!(text.contains("GET"), "{text}");
        assert!(!text.contains("secret-bearing"), "{text}");
    }

    #[test]
    fn type_errors_are_corrupt() {
        let err = from_redis("GET", &RedisError::from((ErrorKind::UnexpectedReturnType, "bad")));
        assert!(!err.is_unavailable());
    }

    #[test]
    fn timeouts_are_unavailable() {
        let err = timed_out("SET", Duration::from_millis(500));
        assert!(err.is_unavailable());
        assert!(err.to_string().contains("500 ms"));
    }
}
