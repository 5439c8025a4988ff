//! The same `RedisStore` on a 3-master Redis Cluster and through Sentinel, against real servers:
//! one authorizer's keys share a slot, the store comes back after every node restarted, and a
//! Sentinel fail-over moves the store to the promoted replica without losing a durable write.

mod support;

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use wx_auth::{AccessToken, AuthorizerRecord, DurableWrites, RedisStore, TokenStore};

use support::redis_cluster::TestCluster;
use support::redis_sentinel::{MASTER_NAME, TestSentinel};
use support::redis_store::{COMPONENT, MERCHANT, merchant_key, put_record_and_ticket};

async fn keyslot(conn: &mut redis::cluster_async::ClusterConnection, key: &str) -> i64 {
    redis::cmd("CLUSTER")
        .arg("KEYSLOT")
        .arg(key)
        .query_async(conn)
        .await
        .expect("KEYSLOT")
}

/// Polls `op` until it succeeds; returns how long that took.
async fn until_ok<T, F, Fut>(within: Duration, mut op: F) -> (T, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, wx_auth::StoreError>>,
{
    let started = Instant::now();
    loop {
        match op().await {
            Ok(v) => return (v, started.elapsed()),
            Err(e) => {
                assert!(e.is_unavailable(), "only unavailable errors while it recovers: {e}");
                assert!(started.elapsed() < within, "still failing after {within:?}: {e}");
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn on_a_cluster_one_authorizers_keys_share_a_slot_and_the_store_survives_a_full_restart() {
    let mut cluster = TestCluster::start();
    let urls = cluster.urls();
    let store = RedisStore::connect_cluster(&TestCluster::url_refs(&urls))
        .await
        .expect("connects")
        .with_op_timeout(Duration::from_millis(300));
    let p = store.prefix().to_owned();
    store
        .put_token(&merchant_key(), &AccessToken::new("tok", Duration::from_secs(600)))
        .await
        .expect("put");
    assert!(
        store
            .try_lock(&merchant_key(), "me", Duration::from_secs(5))
            .await
            .expect("lock")
    );
    put_record_and_ticket(&store, "r", "t").await;

    let mut raw = cluster.raw().await;
    let per_merchant = [
        format!("{p}:{{{COMPONENT}:{MERCHANT}}}:authorizer_token"),
        format!("{p}:{{{COMPONENT}:{MERCHANT}}}:authorizer_token:lock"),
        format!("{p}:{{{COMPONENT}:{MERCHANT}}}:authorizer"),
    ];
    let slot = keyslot(&mut raw, &per_merchant[0]).await;
    for key in &per_merchant {
        assert_eq!(keyslot(&mut raw, key).await, slot, "{key}");
        let exists: i64 = redis::cmd("EXISTS")
            .arg(key)
            .query_async(&mut raw)
            .await
            .expect("EXISTS");
        assert_eq!(exists, 1, "{key} was written where the cluster routes it");
    }
    assert_eq!(
        keyslot(&mut raw, &format!("{p}:{{{COMPONENT}}}:authorizers")).await,
        keyslot(&mut raw, &format!("{p}:{{{COMPONENT}}}:verify_ticket")).await
    );
    assert_eq!(store.list_authorizers(COMPONENT).await.expect("list"), [MERCHANT]);

    // Every node goes down: operations fail as unavailable, fast; then the nodes come back with
    // their slots (and no data: no persistence here) and the same store works again.
    cluster.stop_all();
    let started = Instant::now();
    let err = store.get_token(&merchant_key()).await.expect_err("down");
    assert!(err.is_unavailable(), "{err}");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    cluster.restart_all();
    let (key, token) = (merchant_key(), AccessToken::new("after", Duration::from_secs(60)));
    let ((), took) = until_ok(Duration::from_secs(30), || store.put_token(&key, &token)).await;
    println!("cluster: the store answered {took:?} after the nodes were back");
    let read = store.get_token(&merchant_key()).await.expect("get").expect("present");
    assert_eq!(read.expose_secret(), "after");
}

#[tokio::test]
async fn on_a_cluster_a_moved_slot_is_followed_without_an_error() {
    let cluster = TestCluster::start();
    let urls = cluster.urls();
    let store = RedisStore::connect_cluster(&TestCluster::url_refs(&urls))
        .await
        .expect("connects");
    let p = store.prefix().to_owned();
    let k = merchant_key();
    store
        .put_token(&k, &AccessToken::new("before-move", Duration::from_secs(600)))
        .await
        .expect("put");
    store
        .put_authorizer(
            COMPONENT,
            &AuthorizerRecord::new(MERCHANT, SecretString::from("r1"), None),
        )
        .await
        .expect("put");

    // Reshard: the authorizer's slot moves to another master behind the store's back.
    let (from, to) = cluster.move_slot_of(&format!("{p}:{{{COMPONENT}:{MERCHANT}}}:authorizer"));
    assert_ne!(from, to);

    // Reads, scripts and writes follow the MOVED answers without surfacing an error.
    assert_eq!(
        store
            .get_token(&k)
            .await
            .expect("get after the move")
            .expect("migrated")
            .expose_secret(),
        "before-move"
    );
    assert!(
        store
            .rotate_refresh_token(
                COMPONENT,
                MERCHANT,
                &SecretString::from("r1"),
                &SecretString::from("r2")
            )
            .await
            .expect("rotate after the move")
    );
    assert!(
        store
            .try_lock(&k, "me", Duration::from_secs(5))
            .await
            .expect("lock after the move")
    );
    let fenced = AccessToken::new("after-move", Duration::from_secs(600));
    assert!(
        store
            .put_token_if_owner(&k, &fenced, "me")
            .await
            .expect("fenced write after the move")
    );
    let mut raw = redis::Client::open(support::redis::url_for(to))
        .expect("url")
        .get_multiplexed_async_connection()
        .await
        .expect("the new owner answers");
    let on_new_owner: Option<String> = redis::cmd("GET")
        .arg(format!("{p}:{{{COMPONENT}:{MERCHANT}}}:authorizer"))
        .query_async(&mut raw)
        .await
        .expect("GET on the new owner");
    assert!(
        on_new_owner.is_some_and(|r| r.contains("\"r2\"")),
        "the rotation landed on the new owner"
    );
}

#[tokio::test]
async fn through_sentinel_a_fail_over_moves_the_store_to_the_promoted_replica_and_keeps_durable_writes() {
    let mut group = TestSentinel::start();
    let store = RedisStore::connect_sentinel(&[&group.sentinel_url()], MASTER_NAME)
        .await
        .expect("connects")
        .with_op_timeout(Duration::from_millis(300))
        .with_durable_writes(DurableWrites::new(1).fail_when_unreplicated());
    let mut record = AuthorizerRecord::new(MERCHANT, SecretString::from("refresh@@@before"), Some(vec![26]));
    record.version = 1;
    assert!(
        store
            .put_authorizer_if(COMPONENT, &record, None)
            .await
            .expect("acknowledged by the replica")
    );
    assert!(
        store
            .rotate_refresh_token(
                COMPONENT,
                MERCHANT,
                &SecretString::from("refresh@@@before"),
                &SecretString::from("refresh@@@rotated")
            )
            .await
            .expect("acknowledged by the replica")
    );

    group.kill_master();
    let err = store
        .get_authorizer(COMPONENT, MERCHANT)
        .await
        .expect_err("the master is gone");
    assert!(err.is_unavailable(), "{err}");
    group.wait_for_failover(Duration::from_secs(30));
    let (read, took) = until_ok(Duration::from_secs(15), || store.get_authorizer(COMPONENT, MERCHANT)).await;
    println!("sentinel: the store answered from the promoted replica {took:?} after the fail-over");
    let read = read.expect("the record survived the fail-over");
    assert_eq!(
        read.refresh_token.expose_secret(),
        "refresh@@@rotated",
        "no rotated refresh token lost"
    );
    assert_eq!(read.version, 2);
    // Writes go to the new primary (no replica left: a lenient store warns and writes).
    let lenient = store
        .clone()
        .with_durable_writes(DurableWrites::new(1).timeout(Duration::from_millis(50)));
    let (from, to) = (
        SecretString::from("refresh@@@rotated"),
        SecretString::from("refresh@@@after"),
    );
    let (rotated, _) = until_ok(Duration::from_secs(10), || {
        lenient.rotate_refresh_token(COMPONENT, MERCHANT, &from, &to)
    })
    .await;
    assert!(rotated);
    assert!(format!("{store:?}").contains("sentinel"), "{store:?}");
}
