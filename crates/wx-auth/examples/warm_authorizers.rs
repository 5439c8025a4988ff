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
//! from a minimal loopback server that answers `api_component_token` and `api_authorizer_token`
//! with 157-character tokens, as WeChat issues. Prints the warm-up rate and the process's
//! resident memory (`VmRSS` / `VmHWM` from `/proc/self/status`), everything included. The server
//! runs in a child process (one Tokio task per connection), as WeChat would be elsewhere. With
//! `WARM_SMAPS=1` it also lists the memory regions above 4 MiB (`/proc/self/smaps`), to tell
//! heap arenas from anything else.
//!
//! `warm_authorizers bare N` is the baseline: the same callers sending the same
//! `api_authorizer_token` request `N` times with a bare reqwest client to the same server —
//! the rate of the wire alone on this machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use wx_auth::{AuthorizerRecord, Component, ComponentConfig, MemoryStore, SecretString, TokenSource, TokenStore};

const COMPONENT: &str = "wxcomponent0000001";
/// Concurrent callers while warming (`WARM_CALLERS` overrides).
fn callers() -> usize {
    std::env::var("WARM_CALLERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// The appid of authorizer number `i`.
fn appid(i: usize) -> String {
    format!("wx{i:016x}")
}

fn token(prefix: &str) -> String {
    // WeChat's tokens are 157 characters.
    format!("{prefix}{}", "x".repeat(157 - prefix.len()))
}

/// The loopback server: one task per connection (no thread per connection), answering each
/// request as soon as its body has arrived.
async fn serve(listener: TcpListener) {
    listener.set_nonblocking(true).expect("non-blocking");
    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let _ = answer_all(stream).await;
        });
    }
}

async fn answer_all(stream: tokio::net::TcpStream) -> std::io::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = tokio::io::BufReader::new(reader);
    let component = format!(
        r#"{{"component_access_token":"{}","expires_in":7200}}"#,
        token("COMPONENT_")
    );
    let authorizer = format!(
        r#"{{"authorizer_access_token":"{}","expires_in":7200}}"#,
        token("89_AUTHORIZER_")
    );
    let answers = [component, authorizer].map(|body| {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
    });
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let answer = if line.contains("api_component_token") {
            &answers[0]
        } else {
            &answers[1]
        };
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body).await?;
        writer.write_all(answer.as_bytes()).await?;
    }
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

#[tokio::main]
async fn main() {
    let arg = std::env::args().nth(1);
    if arg.as_deref() == Some("serve") {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        println!("http://{}", listener.local_addr().expect("addr"));
        std::io::stdout().flush().expect("flush");
        serve(listener).await;
        return;
    }
    if arg.as_deref() == Some("bare") {
        let count = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(100_000);
        bare(count).await;
        return;
    }
    let count: usize = arg.and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let (mut server, base) = spawn_server();
    println!("before set-up: VmRSS {}", status("VmRSS:"));

    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    // The program keeps no list of appids of its own (the records hold them, as a platform's
    // would): each is formatted from its number when needed.
    for i in 0..count {
        let name = appid(i);
        // A realistic refresh token and the permission sets of an invoicing merchant.
        let refresh = SecretString::from(format!("refreshtoken@@@{name}{}", "r".repeat(25)));
        let record = AuthorizerRecord::new(name, refresh, Some(vec![1, 2, 3, 4, 5, 8, 11, 26]));
        store.put_authorizer(COMPONENT, &record).await.expect("record");
    }
    let component = Component::builder(ComponentConfig {
        component_appid: COMPONENT.into(),
        component_appsecret: SecretString::from("component-secret"),
        token: SecretString::from("push-token"),
        encoding_aes_key: SecretString::from("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
    })
    .store(store)
    .api_base(&base)
    .build()
    .expect("component");
    component.set_verify_ticket("ticket@@@verify").await.expect("ticket");
    let tokens = Arc::new(component.authorizer_tokens());
    println!("{count} records stored: VmRSS {}", status("VmRSS:"));

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let callers = callers();
    let workers: Vec<_> = (0..callers)
        .map(|_| {
            let (tokens, next) = (tokens.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return;
                    }
                    tokens.access_token(&appid(i)).await.expect("token");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    let elapsed = started.elapsed();
    // Every token is now cached: a second pass makes no request.
    for i in 0..count.min(1_000) {
        std::hint::black_box(tokens.access_token(&appid(i)).await.expect("cached"));
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = count as f64 / elapsed.as_secs_f64();
    println!(
        "warmed {count} authorizer tokens in {:.2} s: {rate:.0}/s ({callers} callers)",
        elapsed.as_secs_f64()
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

/// The baseline: `count` token requests by the same number of callers through one bare
/// reqwest client (no redirects, a pre-built URL and body), parsing the answer's token.
async fn bare(count: usize) {
    #[derive(serde::Deserialize)]
    struct Answer {
        authorizer_access_token: String,
    }
    let (mut server, base) = spawn_server();
    let client = wx_auth::reqwest::Client::builder()
        .redirect(wx_auth::reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = wx_auth::reqwest::Url::parse(&format!(
        "{base}/cgi-bin/component/api_authorizer_token?component_access_token={}",
        token("COMPONENT_")
    ))
    .expect("url");
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let callers = callers();
    let workers: Vec<_> = (0..callers)
        .map(|_| {
            let (client, url, next) = (client.clone(), url.clone(), next.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < count {
                    let body = format!(
                        r#"{{"component_appid":"{COMPONENT}","authorizer_appid":"wx{:016x}","authorizer_refresh_token":"refreshtoken@@@{}"}}"#,
                        0, "r".repeat(25)
                    );
                    let bytes = client
                        .post(url.clone())
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("answer")
                        .bytes()
                        .await
                        .expect("body");
                    let answer: Answer = serde_json::from_slice(&bytes).expect("token answer");
                    std::hint::black_box(answer.authorizer_access_token);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    let elapsed = started.elapsed();
    #[allow(clippy::cast_precision_loss)]
    let rate = count as f64 / elapsed.as_secs_f64();
    println!(
        "bare reqwest: {count} token requests in {:.2} s: {rate:.0}/s ({callers} callers)",
        elapsed.as_secs_f64()
    );
    let _ = server.kill();
}
