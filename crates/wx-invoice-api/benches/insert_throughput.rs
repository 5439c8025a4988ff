//! Inserts per second through `InvoiceClient::insert` against a bare reqwest client posting the
//! same serialised 20-item body, to the same minimal loopback server, at 1 and 64 concurrent
//! callers. Each measured iteration is one batch of `callers` concurrent inserts; criterion
//! reports the time per batch and the elements (inserts) per second.
#![allow(missing_docs)] // criterion_group!/criterion_main! generate undocumented items

#[path = "../examples/support/insert_harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use harness::{PLATFORM, bare_insert, bare_url, request, sdk_client, spawn_server};

fn insert_throughput(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server_url = spawn_server();
    let sdk = runtime.block_on(sdk_client(&server_url));
    let baseline = reqwest::Client::new();
    // The same bare client with the total timeout the SDK's own client applies by default
    // (one timer per request), to tell that cost from the rest.
    let timed = reqwest::Client::builder()
        .timeout(wx_auth::transport::TransportSettings::default().timeout)
        .build()
        .expect("client");
    let url: Arc<str> = bare_url(&server_url).into();
    let requests: Arc<Vec<_>> = Arc::new((0..64).map(request).collect());

    let mut group = c.benchmark_group("insert_throughput");
    group
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(20);
    for callers in [1_usize, 64] {
        group.throughput(Throughput::Elements(callers as u64));
        group.bench_with_input(BenchmarkId::new("sdk_insert", callers), &callers, |b, &callers| {
            b.to_async(&runtime).iter_custom(|iters| {
                let (sdk, requests) = (sdk.clone(), requests.clone());
                async move {
                    let started = Instant::now();
                    for _ in 0..iters {
                        let mut batch = tokio::task::JoinSet::new();
                        for i in 0..callers {
                            let (sdk, requests) = (sdk.clone(), requests.clone());
                            batch.spawn(async move {
                                std::hint::black_box(sdk.insert(PLATFORM, &requests[i]).await.expect("insert"));
                            });
                        }
                        while batch.join_next().await.is_some() {}
                    }
                    started.elapsed()
                }
            });
        });
        for (name, client) in [("bare_reqwest", &baseline), ("bare_reqwest_with_timeout", &timed)] {
            group.bench_with_input(BenchmarkId::new(name, callers), &callers, |b, &callers| {
                b.to_async(&runtime).iter_custom(|iters| {
                    let (baseline, url, requests) = (client.clone(), url.clone(), requests.clone());
                    async move {
                        let started = Instant::now();
                        for _ in 0..iters {
                            let mut batch = tokio::task::JoinSet::new();
                            for i in 0..callers {
                                let (baseline, url, requests) = (baseline.clone(), url.clone(), requests.clone());
                                batch.spawn(async move { bare_insert(&baseline, &url, &requests[i]).await });
                            }
                            while batch.join_next().await.is_some() {}
                        }
                        started.elapsed()
                    }
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, insert_throughput);
criterion_main!(benches);
