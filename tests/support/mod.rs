//! Shared set-up for the end-to-end tests: a sandbox playing WeChat, a third-party platform
//! wired to it, and checks that no secret leaks into errors.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use wx_auth::{AuthorizerTokens, Component, ComponentConfig, MemoryStore, TokenSource, TokenStore};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};
use wx_sandbox::Sandbox;

pub mod flow;

/// The invoicing platform's Official Account, authorized to our component in most tests.
pub const PLATFORM_OA: &str = "wxf00dcafe00000001";
/// The merchant appid the user authorized (body `appid`).
pub const MERCHANT: &str = "wxbeef000000000002";

/// Path of the insert endpoint, as the sandbox counts it.
pub const INSERT_PATH: &str = "/card/invoice/insert";
/// Path of the authorizer token refresh.
pub const AUTHORIZER_TOKEN_PATH: &str = "/cgi-bin/component/api_authorizer_token";
/// Path of the component token fetch.
pub const COMPONENT_TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";

/// A sandbox plus a component and invoice client pointed at it.
#[derive(Debug, Clone)]
pub struct Platform {
    /// The emulated WeChat.
    pub sandbox: Sandbox,
    /// The third-party platform.
    pub component: Component,
    /// The invoice client using the component's authorizer tokens.
    pub client: InvoiceClient,
    /// The store behind the component.
    pub store: Arc<dyn TokenStore>,
}

/// The component's console settings as the sandbox knows them.
pub fn sandbox_config() -> ComponentConfig {
    ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    }
}

impl Platform {
    /// A fresh sandbox with defaults and a platform on a new in-memory store, holding a verify
    /// ticket (no authorization yet).
    pub async fn start() -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox starts");
        Self::on(sandbox, Arc::new(MemoryStore::new())).await
    }

    /// A platform on `store` talking to `sandbox`, holding a fresh verify ticket.
    pub async fn on(sandbox: Sandbox, store: Arc<dyn TokenStore>) -> Self {
        let component = Component::builder(sandbox_config())
            .store(store.clone())
            .api_base(sandbox.base_url())
            .build()
            .expect("component builds");
        component
            .set_verify_ticket(&sandbox.mint_verify_ticket())
            .await
            .expect("ticket stored");
        let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
        let client = InvoiceClient::builder(tokens)
            .api_base(sandbox.base_url())
            .build()
            .expect("client builds");
        Self {
            sandbox,
            component,
            client,
            store,
        }
    }

    /// Has `appid` authorize the platform with `sets` and exchanges the code.
    pub async fn authorize(&self, appid: &str, sets: &[u32]) {
        let code = self.sandbox.authorize(appid, sets);
        self.component.query_auth(&code).await.expect("query_auth");
    }

    /// The authorizer token source of this platform.
    pub fn tokens(&self) -> AuthorizerTokens {
        self.component.authorizer_tokens()
    }

    /// Uploads the sample PDF as `appid`.
    pub async fn upload(&self, appid: &str) -> String {
        self.client
            .upload_pdf(appid, "invoice.pdf", sample_pdf())
            .await
            .expect("upload_pdf")
    }
}

/// A minimal PDF.
pub fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// A valid 数电 insert request for `order_id` with the given media id.
pub fn insert_request(order_id: &str, s_media_id: &str) -> InsertInvoiceRequest {
    let data = InvoiceUserData::digital(BillingNo::new(digits20(order_id)))
        .with_title("示例科技有限公司")
        .with_billing_time(now())
        .with_pdf(s_media_id)
        .with_amounts(Fen(10_000), Fen(600))
        .with_item(InvoiceItem::new("技术服务费", Fen(10_000)));
    InsertInvoiceRequest::new(OrderId::new(order_id), data)
        .with_card_id("pjZ8Yt-e2e-card")
        .with_appid(MERCHANT)
}

/// A 20-digit invoice number derived from `seed` (distinct seeds give distinct numbers).
pub fn digits20(seed: &str) -> String {
    let mut h: u64 = 1_469_598_103_934_665_603;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(1_099_511_628_211);
    }
    // u64::MAX has 20 digits, so zero-padding to 20 always gives exactly 20.
    format!("{h:020}")
}

/// Asserts that neither the `Display` nor the `Debug` form of `err` contains any of `secrets`.
pub fn assert_no_secrets<E: std::fmt::Display + std::fmt::Debug>(err: &E, secrets: &[&str]) {
    let shown = format!("{err} || {err:?}");
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        assert!(!shown.contains(secret), "a secret leaked into an error: {shown}");
    }
}

/// Every secret of the sandbox platform that must never appear in an error.
pub fn platform_secrets(sandbox: &Sandbox, appids: &[&str]) -> Vec<String> {
    let mut secrets = vec![
        wx_sandbox::DEFAULT_COMPONENT_SECRET.to_owned(),
        wx_sandbox::DEFAULT_ENCODING_AES_KEY.to_owned(),
        wx_sandbox::DEFAULT_PUSH_TOKEN.to_owned(),
    ];
    for appid in appids {
        if let Some(refresh) = sandbox.current_refresh_token(appid) {
            secrets.push(refresh);
        }
    }
    secrets
}
