//! Pushes end to end: the sandbox pushes signed, encrypted messages over loopback HTTP to the
//! webhook of `examples/ticket_webhook.rs`, and the SDK acts on them.

#[path = "../examples/ticket_webhook.rs"]
#[allow(dead_code)]
mod ticket_webhook;

use std::sync::Arc;
use std::time::Duration;

use ticket_webhook::{ReceivedEvents, router};
use wx_auth::{AuthError, Component, MemoryStore, TokenSource};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::{COMPONENT_TOKEN_PATH, PLATFORM_OA, insert_request, sample_pdf, sandbox_config};
use wx_invoice_types::InvoiceEvent;
use wx_sandbox::{Sandbox, UserAuthorization};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_drive_ticket_authorization_and_revocation() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let sandbox = Sandbox::builder()
        .push_url(format!("http://{addr}/wechat/component"))
        .message_push_url(format!("http://{addr}/wechat/message/$APPID$"))
        .start()
        .await
        .expect("sandbox");
    let component = Component::builder(sandbox_config())
        .store(Arc::new(MemoryStore::new()))
        .api_base(sandbox.base_url())
        .build()
        .expect("component");
    let received = ReceivedEvents::default();
    tokio::spawn(axum::serve(listener, router(component.clone(), received.clone()).expect("router")).into_future());
    let flush = || sandbox.flush_pushes(Duration::from_secs(10));

    // 1. An encrypted ticket push; the component token is then fetched with that ticket.
    assert!(matches!(
        component.component_access_token().await,
        Err(AuthError::NoVerifyTicket { .. })
    ));
    sandbox.push_verify_ticket();
    assert!(flush().await);
    let deliveries = sandbox.deliveries();
    assert!(
        deliveries.iter().all(|d| d.delivered),
        "every push answered `success`: {deliveries:?}"
    );
    component
        .component_access_token()
        .await
        .expect("minted with the pushed ticket");
    assert_eq!(sandbox.count(COMPONENT_TOKEN_PATH), 1);

    // 2. An authorization event leads to stored tokens and permission sets.
    sandbox.authorize(PLATFORM_OA, &[8, 26]);
    assert!(flush().await);
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    assert_eq!(
        tokens.permission_sets(PLATFORM_OA).await.expect("stored"),
        Some(vec![8, 26])
    );
    let client = InvoiceClient::builder(tokens.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    let media = client
        .upload_pdf(PLATFORM_OA, "invoice.pdf", sample_pdf())
        .await
        .expect("upload");
    client
        .insert(PLATFORM_OA, &insert_request("push-order-1", &media))
        .await
        .expect("insert");

    // 3. The message URL receives invoice events for the authorizer.
    let s_pappid = sandbox.s_pappid(PLATFORM_OA);
    client
        .merchant(PLATFORM_OA)
        .set_contact(wx_invoice_types::Contact {
            phone: "13800000000".into(),
            time_out: 3600,
        })
        .await
        .expect("contact");
    client
        .merchant(PLATFORM_OA)
        .set_auth_field(wx_invoice_types::AuthField::default())
        .await
        .expect("auth field (a type-1 page needs it)");
    let auth = wx_invoice_types::GetAuthUrlRequest {
        s_pappid: s_pappid.clone(),
        order_id: "push-order-2".into(),
        money: wx_invoice_types::Fen(100),
        timestamp: wx_invoice_e2e::now(),
        source: wx_invoice_types::AuthSource::Web,
        redirect_url: None,
        ticket: String::new(),
        auth_type: wx_invoice_types::AuthUrlType::UserTitle,
    };
    client.merchant(PLATFORM_OA).auth_url(&auth).await.expect("auth url");
    sandbox
        .user_authorize(&UserAuthorization::new(&s_pappid, "push-order-2"))
        .expect("user authorizes");
    assert!(flush().await);
    let events = received.lock().expect("events").clone();
    assert!(
        events.iter().any(|p| p.authorizer_appid == PLATFORM_OA
            && matches!(&p.event, InvoiceEvent::UserAuthorizeInvoice(u) if u.authorized_order_id() == Some("push-order-2"))),
        "{events:?}"
    );

    // 4. `unauthorized`: the next insert fails fast, without any call to the API.
    sandbox.unauthorize(PLATFORM_OA);
    assert!(flush().await);
    sandbox.reset_counts();
    let err = client
        .insert(PLATFORM_OA, &insert_request("push-order-3", &media))
        .await
        .expect_err("revoked");
    assert!(
        matches!(err, InvoiceError::Wechat(AuthError::AuthorizationRevoked { .. })),
        "{err:?}"
    );
    assert!(
        sandbox.counts().values().all(|n| *n == 0),
        "no call may be made: {:?}",
        sandbox.counts()
    );
}

#[tokio::test]
async fn a_forged_push_is_answered_with_an_error_and_changes_nothing() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let component = Component::builder(sandbox_config())
        .api_base(sandbox.base_url())
        .build()
        .expect("component");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        axum::serve(
            listener,
            router(component.clone(), ReceivedEvents::default()).expect("router"),
        )
        .into_future(),
    );
    let forged = "<xml><AppId><![CDATA[wx0123456789abcdef]]></AppId><Encrypt><![CDATA[AAAA]]></Encrypt></xml>";
    let resp = reqwest::Client::new()
        .post(format!(
            "http://{addr}/wechat/component?timestamp=1&nonce=2&encrypt_type=aes&msg_signature=abc"
        ))
        .body(forged)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 400);
    assert_ne!(resp.text().await.expect("body"), "success");
    assert!(matches!(
        component.component_access_token().await,
        Err(AuthError::NoVerifyTicket { .. })
    ));
}
