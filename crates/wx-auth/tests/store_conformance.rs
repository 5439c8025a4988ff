//! Every store this crate ships passes the same contract, `wx_auth::conformance` — the checks
//! users run on their own stores: the in-memory store, Redis on one node, on a 3-master Cluster
//! and through Sentinel, and PostgreSQL. Each also fails every operation as "unavailable", in
//! bounded time, once its backend is down.
//!
//! Servers are real (see `support/`); none is skipped.

mod support;

use std::time::Duration;

use wx_auth::{MemoryStore, PostgresStore, RedisStore, TokenKey, TokenKind, TokenStore, conformance};

use support::postgres::TestSchema;
use support::redis::{TestPrefix, ThrowawayRedis, test_redis};
use support::redis_cluster::TestCluster;
use support::redis_sentinel::{MASTER_NAME, TestSentinel};

/// Our stores also implement the optional `lock_holder`.
async fn reports_lock_holders(store: &dyn TokenStore) {
    let k = TokenKey::new(
        "wxc_holder_reported",
        format!("wxm_{}", rand::random::<u32>()),
        TokenKind::AuthorizerAccessToken,
    );
    assert!(
        store
            .try_lock(&k, "owner-a", Duration::from_secs(10))
            .await
            .expect("lock")
    );
    let (owner, left) = store.lock_holder(&k).await.expect("holder").expect("reported");
    assert_eq!(owner, "owner-a");
    assert!(
        left > Duration::from_secs(5) && left <= Duration::from_secs(10),
        "{left:?}"
    );
    store.unlock(&k, "owner-a").await.expect("unlock");
}

#[tokio::test]
async fn memory_store_conforms() {
    let store = MemoryStore::new();
    conformance::check(&store).await;
    reports_lock_holders(&store).await;
}

#[tokio::test]
async fn redis_store_conforms_on_one_node() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = RedisStore::connect(redis.url())
        .await
        .expect("connects to the test Redis")
        .with_prefix(prefix.as_str());
    conformance::check(&store).await;
    reports_lock_holders(&store).await;
}

#[tokio::test]
async fn redis_store_conforms_on_a_three_master_cluster() {
    let cluster = TestCluster::start();
    let urls = cluster.urls();
    let store = RedisStore::connect_cluster(&TestCluster::url_refs(&urls))
        .await
        .expect("connects to the test cluster");
    conformance::check(&store).await;
    reports_lock_holders(&store).await;
    // Durable writes send each script with its WAIT in one pipeline, which must reach the node
    // of the script's key (the cluster has no replicas, so it waits for none).
    let pipelined = store.with_durable_writes(wx_auth::DurableWrites::new(0).fail_when_unreplicated());
    conformance::check_durable(&pipelined).await;
}

#[tokio::test]
async fn redis_store_conforms_through_sentinel_with_durable_writes() {
    let group = TestSentinel::start();
    let store = RedisStore::connect_sentinel(&[&group.sentinel_url()], MASTER_NAME)
        .await
        .expect("connects through the Sentinel")
        .with_durable_writes(wx_auth::DurableWrites::new(1).fail_when_unreplicated());
    conformance::check(&store).await;
    reports_lock_holders(&store).await;
}

#[tokio::test]
async fn postgres_store_conforms() {
    let schema = TestSchema::new().await;
    let store = PostgresStore::new(schema.pool())
        .with_schema(schema.name())
        .expect("valid schema");
    store.migrate().await.expect("migrates");
    conformance::check(&store).await;
    conformance::check_durable(&store).await;
    reports_lock_holders(&store).await;
}

#[tokio::test]
async fn redis_store_fails_every_operation_as_unavailable_while_down() {
    let free = ThrowawayRedis::not_started();
    let store = RedisStore::connect_lazy(&free.url())
        .expect("no I/O yet")
        .with_op_timeout(Duration::from_millis(300));
    conformance::check_outage(&store, Duration::from_millis(700)).await;
}

#[tokio::test]
async fn postgres_store_fails_every_operation_as_unavailable_while_down() {
    let port = support::redis::free_port();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect_lazy(&format!("postgres://postgres@127.0.0.1:{port}/test"))
        .expect("lazy pool");
    let store = PostgresStore::new(pool).with_op_timeout(Duration::from_millis(500));
    conformance::check_outage(&store, Duration::from_millis(900)).await;
}
