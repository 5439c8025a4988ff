//! Redis killed mid-run, on each topology: calls go on from the in-process cache while it is
//! down, and from Redis again once it is back — after a restart (one node, every node of a
//! Cluster) or a Sentinel fail-over to the replica, where no rotated refresh token is lost.

#[allow(dead_code)]
mod fleet_support;

use std::sync::Arc;
use std::time::Duration;

use fleet_support::COMPONENT;
use fleet_support::stores::redis::ThrowawayRedis;
use fleet_support::stores::redis_cluster::TestCluster;
use fleet_support::stores::redis_sentinel::{MASTER_NAME, TestSentinel};
use secrecy::ExposeSecret;
use wx_auth::{DurableWrites, RedisStore, TokenSource, TokenStore};
use wx_invoice_e2e::{AUTHORIZER_TOKEN_PATH, PLATFORM_OA, Platform, insert_request};
use wx_sandbox::Sandbox;

/// Inserts `from..=to` as `p`, each expected to succeed.
async fn inserts(p: &Platform, media: &str, tag: &str, range: std::ops::RangeInclusive<u32>) {
    for i in range {
        p.client
            .insert(PLATFORM_OA, &insert_request(&format!("{tag}-{i}"), media))
            .await
            .unwrap_or_else(|e| panic!("insert {tag}-{i}: {e}"));
    }
}

/// Authorizes, inserts once, takes Redis down with `down`, inserts from memory (including a
/// refresh of a rejected token), brings it back with `up`, inserts again; checks the grant.
async fn calls_go_on_through(store: Arc<dyn TokenStore>, tag: &str, down: impl FnOnce(), up: impl FnOnce()) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let p = Platform::on(sandbox.clone(), store).await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p.upload(PLATFORM_OA).await;
    inserts(&p, &media, tag, 0..=0).await;

    down();
    inserts(&p, &media, tag, 1..=5).await;
    // A rejected token while Redis is down: refreshed locally from the in-memory copy of the grant.
    sandbox.revoke_token(PLATFORM_OA);
    inserts(&p, &media, tag, 6..=6).await;
    let refresh = sandbox.current_refresh_token(PLATFORM_OA).expect("grant stands");

    up();
    sandbox.reset_counts();
    inserts(&p, &media, tag, 7..=9).await;
    let record = p
        .component
        .authorizer(PLATFORM_OA)
        .await
        .expect("read")
        .expect("grant still known");
    assert_eq!(record.refresh_token.expose_secret(), refresh);
    assert!(p.tokens().access_token(PLATFORM_OA).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_go_on_from_memory_while_redis_is_down_and_after_it_returns() {
    let mut redis = ThrowawayRedis::start();
    let store = RedisStore::connect(&redis.url())
        .await
        .expect("redis")
        .with_op_timeout(Duration::from_millis(200));
    let redis_ref = std::cell::RefCell::new(&mut redis);
    calls_go_on_through(
        Arc::new(store),
        "outage",
        || redis_ref.borrow_mut().stop(),
        || redis_ref.borrow_mut().restart(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_calls_go_on_while_every_node_is_down_and_after_they_return() {
    let cluster = std::cell::RefCell::new(TestCluster::start());
    let urls = cluster.borrow().urls();
    let store = RedisStore::connect_cluster(&TestCluster::url_refs(&urls))
        .await
        .expect("cluster")
        .with_op_timeout(Duration::from_millis(200));
    calls_go_on_through(
        Arc::new(store),
        "cluster-outage",
        || cluster.borrow_mut().stop_all(),
        || cluster.borrow_mut().restart_all(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_sentinel_a_killed_master_costs_no_call_and_no_refresh_token() {
    let mut group = TestSentinel::start();
    let sandbox = Sandbox::builder()
        .rotate_refresh_tokens(true)
        .start()
        .await
        .expect("sandbox");
    let open = |group: &TestSentinel| {
        let url = group.sentinel_url();
        async move {
            let store = RedisStore::connect_sentinel(&[&url], MASTER_NAME)
                .await
                .expect("sentinel")
                .with_op_timeout(Duration::from_millis(200))
                .with_durable_writes(DurableWrites::new(1).timeout(Duration::from_millis(200)));
            Arc::new(store) as Arc<dyn TokenStore>
        }
    };
    let p = Platform::on(sandbox.clone(), open(&group).await).await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p.upload(PLATFORM_OA).await;
    inserts(&p, &media, "sentinel", 0..=2).await;
    // A refresh with rotation just before the crash: written with WAIT, so the replica has it.
    sandbox.revoke_token(PLATFORM_OA);
    inserts(&p, &media, "sentinel", 3..=3).await;
    let rotated = sandbox.current_refresh_token(PLATFORM_OA).expect("grant stands");

    group.kill_master();
    // The master is gone: calls go on from this process's in-memory cache.
    sandbox.reset_counts();
    inserts(&p, &media, "sentinel", 4..=8).await;
    assert_eq!(
        sandbox.count(AUTHORIZER_TOKEN_PATH),
        0,
        "served from memory, no refresh"
    );

    group.wait_for_failover(Duration::from_secs(30));
    // A process that starts now knows nothing but what the promoted replica holds.
    let fresh = Platform::on(sandbox.clone(), open(&group).await).await;
    let record = fresh
        .component
        .authorizer(PLATFORM_OA)
        .await
        .expect("read from the promoted replica")
        .expect("the grant survived the fail-over");
    assert_eq!(
        record.refresh_token.expose_secret(),
        rotated,
        "the refresh token rotated just before the crash was not lost"
    );
    inserts(&fresh, &media, "sentinel-fresh", 0..=2).await;
    // And the old process, now on the new primary: a rejected token refreshes through it.
    sandbox.revoke_token(PLATFORM_OA);
    inserts(&p, &media, "sentinel", 9..=10).await;
    let stored = open(&group)
        .await
        .get_authorizer(COMPONENT, PLATFORM_OA)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(
        Some(stored.refresh_token.expose_secret().to_owned()),
        sandbox.current_refresh_token(PLATFORM_OA),
        "the store holds the current refresh token after the fail-over"
    );
}
