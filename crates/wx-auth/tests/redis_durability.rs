//! Durable data in Redis survives what a crash or a fail-over does: a record whose index entry
//! was never written is listed again once read, a write that fails half-way never lists a
//! merchant without a record, and durable writes wait for replicas (`WAIT`) — reporting a
//! shortfall as a warning or, when asked, as an error.

mod support;

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use wx_auth::{AuthorizerRecord, DurableWrites, RedisStore, TokenStore, VerifyTicket};

use support::redis::{TestPrefix, ThrowawayRedis, raw_connection, test_redis};
use support::redis_sentinel::TestSentinel;

const COMPONENT: &str = "wx_component";
const MERCHANT: &str = "wx_merchant";
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

async fn record_on(url: &str, prefix: &str) -> Option<String> {
    let mut conn = raw_connection(url).await;
    redis::cmd("GET")
        .arg(format!("{prefix}:{{{COMPONENT}:{MERCHANT}}}:authorizer"))
        .query_async(&mut conn)
        .await
        .expect("GET")
}

#[tokio::test]
async fn durable_writes_are_on_the_replica_when_they_return_and_a_shortfall_is_reported() {
    let mut group = TestSentinel::start();
    let strict = RedisStore::connect(&group.master_url())
        .await
        .expect("connects")
        .with_durable_writes(
            DurableWrites::new(1)
                .timeout(Duration::from_millis(300))
                .fail_when_unreplicated(),
        );
    let prefix = strict.prefix().to_owned();

    let mut record = AuthorizerRecord::new(MERCHANT, SecretString::from("refresh@@@1"), Some(vec![26]));
    record.version = 1;
    assert!(
        strict
            .put_authorizer_if(COMPONENT, &record, None)
            .await
            .expect("acknowledged")
    );
    assert!(
        record_on(&group.replica_url(), &prefix).await.is_some(),
        "an acknowledged write is on the replica when the call returns"
    );
    assert!(
        strict
            .rotate_refresh_token(
                COMPONENT,
                MERCHANT,
                &SecretString::from("refresh@@@1"),
                &SecretString::from("refresh@@@2")
            )
            .await
            .expect("acknowledged")
    );
    let on_replica = record_on(&group.replica_url(), &prefix).await.expect("replicated");
    assert!(
        on_replica.contains("refresh@@@2"),
        "the rotated token is on the replica"
    );
    strict
        .put_verify_ticket(COMPONENT, &VerifyTicket::new("ticket@@@1"))
        .await
        .expect("acknowledged");

    // Asking for more replicas than there are: a typed error, after the bounded wait.
    let too_many = strict.clone().with_durable_writes(
        DurableWrites::new(2)
            .timeout(Duration::from_millis(200))
            .fail_when_unreplicated(),
    );
    let started = Instant::now();
    let err = too_many
        .put_verify_ticket(COMPONENT, &VerifyTicket::new("ticket@@@2"))
        .await
        .expect_err("only one replica exists");
    assert!(err.is_not_replicated() && !err.is_unavailable(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the wait is bounded: {:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("1 of 2 replicas"), "{err}");
    assert_eq!(
        strict
            .get_verify_ticket(COMPONENT)
            .await
            .expect("get")
            .expect("present")
            .ticket
            .expose_secret(),
        "ticket@@@2",
        "the write itself was made on the primary"
    );

    // The replica is gone: strict writes fail as not replicated, lenient ones warn and succeed.
    group.kill_replica();
    let err = strict
        .rotate_refresh_token(
            COMPONENT,
            MERCHANT,
            &SecretString::from("refresh@@@2"),
            &SecretString::from("refresh@@@3"),
        )
        .await
        .expect_err("no replica acknowledges");
    assert!(err.is_not_replicated(), "{err}");
    let lenient = strict
        .clone()
        .with_durable_writes(DurableWrites::new(1).timeout(Duration::from_millis(100)));
    assert!(
        lenient
            .rotate_refresh_token(
                COMPONENT,
                MERCHANT,
                &SecretString::from("refresh@@@3"),
                &SecretString::from("refresh@@@4")
            )
            .await
            .expect("a shortfall is a warning by default")
    );
    // A compare-and-set that writes nothing does not wait or fail.
    let mut stale = record.clone();
    stale.version = 2;
    assert!(
        !strict
            .put_authorizer_if(COMPONENT, &stale, Some(1))
            .await
            .expect("refused without error")
    );
}
