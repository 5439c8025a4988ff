//! One process of the fault soak: inserts invoices through a shared Redis while the soak breaks
//! things around it, cancels some of its own calls at random, and reports every outcome.
//!
//! Arguments: `--sandbox URL --redis URL --prefix P --media ID --appid A --others B,C
//! --count N --worker I --seed S --pace-ms P` (the mean pause between inserts). Logs go to stderr at TRACE for the SDK's crates. The last
//! lines on stdout are `outcome ok=… already=… earlier=… failed=… cancelled=… hung=…`, then one
//! `error <kind> <message>` line per failed insert.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use wx_auth::{Component, RedisStore, TokenSource, TokenStore};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::{insert_request, sandbox_config};

/// No insert may take longer than this: past it, the call counts as hung.
const HUNG: Duration = Duration::from_secs(60);

fn args() -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let (Some(name), Some(value)) = (it.next(), it.next()) {
        map.insert(name.trim_start_matches("--").to_owned(), value);
    }
    map
}

#[derive(Default)]
struct Outcomes {
    ok: usize,
    already: usize,
    earlier: usize,
    failed: Vec<(String, String)>,
    cancelled: usize,
    hung: usize,
}

impl Outcomes {
    fn record(&mut self, result: Result<(), InvoiceError>) {
        match result {
            Ok(()) => self.ok += 1,
            Err(e) if e.is_already_inserted() => self.already += 1,
            Err(e) => {
                // The variant, and inside `Wechat(…)` the transport's variant and errcode.
                let debug = format!("{e:?}");
                let inner = debug.strip_prefix("Wechat(").unwrap_or(&debug);
                let mut kind = inner.split([' ', '{', '(']).next().unwrap_or("?").to_owned();
                if let Some(code) = e.errcode() {
                    kind = format!("{kind}:{code}");
                }
                self.failed.push((kind, e.to_string()));
            }
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter("wx_auth=trace,wx_invoice_api=trace,wx_invoice_types=trace,warn")
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let a = args();
    let get = |name: &str| a.get(name).cloned().ok_or_else(|| format!("--{name} is required"));
    let sandbox = get("sandbox")?;
    // Lazy: the soak may have Redis down when this process starts.
    let store: Arc<dyn TokenStore> = Arc::new(RedisStore::connect_lazy(&get("redis")?)?.with_prefix(&get("prefix")?));
    let component = Component::builder(sandbox_config())
        .store(store)
        .api_base(&sandbox)
        .timeout(Duration::from_secs(3))
        .build()?;
    let tokens = component.authorizer_tokens();
    let client = InvoiceClient::builder(Arc::new(tokens.clone()))
        .api_base(&sandbox)
        .timeout(Duration::from_secs(3))
        .build()?;
    let appid = get("appid")?;
    let others: Vec<String> = get("others")?.split(',').map(str::to_owned).collect();
    let media = get("media")?;
    let worker = get("worker")?;
    let count: usize = get("count")?.parse()?;
    let mut rng = StdRng::seed_from_u64(get("seed")?.parse()?);
    let pace = Duration::from_millis(get("pace-ms")?.parse()?);

    let mut outcomes = Outcomes::default();
    for i in 0..count {
        let order = format!("soak-{worker}-{i}");
        let request = insert_request(&order, &media);
        if rng.random_bool(0.15) {
            // A caller that gives up mid-call (a dropped HTTP request upstream).
            let patience = Duration::from_micros(rng.random_range(200..4000));
            if tokio::time::timeout(patience, client.insert(&appid, &request))
                .await
                .is_err()
            {
                outcomes.cancelled += 1;
            } else {
                // Finished in time: the retry below then meets "already inserted".
            }
        }
        match tokio::time::timeout(HUNG, client.insert(&appid, &request)).await {
            Ok(result) => outcomes.record(result.map(drop)),
            Err(_) => outcomes.hung += 1,
        }
        if i % 5 == 0 {
            // The other merchants' tokens expire and are refreshed (rotating their refresh
            // tokens) as they are used.
            for other in &others {
                let _ = tokens.access_token(other).await;
            }
        }
        tokio::time::sleep(pace.mul_f64(rng.random_range(0.5..1.5))).await;
    }
    // Let loads still running for cancelled callers finish their writes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    println!(
        "outcome ok={} already={} earlier={} failed={} cancelled={} hung={}",
        outcomes.ok,
        outcomes.already,
        outcomes.earlier,
        outcomes.failed.len(),
        outcomes.cancelled,
        outcomes.hung
    );
    for (kind, message) in &outcomes.failed {
        println!("error {kind} {message}");
    }
    Ok(())
}
