//! Platform setup APIs: `seturl` (P1, the platform's `s_pappid`), `platform/createcard`
//! (P2, invoice card templates) and `card/code/decrypt` (P7).

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::{App, Call, access, wx_post};
use crate::state::Shared;
use crate::state::platforms::Template;
use crate::wire::{
    WxError, WxResult, code, invalid_param, invoice_obj, invoice_str, json_object, ok_with, only_keys,
    optional_invoice_str,
};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/seturl", wx_post(set_url))
        .route("/card/invoice/platform/createcard", wx_post(create_card))
        .route("/card/code/decrypt", wx_post(decrypt_code))
}

fn set_url(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_CARD_OR_INVOICE)?;
    only_keys(&json_object(body)?, "", &[])?;
    let s_pappid = st.platforms.s_pappid(&caller.appid);
    let encoded: String = url::form_urlencoded::byte_serialize(s_pappid.as_bytes()).collect();
    Ok(ok_with(json!({
        "invoice_url": format!("https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid={encoded}")
    })))
}

/// The keys of `invoice_info.base_info`.
const BASE_INFO_KEYS: &[&str] = &[
    "logo_url",
    "title",
    "custom_url_name",
    "custom_url",
    "custom_url_sub_title",
    "promotion_url_name",
    "promotion_url",
    "promotion_url_sub_title",
];

/// Where WeChat's permanent-material API puts uploaded images; a card logo must be one.
pub(crate) const IMAGE_HOSTS: &[&str] = &["mmbiz.qpic.cn"];

/// `logo_url` must be an http(s) URL on one of WeChat's image hosts (72031 otherwise).
fn check_logo_host(base: &Map<String, Value>) -> Result<(), WxError> {
    let logo = base.get("logo_url").and_then(Value::as_str).unwrap_or_default();
    let on_wechat = url::Url::parse(logo).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| IMAGE_HOSTS.contains(&h))
    });
    if on_wechat {
        Ok(())
    } else {
        Err(invalid_param(
            "invoice_info.base_info.logo_url",
            "must be an image uploaded with the permanent-material API (an http(s) URL on mmbiz.qpic.cn)",
        ))
    }
}

/// A string of at most `max` characters, prefixing the path in errors.
fn bounded(obj: &Map<String, Value>, key: &str, path: &str, max: usize, required: bool) -> Result<(), WxError> {
    let field = format!("{path}.{key}");
    let value = if required {
        Some(invoice_str(obj, key).map_err(|e| WxError::new(e.code, e.msg.replace(key, &field)))?)
    } else {
        optional_invoice_str(obj, key).map_err(|e| WxError::new(e.code, e.msg.replace(key, &field)))?
    };
    if value.is_some_and(|v| v.chars().count() > max) {
        return Err(invalid_param(&field, &format!("must be at most {max} characters")));
    }
    Ok(())
}

fn create_card(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["invoice_info"])?;
    let info = invoice_obj(&obj, "invoice_info")?;
    only_keys(info, "invoice_info", &["base_info", "payee", "type"])?;
    let base = invoice_obj(info, "base_info")
        .map_err(|e| WxError::new(e.code, e.msg.replace("base_info", "invoice_info.base_info")))?;
    let path = "invoice_info.base_info";
    only_keys(base, path, BASE_INFO_KEYS)?;
    bounded(base, "logo_url", path, 1024, true)?;
    check_logo_host(base)?;
    bounded(base, "title", path, 9, true)?;
    bounded(base, "custom_url_name", path, 5, false)?;
    bounded(base, "custom_url", path, 1024, false)?;
    bounded(base, "custom_url_sub_title", path, 6, false)?;
    bounded(base, "promotion_url_name", path, 5, false)?;
    bounded(base, "promotion_url", path, 1024, false)?;
    bounded(base, "promotion_url_sub_title", path, 6, false)?;
    let payee =
        invoice_str(info, "payee").map_err(|e| WxError::new(e.code, e.msg.replace("payee", "invoice_info.payee")))?;
    let kind =
        invoice_str(info, "type").map_err(|e| WxError::new(e.code, e.msg.replace("type", "invoice_info.type")))?;
    let card_id = st.platforms.create_template(Template {
        owner: caller.appid,
        payee: payee.to_owned(),
        kind: kind.to_owned(),
    });
    Ok(ok_with(json!({"card_id": card_id})))
}

fn decrypt_code(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_CARD_OR_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["encrypt_code"])?;
    let encrypt_code = invoice_str(&obj, "encrypt_code")?;
    st.cards
        .by_encrypt_code
        .get(encrypt_code)
        .and_then(|e| st.cards.by_code.get(&e.code))
        .filter(|c| c.platform_appid == caller.appid || c.appid == caller.appid)
        .map(|c| ok_with(json!({"code": c.code})))
        .ok_or_else(|| WxError::new(code::INVALID_SERIAL_CODE, "invalid serial code"))
}
