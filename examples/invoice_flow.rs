//! The whole e-invoice flow from all three sides, against the embedded sandbox — no network,
//! no Redis:
//!
//! - the **invoicing platform** gets its `s_pappid` and creates a card template;
//! - the **merchant** sets its contact, gets the `wx_card` ticket and the authorization page;
//! - the **user** authorizes the order (simulated by the sandbox);
//! - the merchant reads the authorization back, the platform uploads the PDF and inserts the
//!   invoice card into the user's wallet;
//! - the **reimburser** reads the invoice, locks it and closes it;
//! - the platform red-flushes a second invoice.
//!
//! Every account has authorized one third-party platform (permission set 26), whose tokens the
//! one `InvoiceClient` uses; each role acts through its own handle
//! (`client.platform(appid)`, `client.merchant(appid)`, `client.reimburser(appid)`).
//!
//! Run with `cargo run --example invoice_flow` (set `RUST_LOG=debug` to watch every call).

use std::error::Error;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use wx_auth::{Component, ComponentConfig, MemoryStore, SecretString, TokenSource};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{
    AuthField, AuthSource, AuthUrlType, BillingNo, BizField, Contact, CreateCardRequest, Fen, GetAuthUrlRequest,
    InsertInvoiceRequest, InsertInvoiceResponse, InvoiceCardRef, InvoiceItem, InvoiceUserData, OrderId,
    ReimburseStatus, UserField,
};
use wx_sandbox::{Sandbox, SandboxEvent, UserAuthorization};

/// The invoicing platform's Official Account.
const PLATFORM: &str = "wxf00dcafe00000001";
/// The merchant whose customer asks for the invoice.
const MERCHANT: &str = "wxbeef000000000002";
/// The expense SaaS the user submits the invoice to.
const REIMBURSER: &str = "wx5eed000000000003";

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .init();

    // A local WeChat that checks orders strictly: inserts need a real user authorization and a
    // template of the inserting platform.
    let sandbox = Sandbox::builder().strict_orders(true).start().await?;
    let client = third_party_client(&sandbox).await?;
    println!(
        "sandbox at {}; platform, merchant and reimburser authorized set 26",
        sandbox.base_url()
    );

    // Platform setup (once): its s_pappid for merchants, a template per payee.
    let platform = client.platform(PLATFORM);
    let s_pappid = platform
        .set_url()
        .await?
        .s_pappid()
        .ok_or("seturl answered an invoice_url without s_pappid")?;
    println!("[platform]   seturl → s_pappid {s_pappid}");
    let template = CreateCardRequest::new("深圳示例科技有限公司")
        .with_invoice_type("增值税电子普通发票")
        .with_logo_url("http://mmbiz.qpic.cn/mmbiz/example-logo/0")
        .with_title("示例科技");
    let card_id = platform.create_card(&template).await?;
    println!("[platform]   createcard → card_id {card_id}");

    // Merchant setup (once): the contact is required before any authorization page.
    let merchant = client.merchant(MERCHANT);
    merchant
        .set_contact(Contact {
            phone: "0755-12345678".into(),
            time_out: 12345,
        })
        .await?;
    println!(
        "[merchant]   setbizattr set_contact → {:?}",
        merchant.get_contact().await?
    );
    // A type-1 page (the user picks the title) also needs the page's title fields.
    merchant
        .set_auth_field(AuthField {
            user_field: UserField {
                show_title: Some(true),
                ..UserField::default()
            },
            biz_field: BizField {
                show_title: Some(true),
                show_tax_no: Some(true),
                ..BizField::default()
            },
        })
        .await?;
    println!("[merchant]   setbizattr set_auth_field → personal and company titles");

    // Per order: the wx_card ticket (cached), then the authorization page.
    let ticket = merchant.wx_card_ticket().await?;
    println!(
        "[merchant]   wx_card ticket fetched and cached ({} s left; the value is a secret)",
        ticket.remaining().as_secs()
    );
    let order_id = format!("order-{}", now()?);
    let page = merchant
        .auth_url(&GetAuthUrlRequest {
            s_pappid: s_pappid.clone(),
            order_id: order_id.clone().into(),
            money: Fen(10_600),
            timestamp: now()?,
            source: AuthSource::Web,
            redirect_url: Some("https://shop.example.com/invoice/done".into()),
            ticket: String::new(), // filled from the cache
            auth_type: AuthUrlType::UserTitle,
        })
        .await?;
    println!("[merchant]   getauthurl → {}", page.auth_url);

    // The user taps "申请开票" and picks a company title (simulated).
    let openid = sandbox.user_authorize(
        &UserAuthorization::new(&s_pappid, &order_id).company_title("示例科技有限公司", "91440300MA5EXAMPLE"),
    )?;
    println!("[user]       authorized {order_id} (openid {openid} under the merchant)");

    let auth = merchant.auth_data(&s_pappid, &order_id).await?;
    let title = auth
        .user_auth_info
        .as_ref()
        .and_then(|i| i.biz_field.as_ref())
        .map_or("", |b| b.title.as_str());
    println!(
        "[merchant]   getauthdata → {:?} at {}, title {title:?}",
        auth.invoice_status, auth.auth_time
    );

    // The platform issues the invoice: PDF first, then the card into the user's wallet.
    let issued = issue(&client, &card_id, &order_id, title, "24440000000012345678").await?;
    println!(
        "[platform]   setpdf + insert → card code {} for openid {}",
        issued.code, issued.openid
    );

    // The user submits the invoice to the reimburser (chooseInvoice gives card_id + encrypt_code;
    // here the sandbox tells us the encrypt_code).
    let submitted = submitted_card(&sandbox, &card_id, &issued.code)?;
    let reimburser = client.reimburser(REIMBURSER);
    let info = reimburser.invoice_info(&submitted).await?;
    println!(
        "[reimburser] getinvoiceinfo → {} {} fen, payee {}, status {:?}, PDF {}",
        info.user_info.title, info.user_info.fee.0, info.payee, info.user_info.reimburse_status, info.user_info.pdf_url
    );
    reimburser
        .update_status(submitted.clone(), ReimburseStatus::Lock)
        .await?;
    println!(
        "[reimburser] updateinvoicestatus LOCK → {}",
        card_status(&sandbox, &issued.code)
    );
    reimburser.update_status(submitted, ReimburseStatus::Closure).await?;
    println!(
        "[reimburser] updateinvoicestatus CLOSURE → {}",
        card_status(&sandbox, &issued.code)
    );

    // A second order, issued and then red-flushed (冲红) by the platform.
    let second_order = format!("{order_id}-2");
    merchant
        .auth_url(&GetAuthUrlRequest {
            s_pappid: s_pappid.clone(),
            order_id: second_order.clone().into(),
            money: Fen(10_600),
            timestamp: now()?,
            source: AuthSource::App,
            redirect_url: None,
            ticket: String::new(),
            auth_type: AuthUrlType::MerchantTitle,
        })
        .await?;
    sandbox.user_authorize(&UserAuthorization::new(&s_pappid, &second_order))?;
    let second = issue(&client, &card_id, &second_order, title, "24440000000012345679").await?;
    println!("[platform]   second invoice inserted → card code {}", second.code);
    platform
        .update_status(&card_id, &second.code, ReimburseStatus::Cancel)
        .await?;
    println!(
        "[platform]   updatestatus CANCEL (red-flush) → {}",
        card_status(&sandbox, &second.code)
    );

    // What WeChat pushed to the platform and the merchant along the way.
    for event in sandbox.events() {
        match event {
            SandboxEvent::UserAuthorizeInvoice {
                merchant_appid,
                order_id,
                ..
            } => println!("[push]       user_authorize_invoice {order_id} → {merchant_appid}"),
            SandboxEvent::UpdateInvoiceStatus {
                to_appid, code, status, ..
            } => println!("[push]       update_invoice_status {code} {status} → {to_appid}"),
            _ => {}
        }
    }
    println!("done: {} calls to the sandbox", sandbox.counts().values().sum::<u64>());
    Ok(())
}

