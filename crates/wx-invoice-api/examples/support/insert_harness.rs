//! The pieces the insert cost measurements share: a minimal loopback HTTP server, a realistic
//! 20-item insert request, the SDK client on the third-party token path with a warm cache, and
//! the bare reqwest baseline posting the same request.

use std::net::TcpListener;
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
pub const ANSWER: &str =
    r#"{"errcode":0,"errmsg":"ok","code":"527682713497","openid":"oPLATFORMUSER0000000000000001"}"#;

/// Serves [`ANSWER`] to every request on `listener`, until the process exits.
pub fn serve(listener: TcpListener) {
    wx_loopback::serve(listener, routes(), 1);
}

fn routes() -> wx_loopback::Routes {
    wx_loopback::Routes::new(ANSWER)
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

/// A loopback server on a thread of its own; returns its base URL.
pub fn spawn_server() -> String {
    wx_loopback::spawn(routes(), 1)
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
