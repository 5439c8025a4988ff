//! The two push endpoints a third-party platform must serve, wired to the SDK:
//!
//! - `POST /wechat/component` — the **authorization event URL** (授权事件接收URL): verify
//!   tickets every 10 minutes, and `authorized` / `updateauthorized` / `unauthorized` events;
//!   handled by [`Component::handle_push`].
//! - `POST /wechat/message/{appid}` — the **message URL** (消息与事件接收URL) where WeChat
//!   sends the authorizers' events, here the invoice ones (`user_authorize_invoice`,
//!   `update_invoice_status`), opened with [`Component::open_message`].
//!
//! Both answer `success` (plain text, HTTP 200) once the push is handled — WeChat counts any
//! other answer, or none within 5 seconds, as a failed delivery and retries.
//!
//! `cargo run --example ticket_webhook` runs a demo against the embedded sandbox, which pushes
//! real signed, encrypted messages to these endpoints over loopback HTTP; add `--serve` to keep
//! serving afterwards (the sandbox then pushes a ticket every 10 s).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use wx_auth::push::PushQuery;
use wx_auth::{AuthError, Component, ComponentConfig, MemoryStore, SecretString, TokenSource as _};
use wx_invoice_types::InvoiceEvent;

/// What the endpoints share: the platform, and (for the demo and tests) the invoice events
/// received so far.
#[derive(Clone, Debug)]
pub struct WebhookState {
    /// The third-party platform the pushes are for.
    pub component: Component,
    /// Invoice events received on the message URL, as `(authorizer appid, event)`.
    pub invoice_events: Arc<Mutex<Vec<(String, InvoiceEvent)>>>,
}

/// The router with both endpoints.
pub fn router(state: WebhookState) -> Router {
    Router::new()
        .route("/wechat/component", post(authorization_event))
        .route("/wechat/message/{appid}", post(message_event))
        .with_state(state)
}

async fn authorization_event(
    State(state): State<WebhookState>,
    Query(query): Query<PushQuery>,
    body: String,
) -> (StatusCode, &'static str) {
    match state.component.handle_push(&query, &body).await {
        Ok(event) => {
            println!("   [webhook] authorization event handled: {event:?}");
            (StatusCode::OK, "success")
        }
        Err(e) => refuse(&e),
    }
}

async fn message_event(
    State(state): State<WebhookState>,
    Path(appid): Path<String>,
    Query(query): Query<PushQuery>,
    body: String,
) -> (StatusCode, &'static str) {
    match state.component.open_message(&query, &body) {
        Ok(event) => {
            println!("   [webhook] message for {appid}: {event:?}");
            state
                .invoice_events
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((appid, event));
            (StatusCode::OK, "success")
        }
        Err(e) => refuse(&e),
    }
}

/// A push we could not verify is answered with 400 (WeChat will retry); one we could not act
/// on (WeChat or the store unreachable) with 503. Errors never carry secrets, so log them.
fn refuse(e: &AuthError) -> (StatusCode, &'static str) {
    eprintln!("   [webhook] push refused: {e}");
    match e {
        AuthError::Push(_) | AuthError::Event(_) => (StatusCode::BAD_REQUEST, "invalid push"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "try again"),
    }
}

#[allow(dead_code)] // `main` is unused when the end-to-end tests include this file.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    const MERCHANT: &str = "wxbeef000000000003";
    let serve = std::env::args().any(|a| a == "--serve");

    // Bind first: the sandbox needs the webhook's address to push to it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let sandbox = wx_sandbox::Sandbox::builder()
        .push_url(format!("http://{addr}/wechat/component"))
        .message_push_url(format!("http://{addr}/wechat/message/$APPID$"))
        .ticket_every(Duration::from_secs(10))
        .start()
        .await?;
    println!(
        "1. webhook on http://{addr}, sandbox (as WeChat) on {}",
        sandbox.base_url()
    );

    let component = Component::builder(ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    })
    .store(Arc::new(MemoryStore::new()))
    .api_base(sandbox.base_url())
    .build()?;
    let state = WebhookState {
        component: component.clone(),
        invoice_events: Arc::default(),
    };
    tokio::spawn(axum::serve(listener, router(state)).into_future());

    println!("2. WeChat pushes a verify ticket");
    sandbox.push_verify_ticket();
    sandbox.flush_pushes(Duration::from_secs(5)).await;
    component.component_access_token().await?;
    println!("   component token minted with the pushed ticket");

    println!("3. a merchant authorizes the platform; WeChat pushes `authorized`");
    sandbox.authorize(MERCHANT, &[26]);
    sandbox.flush_pushes(Duration::from_secs(5)).await;
    let record = component
        .authorizer(MERCHANT)
        .await?
        .ok_or("authorization not stored")?;
    println!(
        "   stored: {} with permission sets {:?}",
        record.authorizer_appid, record.permission_sets
    );

    println!("4. the merchant revokes; WeChat pushes `unauthorized`");
    sandbox.unauthorize(MERCHANT);
    sandbox.flush_pushes(Duration::from_secs(5)).await;
    match component.authorizer_tokens().permission_sets(MERCHANT).await {
        Err(e) => println!("   calls for {MERCHANT} now fail fast: {e}"),
        Ok(_) => return Err("the revocation was not applied".into()),
    }

    if serve {
        println!("serving; WeChat (the sandbox) pushes a ticket every 10 s — Ctrl-C to stop");
        tokio::signal::ctrl_c().await?;
    }
    Ok(())
}
