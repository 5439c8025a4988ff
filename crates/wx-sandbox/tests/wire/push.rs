//! Signed, encrypted pushes to a real receiver over loopback, checked with an independent
//! decryption.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes::Aes256;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use serde_json::json;
use sha1::{Digest, Sha1};
use wx_sandbox::{
    DEFAULT_COMPONENT_APPID as CAPPID, DEFAULT_ENCODING_AES_KEY, DEFAULT_PUSH_TOKEN, Sandbox, SandboxEvent,
    UserAuthorization,
};

use crate::flow::Flow;
use crate::support::{MERCHANT, PLATFORM, direct_token, post};

/// One received push: path, query, body.
type Received = (String, HashMap<String, String>, String);

#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub(crate) fn received(&self) -> Vec<Received> {
        self.got.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

pub(crate) async fn receiver(status: u16, reply: &'static str) -> Receiver {
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let store = got.clone();
    let app = Router::new().fallback(move |uri: Uri, State(()): State<()>, body: String| {
        let store = store.clone();
        async move {
            let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
            if let Ok(mut g) = store.lock() {
                g.push((uri.path().to_owned(), query, body));
            }
            (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), reply)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.with_state(())).await;
    });
    Receiver {
        url: format!("http://{addr}"),
        got,
    }
}

fn sha1_hex(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    Sha1::digest(sorted.concat().as_bytes())
        .iter()
        .fold(String::new(), |mut out, b| {
            use std::fmt::Write;
            let _ = write!(out, "{b:02x}");
            out
        })
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).map(|i| i + start.len()).expect("start tag");
    let to = text[from..].find(end).map(|i| i + from).expect("end tag");
    &text[from..to]
}

/// Verifies both signatures and decrypts: (plaintext XML, receive id).
pub(crate) fn open(query: &HashMap<String, String>, body: &str) -> (String, String) {
    let encrypt = between(body, "<Encrypt><![CDATA[", "]]></Encrypt>");
    let (ts, nonce) = (&query["timestamp"], &query["nonce"]);
    assert_eq!(query["encrypt_type"], "aes");
    assert_eq!(query["signature"], sha1_hex(&[DEFAULT_PUSH_TOKEN, ts, nonce]));
    assert_eq!(
        query["msg_signature"],
        sha1_hex(&[DEFAULT_PUSH_TOKEN, ts, nonce, encrypt])
    );
    let lenient = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let key = lenient.decode(format!("{DEFAULT_ENCODING_AES_KEY}=")).expect("key");
    assert_eq!(key.len(), 32);
    let mut buf = STANDARD.decode(encrypt).expect("base64");
    assert_eq!(buf.len() % 32, 0, "PKCS#7 with 32-byte blocks");
    let plain = cbc::Decryptor::<Aes256>::new_from_slices(&key, &key[..16])
        .expect("cipher")
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .expect("decrypt")
        .to_vec();
    let pad = usize::from(*plain.last().expect("pad"));
    assert!((1..=32).contains(&pad));
    let plain = &plain[..plain.len() - pad];
    let len = u32::from_be_bytes(plain[16..20].try_into().expect("len")) as usize;
    let msg = String::from_utf8(plain[20..20 + len].to_vec()).expect("utf8");
    let id = String::from_utf8(plain[20 + len..].to_vec()).expect("utf8");
    (msg, id)
}

#[tokio::test]
async fn verify_ticket_push_is_signed_encrypted_and_usable() {
    let rx = receiver(200, "success").await;
    let sb = Sandbox::builder()
        .push_url(format!("{}/wechat/auth", rx.url))
        .start()
        .await
        .expect("start");
    let ticket = sb.push_verify_ticket();
    assert!(sb.flush_pushes(Duration::from_secs(5)).await);
    let got = rx.received();
    assert_eq!(got.len(), 1);
    let (path, query, body) = &got[0];
    assert_eq!(path, "/wechat/auth");
    assert!(
        body.starts_with(&format!("<xml><AppId><![CDATA[{CAPPID}]]></AppId><Encrypt>")),
        "{body}"
    );
    let (xml, id) = open(query, body);
    assert_eq!(id, CAPPID);
    assert!(
        xml.contains("<InfoType><![CDATA[component_verify_ticket]]></InfoType>"),
        "{xml}"
    );
    assert!(xml.contains(&format!(
        "<ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket>"
    )));
    let deliveries = sb.deliveries();
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].delivered);
    assert_eq!(deliveries[0].plaintext, xml);
    assert_eq!(deliveries[0].url, format!("{}/wechat/auth", rx.url));
    let v = post(
        &sb,
        "/cgi-bin/component/api_component_token",
        &json!({
        "component_appid": CAPPID, "component_appsecret": wx_sandbox::DEFAULT_COMPONENT_SECRET,
        "component_verify_ticket": ticket}),
    )
    .await;
    assert!(v["component_access_token"].is_string());
}

