//! A multi-tenant invoicing service, as a team writes it on the SDK: only the business logic
//! is its own.
//!
//! - **One Redis store** (`REDIS_URL`, default `redis://127.0.0.1:6379`) that every process of
//!   the service would share: tokens, refresh tokens and the verify ticket live there.
//! - **`wx_auth::axum::PushRouter`**, merged into the service's own axum router: the
//!   authorization-event URL, the message URL and the authorization redirect.
//! - **Onboarding**: each tenant's admin opens an authorization link whose `redirect_uri` names
//!   the tenant; the redirect handler has already stored the grant when the service's callback
//!   maps the merchant to its tenant.
//! - **Invoices**: a user asks a merchant for an invoice; WeChat pushes `user_authorize_invoice`
//!   to the message URL; the callback only queues a job (WeChat gets its `success` at once) and
//!   a worker issues the invoice — reads the user's title, uploads the PDF, inserts the card with
//!   the invoicing platform's token on behalf of the merchant.
//!
//! Two merchants, one order each, against the embedded sandbox (which pushes real signed,
//! encrypted messages to this service over loopback HTTP) and a real Redis. The program exits 0
//! once both cards are in the user's wallet. `cargo run --example saas_service`.

use std::collections::HashMap;
use std::error::Error;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::get;
use tokio::sync::mpsc;
use wx_auth::axum::{AuthorizedRedirect, InvoicePush, PushRouter};
use wx_auth::{Component, ComponentConfig, RedisStore, SecretString, TokenSource, TokenStore};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{
    AuthField, AuthSource, AuthUrlType, BillingNo, BizField, Contact, CreateCardRequest, Fen, GetAuthUrlRequest,
    InsertInvoiceRequest, InvoiceEvent, InvoiceItem, InvoiceUserData, OrderId, UserField,
};
use wx_sandbox::{Sandbox, UserAuthorization};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// The service's own Official Account, the invoicing platform (开票平台) that issues the cards.
const PLATFORM: &str = "wxf00dcafe00000001";
/// The service's tenants: each a merchant whose customers ask for invoices.
const TENANTS: [(&str, &str); 2] = [("bakery", "wxbeef0000000000a1"), ("bookshop", "wxbeef0000000000b2")];

/// The service's tenant table: merchant appid → tenant (a database table in a real service).
#[derive(Debug, Default, Clone)]
struct Tenants(Arc<Mutex<HashMap<String, String>>>);

impl Tenants {
    fn record(&self, appid: &str, tenant: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(appid.to_owned(), tenant.to_owned());
    }

    fn of(&self, appid: &str) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(appid)
            .cloned()
    }
}

/// An invoice to issue, queued by the message callback.
#[derive(Debug)]
struct IssueJob {
    merchant_appid: String,
    order_id: String,
}

/// What the worker did with a job.
#[derive(Debug)]
struct Issued {
    tenant: String,
    order_id: String,
    code: String,
}

/// The service's HTTP side: its own routes plus the SDK's push router.
fn service_router(component: Component, tenants: Tenants, jobs: mpsc::Sender<IssueJob>) -> Result<Router> {
    let wechat = PushRouter::new(component)
        // Answer WeChat fast: queue the work. An Err (the queue is gone) answers 500 and WeChat
        // delivers the push again.
        .on_invoice_event(move |push: InvoicePush| {
            let jobs = jobs.clone();
            async move {
                if let InvoiceEvent::UserAuthorizeInvoice(auth) = &push.event
                    && let Some(order_id) = auth.authorized_order_id()
                {
                    let job = IssueJob {
                        merchant_appid: push.authorizer_appid.clone(),
                        order_id: order_id.to_owned(),
                    };
                    jobs.send(job).await.map_err(|_| "the issuing queue is closed")?;
                }
                Ok::<_, &'static str>(())
            }
        })
        // The grant is stored by now; remember which tenant it belongs to.
        .on_authorized(move |redirect: AuthorizedRedirect| {
            let tenants = tenants.clone();
            async move {
                let appid = &redirect.authorization.authorizer_appid;
                let tenant = redirect.param("tenant").unwrap_or("unknown").to_owned();
                tenants.record(appid, &tenant);
                format!("{tenant}: WeChat account {appid} is connected to the invoicing service")
            }
        })
        .build()?;
    Ok(Router::new().route("/health", get(|| async { "ok" })).merge(wechat))
}

