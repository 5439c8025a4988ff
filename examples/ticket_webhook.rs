//! The push endpoints a third-party platform must serve, from `wx_auth::axum::PushRouter`:
//!
//! - `POST /wechat/component` — the **authorization event URL** (授权事件接收URL): verify
//!   tickets every 10 minutes, and `authorized` / `updateauthorized` / `unauthorized` events;
//!   handled by [`Component::handle_push`].
//! - `POST /wechat/message/{appid}` — the **message URL** (消息与事件接收URL) where WeChat
//!   sends the authorizers' events, here the invoice ones (`user_authorize_invoice`,
//!   `update_invoice_status`), handed to the `on_invoice_event` callback.
//! - `GET /wechat/authorized` — where the merchant admin's browser lands after authorizing.
//!
//! The router answers `success` (plain text, HTTP 200) once a push is handled, 400 for a
//! request that is not a valid push, and 503/500 when it could not be handled yet — WeChat
//! counts any answer but `success`, or none within 5 seconds, as a failed delivery and retries.
//!
//! `cargo run --example ticket_webhook` runs a demo against the embedded sandbox, which pushes
//! real signed, encrypted messages to these endpoints over loopback HTTP; add `--serve` to keep
//! serving afterwards (the sandbox then pushes a ticket every 10 s).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use wx_auth::axum::{InvoicePush, PushRouter};
use wx_auth::{AuthError, Component, ComponentConfig, MemoryStore, SecretString, TokenSource as _};

/// Invoice events received on the message URL, as the callback records them.
pub type ReceivedEvents = Arc<Mutex<Vec<InvoicePush>>>;

/// The router with the three endpoints; invoice events are appended to `received` (a real
/// service would write them to its database or queue here, and return its error if that fails,
/// so that WeChat delivers the push again).
pub fn router(component: Component, received: ReceivedEvents) -> Result<Router, AuthError> {
    PushRouter::new(component)
        .on_invoice_event(move |push: InvoicePush| {
            let received = received.clone();
            async move {
                println!("   [webhook] message for {}: {:?}", push.authorizer_appid, push.event);
                received.lock().unwrap_or_else(PoisonError::into_inner).push(push);
                Ok::<_, std::convert::Infallible>(())
            }
        })
        .build()
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
    tokio::spawn(axum::serve(listener, router(component.clone(), ReceivedEvents::default())?).into_future());

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
