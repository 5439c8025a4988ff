//! Fiscal non-tax e-receipts (财政电子票据): `nontax/getbillauthurl` (the collecting unit's
//! authorization page), `nontax/createbillcard` (the finance bureau's template) and
//! `nontax/insertbill` (the receipt into the payer's wallet). Each takes the account's own
//! token only; the shared calls (seturl, setpdf, getauthdata, rejectinsert, updatestatus, the
//! reimburser calls) are the e-invoice routes.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::insert::DEFAULT_USER;
use super::templates::IMAGE_HOSTS;
use super::{App, Call, access, wx_post};
use crate::ids;
use crate::state::Shared;
use crate::state::cards::{CardSnapshot, CardStatus};
use crate::state::merchant::{Order, OrderState};
use crate::state::platforms::Template;
use crate::wire::{
    WxError, WxResult, code, invalid_param, invoice_int, invoice_obj, invoice_str, json_object, ok_with, only_keys,
    optional_invoice_str,
};

/// How long a receipt authorization link is valid, as WeChat's sample says.
const AUTH_URL_TTL_SECS: u64 = 7200;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/nontax/getbillauthurl", wx_post(get_bill_auth_url))
        .route("/nontax/createbillcard", wx_post(create_bill_card))
        .route("/nontax/insertbill", wx_post(insert_bill))
}

fn get_bill_auth_url(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::own_token(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(
        &obj,
        "",
        &[
            "s_pappid",
            "order_id",
            "money",
            "timestamp",
            "source",
            "redirect_url",
            "ticket",
        ],
    )?;
    let s_pappid = invoice_str(&obj, "s_pappid")?;
    let order_id = invoice_str(&obj, "order_id")?;
    if invoice_int(&obj, "money")? < 0 {
        return Err(invalid_param("money", "must be >= 0"));
    }
    invoice_int(&obj, "timestamp")?;
    let source = invoice_str(&obj, "source")?;
    if !["web", "app"].contains(&source) {
        return Err(invalid_param("source", "must be web or app"));
    }
    optional_invoice_str(&obj, "redirect_url")?;
    let ticket = invoice_str(&obj, "ticket")?;
    if !st.merchants.wx_card_ticket_valid_for(ticket, &caller.appid) {
        return Err(invalid_param(
            "ticket",
            "is not a live wx_card ticket of this account (getticket?type=wx_card)",
        ));
    }
    let bureau = st
        .platforms
        .platform_of(s_pappid)
        .ok_or_else(|| invalid_param("s_pappid", "is unknown (get it from the finance bureau's seturl)"))?
        .to_owned();
    let key = (caller.appid.clone(), order_id.to_owned());
    st.nontax.orders.insert(key.clone());
    st.merchants.orders.entry(key).or_insert_with(|| Order {
        s_pappid: s_pappid.to_owned(),
        platform_appid: bureau,
        merchant_appid: caller.appid.clone(),
        order_id: order_id.to_owned(),
        source: source.to_owned(),
        state: OrderState::Pending,
    });
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Ok(ok_with(json!({
        "auth_url": format!(
            "https://mp.weixin.qq.com/bizmall/authnontaxbill?s_pappid={}&order_id={}",
            encode(s_pappid),
            encode(order_id)
        ),
        "expire_time": AUTH_URL_TTL_SECS,
    })))
}

/// `field` of `obj` renamed to its full path in errors.
fn at<T>(result: Result<T, WxError>, key: &str, path: &str) -> Result<T, WxError> {
    result.map_err(|e| WxError::new(e.code, e.msg.replace(key, path)))
}

fn create_bill_card(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::own_token(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["invoice_info"])?;
    let info = invoice_obj(&obj, "invoice_info")?;
    only_keys(info, "invoice_info", &["payee", "base_info"])?;
    let payee = at(invoice_str(info, "payee"), "payee", "invoice_info.payee")?;
    let base = at(invoice_obj(info, "base_info"), "base_info", "invoice_info.base_info")?;
    only_keys(base, "invoice_info.base_info", &["logo_url"])?;
    let logo = at(
        invoice_str(base, "logo_url"),
        "logo_url",
        "invoice_info.base_info.logo_url",
    )?;
    let on_wechat = url::Url::parse(logo).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| IMAGE_HOSTS.contains(&h))
    });
    if !on_wechat || logo.chars().count() > 1024 {
        return Err(invalid_param(
            "invoice_info.base_info.logo_url",
            "must be an image uploaded with the permanent-material API (an http(s) URL on mmbiz.qpic.cn)",
        ));
    }
    let card_id = st.platforms.create_template(Template {
        owner: caller.appid,
        payee: payee.to_owned(),
        kind: "财政电子票据".to_owned(),
    });
    st.nontax.templates.insert(card_id.clone());
    Ok(ok_with(json!({"card_id": card_id})))
}