#[tokio::test]
async fn authorization_events_follow_grants() {
    let rx = receiver(200, "success").await;
    let sb = Sandbox::builder()
        .push_url(rx.url.clone())
        .start()
        .await
        .expect("start");
    let code = sb.authorize(MERCHANT, &[26]);
    let _same = sb.authorize(MERCHANT, &[26]);
    let code3 = sb.authorize(MERCHANT, &[8, 26]);
    sb.unauthorize(MERCHANT);
    assert!(sb.flush_pushes(Duration::from_secs(5)).await);
    let xmls: Vec<String> = rx.received().iter().map(|(_, q, b)| open(q, b).0).collect();
    assert_eq!(
        xmls.len(),
        3,
        "no updateauthorized when the sets did not change: {xmls:?}"
    );
    assert!(xmls[0].contains("<InfoType><![CDATA[authorized]]></InfoType>"));
    assert!(xmls[0].contains(&format!("<AuthorizationCode><![CDATA[{code}]]></AuthorizationCode>")));
    assert!(xmls[0].contains(&format!("<AuthorizerAppid><![CDATA[{MERCHANT}]]></AuthorizerAppid>")));
    assert!(xmls[0].contains("<AuthorizationCodeExpiredTime>"));
    assert!(xmls[1].contains("<InfoType><![CDATA[updateauthorized]]></InfoType>"));
    assert!(xmls[1].contains(&code3));
    assert!(xmls[2].contains("<InfoType><![CDATA[unauthorized]]></InfoType>"));
}

#[tokio::test]
async fn invoice_events_go_to_the_message_url() {
    let rx = receiver(200, "success").await;
    let sb = Sandbox::builder()
        .message_push_url(format!("{}/msg/$APPID$", rx.url))
        .start()
        .await
        .expect("start");
    let f = Flow::with(sb).await;
    let (code, encrypt_code, _) = f.issued_card("o-1", "1", "ivy").await;
    let r = direct_token(&f.sb, "wxreimburser00001").await;
    let v = post(
        &f.sb,
        &format!("/card/invoice/reimburse/updateinvoicestatus?access_token={r}"),
        &json!({"card_id": f.card_id, "encrypt_code": encrypt_code, "reimburse_status": "INVOICE_REIMBURSE_LOCK"}),
    )
    .await;
    assert_eq!(v["errcode"], 0);
    assert!(f.sb.flush_pushes(Duration::from_secs(5)).await);
    let got = rx.received();
    assert_eq!(got.len(), 3, "user_authorize_invoice + status to platform and merchant");
    let (path, query, body) = &got[0];
    assert_eq!(path, &format!("/msg/{MERCHANT}"));
    assert!(body.starts_with("<xml><ToUserName><![CDATA[gh_"));
    let (xml, id) = open(query, body);
    assert_eq!(id, MERCHANT, "direct-mode accounts decrypt with their own appid");
    assert!(xml.contains("<Event><![CDATA[user_authorize_invoice]]></Event>"));
    assert!(xml.contains("<SuccOrderId><![CDATA[o-1]]></SuccOrderId>"));
    assert!(xml.contains(&format!("<AuthorizeAppId><![CDATA[{MERCHANT}]]></AuthorizeAppId>")));
    assert!(xml.contains("<Source><![CDATA[web]]></Source>"));
    assert_eq!(
        query.get("openid").map(String::as_str),
        Some(between(&xml, "<FromUserName><![CDATA[", "]]>"))
    );
    let paths: Vec<&str> = got[1..].iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, [format!("/msg/{PLATFORM}"), format!("/msg/{MERCHANT}")]);
    let (status_xml, _) = open(&got[1].1, &got[1].2);
    assert!(status_xml.contains("<Event><![CDATA[update_invoice_status]]></Event>"));
    assert!(status_xml.contains("<Status><![CDATA[INVOICE_REIMBURSE_LOCK]]></Status>"));
    assert!(status_xml.contains(&format!("<Code><![CDATA[{code}]]></Code>")));
    assert!(status_xml.contains(&format!("<CardId><![CDATA[{}]]></CardId>", f.card_id)));
}

