//! Where `RedisStore` puts things, against a real Redis: key layout and hash tags, TTLs of
//! cache and durable keys, prefixes that isolate stores sharing one Redis, and what one merchant
//! costs in memory. The shared semantics are in `store_conformance.rs`.

mod support;

use std::time::{Duration, SystemTime};

use redis::aio::MultiplexedConnection;
use secrecy::SecretString;
use wx_auth::{AccessToken, AuthorizerRecord, TokenKey, TokenKind, TokenStore};

use support::redis::{TestPrefix, test_redis};
use support::redis_store::{COMPONENT, MERCHANT, merchant_key, pttl, put_record_and_ticket, store_on};

/// The text between the first `{` and the next `}`: what Redis Cluster hashes.
fn hash_tag(key: &str) -> &str {
    let open = key.find('{').expect("the key has a hash tag");
    let close = key[open..].find('}').expect("the hash tag is closed") + open;
    &key[open + 1..close]
}

#[tokio::test]
async fn keys_carry_the_prefix_and_one_hash_tag_per_authorizer() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = store_on(&redis, &prefix).await;
    let p = prefix.as_str();

    let token_key = merchant_key();
    let component_key = TokenKey::new(COMPONENT, COMPONENT, TokenKind::ComponentAccessToken);
    store
        .put_token(&token_key, &AccessToken::new("tok", Duration::from_secs(600)))
        .await
        .expect("put");
    store
        .put_token(&component_key, &AccessToken::new("ctok", Duration::from_secs(600)))
        .await
        .expect("put");
    assert!(
        store
            .try_lock(&token_key, "me", Duration::from_secs(30))
            .await
            .expect("lock")
    );
    put_record_and_ticket(&store, "r", "ticket").await;

    let mut conn = redis.raw().await;
    let keys = prefix.keys(&mut conn).await;
    let mut expected = vec![
        format!("{p}:{{wx_component:wx_merchant}}:authorizer_token"),
        format!("{p}:{{wx_component:wx_merchant}}:authorizer_token:lock"),
        format!("{p}:{{wx_component:wx_merchant}}:authorizer"),
        format!("{p}:{{wx_component:wx_component}}:component_token"),
        format!("{p}:{{wx_component}}:authorizers"),
        format!("{p}:{{wx_component}}:verify_ticket"),
    ];
    expected.sort();
    assert_eq!(keys, expected);

    // One authorizer's token, lock and record share a hash tag, hence a Cluster slot.
    let per_merchant: Vec<&String> = keys.iter().filter(|k| k.contains(MERCHANT)).collect();
    assert_eq!(per_merchant.len(), 3);
    assert!(per_merchant.iter().all(|k| hash_tag(k) == "wx_component:wx_merchant"));

    let kind: String = redis::cmd("TYPE")
        .arg(format!("{p}:{{wx_component}}:authorizers"))
        .query_async(&mut conn)
        .await
        .expect("TYPE");
    assert_eq!(kind, "set");
}

#[tokio::test]
async fn cache_keys_expire_and_durable_keys_never_do() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = store_on(&redis, &prefix).await;
    let p = prefix.as_str();
    let mut conn = redis.raw().await;

    let k = merchant_key();
    store
        .put_token(&k, &AccessToken::new("tok", Duration::from_secs(7200)))
        .await
        .expect("put");
    let token_ttl = pttl(&mut conn, &format!("{p}:{{wx_component:wx_merchant}}:authorizer_token")).await;
    assert!(
        (7_190_000..=7_200_000).contains(&token_ttl),
        "token PTTL follows its expiry: {token_ttl}"
    );

    assert!(store.try_lock(&k, "me", Duration::from_secs(20)).await.expect("lock"));
    let lock_ttl = pttl(
        &mut conn,
        &format!("{p}:{{wx_component:wx_merchant}}:authorizer_token:lock"),
    )
    .await;
    assert!((1..=20_000).contains(&lock_ttl), "lock PTTL is its TTL: {lock_ttl}");

    let record_key = format!("{p}:{{wx_component:wx_merchant}}:authorizer");
    let index_key = format!("{p}:{{wx_component}}:authorizers");
    let ticket_key = format!("{p}:{{wx_component}}:verify_ticket");
    put_record_and_ticket(&store, "r1", "ticket").await;
    for durable in [&record_key, &index_key, &ticket_key] {
        assert_eq!(pttl(&mut conn, durable).await, -1, "{durable} must not expire");
    }

    // Rotation keeps the record durable; a put clears a TTL someone set by hand.
    assert!(
        store
            .rotate_refresh_token(
                COMPONENT,
                MERCHANT,
                &SecretString::from("r1"),
                &SecretString::from("r2")
            )
            .await
            .expect("rotate")
    );
    assert_eq!(pttl(&mut conn, &record_key).await, -1);
    let _: i64 = redis::cmd("PEXPIRE")
        .arg(&record_key)
        .arg(60_000)
        .query_async(&mut conn)
        .await
        .expect("PEXPIRE");
    store
        .put_authorizer(
            COMPONENT,
            &AuthorizerRecord::new(MERCHANT, SecretString::from("r3"), None),
        )
        .await
        .expect("put");
    assert_eq!(pttl(&mut conn, &record_key).await, -1);
}

