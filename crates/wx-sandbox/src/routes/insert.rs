//! `card/invoice/insert` (P5): put an invoice card into the user's wallet.

use axum::Router;
use axum::body::Bytes;
use serde_json::json;

use super::{App, Call, access, wx_post};
use crate::ids;
use crate::insert_body;
use crate::state::Shared;
use crate::state::cards::{CardSnapshot, CardStatus};
use crate::state::merchant::OrderState;
use crate::wire::{WxError, WxResult, code, json_object, ok_with};

pub(super) fn routes() -> Router<App> {
    Router::new().route("/card/invoice/insert", wx_post(insert))
}

/// The simulated user behind orders nobody authorized (lenient mode).
pub(crate) const DEFAULT_USER: &str = "sandbox-user";

fn insert(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_CARD_OR_INVOICE)?;
    let obj = json_object(body)?;
    let req = insert_body::parse(&obj)?;
    let order_key = (req.appid.clone(), req.order_id.clone());
    if st.cards.orders.contains(&order_key) {
        return Err(WxError::new(
            code::ORDER_ID_REPEATED,
            "order_id repeated, please check order_id",
        ));
    }
    let order = st.merchants.orders.get(&order_key);
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
                "invoice order never auth: no user authorized this order_id for this appid and platform",
            ));
        }
        let owns_template = st
            .platforms
            .templates
            .get(&req.card_id)
            .is_some_and(|t| t.owner == caller.appid);
        if !owns_template {
            return Err(WxError::new(
                code::INVALID_CARD,
                "invalid card status: card_id is not a template this account created with platform/createcard",
            ));
        }
    }
    let user = authorized_user.unwrap_or_else(|| DEFAULT_USER.to_owned());
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
    let openid = st.cards.openid(&caller.appid, &user);
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
        user,
    };
    st.cards.insert(card, billing);
    Ok(ok_with(json!({"code": card_code, "openid": openid})))
}