#[tokio::test]
async fn third_party_merchants_decrypt_with_the_component_appid() {
    let rx = receiver(200, "success").await;
    let sb = Sandbox::builder()
        .message_push_url(rx.url.clone())
        .start()
        .await
        .expect("start");
    let f = Flow::with(sb).await;
    f.sb.authorize(MERCHANT, &[26]);
    f.open_order("o-1").await;
    f.sb.user_authorize(&UserAuthorization::new(&f.s_pappid, "o-1"))
        .expect("auth");
    assert!(f.sb.flush_pushes(Duration::from_secs(5)).await);
    let got = rx.received();
    assert_eq!(open(&got[0].1, &got[0].2).1, CAPPID);
}

#[tokio::test]
async fn failed_deliveries_are_recorded() {
    let wrong_reply = receiver(200, "ok").await;
    let server_error = receiver(500, "success").await;
    let sb = Sandbox::builder()
        .push_url(wrong_reply.url.clone())
        .message_push_url(server_error.url.clone())
        .push_retries(0)
        .start()
        .await
        .expect("start");
    sb.push_verify_ticket();
    sb.push_event(SandboxEvent::UpdateInvoiceStatus {
        to_appid: PLATFORM.into(),
        card_id: "c".into(),
        code: "1".into(),
        status: "INVOICE_REIMBURSE_INIT".into(),
        openid: "o".into(),
    });
    assert!(sb.flush_pushes(Duration::from_secs(5)).await);
    let d = sb.deliveries();
    assert_eq!(d.len(), 2);
    assert!(!d[0].delivered && d[0].status == Some(200) && d[0].reply.as_deref() == Some("ok"));
    assert!(!d[1].delivered && d[1].status == Some(500));

    let dead = Sandbox::builder()
        .push_url("http://127.0.0.1:9/unreachable")
        .push_retries(0)
        .start()
        .await
        .expect("start");
    dead.push_verify_ticket();
    assert!(dead.flush_pushes(Duration::from_secs(6)).await);
    let d = dead.deliveries();
    assert!(
        !d[0].delivered && d[0].status.is_none() && d[0].error.is_some(),
        "{d:?}"
    );
}

#[tokio::test]
async fn periodic_tickets_and_replays() {
    let rx = receiver(200, "success").await;
    let sb = Sandbox::builder()
        .push_url(rx.url.clone())
        .ticket_every(Duration::from_millis(100))
        .start()
        .await
        .expect("start");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(sb.flush_pushes(Duration::from_secs(5)).await);
    let tickets = rx.received().len();
    assert!(tickets >= 2, "expected periodic pushes, got {tickets}");
    let resp = crate::support::http()
        .post(format!("{}/sandbox/push/replay", sb.base_url()))
        .json(&json!({"index": 0}))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 200);
    let resp = crate::support::http()
        .post(format!("{}/sandbox/push/verify_ticket", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert!(resp.json::<serde_json::Value>().await.expect("json")["ticket"].is_string());
    assert!(sb.flush_pushes(Duration::from_secs(5)).await);
    let all = rx.received();
    assert!(all.len() >= tickets + 2);
    let deliveries: serde_json::Value = crate::support::http()
        .get(format!("{}/sandbox/push/deliveries", sb.base_url()))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    assert!(deliveries.as_array().is_some_and(|d| d.len() >= tickets + 2));
}
