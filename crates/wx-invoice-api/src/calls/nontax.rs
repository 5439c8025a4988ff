//! Fiscal non-tax e-receipt endpoints (spec invoice-api-more §3) with their own field sets.
//! WeChat's pages of all three say third-party platforms may not call them, so they require
//! the account's own token ([`Requirement::NotForThirdParty`]), permission set 47
//! notwithstanding.

use wx_auth::transport::{Repeat, Requirement};
use wx_invoice_types::nontax::{
    CreateBillCardRequest, CreateBillCardResponse, GetBillAuthUrlRequest, GetBillAuthUrlResponse, InsertBillRequest,
    InsertBillResponse,
};

json_call! {
    /// N1 `nontax/getbillauthurl`: the payer's authorization page. Safe to repeat: another
    /// link for the same order.
    GetBillAuthUrl(GetBillAuthUrlRequest) -> GetBillAuthUrlResponse {
        path: "/nontax/getbillauthurl",
        requires: Requirement::NotForThirdParty,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// N6 `nontax/createbillcard`: a receipt template. Never repeated: a repeat creates a second
    /// template.
    CreateBillCard(CreateBillCardRequest) -> CreateBillCardResponse {
        path: "/nontax/createbillcard",
        requires: Requirement::NotForThirdParty,
        repeat: Repeat::Never,
    }
}

json_call! {
    /// N8 `nontax/insertbill`: the receipt into the payer's card wallet. Like `insert`,
    /// [`Detected`](Repeat::Detected): WeChat answers a repeated order id with 72056, so a
    /// repeat after a lost answer is recognised.
    InsertBill(InsertBillRequest) -> InsertBillResponse {
        path: "/nontax/insertbill",
        requires: Requirement::NotForThirdParty,
        repeat: Repeat::Detected,
    }
}
