//! Runs `N` inserts against a minimal loopback HTTP server, for counting instructions per insert
//! with callgrind (start-up and warm-up cancel out when two runs of different `N` are
//! subtracted):
//!
//! ```sh
//! cargo build --release -p wx-invoice-api --example insert_instructions
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.1000 target/release/examples/insert_instructions sdk 1000
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.3000 target/release/examples/insert_instructions sdk 3000
//! # (instructions of the 3000 run − those of the 1000 run) / 2000 = instructions per insert
//! ```
//!
//! A third argument, the base URL of a server started with `insert_instructions serve` (which
//! prints it), keeps the server out of the counted process; `scripts/insert-instructions.sh`
//! does that and prints the ratio of the two modes.
//!
//! Modes: `sdk` sends `InvoiceClient::insert` through the third-party token path (authorizer
//! tokens with a warm cache, the permission check, validation); `bare` posts the same request,
//! serialised by `serde_json`, with a bare `reqwest::Client` (the baseline); `bare-tuned` is
//! the cheapest hand-written reqwest client (no redirect handling, the URL parsed once, a
//! pre-sized body buffer). The server answers
//! every request with the same fixed success body; in the same process (unless given) it costs the
//! same in both modes.

#[path = "support/insert_harness.rs"]
mod harness;

use std::io::Write;
use std::net::TcpListener;

use harness::{PLATFORM, bare_insert, bare_url, request, sdk_client, serve, spawn_server};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "sdk".into());
    if mode == "serve" {
        // The server alone, in a process of its own, so that callgrind counts only the client.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        println!("http://{}", listener.local_addr().expect("addr"));
        std::io::stdout().flush().expect("flush");
        serve(listener);
        return;
    }
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let base = if let Some(base) = args.next() {
        base
    } else {
        spawn_server()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        match mode.as_str() {
            "sdk" => {
                let client = sdk_client(&base).await;
                for i in 0..count {
                    let out = client.insert(PLATFORM, &request(i)).await.expect("insert");
                    std::hint::black_box(out);
                }
            }
            "bare" => {
                let client = reqwest::Client::new();
                let url = bare_url(&base);
                for i in 0..count {
                    bare_insert(&client, &url, &request(i)).await;
                }
            }
            "bare-tuned" => {
                // The cheapest a hand-written client gets with reqwest: no redirect handling,
                // the URL parsed once, the body serialised into a buffer of the right size.
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .expect("client");
                let url = reqwest::Url::parse(&format!("{base}/card/invoice/insert?access_token={}", "A".repeat(157)))
                    .expect("url");
                for i in 0..count {
                    let mut body = Vec::with_capacity(4096);
                    serde_json::to_writer(&mut body, &request(i)).expect("serialise");
                    let resp = client
                        .post(url.clone())
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("send");
                    let bytes = resp.bytes().await.expect("body");
                    std::hint::black_box(bytes);
                }
            }
            other => panic!("unknown mode {other:?}: use sdk, bare or bare-tuned"),
        }
    });
}
