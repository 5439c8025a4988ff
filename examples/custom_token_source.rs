//! Your own `TokenSource`: the access tokens come from a company-wide token service (the one
//! process that holds the AppSecret and talks to WeChat's token endpoint), and this SDK only
//! calls WeChat with them.
//!
//! - `CompanyTokens` implements [`TokenSource`] over the service's small HTTP API, with a
//!   [`TokenCache`] in front: one service request per token lifetime however many calls run at
//!   once (single-flight), early refresh before expiry, and — when WeChat rejects a token
//!   (40001/42001) — a compare-and-delete of exactly that token, the service told to replace it,
//!   and the call retried once with the new one.
//! - The token service itself is simulated here (an axum server asking the embedded sandbox's
//!   `/cgi-bin/stable_token`), so the example runs without network.
//!
//! Run with `cargo run --example custom_token_source`. It checks what it shows and exits with
//! an error if the caching or the retry does not behave as described.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Json, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use wx_auth::reqwest;
use wx_auth::{AccessToken, AuthError, CacheSettings, MemoryStore, TokenCache, TokenKey, TokenKind, TokenSource};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};
use wx_sandbox::Sandbox;

/// A self-built platform's Official Account (its AppSecret lives in the token service only).
const ACCOUNT: &str = "wxc0ffee0000000042";
const ACCOUNT_SECRET: &str = "company-token-service-secret-0001";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Tokens from the company's token service, cached in front of a [`TokenStore`](wx_auth::TokenStore).
/// Cheap to clone (the client and the cache share their state), which the cache needs: it runs
/// each fetch in a task of its own, so a caller that gives up never cancels it.
#[derive(Debug, Clone)]
struct CompanyTokens {
    http: reqwest::Client,
    /// Base URL of the token service.
    service: String,
    cache: TokenCache,
}

impl CompanyTokens {
    /// `store` is where cached tokens live: a `MemoryStore` here, a `RedisStore` to share them
    /// (and the refresh lock) across a fleet.
    fn new(service: String, store: Arc<dyn wx_auth::TokenStore>) -> Self {
        let mut settings = CacheSettings::default();
        settings.margin = Duration::from_secs(120); // ask the service again 2 minutes before expiry
        Self {
            http: reqwest::Client::new(),
            service,
            cache: TokenCache::new(store, settings),
        }
    }

    fn key(appid: &str) -> TokenKey {
        TokenKey::new("company-token-service", appid, TokenKind::AccessToken)
    }

    /// One request to the service: `GET /tokens/{appid}` → `{"access_token", "expires_in"}`.
    async fn fetch(&self, appid: &str) -> Result<AccessToken, AuthError> {
        let path = format!("token service /tokens/{appid}");
        let failed = |detail: String| AuthError::Network {
            path: path.clone(),
            detail,
        };
        let answer: Value = self
            .http
            .get(format!("{}/tokens/{appid}", self.service))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| failed(e.without_url().to_string()))?
            .json()
            .await
            .map_err(|e| failed(format!("unreadable answer: {}", e.without_url())))?;
        let (Some(token), Some(expires_in)) = (answer["access_token"].as_str(), answer["expires_in"].as_u64()) else {
            // Never echo the answer: it may hold a token.
            return Err(failed("the answer has no access_token/expires_in".into()));
        };
        Ok(AccessToken::new(token, Duration::from_secs(expires_in)))
    }
}

#[wx_auth::async_trait]
impl TokenSource for CompanyTokens {
    async fn access_token(&self, appid: &str) -> Result<AccessToken, AuthError> {
        let (this, appid) = (self.clone(), appid.to_owned());
        self.cache
            .get(&Self::key(&appid), move || async move { this.fetch(&appid).await })
            .await
    }

