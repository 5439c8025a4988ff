//! Helpers: a reqwest client, JSON calls, and ready-made tokens.

use serde_json::{Value, json};
use wx_sandbox::{DEFAULT_COMPONENT_APPID, DEFAULT_COMPONENT_SECRET, Sandbox};

pub const PLATFORM: &str = "wxplatform0000001";
pub const MERCHANT: &str = "wxmerchant0000001";

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn post(sb: &Sandbox, path_and_query: &str, body: &Value) -> Value {
    let resp = http()
        .post(format!("{}{path_and_query}", sb.base_url()))
        .json(body)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200, "{path_and_query}");
    resp.json().await.expect("json body")
}

pub async fn post_raw(sb: &Sandbox, path_and_query: &str, body: &'static str) -> Value {
    http()
        .post(format!("{}{path_and_query}", sb.base_url()))
        .body(body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json body")
}

pub fn errcode(v: &Value) -> i64 {
    v["errcode"].as_i64().unwrap_or(0)
}

/// Asserts a WeChat error envelope with this code and a `rid:` suffix.
pub fn assert_err(v: &Value, code: i64) {
    assert_eq!(errcode(v), code, "unexpected answer {v}");
    let msg = v["errmsg"].as_str().expect("errmsg");
    assert!(msg.contains(" rid: "), "errmsg without rid: {msg}");
}

pub async fn component_token(sb: &Sandbox) -> String {
    let ticket = sb.mint_verify_ticket();
    let v = post(
        sb,
        "/cgi-bin/component/api_component_token",
        &json!({
            "component_appid": DEFAULT_COMPONENT_APPID,
            "component_appsecret": DEFAULT_COMPONENT_SECRET,
            "component_verify_ticket": ticket,
        }),
    )
    .await;
    v["component_access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {v}"))
        .to_owned()
}

/// Authorizes `appid` with `sets` and exchanges the code: (access token, refresh token).
pub async fn authorizer(sb: &Sandbox, appid: &str, sets: &[u32]) -> (String, String) {
    let cat = component_token(sb).await;
    let code = sb.authorize(appid, sets);
    let v = post(
        sb,
        &format!("/cgi-bin/component/api_query_auth?component_access_token={cat}"),
        &json!({"component_appid": DEFAULT_COMPONENT_APPID, "authorization_code": code}),
    )
    .await;
    let info = &v["authorization_info"];
    (
        info["authorizer_access_token"].as_str().expect("token").to_owned(),
        info["authorizer_refresh_token"].as_str().expect("refresh").to_owned(),
    )
}

/// A direct-mode token for a freshly registered account.
pub async fn direct_token(sb: &Sandbox, appid: &str) -> String {
    sb.register_account(appid, "direct-secret");
    let v = post(
        sb,
        "/cgi-bin/stable_token",
        &json!({"grant_type": "client_credential", "appid": appid, "secret": "direct-secret"}),
    )
    .await;
    v["access_token"].as_str().expect("token").to_owned()
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

pub async fn upload(sb: &Sandbox, token: &str, bytes: &'static [u8]) -> Value {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("invoice.pdf");
    let form = reqwest::multipart::Form::new().part("pdf", part);
    http()
        .post(format!(
            "{}/card/invoice/platform/setpdf?access_token={token}",
            sb.base_url()
        ))
        .multipart(form)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

pub async fn upload_pdf(sb: &Sandbox, token: &str) -> String {
    let v = upload(sb, token, PDF).await;
    v["s_media_id"].as_str().expect("s_media_id").to_owned()
}

/// A valid insert body (WeChat's own sample shape: billing_time as a string, no check_code).
pub fn insert_body(order_id: &str, media_id: &str, billing_no: &str) -> Value {
    json!({
        "order_id": order_id,
        "card_id": "pjZ8Yt9WoOePThU0NfUKz5-tBEWU",
        "appid": MERCHANT,
        "card_ext": {
            "nonce_str": "j1Re1WxaHv",
            "user_card": {"invoice_user_data": {
                "info": [{"price": 10000, "num": 3, "name": "牙膏", "unit": "个"}],
                "billing_no": billing_no,
                "billing_code": "4541212454512",
                "billing_time": "1468306058",
                "tax": 123,
                "s_pdf_media_id": media_id,
                "fee": 123,
                "title": "灌哥发票",
                "fee_without_tax": 2345,
                "buyer_number": "123456789012345678"
            }}
        }
    })
}

pub async fn insert(sb: &Sandbox, token: &str, body: &Value) -> Value {
    post(sb, &format!("/card/invoice/insert?access_token={token}"), body).await
}
