//! The Lua scripts that make compare-and-X operations atomic on the Redis server.
//!
//! Each script touches exactly one key (`KEYS[1]`), so it runs unchanged on Redis Cluster.
//! `redis::Script` sends `EVALSHA` and falls back to `EVAL` when the server does not know the
//! script yet (after a restart or failover).

use std::sync::LazyLock;

use redis::Script;

/// Deletes a cached token only if its decoded `value` field equals `ARGV[1]`.
///
/// The stored text also carries issue and expiry times, so comparing whole strings would miss a
/// token that another process wrote back with other times; the value alone identifies it.
/// Returns 1 if it deleted, 0 otherwise (absent, another token, or unreadable — an unreadable
/// value is left for `get_token` to report).
pub(crate) static DELETE_TOKEN_IF_VALUE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local ok, stored = pcall(cjson.decode, current)
if ok and type(stored) == 'table' and stored['value'] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
",
    )
});

/// Replaces an authorizer record with `ARGV[3]` only if it still reads exactly `ARGV[1]` and its
/// decoded `refresh_token` field equals `ARGV[2]`.
///
/// Returns 1 if it wrote; 0 if the record is absent or its refresh token is no longer `ARGV[2]`
/// (a definitive "someone else rotated it"); 2 if the refresh token still matches but another
/// field changed since the caller read `ARGV[1]` (the caller re-reads and tries again).
///
/// The new text is encoded in Rust by `encode_authorizer`, never re-encoded by `cjson` (which
/// would turn an empty permission list `[]` into `{}` and round large numbers), and the whole
/// text is compared so a concurrent change to another field (permission sets, status) is never
/// overwritten with stale data. No TTL is set: `SET` without options also clears any TTL.
pub(crate) static ROTATE_REFRESH_TOKEN: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local ok, stored = pcall(cjson.decode, current)
if not ok or type(stored) ~= 'table' or stored['refresh_token'] ~= ARGV[2] then
  return 0
end
if current ~= ARGV[1] then
  return 2
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
",
    )
});

/// Deletes a lock only if `ARGV[1]` (the owner) still holds it. Returns 1 if it released.
pub(crate) static UNLOCK_IF_OWNER: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
",
    )
});
