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

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use wx_auth::SecretString;
use wx_auth::{
    AccessToken, AuthorizerRecord, Component, ComponentConfig, MemoryStore, TokenKey, TokenKind, TokenSource,
    TokenStore,
};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{BillingCode, BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};

const COMPONENT: &str = "wxcomponent0000001";
const PLATFORM: &str = "wxplatform00000001";
const MERCHANT: &str = "wxmerchant00000001";
const ANSWER: &[u8] = br#"{"errcode":0,"errmsg":"ok","code":"527682713497","openid":"oPLATFORMUSER0000000000000001"}"#;

/// Answers every HTTP/1.1 request on every connection with [`ANSWER`], keeping connections open.
fn serve(listener: &TcpListener) {
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = answer_all(stream);
        });
    }
}

fn answer_all(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        ANSWER.len()
    );
    let mut response = head.into_bytes();
    response.extend_from_slice(ANSWER);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
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
        reader.read_exact(&mut body)?;
        writer.write_all(&response)?;
    }
}

fn request(order: usize) -> InsertInvoiceRequest {
    let items = (0..20_i32)
        .map(|i| {
            let mut item = InvoiceItem::new(format!("Item number {i}"), Fen(1_000 + i64::from(i)));
            item.num = Some(1);
            item.unit = Some("pcs".into());
            item
        })
        .collect();
    let data = InvoiceUserData::tax_control(BillingCode::new("044001900111"), BillingNo::new("12345678"))
        .with_title("Buyer Trading Co., Ltd.")
        .with_billing_time(1_700_000_000)
        .with_pdf("media-id-0000000000000000000000000001")
        .with_amounts(Fen(20_000), Fen(1_190))
        .with_check_code("12345678901234567890")
        .with_items(items);
    InsertInvoiceRequest::new(OrderId::new(format!("order-{order:08}")), data)
        .with_card_id("pBW1Ut0000000000000000000001")
        .with_appid(MERCHANT)
        .with_nonce_str("nonce0000000000000000000000000001")
}

async fn sdk_client(base: &str) -> InvoiceClient {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let record = AuthorizerRecord::new(PLATFORM, SecretString::from("refresh-token"), Some(vec![8, 26]));
    store.put_authorizer(COMPONENT, &record).await.expect("record");
    let key = TokenKey::new(COMPONENT, PLATFORM, TokenKind::AuthorizerAccessToken);
    let token = AccessToken::new("89_".to_owned() + &"A".repeat(154), Duration::from_secs(7200));
    store.put_token(&key, &token).await.expect("token");
    let component = Component::builder(ComponentConfig {
        component_appid: COMPONENT.into(),
        component_appsecret: SecretString::from("component-secret"),
        token: SecretString::from("push-token"),
        encoding_aes_key: SecretString::from("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
    })
    .store(store)
    .api_base(base)
    .build()
    .expect("component");
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    InvoiceClient::builder(tokens).api_base(base).build().expect("client")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "sdk".into());
    if mode == "serve" {
        // The server alone, in a process of its own, so that callgrind counts only the client.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        println!("http://{}", listener.local_addr().expect("addr"));
        std::io::stdout().flush().expect("flush");
        serve(&listener);
        return;
    }
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let base = if let Some(base) = args.next() {
        base
    } else {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        std::thread::spawn(move || serve(&listener));
        base
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
                let url = format!("{base}/card/invoice/insert?access_token={}", "A".repeat(157));
                for i in 0..count {
                    let body = serde_json::to_vec(&request(i)).expect("serialise");
                    let resp = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("send");
                    let bytes = resp.bytes().await.expect("body");
                    std::hint::black_box(bytes);
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
