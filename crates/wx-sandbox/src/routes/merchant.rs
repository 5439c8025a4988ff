//! Merchant APIs: authorization URL (M2), authorization data (M3) and reject (M4);
//! `setbizattr` (M5) is in `biz_attr`.

use axum::Router;
use axum::body::Bytes;
use serde_json::json;

use super::{App, Call, access, wx_post};
use crate::state::Shared;
use crate::state::merchant::{Order, OrderState};
use crate::wire::{
    WxError, WxResult, code, invalid_param, invoice_int, invoice_str, json_object, ok, ok_with, only_keys,
    optional_invoice_str,
};

/// The body keys of getauthurl.
const AUTH_URL_KEYS: &[&str] = &[
    "s_pappid",
    "order_id",
    "money",
    "timestamp",
    "source",
    "redirect_url",
    "ticket",
    "type",
];

/// appid of WeChat's invoice Mini Program (returned for `source = wxa`).
const INVOICE_WXA_APPID: &str = "wx9db2c16d0633c2e7";

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/getauthurl", wx_post(get_auth_url))
        .route("/card/invoice/getauthdata", wx_post(get_auth_data))
        .route("/card/invoice/rejectinsert", wx_post(reject_insert))
        .route("/card/invoice/setbizattr", wx_post(super::biz_attr::set_biz_attr))
}

fn get_auth_url(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", AUTH_URL_KEYS)?;
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
    if kind == 1
        && st
            .merchants
            .attrs
            .get(&caller.appid)
            .is_none_or(|a| a.auth_field.is_none())
    {
        return Err(WxError::new(
            code::NEVER_SET_AUTH_FIELD,
            "invoice never set auth field (type=1 needs setbizattr?action=set_auth_field first)",
        ));
    }
    if !st.merchants.wx_card_ticket_valid_for(ticket, &caller.appid) {
        return Err(invalid_param(
            "ticket",
            "is not a live wx_card ticket of this account (getticket?type=wx_card)",
        ));
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

fn get_auth_data(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["s_pappid", "order_id"])?;
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

fn reject_insert(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["s_pappid", "order_id", "reason", "url"])?;
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
