//! How `RedisStore` repairs what a crash, a hand edit or a bad setting left behind: a lock key
//! without a TTL, a record whose index entry was never written, a write that failed half-way,
//! and a URL without a scheme.
#![cfg(feature = "redis")]

mod support;

use std::time::Duration;

use redis::aio::MultiplexedConnection;
use secrecy::{ExposeSecret, SecretString};
use wx_auth::{AuthorizerRecord, RedisStore, TokenKey, TokenKind, TokenStore};

use support::redis::{TestPrefix, ThrowawayRedis, raw_connection, test_redis};

const COMPONENT: &str = "wx_component";
const MERCHANT: &str = "wx_merchant";

fn merchant_key() -> TokenKey {
    TokenKey::new(COMPONENT, MERCHANT, TokenKind::AuthorizerAccessToken)
}

async fn pttl(conn: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL")
        .arg(key)
        .query_async(conn)
        .await
        .expect("PTTL answers")
}

#[tokio::test]
async fn a_lock_left_without_a_ttl_is_taken_over_instead_of_blocking_forever() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = RedisStore::connect(redis.url())
        .await
        .expect("connects")
        .with_prefix(prefix.as_str());
    let mut conn = redis.raw().await;
    let lock_key = format!("{}:{{{COMPONENT}:{MERCHANT}}}:authorizer_token:lock", prefix.as_str());
    let _: () = redis::cmd("SET")
        .arg(&lock_key)
        .arg("left-by-hand")
        .query_async(&mut conn)
        .await
        .expect("SET");
    assert_eq!(pttl(&mut conn, &lock_key).await, -1);

    let (owner, left) = store.lock_holder(&merchant_key()).await.expect("holder").expect("held");
    assert_eq!(
        (owner.as_str(), left),
        ("left-by-hand", Duration::MAX),
        "reported as never expiring"
    );

    assert!(
        store
            .try_lock(&merchant_key(), "me", Duration::from_secs(20))
            .await
            .expect("lock"),
        "a lock without TTL has no live holder: taken over"
    );
    let ttl = pttl(&mut conn, &lock_key).await;
    assert!((1..=20_000).contains(&ttl), "the lock now expires: {ttl}");
    let (owner, _) = store.lock_holder(&merchant_key()).await.expect("holder").expect("held");
    assert_eq!(owner, "me");
    assert!(
        !store
            .try_lock(&merchant_key(), "other", Duration::from_secs(20))
            .await
            .expect("lock"),
        "and is a normal, exclusive lock again"
    );
}

#[tokio::test]
async fn a_record_missing_from_the_index_is_listed_again_once_read() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = RedisStore::connect(redis.url())
        .await
        .expect("connects")
        .with_prefix(prefix.as_str());
    let mut conn = redis.raw().await;
    // What a writer that died between the record and the index leaves behind.
    let record = AuthorizerRecord::new(MERCHANT, SecretString::from("refresh@@@orphan"), Some(vec![26]));
    let _: () = redis::cmd("SET")
        .arg(format!("{}:{{{COMPONENT}:{MERCHANT}}}:authorizer", prefix.as_str()))
        .arg(wx_auth::store::encode_authorizer(&record))
        .query_async(&mut conn)
        .await
        .expect("SET");
    assert!(store.list_authorizers(COMPONENT).await.expect("list").is_empty());

    let read = store
        .get_authorizer(COMPONENT, MERCHANT)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@orphan");
    assert_eq!(store.list_authorizers(COMPONENT).await.expect("list"), [MERCHANT]);
}

#[tokio::test]
async fn a_record_write_that_fails_half_way_never_lists_a_merchant_without_a_record() {
    // A Redis user that may add to the index but not write records: the record write fails.
    let server = ThrowawayRedis::start();
    let mut admin = raw_connection(&server.url()).await;
    let _: () = redis::cmd("ACL")
        .arg(&["SETUSER", "half", "on", ">half-pass", "~*", "+@all", "-set"])
        .query_async(&mut admin)
        .await
        .expect("ACL SETUSER");
    let url = server.url().replace("redis://", "redis://half:half-pass@");
    let store = RedisStore::connect(&url).await.expect("connects");

    let record = AuthorizerRecord::new(MERCHANT, SecretString::from("refresh@@@x"), None);
    let err = store
        .put_authorizer(COMPONENT, &record)
        .await
        .expect_err("SET is denied");
    assert!(err.is_unavailable(), "{err}");
    let members: Vec<String> = redis::cmd("SMEMBERS")
        .arg(format!("{}:{{{COMPONENT}}}:authorizers", RedisStore::DEFAULT_PREFIX))
        .query_async(&mut admin)
        .await
        .expect("SMEMBERS");
    assert!(
        members.is_empty(),
        "the index must not name a merchant whose record was not written: {members:?}"
    );
}

#[tokio::test]
async fn a_url_without_a_scheme_is_a_configuration_error() {
    for url in [
        "127.0.0.1:6379",
        "localhost",
        "http://127.0.0.1:6379/",
        "tester:hunter2@127.0.0.1:6379",
    ] {
        let err = RedisStore::connect(url).await.expect_err(url);
        assert!(err.is_config() && !err.is_unavailable(), "{url}: {err}");
        assert!(err.to_string().contains("redis://"), "says what is expected: {err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = RedisStore::connect_lazy(url).expect_err(url);
        assert!(err.is_config(), "{url}: {err}");
    }
    let err = RedisStore::connect("redis://[not-an-address/")
        .await
        .expect_err("malformed");
    assert!(err.is_config(), "{err}");
}
