//! Redis-specific behaviour of `RedisStore`, against a real Redis: key layout and hash tags,
//! TTLs, the fleet-wide lock under contention, corrupt data, secrets in errors, outages and
//! recovery. The shared semantics are in `store_conformance.rs`.
#![cfg(feature = "redis")]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use redis::aio::MultiplexedConnection;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Barrier;
use wx_auth::{AccessToken, AuthorizerRecord, RedisStore, StoreError, TokenKey, TokenKind, TokenStore, VerifyTicket};

use support::redis::{TestPrefix, TestRedis, ThrowawayRedis, test_redis};

const COMPONENT: &str = "wx_component";
const MERCHANT: &str = "wx_merchant";

async fn store_on(redis: &TestRedis, prefix: &TestPrefix) -> RedisStore {
    RedisStore::connect(redis.url())
        .await
        .expect("connects to the test Redis")
        .with_prefix(prefix.as_str())
}

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
    store
        .put_authorizer(
            COMPONENT,
            &AuthorizerRecord::new(MERCHANT, SecretString::from("r"), None),
        )
        .await
        .expect("put");
    store
        .put_verify_ticket(COMPONENT, &VerifyTicket::new("ticket"))
        .await
        .expect("put");

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
    store
        .put_authorizer(
            COMPONENT,
            &AuthorizerRecord::new(MERCHANT, SecretString::from("r1"), None),
        )
        .await
        .expect("put");
    store
        .put_verify_ticket(COMPONENT, &VerifyTicket::new("ticket"))
        .await
        .expect("put");
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
async fn fifty_concurrent_try_locks_have_exactly_one_winner() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    // Two stores with their own connections, as two processes would have.
    let stores = [
        Arc::new(store_on(&redis, &prefix).await),
        Arc::new(store_on(&redis, &prefix).await),
    ];
    let barrier = Arc::new(Barrier::new(50));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let store = Arc::clone(&stores[i % 2]);
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            barrier.wait().await;
            store
                .try_lock(&merchant_key(), &format!("owner-{i}"), Duration::from_secs(30))
                .await
                .expect("try_lock answers")
        });
    }
    let mut winners = 0;
    while let Some(won) = tasks.join_next().await {
        if won.expect("task did not panic") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn unreadable_values_are_corrupt_errors_without_their_content() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = store_on(&redis, &prefix).await;
    let p = prefix.as_str();
    let mut conn = redis.raw().await;

    let token_key = format!("{p}:{{wx_component:wx_merchant}}:authorizer_token");
    let _: () = redis::cmd("SET")
        .arg(&token_key)
        .arg("leaked-secret, not JSON")
        .query_async(&mut conn)
        .await
        .expect("SET");
    let err: StoreError = store.get_token(&merchant_key()).await.expect_err("corrupt");
    assert!(!err.is_unavailable());
    assert!(!err.to_string().contains("leaked-secret"), "{err}");
    // Compare-and-delete leaves an unreadable value alone rather than guessing.
    assert!(
        !store
            .delete_token_if(
                &merchant_key(),
                &AccessToken::new("leaked-secret", Duration::from_secs(60))
            )
            .await
            .expect("cad")
    );

    let record_key = format!("{p}:{{wx_component:wx_merchant}}:authorizer");
    let _: i64 = redis::cmd("SADD")
        .arg(&record_key)
        .arg("member")
        .query_async(&mut conn)
        .await
        .expect("SADD");
    let err = store.get_authorizer(COMPONENT, MERCHANT).await.expect_err("wrong type");
    assert!(!err.is_unavailable(), "{err}");
    let err = store
        .rotate_refresh_token(COMPONENT, MERCHANT, &SecretString::from("a"), &SecretString::from("b"))
        .await
        .expect_err("wrong type");
    assert!(!err.is_unavailable(), "{err}");
}

