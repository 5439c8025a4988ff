//! Token lookups as the cache grows: one hot appid, then lookups spread over 100 000 and
//! 1 000 000 distinct authorizers, every token cached (a `TokenCache` over a `MemoryStore`,
//! 157-character tokens as WeChat issues). A lookup must cost the same at any size.
//!
//! Figures go in `docs/benchmarks.md`.

#![allow(missing_docs)] // criterion_main! generates an undocumented `main`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use wx_auth::{AccessToken, CacheSettings, MemoryStore, TokenCache, TokenKey, TokenKind, TokenStore};

const COMPONENT: &str = "wxcomponentbench01";

fn never_called() -> std::future::Ready<Result<AccessToken, wx_auth::AuthError>> {
    std::future::ready(Err(wx_auth::AuthError::Config(
        "the benchmark token should have been cached".into(),
    )))
}

/// A cache holding `n` authorizer tokens, and their keys in a scattered order.
async fn filled(n: usize) -> (TokenCache, Vec<TokenKey>) {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let mut settings = CacheSettings::default();
    settings.l1_capacity = n.max(1);
    let cache = TokenCache::new(store, settings);
    let mut keys = Vec::with_capacity(n);
    for i in 0..n {
        let key = TokenKey::new(COMPONENT, format!("wx{i:016x}"), TokenKind::AuthorizerAccessToken);
        let token = AccessToken::new(format!("89_{i:0154}"), Duration::from_secs(7200));
        cache.put(&key, &token).await;
        keys.push(key);
    }
    // Visit keys in an order unrelated to insertion, so lookups do not walk memory in order.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for i in (1..keys.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
        keys.swap(i, j);
    }
    (cache, keys)
}

fn lookups(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("token lookup (memory store)");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for (name, n) in [
        ("one hot appid", 1),
        ("100 000 distinct", 100_000),
        ("1 000 000 distinct", 1_000_000),
    ] {
        let (cache, keys) = rt.block_on(filled(n));
        let mut next = 0usize;
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| {
                let key = &keys[next % keys.len()];
                next = next.wrapping_add(1);
                let cache = &cache;
                async move { black_box(cache.get(key, never_called).await.expect("cached")) }
            });
        });
        drop((cache, keys));
    }
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
