//! The pieces the insert cost measurements share: a minimal loopback HTTP server, a realistic
//! 20-item insert request, the SDK client on the third-party token path with a warm cache, and
//! the bare reqwest baseline posting the same request.

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

pub const COMPONENT: &str = "wxcomponent0000001";
pub const PLATFORM: &str = "wxplatform00000001";
pub const MERCHANT: &str = "wxmerchant00000001";
pub const ANSWER: &[u8] =
    br#"{"errcode":0,"errmsg":"ok","code":"527682713497","openid":"oPLATFORMUSER0000000000000001"}"#;

/// Answers every HTTP/1.1 request on every connection with [`ANSWER`], keeping connections open.
pub fn serve(listener: &TcpListener) {
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

pub fn request(order: usize) -> InsertInvoiceRequest {
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

pub async fn sdk_client(base: &str) -> InvoiceClient {
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

/// A loopback server on its own threads; returns its base URL.
pub fn spawn_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || serve(&listener));
    base
}

/// The baseline: `request` serialised by serde_json and posted with a bare reqwest client.
pub async fn bare_insert(client: &reqwest::Client, url: &str, request: &InsertInvoiceRequest) {
    let body = serde_json::to_vec(request).expect("serialise");
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send");
    std::hint::black_box(resp.bytes().await.expect("body"));
}

/// The insert URL the baseline posts to, with a token of WeChat's size.
pub fn bare_url(base: &str) -> String {
    format!("{base}/card/invoice/insert?access_token={}", "A".repeat(157))
}
