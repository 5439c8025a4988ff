//! What the client does to a request before it goes on the wire: `validate()` then
//! `serde_json::to_vec`, for a realistic 20-item `InsertInvoiceRequest` (every optional field
//! set, amounts consistent, so no warning). Each step is also measured alone. Figures go in
//! `docs/benchmarks.md`.
//!
//! The `(thread CPU time)` row measures the same work by the CPU time of the benchmark thread
//! instead of wall time: on a loaded machine it leaves out the time the thread waited for a
//! core, which wall time counts.

#![allow(missing_docs)] // criterion_main! generates an undocumented `main`

#[path = "../tests/sample/mod.rs"]
#[allow(dead_code)] // the bench uses only the insert sample
mod sample;

use std::hint::black_box;

use cpu_time::ThreadTime;
use criterion::{Criterion, criterion_group, criterion_main};

fn validate_and_serialise(c: &mut Criterion) {
    let request = sample::insert_request();
    assert!(request.validate().expect("the sample is valid").is_empty());
    let body_len = serde_json::to_vec(&request).expect("serialises").len();
    println!("20-item insert body: {body_len} bytes");

    c.bench_function("insert 20 items / validate", |b| {
        b.iter(|| black_box(black_box(&request).validate()));
    });
    c.bench_function("insert 20 items / serialise (to_vec)", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&request))));
    });
    c.bench_function("insert 20 items / serialise (to_writer, pre-sized Vec)", |b| {
        b.iter(|| {
            let mut body = Vec::with_capacity(body_len.next_power_of_two());
            serde_json::to_writer(&mut body, black_box(&request)).expect("serialises");
            black_box(body)
        });
    });
    let validate_and_serialise = |request: &wx_invoice_types::InsertInvoiceRequest| {
        let warnings = request.validate().expect("valid");
        black_box(warnings);
        serde_json::to_vec(request).expect("serialises")
    };
    c.bench_function("insert 20 items / validate + serialise", |b| {
        b.iter(|| black_box(validate_and_serialise(black_box(&request))));
    });
    c.bench_function("insert 20 items / validate + serialise (thread CPU time)", |b| {
        b.iter_custom(|iterations| {
            let start = ThreadTime::now();
            for _ in 0..iterations {
                black_box(validate_and_serialise(black_box(&request)));
            }
            start.elapsed()
        });
    });
}

criterion_group!(benches, validate_and_serialise);
criterion_main!(benches);
