//! Reimburser APIs R1–R4: read invoices and move them through INIT ⇄ LOCK → CLOSURE.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::{App, Call, access, wx_post};
use crate::state::cards::{CardSnapshot, CardStatus, reimburser_change};
use crate::state::media::PDF_URL_TTL;
use crate::state::{Shared, State};
use crate::wire::{WxError, WxResult, code, invalid_param, invoice_str, json_object, ok, ok_with, only_keys};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/reimburse/getinvoiceinfo", wx_post(get_invoice_info))
        .route("/card/invoice/reimburse/getinvoicebatch", wx_post(get_invoice_batch))
        .route("/card/invoice/reimburse/updateinvoicestatus", wx_post(update_status))
        .route(
            "/card/invoice/reimburse/updatestatusbatch",
            wx_post(update_status_batch),
        )
}

/// The card a `{card_id, encrypt_code}` pair designates for `caller` (40056 if none;
/// 72037 if the user submitted the card with this code to another reimburser), and whether
/// the code was handed to the caller itself.
pub(super) fn find_card<'a>(
    st: &'a State,
    item: &Map<String, Value>,
    caller: &str,
) -> Result<(&'a CardSnapshot, bool), WxError> {
    let card_id = invoice_str(item, "card_id")?;
    let encrypt_code = invoice_str(item, "encrypt_code")?;
    let entry = st.cards.by_encrypt_code.get(encrypt_code);
    let card = entry
        .and_then(|e| st.cards.by_code.get(&e.code))
        .filter(|c| c.card_id == card_id)
        .ok_or_else(|| {
            WxError::new(
                code::INVALID_SERIAL_CODE,
                "invalid serial code: no card with this card_id and encrypt_code",
            )
        })?;
    match entry.and_then(|e| e.reimburser.as_deref()) {
        Some(holder) if holder != caller => Err(WxError::new(
            code::INVOICE_OWNER_ERROR,
            "invoice owner error: the user submitted this invoice to another account",
        )),
        Some(_) => Ok((card, true)),
        None => Ok((card, false)),
    }
}

/// The keys of a `{card_id, encrypt_code}` item.
pub(super) const ITEM_KEYS: &[&str] = &["card_id", "encrypt_code"];

/// `InvoiceInfo` as R1/R2 return it; creates a fresh `pdf_url`. `openid_under`: the
/// account whose openid of the user is returned (a reimburser the card was submitted to),
/// else the card's own openid.
pub(super) fn invoice_info(app: &Shared, st: &mut State, code: &str, openid_under: Option<&str>) -> Option<Value> {
    let mut card = st.cards.by_code.get(code)?.clone();
    if let Some(appid) = openid_under {
        card.openid = st.cards.openid(appid, &card.user);
    }
    let template = st.platforms.templates.get(&card.card_id);
    let payee = template.map_or("Sandbox payee", |t| t.payee.as_str()).to_owned();
    let kind = template.map_or("增值税电子普通发票", |t| t.kind.as_str()).to_owned();
    let mut user_info = card.fields.as_object().cloned().unwrap_or_default();
    let media = |key: &str| user_info.get(key).and_then(Value::as_str).map(str::to_owned);
    let pdf = media("s_pdf_media_id");
    let trip = media("s_trip_pdf_media_id");
    user_info.remove("s_pdf_media_id");
    user_info.remove("s_trip_pdf_media_id");
    if let Some(Value::String(t)) = user_info.get("billing_time") {
        let parsed = t.parse::<i64>().map_or(Value::Null, Value::from);
        user_info.insert("billing_time".into(), parsed);
    }
    let mut link = |id: Option<String>| id.map(|id| format!("{}/sandbox/pdf/{}", app.base_url, st.media.link(&id)));
    if let Some(url) = link(pdf) {
        user_info.insert("pdf_url".into(), json!(url));
    }
    if let Some(url) = link(trip) {
        user_info.insert("trip_pdf_url".into(), json!(url));
    }
    user_info.insert("reimburse_status".into(), json!(card.status.as_wire()));
    let begin = user_info.get("billing_time").and_then(Value::as_i64).unwrap_or(0);
    Some(json!({
        "card_id": card.card_id,
        "begin_time": begin,
        "end_time": begin + 10 * 365 * 24 * 3600,
        "openid": card.openid,
        "type": kind,
        "payee": payee,
        "detail": "",
        "user_info": user_info,
        "pdf_url_expire_time": PDF_URL_TTL.as_secs(),
    }))
}

