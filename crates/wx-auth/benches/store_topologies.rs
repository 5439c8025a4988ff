//! What a token lookup costs in `RedisStore` on each topology, beside a bare `GET` of the same
//! key in the same run: one node (the Redis at `REDIS_URL`, default `redis://127.0.0.1:6379`),
//! a 3-master Cluster and a Sentinel-managed primary (both started on loopback for the run);
//! plus what durable writes cost with and without waiting for a replica (`WAIT 1`), and a
//! record read from PostgreSQL (`DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`).
//!
//! Short runs on purpose (`cargo bench -p wx-auth --bench store_topologies`); figures go in
//! `docs/redis.md` and `docs/postgres.md`.

#![allow(missing_docs)] // criterion_main! generates an undocumented `main`

#[path = "../tests/support/mod.rs"]
#[allow(dead_code, clippy::all)]
mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use redis::aio::ConnectionLike;
use secrecy::SecretString;
use wx_auth::{
    AccessToken, AuthorizerRecord, DurableWrites, PostgresStore, RedisStore, TokenKey, TokenKind, TokenStore,
    VerifyTicket,
};

use support::redis_cluster::TestCluster;
use support::redis_sentinel::{MASTER_NAME, TestSentinel};

const COMPONENT: &str = "wxcomponentbench01";
const APPID: &str = "wxbench00000000001";

fn key() -> TokenKey {
    TokenKey::new(COMPONENT, APPID, TokenKind::AuthorizerAccessToken)
}

/// Benchmarks `get_token` on `store` and a bare `GET` of the same key on `raw`.
fn lookups<C>(c: &mut Criterion, rt: &tokio::runtime::Runtime, topology: &str, store: &RedisStore, raw: &C)
where
    C: ConnectionLike + Clone + Send + 'static,
{
    let token = AccessToken::new("A".repeat(160), Duration::from_secs(7200));
    rt.block_on(store.put_token(&key(), &token)).expect("seed");
    let raw_key = format!("{}:{{{COMPONENT}:{APPID}}}:authorizer_token", store.prefix());
    let k = key();
    c.bench_function(&format!("{topology} / bare GET"), |b| {
        b.to_async(rt).iter(|| {
            let mut conn: C = raw.clone();
            let raw_key = raw_key.clone();
            async move {
                let v: Option<String> = redis::cmd("GET")
                    .arg(&raw_key)
                    .query_async(&mut conn)
                    .await
                    .expect("get");
                black_box(v)
            }
        });
    });
    c.bench_function(&format!("{topology} / RedisStore::get_token"), |b| {
        b.to_async(rt)
            .iter(|| async { black_box(store.get_token(&k).await.expect("get").expect("hit")) });
    });
}

fn topologies(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    // One node: the shared Redis, under a random prefix.
    let redis = support::redis::test_redis();
    let prefix = support::redis::TestPrefix::new(&redis);
    let node = rt
        .block_on(RedisStore::connect(redis.url()))
        .expect("node")
        .with_prefix(prefix.as_str());
    let raw = rt.block_on(async {
        redis::Client::open(redis.url())
            .expect("url")
            .get_connection_manager()
            .await
            .expect("connect")
    });
    lookups(c, &rt, "node", &node, &raw);

    // A 3-master cluster: the bare GET goes through the same kind of cluster connection.
    let cluster = TestCluster::start();
    let urls = cluster.urls();
    let on_cluster = rt
        .block_on(RedisStore::connect_cluster(&TestCluster::url_refs(&urls)))
        .expect("cluster");
    let raw = rt.block_on(cluster.raw());
    lookups(c, &rt, "cluster", &on_cluster, &raw);

    // Sentinel: the bare GET goes straight to the primary.
    let group = TestSentinel::start();
    let on_sentinel = rt
        .block_on(RedisStore::connect_sentinel(&[&group.sentinel_url()], MASTER_NAME))
        .expect("sentinel");
    let raw = rt.block_on(async {
        redis::Client::open(group.master_url())
            .expect("url")
            .get_connection_manager()
            .await
            .expect("connect")
    });
    lookups(c, &rt, "sentinel", &on_sentinel, &raw);

    // Durable writes on the Sentinel primary, which has one replica: with and without WAIT 1.
    let durable = on_sentinel.clone().with_durable_writes(DurableWrites::new(1));
    let ticket = VerifyTicket::new("ticket@@@bench");
    c.bench_function("sentinel / put_verify_ticket", |b| {
        b.to_async(&rt)
            .iter(|| async { on_sentinel.put_verify_ticket(COMPONENT, &ticket).await.expect("put") });
    });
    c.bench_function("sentinel / put_verify_ticket, WAIT 1", |b| {
        b.to_async(&rt)
            .iter(|| async { durable.put_verify_ticket(COMPONENT, &ticket).await.expect("put") });
    });
    let record = AuthorizerRecord::new(APPID, SecretString::from("refresh@@@bench"), Some(vec![26]));
    rt.block_on(on_sentinel.put_authorizer(COMPONENT, &record))
        .expect("seed");
    let (a, b2) = (
        SecretString::from("refresh@@@bench"),
        SecretString::from("refresh@@@bench2"),
    );
    c.bench_function("sentinel / rotate_refresh_token pair, WAIT 1", |b| {
        b.to_async(&rt).iter(|| async {
            assert!(
                durable
                    .rotate_refresh_token(COMPONENT, APPID, &a, &b2)
                    .await
                    .expect("rotate")
            );
            assert!(
                durable
                    .rotate_refresh_token(COMPONENT, APPID, &b2, &a)
                    .await
                    .expect("rotate")
            );
        });
    });

    // PostgreSQL: the durable record and a cached token, through the same trait.
    let schema = rt.block_on(support::postgres::TestSchema::new());
    let pg = PostgresStore::new(schema.pool())
        .with_schema(schema.name())
        .expect("schema");
    rt.block_on(pg.migrate()).expect("migrate");
    rt.block_on(pg.put_authorizer(COMPONENT, &record)).expect("seed");
    rt.block_on(pg.put_token(&key(), &AccessToken::new("A".repeat(160), Duration::from_secs(7200))))
        .expect("seed");
    let k = key();
    c.bench_function("postgres / get_authorizer", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(pg.get_authorizer(COMPONENT, APPID).await.expect("get").expect("hit")) });
    });
    c.bench_function("postgres / get_token", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(pg.get_token(&k).await.expect("get").expect("hit")) });
    });
    c.bench_function("postgres / rotate_refresh_token pair", |b| {
        b.to_async(&rt).iter(|| async {
            assert!(
                pg.rotate_refresh_token(COMPONENT, APPID, &a, &b2)
                    .await
                    .expect("rotate")
            );
            assert!(
                pg.rotate_refresh_token(COMPONENT, APPID, &b2, &a)
                    .await
                    .expect("rotate")
            );
        });
    });
    drop(rt);
}

fn short() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = short();
    targets = topologies
}
criterion_main!(benches);
