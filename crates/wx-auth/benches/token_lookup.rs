//! Token lookup costs: a hit in the in-process L1, a hit in Redis (L1 cold), a bare Redis `GET`
//! of the same key as the baseline, and a cold refresh against the sandbox over loopback HTTP.
//!
//! Needs a Redis at `REDIS_URL` (default `redis://127.0.0.1:6379`); keys go under a random
//! prefix and are deleted at the end. Figures go in `docs/benchmarks.md`.

#![allow(missing_docs)] // criterion_main! generates an undocumented `main`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use wx_auth::{
    AccessToken, CacheSettings, Component, ComponentConfig, MemoryStore, RedisStore, TokenCache, TokenKey, TokenKind,
    TokenSource, TokenStore,
};

const APPID: &str = "wxbench00000000001";

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

fn never_called() -> std::future::Ready<Result<AccessToken, wx_auth::AuthError>> {
    std::future::ready(Err(wx_auth::AuthError::Config(
        "the benchmark token should have been cached".into(),
    )))
}

fn lookups(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let prefix = format!("wxinv-bench-{:016x}", rand::random::<u64>());
    let url = redis_url();
    let store: Arc<dyn TokenStore> = Arc::new(
        rt.block_on(RedisStore::connect(&url))
            .unwrap_or_else(|e| panic!("benchmarks need a Redis at {url} (set REDIS_URL): {e}"))
            .with_prefix(&prefix),
    );
    let key = TokenKey::new("wxcomponentbench01", APPID, TokenKind::AuthorizerAccessToken);
    let token = AccessToken::new("bench-token-value-0123456789", Duration::from_secs(7200));
    rt.block_on(store.put_token(&key, &token)).expect("seed");

    // L1 hit: the token is in the in-process map.
    let warm = TokenCache::new(store.clone(), CacheSettings::default());
    rt.block_on(warm.get(&key, never_called)).expect("warm");
    c.bench_function("token lookup / L1 hit", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(warm.get(&key, never_called).await.expect("hit")) });
    });

    // Redis hit: a fresh cache each time, so the lookup goes L1 miss → single-flight → Redis.
    let key_ref = &key;
    c.bench_function("token lookup / Redis hit (L1 cold)", |b| {
        b.to_async(&rt).iter_batched(
            || TokenCache::new(store.clone(), CacheSettings::default()),
            |cold| async move { black_box(cold.get(key_ref, never_called).await.expect("hit")) },
            BatchSize::SmallInput,
        );
    });

    // Baseline: the bare round trip of the same size, on the same Redis.
    let raw_key = format!("{prefix}:bench:bare");
    let mut conn = rt.block_on(async {
        let client = redis::Client::open(url.as_str()).expect("url");
        client.get_connection_manager().await.expect("connect")
    });
    rt.block_on(async {
        let value = wx_auth::store::encode_token(&token);
        let _: () = redis::cmd("SET")
            .arg(&raw_key)
            .arg(value)
            .query_async(&mut conn)
            .await
            .expect("set");
    });
    c.bench_function("redis / bare GET", |b| {
        b.to_async(&rt).iter(|| {
            let mut conn = conn.clone();
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

    // Cold refresh: drop the cached authorizer token, then fetch a new one from the sandbox
    // (api_authorizer_token over loopback HTTP, component token cached).
    let sandbox = rt.block_on(wx_sandbox::Sandbox::start()).expect("sandbox");
    let component = Component::builder(ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    })
    .store(Arc::new(MemoryStore::new()))
    .api_base(sandbox.base_url())
    .build()
    .expect("component");
    let tokens = component.authorizer_tokens();
    rt.block_on(async {
        component
            .set_verify_ticket(&sandbox.mint_verify_ticket())
            .await
            .expect("ticket");
        component
            .query_auth(&sandbox.authorize(APPID, &[26]))
            .await
            .expect("query_auth");
    });
    c.bench_function("token lookup / cold refresh against the sandbox", |b| {
        b.to_async(&rt).iter(|| async {
            let t = tokens.access_token(APPID).await.expect("token");
            tokens.invalidate(APPID, &t).await.expect("invalidate");
            black_box(t)
        });
    });

    rt.block_on(async {
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query_async(&mut conn)
            .await
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
        }
    });
}

criterion_group!(benches, lookups);
criterion_main!(benches);
