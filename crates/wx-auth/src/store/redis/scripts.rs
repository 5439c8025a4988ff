//! The Lua scripts that make compare-and-X operations atomic on the Redis server.
//!
//! Each script touches one key, or two keys with the same hash tag (a lock and its token), so
//! it stays in one slot and runs unchanged on Redis Cluster.
//! `redis::Script` sends `EVALSHA` and falls back to `EVAL` when the server does not know the
//! script yet (after a restart or failover).

use std::sync::OnceLock;

use redis::Script;

/// A Lua script: its source (sent with `EVAL` inside pipelines, where a `NOSCRIPT` answer could
/// not be retried) and the `redis::Script` that sends `EVALSHA` with a fallback elsewhere.
pub(crate) struct Lua {
    source: &'static str,
    compiled: OnceLock<Script>,
}

impl Lua {
    const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The source text.
    pub(crate) fn source(&self) -> &'static str {
        self.source
    }

    /// The script, hashed once.
    pub(crate) fn script(&self) -> &Script {
        self.compiled.get_or_init(|| Script::new(self.source))
    }
}

/// Deletes a cached token only if its decoded `value` field equals `ARGV[1]`.
///
/// The stored text also carries issue and expiry times, so comparing whole strings would miss a
/// token that another process wrote back with other times; the value alone identifies it.
/// Returns 1 if it deleted, 0 otherwise (absent, another token, or unreadable — an unreadable
/// value is left for `get_token` to report).
pub(crate) static DELETE_TOKEN_IF_VALUE: Lua = Lua::new(
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
);

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
pub(crate) static ROTATE_REFRESH_TOKEN: Lua = Lua::new(
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
);

/// Deletes a lock only if `ARGV[1]` (the owner) still holds it. Returns 1 if it released.
pub(crate) static UNLOCK_IF_OWNER: Lua = Lua::new(
    r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
",
);

/// Writes an authorizer record (`ARGV[2]`, encoded in Rust) only if the stored record's version
/// is `ARGV[1]`, or, with `ARGV[1]` empty, only if no record is stored.
///
/// The version is read from the stored text (`"version":N`; absent in records written before
/// versions existed, which count as 0) rather than through `cjson`, whose numbers are doubles.
/// Inside JSON text a `"` that is not a delimiter is always escaped, so the pattern can only match
/// the top-level key. Returns 1 if it wrote, 0 if the version did not match, -1 if the stored
/// value is not a JSON object (left alone for the caller to report).
pub(crate) static PUT_AUTHORIZER_IF_VERSION: Lua = Lua::new(
    r#"
local current = redis.call('GET', KEYS[1])
if not current then
  if ARGV[1] == '' then
    redis.call('SET', KEYS[1], ARGV[2])
    return 1
  end
  return 0
end
if ARGV[1] == '' then
  return 0
end
local ok, stored = pcall(cjson.decode, current)
if not ok or type(stored) ~= 'table' then
  return -1
end
local version = string.match(current, '"version"%s*:%s*(%d+)') or '0'
version = string.gsub(version, '^0+(%d)', '%1')
if version == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
"#,
);

/// Takes a refresh lock for `ARGV[1]` (the owner) with a TTL of `ARGV[2]` milliseconds.
///
/// Returns 1 if it took a free lock, 2 if it took over a lock that had no TTL (nothing this SDK
/// writes: a lock set by hand or by a foreign tool, which would otherwise block every caller
/// forever), 0 if another owner holds it.
pub(crate) static TRY_LOCK: Lua = Lua::new(
    r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0
",
);

/// Sets the TTL of a lock to `ARGV[2]` milliseconds if `ARGV[1]` (the owner) still holds it.
/// Returns 1 if it extended.
pub(crate) static EXTEND_LOCK_IF_OWNER: Lua = Lua::new(
    r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
",
);

/// A fenced token write: `KEYS[1]` is the lock, `KEYS[2]` the token (same hash tag, same slot).
/// Writes `ARGV[2]` with a TTL of `ARGV[3]` milliseconds (0: already expired, not written) only
/// if `ARGV[1]` (the owner) holds the lock. Returns 1 if the owner held it.
pub(crate) static PUT_TOKEN_IF_OWNER: Lua = Lua::new(
    r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
return 1
",
);

/// Who holds a lock and its remaining TTL in milliseconds (-1: none), or nil when it is free.
pub(crate) static LOCK_HOLDER: Lua = Lua::new(
    r"
local owner = redis.call('GET', KEYS[1])
if not owner then
  return false
end
return {owner, redis.call('PTTL', KEYS[1])}
",
);
