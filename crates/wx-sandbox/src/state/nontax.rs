//! Fiscal non-tax e-receipts: which templates and orders belong to the receipt family (the
//! templates themselves, the orders and the cards live with the e-invoice ones).

use std::collections::HashSet;

/// Receipt templates and orders.
#[derive(Debug, Default)]
pub(crate) struct Nontax {
    /// `card_id`s from `nontax/createbillcard`.
    pub templates: HashSet<String>,
    /// (collecting unit appid, order_id) opened with `nontax/getbillauthurl`.
    pub orders: HashSet<(String, String)>,
}