#[tokio::test]
async fn neither_debug_nor_errors_show_the_url_password() {
    let free = ThrowawayRedis::not_started();
    let url = free.url().replace("redis://", "redis://tester:hunter2-secret@");

    let lazy = RedisStore::connect_lazy(&url).expect("no I/O, no error");
    let printed = format!("{lazy:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("127.0.0.1"), "{printed}");
    assert!(printed.contains(RedisStore::DEFAULT_PREFIX), "{printed}");

    let started = Instant::now();
    let err = RedisStore::connect(&url).await.expect_err("nothing listens there");
    assert!(err.is_unavailable());
    assert!(started.elapsed() <= RedisStore::CONNECT_TIMEOUT + Duration::from_millis(500));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("hunter2") && !text.contains("tester"), "{text}");

    let err = lazy
        .get_token(&merchant_key())
        .await
        .expect_err("nothing listens there");
    assert!(!format!("{err} {err:?}").contains("hunter2"));

    let err = RedisStore::connect("redis://tester:hunter2-secret@[not-an-address/")
        .await
        .expect_err("invalid URL");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

/// Every operation of the store, each returning only whether it failed as "unavailable" and
/// how long it took.
async fn every_operation(store: &RedisStore) -> Vec<(&'static str, Result<(), StoreError>, Duration)> {
    let k = merchant_key();
    let token = AccessToken::new("tok", Duration::from_secs(600));
    let record = AuthorizerRecord::new(MERCHANT, SecretString::from("r"), None);
    let (a, b) = (SecretString::from("r"), SecretString::from("r2"));
    let ticket = VerifyTicket::new("t");
    let mut out = Vec::new();
    macro_rules! time {
        ($name:literal, $call:expr) => {{
            let started = Instant::now();
            let result = $call.await.map(|_| ());
            out.push(($name, result, started.elapsed()));
        }};
    }
    time!("get_token", store.get_token(&k));
    time!("put_token", store.put_token(&k, &token));
    time!("delete_token_if", store.delete_token_if(&k, &token));
    time!("get_authorizer", store.get_authorizer(COMPONENT, MERCHANT));
    time!("put_authorizer", store.put_authorizer(COMPONENT, &record));
    time!(
        "rotate_refresh_token",
        store.rotate_refresh_token(COMPONENT, MERCHANT, &a, &b)
    );
    time!("list_authorizers", store.list_authorizers(COMPONENT));
    time!("get_verify_ticket", store.get_verify_ticket(COMPONENT));
    time!("put_verify_ticket", store.put_verify_ticket(COMPONENT, &ticket));
    time!("try_lock", store.try_lock(&k, "me", Duration::from_secs(5)));
    time!("unlock", store.unlock(&k, "me"));
    time!("ping", store.ping());
    out
}

/// Polls until the store answers again (the connection manager reconnects by itself).
async fn wait_until_it_answers(store: &RedisStore, within: Duration) {
    let started = Instant::now();
    loop {
        match store.ping().await {
            Ok(()) => return,
            Err(e) => assert!(started.elapsed() < within, "still unavailable after {within:?}: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_outage_fails_fast_as_unavailable_and_the_store_recovers() {
    let mut server = ThrowawayRedis::start();
    let op_timeout = Duration::from_millis(300);
    let slack = Duration::from_millis(400);
    let prefix = TestPrefix::on_url(&server.url());
    let store = RedisStore::connect(&server.url())
        .await
        .expect("connects")
        .with_prefix(prefix.as_str())
        .with_op_timeout(op_timeout);
    for (name, result, _) in every_operation(&store).await {
        result.unwrap_or_else(|e| panic!("{name} works while Redis is up: {e}"));
    }

    server.stop();
    // Twice: the first round meets the dropped connection, the second the reconnect attempts.
    for _ in 0..2 {
        for (name, result, took) in every_operation(&store).await {
            let err = result.expect_err(name);
            assert!(err.is_unavailable(), "{name}: {err}");
            assert!(took <= op_timeout + slack, "{name} took {took:?} during the outage");
        }
    }

    server.restart();
    wait_until_it_answers(&store, Duration::from_secs(10)).await;
    // The restarted server lost its data (no persistence): the store simply works again.
    for (name, result, _) in every_operation(&store).await {
        result.unwrap_or_else(|e| panic!("{name} works after Redis came back: {e}"));
    }
    let k = merchant_key();
    store
        .put_token(&k, &AccessToken::new("after", Duration::from_secs(60)))
        .await
        .expect("put");
    assert_eq!(
        store
            .get_token(&k)
            .await
            .expect("get")
            .expect("present")
            .expose_secret(),
        "after"
    );
}

#[tokio::test]
async fn a_store_created_while_redis_is_down_works_once_it_starts() {
    let mut server = ThrowawayRedis::not_started();
    let op_timeout = Duration::from_millis(300);
    let prefix = TestPrefix::on_url(&server.url());
    let store = RedisStore::connect_lazy(&server.url())
        .expect("no I/O yet")
        .with_prefix(prefix.as_str())
        .with_op_timeout(op_timeout);
    let started = Instant::now();
    let err = store.get_verify_ticket(COMPONENT).await.expect_err("down");
    assert!(err.is_unavailable(), "{err}");
    assert!(started.elapsed() <= op_timeout + Duration::from_millis(400));

    server.restart();
    wait_until_it_answers(&store, Duration::from_secs(10)).await;
    store
        .put_verify_ticket(COMPONENT, &VerifyTicket::new("ticket@@@up"))
        .await
        .expect("put");
    let read = store.get_verify_ticket(COMPONENT).await.expect("get").expect("present");
    assert_eq!(read.ticket.expose_secret(), "ticket@@@up");
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
