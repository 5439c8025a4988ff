//! Merchant-side invoice state: setbizattr settings, `wx_card` tickets and orders waiting
//! for (or holding) a user's authorization.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

/// What `setbizattr` stored for one merchant.
#[derive(Debug, Clone, Default)]
pub(crate) struct BizAttrs {
    pub auth_field: Option<Value>,
    pub pay_mch: Option<Value>,
    pub contact: Option<Value>,
}

/// Where an order stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OrderState {
    /// `getauthurl` was called; the user has not confirmed.
    Pending,
    /// The user confirmed.
    Authorized {
        user: String,
        auth_time: i64,
        /// `user_auth_info` for getauthdata (`user_field` or `biz_field`), if a title was given.
        title_info: Option<Value>,
    },
    /// The merchant called `rejectinsert`.
    Rejected,
}

/// An invoicing order a merchant opened with `getauthurl`.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub s_pappid: String,
    pub platform_appid: String,
    pub merchant_appid: String,
    pub order_id: String,
    pub source: String,
    pub state: OrderState,
}

/// Which api_ticket `getticket` issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TicketKind {
    /// `type=wx_card`: opens invoice authorization pages (getauthurl).
    WxCard,
    /// `type=jsapi`: for the JS-SDK only.
    Jsapi,
}

/// All merchant-side state.
#[derive(Debug, Default)]
pub(crate) struct Merchants {
    pub attrs: HashMap<String, BizAttrs>,
    /// api_ticket → (appid, kind, expiry).
    pub card_tickets: HashMap<String, (String, TicketKind, Instant)>,
    /// (merchant appid, order_id) → order.
    pub orders: HashMap<(String, String), Order>,
}

impl Merchants {
    pub(crate) fn remember_ticket(&mut self, ticket: &str, appid: &str, kind: TicketKind, ttl: Duration) {
        self.card_tickets
            .insert(ticket.to_owned(), (appid.to_owned(), kind, Instant::now() + ttl));
    }

    /// Whether `ticket` is a live `wx_card` ticket of `appid`.
    pub(crate) fn wx_card_ticket_valid_for(&self, ticket: &str, appid: &str) -> bool {
        self.card_tickets
            .get(ticket)
            .is_some_and(|(a, kind, exp)| a == appid && *kind == TicketKind::WxCard && Instant::now() < *exp)
    }

    /// The orders with this `s_pappid` and `order_id` (any merchant).
    pub(crate) fn find(&mut self, s_pappid: &str, order_id: &str) -> Vec<&mut Order> {
        self.orders
            .values_mut()
            .filter(|o| o.s_pappid == s_pappid && o.order_id == order_id)
            .collect()
    }
}