/// Issues the invoices of the queued jobs, one at a time, until the queue closes.
async fn worker(
    client: InvoiceClient,
    tenants: Tenants,
    s_pappid: String,
    card_id: String,
    mut jobs: mpsc::Receiver<IssueJob>,
    done: mpsc::Sender<Result<Issued>>,
) {
    while let Some(job) = jobs.recv().await {
        let outcome = issue(&client, &tenants, &s_pappid, &card_id, &job).await;
        if done.send(outcome).await.is_err() {
            break;
        }
    }
}

async fn issue(
    client: &InvoiceClient,
    tenants: &Tenants,
    s_pappid: &str,
    card_id: &str,
    job: &IssueJob,
) -> Result<Issued> {
    let tenant = tenants
        .of(&job.merchant_appid)
        .ok_or_else(|| format!("{} is not a tenant of this service", job.merchant_appid))?;
    // The title the user picked on the merchant's authorization page.
    let auth = client
        .merchant(&job.merchant_appid)
        .auth_data(s_pappid, &job.order_id)
        .await?;
    let title = auth
        .user_auth_info
        .as_ref()
        .and_then(|info| info.biz_field.as_ref())
        .map(|company| company.title.clone())
        .ok_or("the user gave no company title")?;
    // Issued by the tax system in a real service; here a number derived from the order.
    let billing_no = format!("2444{:016}", job.order_id.bytes().map(u64::from).sum::<u64>());
    let platform = client.platform(PLATFORM);
    let pdf = platform.upload_pdf("invoice.pdf", sample_pdf()).await?;
    let data = InvoiceUserData::digital(BillingNo::new(billing_no))
        .with_title(title)
        .with_billing_time(now()?)
        .with_pdf(pdf)
        .with_amounts(Fen(10_000), Fen(600))
        .with_item(InvoiceItem::new("商品", Fen(10_000)));
    let request = InsertInvoiceRequest::new(OrderId::new(&job.order_id), data)
        .with_card_id(card_id)
        .with_appid(&job.merchant_appid);
    let out = platform.insert(&request).await?;
    Ok(Issued {
        tenant,
        order_id: job.order_id.clone(),
        code: out.code,
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .init();

    // 1. The shared store, under a prefix of this run (a real service keeps one fixed prefix).
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let prefix = format!("wxinv-saas-example-{}", now()?);
    let store: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(&redis_url)
            .await
            .map_err(|e| format!("this example needs a Redis (set REDIS_URL): {e}"))?
            .with_prefix(&prefix),
    );
    let outcome = run(store).await;
    remove_demo_keys(&redis_url, &prefix).await?;
    outcome
}

async fn run(store: Arc<dyn TokenStore>) -> Result<()> {
    // 2. The service listens; WeChat (the sandbox) is configured with its URLs.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let sandbox = Sandbox::builder()
        .strict_orders(true)
        .push_url(format!("{base}/wechat/component"))
        .message_push_url(format!("{base}/wechat/message/$APPID$"))
        .start()
        .await?;
    let component = Component::builder(ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    })
    .store(store)
    .api_base(sandbox.base_url())
    .build()?;
    let tenants = Tenants::default();
    let (jobs, queued) = mpsc::channel(1000);
    let app = service_router(component.clone(), tenants.clone(), jobs)?;
    tokio::spawn(axum::serve(listener, app).into_future());
    println!("service on {base}, WeChat (sandbox) on {}", sandbox.base_url());

    // 3. WeChat pushes the verify ticket; the router stores it in Redis.
    sandbox.push_verify_ticket();
    flush(&sandbox).await?;

    // 4. Onboarding: the platform's own account and each tenant authorize the service.
    let http = wx_auth::reqwest::Client::new();
    for (tenant, appid) in std::iter::once(("platform", PLATFORM)).chain(TENANTS) {
        let pre_auth = component.pre_auth_code().await?;
        let redirect_uri = format!("{base}/wechat/authorized?tenant={tenant}");
        let link = component.authorization_url(&pre_auth.code, &redirect_uri).build();
        // The admin opens `link` and confirms (simulated); WeChat sends the browser back.
        let _ = link;
        let code = sandbox.authorize(appid, &[26]);
        let page = http
            .get(format!("{redirect_uri}&auth_code={code}&expires_in=3600"))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        println!("onboarded: {page}");
    }
    flush(&sandbox).await?; // the `authorized` pushes: the same grants, nothing done twice

    // 5. The platform's setup, once: its id for merchants and an invoice template.
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    let client = InvoiceClient::builder(tokens).api_base(sandbox.base_url()).build()?;
    let s_pappid = client
        .platform(PLATFORM)
        .set_url()
        .await?
        .s_pappid()
        .ok_or("seturl gave no s_pappid")?;
    let template = CreateCardRequest::new("示例开票服务有限公司")
        .with_invoice_type("增值税电子普通发票")
        .with_logo_url("http://mmbiz.qpic.cn/mmbiz/example-logo/0")
        .with_title("示例开票服务");
    let card_id = client.platform(PLATFORM).create_card(&template).await?;
    let (done, mut results) = mpsc::channel(16);
    tokio::spawn(worker(
        client.clone(),
        tenants.clone(),
        s_pappid.clone(),
        card_id,
        queued,
        done,
    ));

    // 6. A customer of each tenant asks for an invoice and picks a company title.
    for (tenant, appid) in TENANTS {
        let merchant = client.merchant(appid);
        merchant
            .set_contact(Contact {
                phone: "0755-12345678".into(),
                time_out: 7200,
            })
            .await?;
        merchant
            .set_auth_field(AuthField {
                user_field: UserField::default(),
                biz_field: BizField {
                    show_title: Some(true),
                    show_tax_no: Some(true),
                    ..BizField::default()
                },
            })
            .await?;
        let order_id = format!("{tenant}-order-{}", now()?);
        merchant
            .auth_url(&GetAuthUrlRequest {
                s_pappid: s_pappid.clone(),
                order_id: order_id.clone().into(),
                money: Fen(10_600),
                timestamp: now()?,
                source: AuthSource::Web,
                redirect_url: None,
                ticket: String::new(),
                auth_type: AuthUrlType::MerchantTitle,
            })
            .await?;
        sandbox.user_authorize(
            &UserAuthorization::new(&s_pappid, &order_id)
                .merchant(appid)
                .company_title(format!("{tenant} 的客户有限公司"), "91440300MA5EXAMPLE"),
        )?;
        println!("{tenant}: the user authorized {order_id}; WeChat pushes user_authorize_invoice");
    }

    // 7. The worker issues both invoices from the pushes.
    for _ in TENANTS {
        let issued = tokio::time::timeout(Duration::from_secs(30), results.recv())
            .await
            .map_err(|_| "no invoice was issued within 30 s")?
            .ok_or("the worker stopped")??;
        let card = sandbox.card(&issued.code).ok_or("the card is not in the wallet")?;
        println!(
            "{}: invoice of {} in the user's wallet (card {}, {})",
            issued.tenant,
            issued.order_id,
            issued.code,
            card.status.as_wire()
        );
    }
    let deliveries = sandbox.deliveries();
    if let Some(failed) = deliveries.iter().find(|d| !d.delivered) {
        return Err(format!("a push was not acknowledged: {failed:?}").into());
    }
    println!("done: {} pushes acknowledged, 2 invoices issued", deliveries.len());
    Ok(())
}

async fn flush(sandbox: &Sandbox) -> Result<()> {
    if sandbox.flush_pushes(Duration::from_secs(10)).await {
        Ok(())
    } else {
        Err("WeChat's pushes were not delivered in time".into())
    }
}

/// This demo's keys only (a real service keeps its store, of course).
async fn remove_demo_keys(redis_url: &str, prefix: &str) -> Result<()> {
    let mut conn = redis::Client::open(redis_url)?
        .get_multiplexed_async_connection()
        .await?;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await?;
    if !keys.is_empty() {
        let () = redis::cmd("DEL").arg(keys).query_async(&mut conn).await?;
    }
    Ok(())
}

fn now() -> Result<i64> {
    Ok(i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?)
}

/// A minimal one-page PDF, enough for the sandbox (which checks the `%PDF-` header).
fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}
