//! WeCom (企业微信), served under `/wecom` as if it were `qyapi.weixin.qq.com`: the corp token
//! (`cgi-bin/gettoken`), `user/convert_to_openid` and the reimbursement calls W1–W4, which read
//! and move the same invoice cards as the Official-Account reimburser calls.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::extract::WxQuery;
use super::reimburse::{ITEM_KEYS, apply, find_card, invoice_info, item_list, wanted_status};
use super::{App, Call, access, wx_post};
use crate::state::cards::CardStatus;
use crate::state::tokens::TokenKind;
use crate::state::wecom::BATCH_MIN_ACTIVE_MEMBERS;
use crate::state::{Shared, State as SandboxState};
use crate::wire::{WxError, WxResult, code, invalid_param, invoice_str, json_object, ok, ok_with, only_keys, respond};

/// WeCom's codes the sandbox answers besides the shared ones.
const API_FORBIDDEN: i64 = 48002;
const USERID_NOT_FOUND: i64 = 60111;

/// The router nested under `/wecom`.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cgi-bin/gettoken", get(get_token))
        .route("/cgi-bin/user/convert_to_openid", wx_post(convert_to_openid))
        .route(
            "/cgi-bin/card/invoice/reimburse/getinvoiceinfo",
            wx_post(get_invoice_info),
        )
        .route(
            "/cgi-bin/card/invoice/reimburse/getinvoiceinfobatch",
            wx_post(get_invoice_info_batch),
        )
        .route(
            "/cgi-bin/card/invoice/reimburse/updateinvoicestatus",
            wx_post(update_status),
        )
        .route(
            "/cgi-bin/card/invoice/reimburse/updatestatusbatch",
            wx_post(update_status_batch),
        )
}

/// `GET /cgi-bin/gettoken?corpid=…&corpsecret=…`: the enterprise's token; the same one while
/// it is valid, as WeCom does.
async fn get_token(State(app): State<App>, uri: Uri, WxQuery(q): WxQuery) -> Response {
    respond((|| {
        let corpid = q.get("corpid").map_or("", String::as_str);
        if corpid.is_empty() {
            return Err(WxError::new(code::APPID_MISSING, "corpid missing"));
        }
        let secret = q.get("corpsecret").map_or("", String::as_str);
        if secret.is_empty() {
            return Err(WxError::new(code::APPSECRET_MISSING, "corpsecret missing"));
        }
        let mut st = app.lock();
        match st.wecom.corps.get(corpid) {
            None => return Err(WxError::new(code::INVALID_APPID, "invalid corpid")),
            Some(corp) if corp.secret != secret => {
                return Err(WxError::new(
                    code::INVALID_CREDENTIAL,
                    "invalid credential (corpsecret)",
                ));
            }
            Some(_) => {}
        }
        st.quotas.spend(corpid, uri.path())?;
        if let Some((token, left)) = st.tokens.current(corpid, TokenKind::Wecom) {
            return Ok(ok_with(json!({"access_token": token, "expires_in": left.as_secs()})));
        }
        let ttl = app.config.token_ttl;
        let token = st.tokens.issue(corpid, TokenKind::Wecom, ttl);
        Ok(ok_with(json!({"access_token": token, "expires_in": ttl.as_secs()})))
    })())
}

/// The corp token's enterprise, which must be verified for the invoice APIs (48002).
fn verified_corp(st: &mut SandboxState, q: &Call) -> Result<String, WxError> {
    let corpid = access::wecom(st, q)?;
    if st.wecom.corps.get(&corpid).is_some_and(|c| c.verified) {
        Ok(corpid)
    } else {
        Err(WxError::new(
            API_FORBIDDEN,
            "api forbidden: only verified (认证) enterprises may call the invoice APIs",
        ))
    }
}

fn convert_to_openid(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let corpid = access::wecom(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["userid", "agentid"])?;
    let userid = invoice_str(&obj, "userid")?;
    let user = st
        .wecom
        .member(&corpid, userid)
        .ok_or_else(|| WxError::new(USERID_NOT_FOUND, "userid not found"))?
        .to_owned();
    let openid = st.cards.openid(&corpid, &user);
    Ok(ok_with(json!({"openid": openid})))
}

