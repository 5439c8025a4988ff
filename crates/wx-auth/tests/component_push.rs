//! `Component::handle_push` and `open_message` with pushes encrypted exactly as WeChat does.

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::push::{ComponentEvent, PushQuery};
use wx_auth::{AuthError, Component, ComponentConfig, MemoryStore, TokenSource};
use wx_invoice_types::InvoiceEvent;
use wx_sandbox::Sandbox;

const MERCHANT: &str = "wxa11ce00000000002";
const APPID: &str = wx_sandbox::DEFAULT_COMPONENT_APPID;

fn component(sandbox: &Sandbox) -> Component {
    Component::builder(ComponentConfig {
        component_appid: APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    })
    .store(Arc::new(MemoryStore::new()))
    .api_base(sandbox.base_url())
    .build()
    .expect("builds")
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml.find(&open).map(|i| i + open.len()).expect("element present");
    let rest = &xml[start..];
    let rest = rest.strip_prefix("<![CDATA[").unwrap_or(rest);
    let end = rest.find("]]>").or_else(|| rest.find('<')).expect("element closed");
    &rest[..end]
}

/// Encrypts `plaintext` as WeChat would push it: the envelope body and the URL query.
fn push(c: &Component, plaintext: &str) -> (PushQuery, String) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        .to_string();
    let (timestamp, nonce) = (now.as_str(), "1357924680");
    let reply = c.msg_crypt().encrypt(plaintext, timestamp, nonce).expect("encrypts");
    let encrypt = element(&reply, "Encrypt");
    let body = format!("<xml><AppId><![CDATA[{APPID}]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
    let query = PushQuery {
        signature: None,
        timestamp: timestamp.into(),
        nonce: nonce.into(),
        encrypt_type: Some("aes".into()),
        msg_signature: Some(element(&reply, "MsgSignature").to_owned()),
    };
    (query, body)
}

fn ticket_xml(ticket: &str) -> String {
    format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>1700000000</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

fn authorized_xml(info_type: &str, code: &str) -> String {
    format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>1700000000</CreateTime>\
         <InfoType><![CDATA[{info_type}]]></InfoType><AuthorizerAppid><![CDATA[{MERCHANT}]]></AuthorizerAppid>\
         <AuthorizationCode><![CDATA[{code}]]></AuthorizationCode>\
         <AuthorizationCodeExpiredTime>1700003600</AuthorizationCodeExpiredTime>\
         <PreAuthCode><![CDATA[preauthcode@@@x]]></PreAuthCode></xml>"
    )
}

#[tokio::test]
async fn ticket_authorization_and_revocation_pushes_are_acted_on() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox);

    let ticket = sandbox.mint_verify_ticket();
    let (q, body) = push(&c, &ticket_xml(&ticket));
    let event = c.handle_push(&q, &body).await.expect("ticket push");
    assert!(matches!(event, ComponentEvent::VerifyTicket { .. }));
    assert!(
        !format!("{event:?}").contains(&ticket),
        "the ticket is redacted in Debug"
    );
    c.component_access_token()
        .await
        .expect("the pushed ticket mints a component token");

    let code = sandbox.authorize(MERCHANT, &[26]);
    let (q, body) = push(&c, &authorized_xml("authorized", &code));
    c.handle_push(&q, &body).await.expect("authorized push");
    // WeChat retries: the same push again is harmless.
    c.handle_push(&q, &body).await.expect("duplicate authorized push");
    let tokens = c.authorizer_tokens();
    assert_eq!(tokens.permission_sets(MERCHANT).await.expect("sets"), Some(vec![26]));
    tokens.access_token(MERCHANT).await.expect("token stored by the push");

    let code = sandbox.authorize(MERCHANT, &[8, 26]);
    let (q, body) = push(&c, &authorized_xml("updateauthorized", &code));
    c.handle_push(&q, &body).await.expect("updateauthorized push");
    assert_eq!(tokens.permission_sets(MERCHANT).await.expect("sets"), Some(vec![8, 26]));

    let revoked = format!(
        "<xml><AppId>{APPID}</AppId><CreateTime>1700000001</CreateTime><InfoType>unauthorized</InfoType>\
         <AuthorizerAppid>{MERCHANT}</AuthorizerAppid></xml>"
    );
    let (q, body) = push(&c, &revoked);
    c.handle_push(&q, &body).await.expect("unauthorized push");
    c.handle_push(&q, &body).await.expect("duplicate unauthorized push");
    sandbox.reset_counts();
    let err = tokens.access_token(MERCHANT).await.expect_err("revoked");
    assert!(matches!(err, AuthError::AuthorizationRevoked { .. }), "{err:?}");
    assert!(sandbox.counts().values().all(|n| *n == 0));
}

#[tokio::test]
async fn tampered_and_unsigned_pushes_are_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox);
    let (mut q, body) = push(&c, &ticket_xml("ticket@@@abc"));
    q.msg_signature = Some("0".repeat(40));
    let err = c.handle_push(&q, &body).await.expect_err("bad signature");
    assert!(matches!(err, AuthError::Push(_)), "{err:?}");
    q.msg_signature = None;
    assert!(matches!(c.handle_push(&q, &body).await, Err(AuthError::Push(_))));
    // Nothing was stored.
    assert!(matches!(
        c.component_access_token().await,
        Err(AuthError::NoVerifyTicket { .. })
    ));
}

#[tokio::test]
async fn invoice_events_are_opened_from_the_message_url() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox);
    let xml = "<xml><ToUserName><![CDATA[gh_merchant]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>\
               <CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[user_authorize_invoice]]></Event><SuccOrderId><![CDATA[order-9]]></SuccOrderId>\
               <FailOrderId><![CDATA[]]></FailOrderId><AuthorizeAppId><![CDATA[wxmerchant]]></AuthorizeAppId>\
               <Source><![CDATA[web]]></Source></xml>";
    let (q, body) = push(&c, xml);
    match c.open_message(&q, &body).expect("opens") {
        InvoiceEvent::UserAuthorizeInvoice(e) => {
            assert_eq!(e.authorized_order_id(), Some("order-9"));
            assert_eq!(e.authorize_appid, "wxmerchant");
        }
        other => panic!("unexpected {other:?}"),
    }
}