/// A third-party platform on the sandbox that the three accounts authorized, and an invoice
/// client taking its tokens from it.
async fn third_party_client(sandbox: &Sandbox) -> Result<InvoiceClient> {
    let component = Component::builder(ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    })
    .store(Arc::new(MemoryStore::new()))
    .api_base(sandbox.base_url())
    .build()?;
    component.set_verify_ticket(&sandbox.mint_verify_ticket()).await?;
    for appid in [PLATFORM, MERCHANT, REIMBURSER] {
        // Each admin confirms the authorization page (simulated); the platform exchanges the code.
        component.query_auth(&sandbox.authorize(appid, &[26])).await?;
    }
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    Ok(InvoiceClient::builder(tokens).api_base(sandbox.base_url()).build()?)
}

/// The platform's part of one order: upload the invoice PDF, insert the card (platform token,
/// body appid = the merchant the user authorized).
async fn issue(
    client: &InvoiceClient,
    card_id: &str,
    order_id: &str,
    title: &str,
    billing_no: &str,
) -> Result<InsertInvoiceResponse> {
    let platform = client.platform(PLATFORM);
    let s_media_id = platform.upload_pdf("invoice.pdf", sample_pdf()).await?;
    let data = InvoiceUserData::digital(BillingNo::new(billing_no))
        .with_title(title)
        .with_billing_time(now()?)
        .with_pdf(s_media_id)
        .with_amounts(Fen(10_000), Fen(600))
        .with_item(InvoiceItem::new("技术服务费", Fen(10_000)));
    let request = InsertInvoiceRequest::new(OrderId::new(order_id), data)
        .with_card_id(card_id)
        .with_appid(MERCHANT);
    Ok(platform.insert(&request).await?)
}

/// The `{card_id, encrypt_code}` pair the reimburser gets when the user submits the card.
fn submitted_card(sandbox: &Sandbox, card_id: &str, code: &str) -> Result<InvoiceCardRef> {
    let card = sandbox
        .card(code)
        .ok_or("the sandbox does not hold the inserted card")?;
    Ok(InvoiceCardRef::new(card_id, card.encrypt_code))
}

/// The card's status as the sandbox holds it.
fn card_status(sandbox: &Sandbox, code: &str) -> &'static str {
    sandbox.card(code).map_or("unknown card", |c| c.status.as_wire())
}

/// Seconds since the epoch.
fn now() -> Result<i64> {
    Ok(i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?)
}

/// A minimal one-page PDF, enough for the sandbox (which checks the `%PDF-` header).
fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}
