//! How `RedisStore` fails, against real `redis-server`s: corrupt values, bad URLs, passwords
//! that never show, outages that fail fast as "unavailable", and recovery once Redis is back.

mod support;

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use wx_auth::{AccessToken, RedisStore, StoreError, TokenStore, VerifyTicket};

use support::redis::{TestPrefix, ThrowawayRedis, test_redis};
use support::redis_store::{COMPONENT, MERCHANT, merchant_key, store_on};
use wx_auth::conformance::every_operation;

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
    store.ping().await.expect("ping works while Redis is up");

    server.stop();
    // Twice: the first round meets the dropped connection, the second the reconnect attempts.
    for _ in 0..2 {
        for (name, result, took) in every_operation(&store).await {
            let err = result.expect_err(name);
            assert!(err.is_unavailable(), "{name}: {err}");
            assert!(took <= op_timeout + slack, "{name} took {took:?} during the outage");
        }
        let started = Instant::now();
        let err = store.ping().await.expect_err("ping during the outage");
        assert!(err.is_unavailable(), "ping: {err}");
        assert!(
            started.elapsed() <= op_timeout + slack,
            "ping took too long during the outage"
        );
    }

    server.restart();
    wait_until_it_answers(&store, Duration::from_secs(10)).await;
    // The restarted server lost its data (no persistence): the store simply works again.
    for (name, result, _) in every_operation(&store).await {
        result.unwrap_or_else(|e| panic!("{name} works after Redis came back: {e}"));
    }
    store.ping().await.expect("ping works after Redis came back");
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
