//! A `RedisStore` under a test's own prefix, and the one authorizer the Redis tests write.

use redis::aio::MultiplexedConnection;
use secrecy::SecretString;
use wx_auth::{AuthorizerRecord, RedisStore, TokenKey, TokenKind, TokenStore, VerifyTicket};

use super::redis::{TestPrefix, TestRedis};

pub const COMPONENT: &str = "wx_component";
pub const MERCHANT: &str = "wx_merchant";

/// A store on `redis` whose keys all start with `prefix`.
pub async fn store_on(redis: &TestRedis, prefix: &TestPrefix) -> RedisStore {
    RedisStore::connect(redis.url())
        .await
        .expect("connects to the test Redis")
        .with_prefix(prefix.as_str())
}

/// The merchant's authorizer token key.
pub fn merchant_key() -> TokenKey {
    TokenKey::new(COMPONENT, MERCHANT, TokenKind::AuthorizerAccessToken)
}

/// Writes the durable data: the merchant's record with `refresh_token`, and the component's
/// verify `ticket`.
pub async fn put_record_and_ticket(store: &RedisStore, refresh_token: &str, ticket: &str) {
    store
        .put_authorizer(
            COMPONENT,
            &AuthorizerRecord::new(MERCHANT, SecretString::from(refresh_token), None),
        )
        .await
        .expect("put");
    store
        .put_verify_ticket(COMPONENT, &VerifyTicket::new(ticket))
        .await
        .expect("put");
}

/// The remaining lifetime of `key` in milliseconds (`-1`: none, `-2`: no such key).
pub async fn pttl(conn: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL")
        .arg(key)
        .query_async(conn)
        .await
        .expect("PTTL answers")
}
