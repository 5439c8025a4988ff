//! Building components against the sandbox or a hostile server, and encrypting pushes.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use wx_auth::push::PushQuery;
use wx_auth::{Component, ComponentBuilder, ComponentConfig, MemoryStore};

pub const APPID: &str = wx_sandbox::DEFAULT_COMPONENT_APPID;
pub const MERCHANT: &str = "wxa11ce00000000007";

pub fn config() -> ComponentConfig {
    ComponentConfig {
        component_appid: APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    }
}

/// A builder against `base` with an in-memory store.
pub fn builder(base: &str) -> ComponentBuilder {
    Component::builder(config())
        .store(Arc::new(MemoryStore::new()))
        .api_base(base)
}

pub fn component(base: &str) -> Component {
    builder(base).build().expect("builds")
}

pub fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    )
    .expect("fits")
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml.find(&open).map(|i| i + open.len()).expect("element present");
    let rest = &xml[start..];
    let rest = rest.strip_prefix("<![CDATA[").unwrap_or(rest);
    let end = rest.find("]]>").or_else(|| rest.find('<')).expect("element closed");
    &rest[..end]
}

/// Encrypts and signs `plaintext` as WeChat would push it, with the signed timestamp `sent`.
pub fn push_at(c: &Component, plaintext: &str, sent: i64, nonce: &str) -> (PushQuery, String) {
    let timestamp = sent.to_string();
    let reply = c.msg_crypt().encrypt(plaintext, &timestamp, nonce).expect("encrypts");
    let encrypt = element(&reply, "Encrypt");
    let body = format!("<xml><AppId><![CDATA[{APPID}]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
    let query = PushQuery {
        signature: None,
        timestamp,
        nonce: nonce.into(),
        encrypt_type: Some("aes".into()),
        msg_signature: Some(element(&reply, "MsgSignature").to_owned()),
    };
    (query, body)
}

pub fn ticket_xml(ticket: &str, create_time: i64) -> String {
    format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>{create_time}</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

pub fn authorized_xml(code: &str, create_time: i64) -> String {
    format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>{create_time}</CreateTime>\
         <InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[{MERCHANT}]]></AuthorizerAppid>\
         <AuthorizationCode><![CDATA[{code}]]></AuthorizationCode>\
         <AuthorizationCodeExpiredTime>{}</AuthorizationCodeExpiredTime></xml>",
        create_time + 3600
    )
}

pub fn unauthorized_xml(create_time: i64) -> String {
    format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>{create_time}</CreateTime>\
         <InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA[{MERCHANT}]]></AuthorizerAppid></xml>"
    )
}
