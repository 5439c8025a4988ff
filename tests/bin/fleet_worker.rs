//! One process of a simulated fleet, driven by the fleet tests: it shares a Redis-backed
//! token store with its siblings and calls the sandbox as WeChat.
//!
//! Arguments are `--name value` pairs:
//! `--mode insert|churn|refresher`, `--sandbox URL`, `--topology node|cluster|sentinel`
//! (default node), `--redis URL[,URL…]` (the node, the cluster's nodes, or the Sentinels),
//! `--master NAME` (Sentinel), `--prefix P`,
//! `--appid A`, and per mode `--count N`, `--pause-after N` (insert: print `warm` after N
//! inserts and wait for a line on stdin), `--media ID`, `--orders PREFIX`, `--read-only`,
//! `--margin-ms N`, `--wait-ms N`, `--period-ms N` (refresher: runs until stdin closes).
//! The last line printed is `done ok=N err=M`, followed by up to five error lines.

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;

use wx_auth::{Component, DurableWrites, RedisStore, Refresher, TokenSource, TokenStore};
use wx_invoice_api::InvoiceClient;
use wx_invoice_e2e::{insert_request, sandbox_config};

fn args() -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut it = std::env::args().skip(1).peekable();
    while let Some(name) = it.next() {
        let key = name.trim_start_matches("--").to_owned();
        let value = match it.peek() {
            Some(v) if !v.starts_with("--") => it.next().unwrap_or_default(),
            _ => "true".to_owned(),
        };
        map.insert(key, value);
    }
    map
}

fn millis(a: &HashMap<String, String>, name: &str, default: u64) -> Duration {
    Duration::from_millis(a.get(name).and_then(|v| v.parse().ok()).unwrap_or(default))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args();
    let get = |name: &str| a.get(name).cloned().ok_or_else(|| format!("--{name} is required"));
    let sandbox = get("sandbox")?;
    let urls = get("redis")?;
    let urls: Vec<&str> = urls.split(',').collect();
    let redis = match a.get("topology").map_or("node", String::as_str) {
        "node" => RedisStore::connect(urls[0]).await?,
        "cluster" => RedisStore::connect_cluster(&urls).await?,
        "sentinel" => RedisStore::connect_sentinel(&urls, &get("master")?)
            .await?
            .with_durable_writes(DurableWrites::new(1)),
        other => return Err(format!("unknown topology {other}").into()),
    };
    let store: Arc<dyn TokenStore> = Arc::new(redis.with_prefix(&get("prefix")?));
    let component = Component::builder(sandbox_config())
        .store(store)
        .api_base(&sandbox)
        .read_only(a.contains_key("read-only"))
        .refresh_margin(millis(&a, "margin-ms", 300_000))
        .wait_budget(millis(&a, "wait-ms", 30_000))
        .build()?;
    let appid = get("appid")?;
    let count: usize = a.get("count").and_then(|v| v.parse().ok()).unwrap_or(0);
    let (ok, errors) = match get("mode")?.as_str() {
        "insert" => {
            let client = InvoiceClient::builder(Arc::new(component.authorizer_tokens()))
                .api_base(&sandbox)
                .build()?;
            let media = get("media")?;
            let orders = get("orders")?;
            let pause: usize = a.get("pause-after").and_then(|v| v.parse().ok()).unwrap_or(count);
            let (mut ok, mut errors) = insert_batch(&client, &appid, &media, &orders, 0..pause.min(count)).await;
            if pause < count {
                println!("warm");
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                let (more_ok, more_errors) = insert_batch(&client, &appid, &media, &orders, pause..count).await;
                ok += more_ok;
                errors.extend(more_errors);
            }
            (ok, errors)
        }
        "churn" => {
            let tokens = component.authorizer_tokens();
            let (mut ok, mut errors) = (0, Vec::new());
            for _ in 0..count {
                match tokens.access_token(&appid).await {
                    Ok(t) => {
                        tokens.invalidate(&appid, &t).await?;
                        ok += 1;
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (ok, errors)
        }
        "refresher" => {
            let handle = Refresher::new(component)
                .period(millis(&a, "period-ms", 200))
                .margin(millis(&a, "margin-ms", 1_000))
                .spawn();
            println!("started");
            let mut line = String::new();
            while std::io::stdin().lock().read_line(&mut line)? > 0 {
                line.clear();
            }
            handle.stop().await;
            (0, Vec::new())
        }
        other => return Err(format!("unknown mode {other}").into()),
    };
    println!("done ok={ok} err={}", errors.len());
    for e in errors.iter().take(5) {
        println!("error: {e}");
    }
    Ok(())
}

async fn insert_batch(
    client: &InvoiceClient,
    appid: &str,
    media: &str,
    orders: &str,
    range: std::ops::Range<usize>,
) -> (usize, Vec<String>) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in range {
        let (client, appid, media) = (client.clone(), appid.to_owned(), media.to_owned());
        let order = format!("{orders}-{i}");
        tasks.spawn(async move { client.insert(&appid, &insert_request(&order, &media)).await });
    }
    let (mut ok, mut errors) = (0, Vec::new());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => errors.push(e.to_string()),
            Err(e) => errors.push(format!("task failed: {e}")),
        }
    }
    (ok, errors)
}