    async fn invalidate(&self, appid: &str, rejected: &AccessToken) -> Result<(), AuthError> {
        // Drop exactly the rejected token (a newer one another task cached stays), then ask the
        // service to replace it; the next access_token fetches the replacement.
        self.cache.invalidate(&Self::key(appid), rejected).await?;
        let reported = self
            .http
            .post(format!("{}/tokens/{appid}/rejected", self.service))
            .json(&json!({ "access_token": rejected.expose_secret() }))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status);
        if let Err(e) = reported {
            return Err(AuthError::Network {
                path: format!("token service /tokens/{appid}/rejected"),
                detail: e.without_url().to_string(),
            });
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let sandbox = Sandbox::start().await?;
    sandbox.register_account(ACCOUNT, ACCOUNT_SECRET);
    let service = TokenService::start(sandbox.base_url()).await?;
    println!(
        "1. sandbox at {}, company token service at {}",
        sandbox.base_url(),
        service.url
    );

    let tokens: Arc<dyn TokenSource> = Arc::new(CompanyTokens::new(service.url.clone(), Arc::new(MemoryStore::new())));
    let client = InvoiceClient::builder(tokens).api_base(sandbox.base_url()).build()?;

    // Twenty concurrent calls need one token: the cache asks the service once.
    let media = client.upload_pdf(ACCOUNT, "invoice.pdf", sample_pdf()).await?;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, media) = (client.clone(), media.clone());
        calls.spawn(async move { client.get_pdf(ACCOUNT, &media).await });
    }
    while let Some(done) = calls.join_next().await {
        done??;
    }
    println!("2. 21 calls made, token service asked {} time(s)", service.asked());
    check(service.asked() == 1, "one token request for 21 calls")?;

    // WeChat stops accepting the token (as after a secret reset): the first insert answers
    // 40001, the source invalidates that token, the service replaces it, the insert is retried.
    sandbox.revoke_token(ACCOUNT);
    let now = i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?;
    let data = InvoiceUserData::digital(BillingNo::new("24440000000012345678"))
        .with_title("示例科技有限公司")
        .with_billing_time(now)
        .with_pdf(media)
        .with_amounts(Fen(10_000), Fen(600))
        .with_item(InvoiceItem::new("技术服务费", Fen(10_000)));
    let request = InsertInvoiceRequest::new(OrderId::new(format!("order-{now}")), data)
        .with_card_id("card-template")
        .with_appid(ACCOUNT);
    let out = client.insert(ACCOUNT, &request).await?;
    println!(
        "3. after a rejected token: invoice {} inserted; the service was told {} time(s), asked {} time(s)",
        out.code,
        service.rejected(),
        service.asked()
    );
    check(service.rejected() == 1, "the rejected token reported once")?;
    check(service.asked() == 2, "one new token after the rejection")?;
    check(
        sandbox.count("/card/invoice/insert") == 2,
        "the insert sent twice: rejected, then retried",
    )?;
    Ok(())
}

fn check(holds: bool, what: &str) -> Result<(), BoxError> {
    if holds {
        Ok(())
    } else {
        Err(format!("expected {what}").into())
    }
}

/// The simulated company token service: holds the AppSecret, asks WeChat (here the sandbox)
/// for a token, serves it to every process, and replaces it when told it was rejected.
struct TokenService {
    url: String,
    state: Arc<ServiceState>,
}

struct ServiceState {
    http: reqwest::Client,
    wechat: String,
    /// The token served to everyone, with its expiry.
    current: tokio::sync::Mutex<Option<(String, Instant)>>,
    asked: AtomicUsize,
    rejected: AtomicUsize,
}

impl TokenService {
    async fn start(wechat: String) -> Result<Self, BoxError> {
        let state = Arc::new(ServiceState {
            http: reqwest::Client::new(),
            wechat,
            current: tokio::sync::Mutex::new(None),
            asked: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/tokens/{appid}", get(serve_token))
            .route("/tokens/{appid}/rejected", post(token_rejected))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { url, state })
    }

    fn asked(&self) -> usize {
        self.state.asked.load(Ordering::SeqCst)
    }

    fn rejected(&self) -> usize {
        self.state.rejected.load(Ordering::SeqCst)
    }
}

impl ServiceState {
    /// `POST /cgi-bin/stable_token`; `force` replaces a token WeChat rejected.
    async fn stable_token(&self, appid: &str, force: bool) -> Result<(String, u64), StatusCode> {
        let body = json!({"grant_type": "client_credential", "appid": appid, "secret": ACCOUNT_SECRET, "force_refresh": force});
        let answer: Value = async {
            self.http
                .post(format!("{}/cgi-bin/stable_token", self.wechat))
                .json(&body)
                .send()
                .await?
                .json()
                .await
        }
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)?;
        match (answer["access_token"].as_str(), answer["expires_in"].as_u64()) {
            (Some(token), Some(expires_in)) => Ok((token.to_owned(), expires_in)),
            _ => Err(StatusCode::BAD_GATEWAY),
        }
    }
}

async fn serve_token(
    State(state): State<Arc<ServiceState>>,
    Path(appid): Path<String>,
) -> Result<Json<Value>, StatusCode> {
    state.asked.fetch_add(1, Ordering::SeqCst);
    let mut current = state.current.lock().await;
    let now = Instant::now();
    let (token, expires_at) = match current.as_ref() {
        Some((token, expires_at)) if *expires_at > now => (token.clone(), *expires_at),
        _ => {
            let (token, expires_in) = state.stable_token(&appid, false).await?;
            let expires_at = now + Duration::from_secs(expires_in);
            *current = Some((token.clone(), expires_at));
            (token, expires_at)
        }
    };
    Ok(Json(
        json!({"access_token": token, "expires_in": (expires_at - now).as_secs()}),
    ))
}

async fn token_rejected(
    State(state): State<Arc<ServiceState>>,
    Path(appid): Path<String>,
    Json(body): Json<Value>,
) -> Result<StatusCode, StatusCode> {
    state.rejected.fetch_add(1, Ordering::SeqCst);
    let mut current = state.current.lock().await;
    // Compare-and-replace: a report about an older token changes nothing.
    if current.as_ref().map(|(token, _)| token.as_str()) == body["access_token"].as_str() {
        let (token, expires_in) = state.stable_token(&appid, true).await?;
        *current = Some((token, Instant::now() + Duration::from_secs(expires_in)));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A minimal one-page PDF (the sandbox checks the `%PDF-` header).
fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}