/// W1/W2's shape of an invoice: line items carry their `fee`; the sandbox's own
/// `pdf_url_expire_time` is left out.
fn wecom_shape(mut info: Value) -> Value {
    if let Some(obj) = info.as_object_mut() {
        obj.remove("pdf_url_expire_time");
    }
    if let Some(Value::Array(items)) = info.pointer_mut("/user_info/info") {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            let price = item.get("price").and_then(Value::as_i64).unwrap_or(0);
            let num = item.get("num").and_then(Value::as_i64).unwrap_or(1);
            item.insert("fee".into(), json!(price.saturating_mul(num)));
        }
    }
    info
}

/// The WeCom view of the card an item designates, or its error.
fn read_card(app: &Shared, st: &mut SandboxState, item: &Map<String, Value>, corpid: &str) -> Result<Value, WxError> {
    let (card, own) = find_card(st, item, corpid)?;
    let card_code = card.code.clone();
    let info = invoice_info(app, st, &card_code, own.then_some(corpid)).unwrap_or(Value::Null);
    Ok(wecom_shape(info))
}

fn get_invoice_info(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let corpid = verified_corp(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", ITEM_KEYS)?;
    Ok(ok_with(read_card(app, &mut st, &obj, &corpid)?))
}

fn get_invoice_info_batch(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let corpid = verified_corp(&mut st, q)?;
    if st
        .wecom
        .corps
        .get(&corpid)
        .is_none_or(|c| c.active_members < BATCH_MIN_ACTIVE_MEMBERS)
    {
        return Err(WxError::new(
            API_FORBIDDEN,
            "api forbidden: the batch read needs more than 200 activated members (contact WeCom support)",
        ));
    }
    let obj = json_object(body)?;
    only_keys(&obj, "", &["item_list"])?;
    let mut out = Vec::new();
    for item in item_list(&obj, "item_list")? {
        let mut info = read_card(app, &mut st, item, &corpid)?;
        // Batch items have no card validity but name the order, as WeCom's sample does.
        let order_id = find_card(&st, item, &corpid)?.0.order_id.clone();
        if let Some(obj) = info.as_object_mut() {
            obj.remove("begin_time");
            obj.remove("end_time");
        }
        if let Some(user_info) = info.get_mut("user_info").and_then(Value::as_object_mut) {
            user_info.insert("order_id".into(), json!(order_id));
        }
        out.push(info);
    }
    Ok(ok_with(json!({"item_list": out})))
}

fn update_status(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let corpid = verified_corp(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["card_id", "encrypt_code", "reimburse_status"])?;
    let card_code = find_card(&st, &obj, &corpid)?.0.code.clone();
    let to = reimburser_status(&obj)?;
    apply(&mut st, &corpid, &[card_code], to)?;
    Ok(ok())
}

/// A status a WeCom reimburser may set: INIT, LOCK or CLOSURE (CANCEL: 72031, as the field is
/// out of range here).
fn reimburser_status(obj: &Map<String, Value>) -> Result<CardStatus, WxError> {
    let to = wanted_status(obj)?;
    if to == CardStatus::Cancel {
        return Err(invalid_param(
            "reimburse_status",
            "must be INVOICE_REIMBURSE_INIT, _LOCK or _CLOSURE",
        ));
    }
    Ok(to)
}

fn update_status_batch(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let corpid = verified_corp(&mut st, q)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["openid", "reimburse_status", "invoice_list"])?;
    let openid = invoice_str(&obj, "openid")?;
    let to = reimburser_status(&obj)?;
    let mut codes = Vec::new();
    for item in item_list(&obj, "invoice_list")? {
        let (card, own) = find_card(&st, item, &corpid)?;
        let owner = if own {
            st.cards.openid_if_known(&corpid, &card.user)
        } else {
            Some(card.openid.clone())
        };
        if owner.as_deref() != Some(openid) {
            return Err(WxError::new(
                code::INVOICE_OWNER_ERROR,
                "invoice owner error: a card does not belong to this openid",
            ));
        }
        if !codes.contains(&card.code) {
            codes.push(card.code.clone());
        }
    }
    apply(&mut st, &corpid, &codes, to)?;
    Ok(ok())
}