fn get_invoice_info(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", ITEM_KEYS)?;
    let (card, own) = find_card(&st, &obj, &caller.appid)?;
    let code = card.code.clone();
    let info = invoice_info(app, &mut st, &code, own.then_some(caller.appid.as_str())).unwrap_or(Value::Null);
    Ok(ok_with(info))
}

/// `item_list` / `invoice_list`: a non-empty array of `{card_id, encrypt_code}` objects.
pub(super) fn item_list<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<Vec<&'a Map<String, Value>>, WxError> {
    let Some(Value::Array(items)) = obj.get(key) else {
        return Err(invalid_param(key, "must be an array"));
    };
    if items.is_empty() {
        return Err(invalid_param(key, "must not be empty"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let item = item
                .as_object()
                .ok_or_else(|| invalid_param(key, "items must be objects"))?;
            only_keys(item, &format!("{key}[{i}]"), ITEM_KEYS)?;
            Ok(item)
        })
        .collect()
}

fn get_invoice_batch(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["item_list"])?;
    let cards = item_list(&obj, "item_list")?
        .into_iter()
        .map(|item| find_card(&st, item, &caller.appid).map(|(c, own)| (c.code.clone(), own)))
        .collect::<Result<Vec<_>, _>>()?;
    let infos: Vec<Value> = cards
        .iter()
        .filter_map(|(c, own)| invoice_info(app, &mut st, c, own.then_some(caller.appid.as_str())))
        .collect();
    Ok(ok_with(json!({"item_list": infos})))
}

pub(super) fn wanted_status(obj: &Map<String, Value>) -> Result<CardStatus, WxError> {
    CardStatus::from_wire(invoice_str(obj, "reimburse_status")?)
        .ok_or_else(|| invalid_param("reimburse_status", "is not a known status"))
}

/// Applies a reimburser status change to the cards with these codes, all or nothing.
pub(super) fn apply(st: &mut State, reimburser: &str, codes: &[String], to: CardStatus) -> Result<(), WxError> {
    for c in codes {
        if let Some(card) = st.cards.by_code.get(c) {
            reimburser_change(card, reimburser, to)?;
        }
    }
    for c in codes {
        if let Some(card) = st.cards.by_code.get_mut(c) {
            let changed = card.status != to;
            card.status = to;
            card.locked_by = (to == CardStatus::Lock).then(|| reimburser.to_owned());
            if changed {
                let card = card.clone();
                st.card_status_changed(&card);
            }
        }
    }
    Ok(())
}

fn update_status(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["card_id", "encrypt_code", "reimburse_status"])?;
    let code = find_card(&st, &obj, &caller.appid)?.0.code.clone();
    let to = wanted_status(&obj)?;
    apply(&mut st, &caller.appid, &[code], to)?;
    Ok(ok())
}

fn update_status_batch(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["openid", "reimburse_status", "invoice_list"])?;
    let openid = invoice_str(&obj, "openid")?;
    let to = wanted_status(&obj)?;
    let mut codes = Vec::new();
    for item in item_list(&obj, "invoice_list")? {
        let (card, own) = find_card(&st, item, &caller.appid)?;
        let owner = if own {
            st.cards.openid_if_known(&caller.appid, &card.user)
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
    apply(&mut st, &caller.appid, &codes, to)?;
    Ok(ok())
}
