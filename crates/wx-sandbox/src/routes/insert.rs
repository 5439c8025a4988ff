//! `card/invoice/insert` (P5): put an invoice card into the user's wallet.

use axum::Router;
use axum::body::Bytes;
use serde_json::json;

use super::{App, Query, access, wx_post};
use crate::ids;
use crate::insert_body;
use crate::state::Shared;
use crate::state::cards::{CardSnapshot, CardStatus};
use crate::wire::{WxError, WxResult, code, json_object, ok_with};

pub(super) fn routes() -> Router<App> {
    Router::new().route("/card/invoice/insert", wx_post(insert))
}

/// The simulated user behind orders nobody authorized (lenient mode).
pub(crate) const DEFAULT_USER: &str = "sandbox-user";

fn insert(app: &Shared, q: &Query, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&st, q, access::SETS_CARD_OR_INVOICE)?;
    let obj = json_object(body)?;
    let req = insert_body::parse(&obj)?;
    let order_key = (req.appid.clone(), req.order_id.clone());
    if st.cards.orders.contains(&order_key) {
        return Err(WxError::new(
            code::ORDER_ID_REPEATED,
            "order_id repeated, please check order_id",
        ));
    }
    st.media.check(&caller.appid, &req.pdf_media_id)?;
    if let Some(trip) = &req.trip_pdf_media_id {
        st.media.check(&caller.appid, trip)?;
    }
    let billing = (req.billing_code.clone(), req.billing_no.clone());
    if st.cards.billing.contains(&billing) {
        return Err(WxError::new(
            code::BILLING_REPEATED,
            "billing_code and billing_no repeated",
        ));
    }
    let openid = st.cards.openid(&caller.appid, DEFAULT_USER);
    let card_code = st.cards.fresh_code();
    let card = CardSnapshot {
        code: card_code.clone(),
        encrypt_code: ids::alphanumeric(64),
        order_id: req.order_id,
        card_id: req.card_id,
        appid: req.appid,
        platform_appid: caller.appid,
        openid: openid.clone(),
        status: CardStatus::Init,
        locked_by: None,
        fields: req.user_data,
    };
    st.cards.insert(card, billing);
    Ok(ok_with(json!({"code": card_code, "openid": openid})))
}
