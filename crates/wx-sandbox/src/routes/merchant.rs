//! Merchant APIs: authorization URL (M2), authorization data (M3), reject (M4) and
//! `setbizattr` (M5).

use axum::Router;
use axum::body::Bytes;
use serde_json::{Value, json};

use super::{App, Query, access, wx_post};
use crate::state::Shared;
use crate::state::merchant::{Order, OrderState};
use crate::wire::{
    WxError, WxResult, code, invalid_param, invoice_int, invoice_obj, invoice_str, json_object, ok, ok_with,
    optional_invoice_str,
};

/// appid of WeChat's invoice Mini Program (returned for `source = wxa`).
const INVOICE_WXA_APPID: &str = "wx9db2c16d0633c2e7";

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/getauthurl", wx_post(get_auth_url))
        .route("/card/invoice/getauthdata", wx_post(get_auth_data))
        .route("/card/invoice/rejectinsert", wx_post(reject_insert))
        .route("/card/invoice/setbizattr", wx_post(set_biz_attr))
}

fn get_auth_url(app: &Shared, q: &Query, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    let s_pappid = invoice_str(&obj, "s_pappid")?;
    let order_id = invoice_str(&obj, "order_id")?;
    let money = invoice_int(&obj, "money")?;
    if money < 0 {
        return Err(invalid_param("money", "must be >= 0"));
    }
    invoice_int(&obj, "timestamp")?;
    let source = invoice_str(&obj, "source")?;
    if !["app", "web", "wxa", "wap"].contains(&source) {
        return Err(invalid_param("source", "must be one of app, web, wxa, wap"));
    }
    optional_invoice_str(&obj, "redirect_url")?;
    let ticket = invoice_str(&obj, "ticket")?;
    let kind = invoice_int(&obj, "type")?;
    if !(0..=2).contains(&kind) {
        return Err(invalid_param("type", "must be 0, 1 or 2"));
    }
    let has_contact = st
        .merchants
        .attrs
        .get(&caller.appid)
        .is_some_and(|a| a.contact.is_some());
    if !has_contact {
        return Err(WxError::new(
            code::CONTACT_EMPTY,
            "biz contact is empty, set contact first (setbizattr?action=set_contact)",
        ));
    }
    if !st.merchants.ticket_valid_for(ticket, &caller.appid) {
        return Err(invalid_param("ticket", "is not a valid wx_card ticket of this account"));
    }
    let platform = st
        .platforms
        .platform_of(s_pappid)
        .ok_or_else(|| invalid_param("s_pappid", "is unknown (get it from seturl)"))?
        .to_owned();
    let key = (caller.appid.clone(), order_id.to_owned());
    st.merchants.orders.entry(key).or_insert_with(|| Order {
        s_pappid: s_pappid.to_owned(),
        platform_appid: platform,
        merchant_appid: caller.appid.clone(),
        order_id: order_id.to_owned(),
        source: source.to_owned(),
        state: OrderState::Pending,
    });
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let auth_url = format!(
        "https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid={}&order_id={}",
        encode(s_pappid),
        encode(order_id)
    );
    if source == "wxa" {
        Ok(ok_with(json!({"auth_url": auth_url, "appid": INVOICE_WXA_APPID})))
    } else {
        Ok(ok_with(json!({"auth_url": auth_url})))
    }
}

fn get_auth_data(app: &Shared, q: &Query, body: &Bytes) -> WxResult {
    let st = app.lock();
    let caller = access::business(&st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    let s_pappid = invoice_str(&obj, "s_pappid")?;
    let order_id = invoice_str(&obj, "order_id")?;
    let order = st
        .merchants
        .orders
        .get(&(caller.appid.clone(), order_id.to_owned()))
        .filter(|o| o.s_pappid == s_pappid);
    Ok(match order.map(|o| &o.state) {
        Some(OrderState::Authorized {
            auth_time, title_info, ..
        }) => {
            let mut out = json!({"invoice_status": "auth success", "auth_time": auth_time});
            if let Some(info) = title_info {
                out["user_auth_info"] = info.clone();
            }
            ok_with(out)
        }
        Some(OrderState::Rejected) => ok_with(json!({"invoice_status": "reject insert"})),
        Some(OrderState::Pending) | None => ok_with(json!({"invoice_status": "never auth"})),
    })
}

fn reject_insert(app: &Shared, q: &Query, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    let s_pappid = invoice_str(&obj, "s_pappid")?;
    let order_id = invoice_str(&obj, "order_id")?;
    invoice_str(&obj, "reason")?;
    optional_invoice_str(&obj, "url")?;
    let key = (caller.appid.clone(), order_id.to_owned());
    if st.cards.orders.contains(&key) {
        return Err(WxError::new(
            code::ORDER_ID_REPEATED,
            "order_id repeated: the invoice was already inserted",
        ));
    }
    let order = st
        .merchants
        .orders
        .get_mut(&key)
        .filter(|o| o.s_pappid == s_pappid)
        .ok_or_else(|| {
            WxError::new(
                code::ORDER_NEVER_AUTH,
                "invoice order never auth: no such order for this s_pappid (call getauthurl first)",
            )
        })?;
    order.state = OrderState::Rejected;
    Ok(ok())
}

fn set_biz_attr(app: &Shared, q: &Query, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    let action = q.get("action").map_or("", String::as_str);
    let attrs = st.merchants.attrs.entry(caller.appid).or_default();
    match action {
        "set_auth_field" => {
            let field = invoice_obj(&obj, "auth_field")?;
            invoice_obj(field, "user_field")
                .map_err(|_| invalid_param("auth_field.user_field", "must be an object"))?;
            invoice_obj(field, "biz_field").map_err(|_| invalid_param("auth_field.biz_field", "must be an object"))?;
            attrs.auth_field = Some(Value::Object(field.clone()));
            Ok(ok())
        }
        "get_auth_field" => attrs
            .auth_field
            .clone()
            .map(|f| ok_with(json!({"auth_field": f})))
            .ok_or_else(|| WxError::new(code::NEVER_SET_AUTH_FIELD, "invoice never set auth field")),
        "set_pay_mch" => {
            let info = invoice_obj(&obj, "paymch_info")?;
            let mchid = invoice_str(info, "mchid")
                .map_err(|_| invalid_param("paymch_info.mchid", "must be a non-empty string"))?;
            invoice_str(info, "s_pappid")
                .map_err(|_| invalid_param("paymch_info.s_pappid", "must be a non-empty string"))?;
            if !mchid.bytes().all(|b| b.is_ascii_digit()) {
                return Err(WxError::new(code::INVALID_MCHID, "invalid mchid"));
            }
            attrs.pay_mch = Some(Value::Object(info.clone()));
            Ok(ok())
        }
        "get_pay_mch" => attrs
            .pay_mch
            .clone()
            .map(|p| ok_with(json!({"paymch_info": p})))
            .ok_or_else(|| WxError::new(code::NEVER_SET_PAY_MCH, "invoice never set pay mch info")),
        "set_contact" => {
            let contact = invoice_obj(&obj, "contact")?;
            invoice_str(contact, "phone").map_err(|_| invalid_param("contact.phone", "must be a non-empty string"))?;
            invoice_int(contact, "time_out").map_err(|_| invalid_param("contact.time_out", "must be an integer"))?;
            attrs.contact = Some(Value::Object(contact.clone()));
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
