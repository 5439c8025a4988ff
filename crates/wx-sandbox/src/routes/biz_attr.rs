//! `card/invoice/setbizattr?action=…` (M5): the merchant's authorization-page fields, pay
//! merchant and contact, each set once and read back.

use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::{Call, access};
use crate::state::Shared;
use crate::wire::{
    WxError, WxResult, code, invalid_param, invoice_int, invoice_obj, invoice_str, json_object, ok, ok_with, only_keys,
};

/// 0/1 flags of `auth_field.user_field`.
const USER_FLAGS: &[&str] = &[
    "show_title",
    "show_phone",
    "show_email",
    "require_phone",
    "require_email",
];
/// 0/1 flags of `auth_field.biz_field`.
const BIZ_FLAGS: &[&str] = &[
    "show_title",
    "show_tax_no",
    "show_addr",
    "show_phone",
    "show_bank_type",
    "show_bank_no",
    "require_tax_no",
    "require_addr",
    "require_phone",
    "require_bank_type",
    "require_bank_no",
];

/// A `0`/`1` integer flag, if present (72031 naming it otherwise).
fn flag(obj: &Map<String, Value>, path: &str, key: &str) -> Result<(), WxError> {
    match obj.get(key) {
        None => Ok(()),
        Some(v) if v.as_i64().is_some_and(|n| n == 0 || n == 1) => Ok(()),
        Some(_) => Err(invalid_param(&format!("{path}.{key}"), "must be 0 or 1")),
    }
}

/// `auth_field.user_field` / `auth_field.biz_field`: known flags only, each 0/1, and
/// `custom_field[]` items `{key, is_require?, notice?}`.
fn check_title_fields(field: &Map<String, Value>, path: &str, flags: &[&str]) -> Result<(), WxError> {
    let mut allowed = flags.to_vec();
    allowed.push("custom_field");
    only_keys(field, path, &allowed)?;
    for key in flags {
        flag(field, path, key)?;
    }
    let items = match field.get("custom_field") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid_param(&format!("{path}.custom_field"), "must be an array")),
    };
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}.custom_field[{i}]");
        let Value::Object(item) = item else {
            return Err(invalid_param(&item_path, "must be an object"));
        };
        only_keys(item, &item_path, &["key", "is_require", "notice"])?;
        invoice_str(item, "key")
            .map_err(|_| invalid_param(&format!("{item_path}.key"), "must be a non-empty string"))?;
        flag(item, &item_path, "is_require")?;
        if item.get("notice").is_some_and(|n| !n.is_string() && !n.is_null()) {
            return Err(invalid_param(&format!("{item_path}.notice"), "must be a string"));
        }
    }
    Ok(())
}

fn set_auth_field(obj: &Map<String, Value>) -> Result<Value, WxError> {
    only_keys(obj, "", &["auth_field"])?;
    let field = invoice_obj(obj, "auth_field")?;
    only_keys(field, "auth_field", &["user_field", "biz_field"])?;
    let user =
        invoice_obj(field, "user_field").map_err(|_| invalid_param("auth_field.user_field", "must be an object"))?;
    let biz =
        invoice_obj(field, "biz_field").map_err(|_| invalid_param("auth_field.biz_field", "must be an object"))?;
    check_title_fields(user, "auth_field.user_field", USER_FLAGS)?;
    check_title_fields(biz, "auth_field.biz_field", BIZ_FLAGS)?;
    Ok(Value::Object(field.clone()))
}

fn set_pay_mch(obj: &Map<String, Value>) -> Result<Value, WxError> {
    only_keys(obj, "", &["paymch_info"])?;
    let info = invoice_obj(obj, "paymch_info")?;
    only_keys(info, "paymch_info", &["mchid", "s_pappid"])?;
    let mchid =
        invoice_str(info, "mchid").map_err(|_| invalid_param("paymch_info.mchid", "must be a non-empty string"))?;
    invoice_str(info, "s_pappid").map_err(|_| invalid_param("paymch_info.s_pappid", "must be a non-empty string"))?;
    if !mchid.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WxError::new(code::INVALID_MCHID, "invalid mchid"));
    }
    Ok(Value::Object(info.clone()))
}

fn set_contact(obj: &Map<String, Value>) -> Result<Value, WxError> {
    only_keys(obj, "", &["contact"])?;
    let contact = invoice_obj(obj, "contact")?;
    only_keys(contact, "contact", &["phone", "time_out"])?;
    invoice_str(contact, "phone").map_err(|_| invalid_param("contact.phone", "must be a non-empty string"))?;
    invoice_int(contact, "time_out").map_err(|_| invalid_param("contact.time_out", "must be an integer"))?;
    Ok(Value::Object(contact.clone()))
}

pub(super) fn set_biz_attr(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    let action = q.get("action").map_or("", String::as_str);
    if action.starts_with("get_") {
        only_keys(&obj, "", &[])?;
    }
    let attrs = st.merchants.attrs.entry(caller.appid).or_default();
    match action {
        "set_auth_field" => {
            attrs.auth_field = Some(set_auth_field(&obj)?);
            Ok(ok())
        }
        "get_auth_field" => attrs
            .auth_field
            .clone()
            .map(|f| ok_with(json!({"auth_field": f})))
            .ok_or_else(|| WxError::new(code::NEVER_SET_AUTH_FIELD, "invoice never set auth field")),
        "set_pay_mch" => {
            attrs.pay_mch = Some(set_pay_mch(&obj)?);
            Ok(ok())
        }
        "get_pay_mch" => attrs
            .pay_mch
            .clone()
            .map(|p| ok_with(json!({"paymch_info": p})))
            .ok_or_else(|| WxError::new(code::NEVER_SET_PAY_MCH, "invoice never set pay mch info")),
        "set_contact" => {
            attrs.contact = Some(set_contact(&obj)?);
            Ok(ok())
        }
        "get_contact" => attrs
            .contact
            .clone()
            .map(|c| ok_with(json!({"contact": c})))
            .ok_or_else(|| WxError::new(code::CONTACT_EMPTY, "biz contact is empty, set contact first")),
        _ => Err(WxError::new(
            code::INVOICE_ACTION_ERROR,
            "invoice action error: action (query) must be one of set_auth_field, get_auth_field, set_pay_mch, get_pay_mch, set_contact, get_contact",
        )),
    }
}
