//! Invoice-title APIs T1–T3.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Value, json};

use super::{App, Call, access, wx_post};
use crate::ids;
use crate::state::Shared;
use crate::state::tokens::TokenKind;
use crate::wire::{
    WxError, WxResult, code, invalid_param, invoice_str, json_object, ok_with, only_keys, optional_invoice_str,
};

/// The prefix of a user's "my invoice title" QR content.
pub(crate) const SCAN_PREFIX: &str = "https://mp.weixin.qq.com/intp/invoice/usertitlewxa?action=list_auth&invoice_key=";

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/biz/getusertitleurl", wx_post(user_title_url))
        .route("/card/invoice/biz/getselecttitleurl", wx_post(select_title_url))
        .route("/card/invoice/scantitle", wx_post(scan_title))
}

fn user_title_url(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(
        &obj,
        "",
        &[
            "user_fill",
            "title",
            "phone",
            "tax_no",
            "addr",
            "bank_type",
            "bank_no",
            "out_title_id",
        ],
    )?;
    let user_fill = match obj.get("user_fill") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_i64()
            .filter(|n| *n == 0 || *n == 1)
            .ok_or_else(|| invalid_param("user_fill", "must be 0 or 1"))?,
    };
    let title = optional_invoice_str(&obj, "title")?;
    if user_fill == 0 && title.is_none_or(str::is_empty) {
        return Err(invalid_param("title", "is required when user_fill is 0"));
    }
    if let Some(phone) = optional_invoice_str(&obj, "phone")?
        && !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        return Err(invalid_param("phone", "may only contain digits and -"));
    }
    if let Some(tax_no) = optional_invoice_str(&obj, "tax_no")?
        && !(tax_no.is_empty()
            || ((15..=20).contains(&tax_no.len()) && tax_no.bytes().all(|b| b.is_ascii_alphanumeric())))
    {
        return Err(invalid_param("tax_no", "must be 15-20 letters or digits"));
    }
    for key in ["addr", "bank_type", "bank_no", "out_title_id"] {
        optional_invoice_str(&obj, key)?;
    }
    Ok(ok_with(json!({
        "url": format!("https://mp.weixin.qq.com/bizmall/userinvoicetitle?action=add&key={}", ids::alphanumeric(32))
    })))
}

fn select_title_url(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["attach", "biz_name"])?;
    optional_invoice_str(&obj, "attach")?;
    optional_invoice_str(&obj, "biz_name")?;
    Ok(ok_with(json!({
        "url": format!("https://mp.weixin.qq.com/bizmall/selecttitle?action=select&key={}", ids::alphanumeric(32))
    })))
}

fn scan_title(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, &[])?;
    if caller.kind == TokenKind::Authorizer {
        return Err(WxError::new(
            code::API_UNAUTHORIZED,
            "api unauthorized: scantitle cannot be called by a third-party platform",
        ));
    }
    let obj = json_object(body)?;
    only_keys(&obj, "", &["scan_text"])?;
    let text = invoice_str(&obj, "scan_text")?;
    if !text.starts_with(SCAN_PREFIX) || text.len() == SCAN_PREFIX.len() {
        return Err(WxError::new(
            code::SCAN_TEXT_OUT_OF_TIME,
            "scan text out of time (or not a title QR)",
        ));
    }
    Ok(ok_with(json!({
        "title_type": 0,
        "title": "Sandbox Trading Co., Ltd.",
        "phone": "0755-12345678",
        "tax_no": "91440300MA5SANDBOX",
        "addr": "1 Sandbox Road, Shenzhen",
        "bank_type": "Sandbox Bank Shenzhen Branch",
        "bank_no": "6222020000000000000",
    })))
}