/// The six receipt fields, checked; returns `(billing_no, billing_code, s_pdf_media_id)`.
fn bill_data(data: &Map<String, Value>) -> Result<(String, String, String), WxError> {
    let path = "card_ext.user_card.invoice_user_data";
    only_keys(
        data,
        path,
        &[
            "fee",
            "title",
            "billing_time",
            "billing_no",
            "billing_code",
            "s_pdf_media_id",
        ],
    )?;
    let field = |key: &str| format!("{path}.{key}");
    if data.get("fee").and_then(Value::as_i64).is_none_or(|f| f < 0) {
        return Err(invalid_param(&field("fee"), "must be an integer number of fen >= 0"));
    }
    let time = match data.get("billing_time") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    };
    if !time.is_some_and(|t| (1_000_000_000..10_000_000_000).contains(&t)) {
        return Err(invalid_param(&field("billing_time"), "must be 10-digit epoch seconds"));
    }
    let text = |key: &str| at(invoice_str(data, key), key, &field(key)).map(str::to_owned);
    text("title")?;
    Ok((text("billing_no")?, text("billing_code")?, text("s_pdf_media_id")?))
}

fn insert_bill(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::own_token(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["order_id", "card_id", "appid", "card_ext"])?;
    let order_id = invoice_str(&obj, "order_id")?.to_owned();
    let card_id = invoice_str(&obj, "card_id")?.to_owned();
    let appid = invoice_str(&obj, "appid")?.to_owned();
    let card_ext = invoice_obj(&obj, "card_ext")?;
    only_keys(card_ext, "card_ext", &["user_card"])?;
    let user_card = at(invoice_obj(card_ext, "user_card"), "user_card", "card_ext.user_card")?;
    only_keys(user_card, "card_ext.user_card", &["invoice_user_data"])?;
    let data = at(
        invoice_obj(user_card, "invoice_user_data"),
        "invoice_user_data",
        "card_ext.user_card.invoice_user_data",
    )?
    .clone();
    let (billing_no, billing_code, media_id) = bill_data(&data)?;
    let order_key = (appid.clone(), order_id.clone());
    if st.cards.orders.contains(&order_key) {
        return Err(WxError::new(
            code::ORDER_ID_REPEATED,
            "order_id repeated, please check order_id",
        ));
    }
    let order = st
        .merchants
        .orders
        .get(&order_key)
        .filter(|_| st.nontax.orders.contains(&order_key));
    if order.is_some_and(|o| o.state == OrderState::Rejected) {
        return Err(WxError::new(code::BIZ_REJECT_INSERT, "biz reject insert"));
    }
    let authorized_user = order.and_then(|o| match &o.state {
        OrderState::Authorized { user, .. } if o.platform_appid == caller.appid => Some(user.clone()),
        _ => None,
    });
    if app.config.strict_orders {
        if authorized_user.is_none() {
            return Err(WxError::new(
                code::ORDER_NEVER_AUTH,
                "invoice order never auth: no payer authorized this order_id (getbillauthurl) for this appid and bureau",
            ));
        }
        let owns = st.nontax.templates.contains(&card_id)
            && st
                .platforms
                .templates
                .get(&card_id)
                .is_some_and(|t| t.owner == caller.appid);
        if !owns {
            return Err(WxError::new(
                code::INVALID_CARD,
                "invalid card status: card_id is not a template this account created with nontax/createbillcard",
            ));
        }
    }
    st.media.check(&caller.appid, &media_id)?;
    let billing = (billing_code, billing_no);
    if st.cards.billing.contains(&billing) {
        return Err(WxError::new(
            code::BILLING_REPEATED,
            "billing_code and billing_no repeated",
        ));
    }
    let user = authorized_user.unwrap_or_else(|| DEFAULT_USER.to_owned());
    let openid = st.cards.openid(&caller.appid, &user);
    let card_code = st.cards.fresh_code();
    st.cards.insert(
        CardSnapshot {
            code: card_code.clone(),
            encrypt_code: ids::alphanumeric(64),
            order_id,
            card_id,
            appid,
            platform_appid: caller.appid,
            openid: openid.clone(),
            status: CardStatus::Init,
            locked_by: None,
            fields: Value::Object(data),
            user,
        },
        billing,
    );
    Ok(ok_with(json!({"code": card_code, "openid": openid})))
}
