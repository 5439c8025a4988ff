//! The main job, end to end, against the embedded sandbox — no network, no Redis:
//! a third-party platform receives its verify ticket, a merchant authorizes it, and the
//! platform uploads an invoice PDF and inserts the invoice card into the user's card wallet.
//!
//! Run with `cargo run --example quickstart` (set `RUST_LOG=debug` to watch every call).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use wx_auth::{Component, ComponentConfig, MemoryStore, SecretString, TokenSource, TokenStore};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};
use wx_sandbox::Sandbox;

/// The invoicing platform's Official Account, which authorized our third-party platform.
const PLATFORM_OA: &str = "wxf00dcafe00000001";
/// The merchant whose customer asked for the invoice (the appid the user authorized).
const MERCHANT: &str = "wxbeef000000000002";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .init();

    // 1. A local WeChat: the sandbox speaks WeChat's wire format on a loopback port.
    let sandbox = Sandbox::start().await?;
    let base = sandbox.base_url();
    println!("1. sandbox listening at {base}");

    // 2. The third-party platform, with its console settings and an in-memory token store.
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let component = Component::builder(ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    })
    .store(store.clone())
    .api_base(&base)
    .build()?;

    // 3. WeChat pushes a component_verify_ticket every 10 minutes (normally via handle_push).
    component.set_verify_ticket(&sandbox.mint_verify_ticket()).await?;
    println!("2. verify ticket stored");

    // 4. The authorization link the platform shows to the account's admin.
    let pre_auth = component.pre_auth_code().await?;
    let link = component
        .authorization_url(&pre_auth.code, "https://platform.example.com/authorized")
        .build();
    println!("3. authorization link: {}…", &link[..link.len().min(72)]);

    // 5. The admin confirms (simulated by the sandbox); WeChat redirects with an auth code.
    let auth_code = sandbox.authorize(PLATFORM_OA, &[1, 8, 26]);
    let authorization = component.query_auth(&auth_code).await?;
    println!(
        "4. {} authorized permission sets {:?}",
        authorization.authorizer_appid, authorization.permission_sets
    );

    // 6. The invoice client takes its tokens from the platform: swap this line for a Redis-backed
    //    store or your own TokenSource without touching the calls below.
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    let client = InvoiceClient::builder(tokens).api_base(&base).build()?;

    // 7. Upload the invoice PDF.
    let s_media_id = client.upload_pdf(PLATFORM_OA, "invoice.pdf", sample_pdf()).await?;
    println!("5. PDF uploaded, s_media_id {s_media_id}");

    // 8. Insert the invoice card into the user's WeChat card wallet.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let data = InvoiceUserData::digital(BillingNo::new("24440000000012345678"))
        .with_title("示例科技有限公司")
        .with_billing_time(i64::try_from(now)?)
        .with_pdf(s_media_id)
        .with_amounts(Fen(10_000), Fen(600)) // excluding tax, tax; fee = their sum
        .with_item(InvoiceItem::new("技术服务费", Fen(10_000)));
    let request = InsertInvoiceRequest::new(OrderId::new(format!("order-{now}")), data)
        .with_card_id("pjZ8Yt-quickstart-card")
        .with_appid(MERCHANT);
    let out = client.insert(PLATFORM_OA, &request).await?;
    println!("6. invoice inserted: card code {} for openid {}", out.code, out.openid);
    Ok(())
}

/// A minimal one-page PDF, enough for the sandbox (which checks the `%PDF-` header).
fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}