#[tokio::test]
async fn expired_tokens_are_never_written() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = store_on(&redis, &prefix).await;
    let now = SystemTime::now();
    let expired = AccessToken::with_times("dead", now - Duration::from_secs(10), now - Duration::from_millis(1));
    store.put_token(&merchant_key(), &expired).await.expect("put");
    let mut conn = redis.raw().await;
    assert!(prefix.keys(&mut conn).await.is_empty());
}

#[tokio::test]
async fn prefixes_isolate_stores_sharing_one_redis() {
    let redis = test_redis();
    let (one, two) = (TestPrefix::new(&redis), TestPrefix::new(&redis));
    let a = store_on(&redis, &one).await;
    let b = store_on(&redis, &two).await;
    a.put_token(&merchant_key(), &AccessToken::new("a", Duration::from_secs(60)))
        .await
        .expect("put");
    assert!(b.get_token(&merchant_key()).await.expect("get").is_none());
    assert!(
        a.try_lock(&merchant_key(), "x", Duration::from_secs(5))
            .await
            .expect("lock")
    );
    assert!(
        b.try_lock(&merchant_key(), "y", Duration::from_secs(5))
            .await
            .expect("lock")
    );
    assert_eq!(a.prefix(), one.as_str());
}

/// Measures what one merchant costs in Redis memory, with realistic value sizes (WeChat's
/// authorizer_access_token is about 160 characters, a refresh token about 60); the numbers
/// feed `docs/redis.md`. Run with `--nocapture` to see them.
#[tokio::test]
async fn one_merchant_costs_well_under_a_kilobyte() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = store_on(&redis, &prefix).await;
    let p = prefix.as_str();
    let mut conn = redis.raw().await;

    let component = "wx0123456789abcdef";
    let merchant = "wxfedcba9876543210";
    let token_value = "A".repeat(160);
    let refresh_value = format!("refreshtoken@@@{}", "R".repeat(45));
    let k = TokenKey::new(component, merchant, TokenKind::AuthorizerAccessToken);
    store
        .put_token(&k, &AccessToken::new(token_value, Duration::from_secs(7200)))
        .await
        .expect("put");
    store
        .put_authorizer(
            component,
            &AuthorizerRecord::new(merchant, SecretString::from(refresh_value), Some(vec![1, 8, 26])),
        )
        .await
        .expect("put");

    let token_bytes = memory_usage(&mut conn, &format!("{p}:{{{component}:{merchant}}}:authorizer_token")).await;
    let record_bytes = memory_usage(&mut conn, &format!("{p}:{{{component}:{merchant}}}:authorizer")).await;
    println!("MEMORY USAGE token key: {token_bytes} bytes, record key: {record_bytes} bytes (prefix {p})");
    assert!(token_bytes > 160 && token_bytes < 512, "token key: {token_bytes} bytes");
    assert!(
        record_bytes > 60 && record_bytes < 512,
        "record key: {record_bytes} bytes"
    );
}

async fn memory_usage(conn: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("MEMORY")
        .arg("USAGE")
        .arg(key)
        .query_async(conn)
        .await
        .expect("MEMORY USAGE answers")
}
