//! Warms the tokens of many authorizers in one process and reports the rate and the resident
//! memory, for `docs/benchmarks.md`:
//!
//! ```sh
//! cargo run --release -p wx-auth --example warm_authorizers -- 100000
//! ```
//!
//! Set-up as a platform would run it: a `Component` with the default settings over one
//! `MemoryStore`, `N` authorizer records (realistic refresh tokens, permission sets), then every
//! authorizer's token fetched through `AuthorizerTokens::access_token` by 64 concurrent callers
//! (`WARM_CALLERS` overrides) from a minimal loopback server that answers
//! `api_component_token` and `api_authorizer_token` with 157-character tokens, as WeChat
//! issues. Prints the warm-up rate and the process's resident memory (`VmRSS` / `VmHWM` from
//! `/proc/self/status`), everything included. The server runs in a child process, as WeChat
//! would be elsewhere, on the default allocator whatever this process preloads. With
//! `WARM_SMAPS=1` it also lists the memory regions above 4 MiB (`/proc/self/smaps`), to tell
//! heap arenas from anything else.
//!
//! `warm_authorizers bare N` is the baseline: the same callers sending the same
//! `api_authorizer_token` request `N` times with a bare reqwest client to the same server —
//! the rate of the wire alone on this machine. `benches/warm_up.rs` compares the two rates
//! under criterion.

#[path = "support/warm_harness.rs"]
mod warm_harness;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use wx_auth::TokenSource;

use warm_harness::{appid, bare, component, records, routes, warm};

/// Concurrent callers while warming (`WARM_CALLERS` overrides).
fn callers() -> usize {
    std::env::var("WARM_CALLERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l[field.len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Starts this program as the loopback server in a process of its own (so that its threads
/// and buffers are not counted), returning the child and its base URL.
fn spawn_server() -> (std::process::Child, String) {
    let mut child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("serve")
        // The server runs on the default allocator whatever the measured process preloads.
        .env_remove("LD_PRELOAD")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server process");
    let mut base = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut base)
        .expect("server address");
    (child, base.trim().to_owned())
}

#[allow(clippy::cast_precision_loss)]
fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

fn main() {
    let arg = std::env::args().nth(1);
    if arg.as_deref() == Some("serve") {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        println!("http://{}", listener.local_addr().expect("addr"));
        std::io::stdout().flush().expect("flush");
        wx_loopback::serve(listener, routes(), 2);
        return;
    }
    tokio::runtime::Runtime::new().expect("runtime").block_on(measure(arg));
}

async fn measure(arg: Option<String>) {
    let (mut server, base) = spawn_server();
    let callers = callers();
    if arg.as_deref() == Some("bare") {
        let count = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(100_000);
        let elapsed = bare(&base, count, callers).await;
        println!(
            "bare reqwest: {count} token requests in {:.2} s: {:.0}/s ({callers} callers)",
            elapsed.as_secs_f64(),
            rate(count, elapsed)
        );
        let _ = server.kill();
        return;
    }
    let count: usize = arg.and_then(|n| n.parse().ok()).unwrap_or(100_000);
    println!("before set-up: VmRSS {}", status("VmRSS:"));
    let component = component(records(count).await, &base).await;
    let tokens = component.authorizer_tokens();
    println!("{count} records stored: VmRSS {}", status("VmRSS:"));

    let elapsed = warm(&tokens, count, callers).await;
    // Every token is now cached: a second pass makes no request.
    for i in 0..count.min(1_000) {
        std::hint::black_box(tokens.access_token(&appid(i)).await.expect("cached"));
    }
    println!(
        "warmed {count} authorizer tokens in {:.2} s: {:.0}/s ({callers} callers)",
        elapsed.as_secs_f64(),
        rate(count, elapsed)
    );
    println!("all in: VmRSS {} (peak VmHWM {})", status("VmRSS:"), status("VmHWM:"));
    println!(
        "threads {}, open files {}",
        status("Threads:"),
        std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
    );
    if std::env::var_os("WARM_SMAPS").is_some() {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        let mut region = String::new();
        for line in smaps.lines() {
            if line.starts_with("Rss:") {
                let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
                if kb > 4096 {
                    println!("{kb} kB {region}");
                }
            } else if !line.contains(':') || line.split_whitespace().next().is_some_and(|w| w.contains('-')) {
                line.clone_into(&mut region);
            }
        }
    }
    let _ = server.kill();
}
