//! Warming authorizer tokens: the SDK (`AuthorizerTokens::access_token` over a `MemoryStore`,
//! each token refreshed once) against a bare reqwest client sending the same token request, in
//! one run, both against the same minimal loopback server (on threads of its own in this
//! process), 64 concurrent callers. One iteration warms 10 000 authorizers; the records are
//! stored before the clock starts. Throughput is in authorizers per second.
//!
//! ```sh
//! cargo bench -p wx-auth --bench warm_up
//! ```
//!
//! Resident memory for 100 000 authorizers is measured by `examples/warm_authorizers.rs` (a
//! process of its own, so nothing else is counted).

#![allow(missing_docs)] // criterion_main! generates an undocumented `main`

#[path = "../examples/support/warm_harness.rs"]
mod warm_harness;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const AUTHORIZERS: usize = 10_000;
const CALLERS: usize = 64;

fn warm_up(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = wx_loopback::spawn(warm_harness::routes(), 1);
    let mut group = c.benchmark_group("warm 10 000 authorizers, 64 callers");
    group.throughput(Throughput::Elements(AUTHORIZERS as u64));
    group.sample_size(10);
    group.bench_function("AuthorizerTokens::access_token", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let store = warm_harness::records(AUTHORIZERS).await;
                    let component = warm_harness::component(store, &base).await;
                    total += warm_harness::warm(&component.authorizer_tokens(), AUTHORIZERS, CALLERS).await;
                }
                total
            })
        });
    });
    group.bench_function("bare reqwest, the same request", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    total += warm_harness::bare(&base, AUTHORIZERS, CALLERS).await;
                }
                total
            })
        });
    });
    group.finish();
}

criterion_group!(benches, warm_up);
criterion_main!(benches);
