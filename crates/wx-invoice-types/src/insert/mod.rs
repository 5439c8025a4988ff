//! `card/invoice/insert` (spec P5): put an issued invoice into the user's card wallet.
//!
//! The body nests the invoice face data three levels deep:
//! [`InsertInvoiceRequest`] → [`CardExt`] → [`InsertUserCard`] → [`InvoiceUserData`].
//! All request structs are plain with public fields, so a struct literal works; the named
//! constructors and `with_*` setters are the shorter way, and they keep apart what positional
//! strings would let a caller swap: [`InvoiceUserData::digital`] and
//! [`InvoiceUserData::tax_control`] take the invoice number and code as [`BillingNo`] and
//! [`BillingCode`], [`InsertInvoiceRequest::new`] the [`OrderId`]; every other field is set by
//! name. Call [`InsertInvoiceRequest::validate`] before sending (the client does).
//!
//! The request types stay exhaustive (no `#[non_exhaustive]`) so that struct literals keep
//! working; [`InsertInvoiceResponse`], which WeChat sends, is `#[non_exhaustive]` and may gain
//! fields.

mod setters;
mod validate;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::ids::{BillingCode, BillingNo, OrderId};
use crate::lenient;
use crate::money::Fen;

/// Body of `POST card/invoice/insert`.
///
/// ```
/// use wx_invoice_types::{BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};
///
/// // A 数电 invoice: a 20-digit number and no invoice code.
/// let data = InvoiceUserData::digital(BillingNo::new("12345678901234567890"))
///     .with_title("某某科技有限公司")
///     .with_billing_time(1_700_000_000)
///     .with_pdf("s_media_id_from_setpdf")
///     .with_amounts(Fen(10_000), Fen(600)) // excluding tax, tax; fee = 106.00 CNY
///     .with_item(InvoiceItem::new("咨询服务", Fen(10_000)));
/// let request = InsertInvoiceRequest::new(OrderId::new("order-1"), data)
///     .with_card_id("pjZ8Yt...")
///     .with_appid("wxMERCHANT")
///     .with_nonce_str("k3Vd9QmX2pLr7Tz0"); // optional through the client, which fills it in
/// assert!(request.validate().unwrap().is_empty());
/// assert_eq!(request.invoice_user_data().fee, Fen(10_600));
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct InsertInvoiceRequest {
    /// The order id the user authorized (the one given to `getauthurl`).
    pub order_id: OrderId,
    /// Invoice card template id from `platform/createcard`.
    pub card_id: String,
    /// Appid used when the order was authorized (the merchant's; event `AuthorizeAppId`).
    pub appid: String,
    /// The invoice itself.
    pub card_ext: CardExt,
}

/// `card_ext`: anti-replay nonce plus the user card.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct CardExt {
    /// Random string against replays; use 16–32 characters of `[A-Za-z0-9]`. Left empty, the
    /// client fills in a random one.
    pub nonce_str: String,
    /// Wrapper around the invoice face data.
    pub user_card: InsertUserCard,
}

/// `card_ext.user_card`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct InsertUserCard {
    /// The invoice face data.
    pub invoice_user_data: InvoiceUserData,
}

/// `card_ext.user_card.invoice_user_data`: what is printed on the invoice.
///
/// `billing_code` and `check_code` are always sent (`""` for 数电 invoices) and read as
/// `""` when missing. `billing_time` is sent as an integer and read from an integer or a
/// numeric string. Optional fields are left out of the JSON when `None`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct InvoiceUserData {
    /// Total including tax (价税合计).
    pub fee: Fen,
    /// Buyer title (抬头) as printed on the invoice.
    pub title: String,
    /// Issue time, 10-digit Unix seconds.
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub billing_time: i64,
    /// Invoice number (发票号码); for 数电 invoices the 20-digit number.
    pub billing_no: BillingNo,
    /// Invoice code (发票代码); `""` for 数电 invoices.
    #[serde(default)]
    pub billing_code: BillingCode,
    /// Line items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Vec<InvoiceItem>>,
    /// Amount excluding tax.
    pub fee_without_tax: Fen,
    /// Tax amount.
    pub tax: Fen,
    /// `s_media_id` of the invoice PDF from `platform/setpdf` (valid 3 days).
    pub s_pdf_media_id: String,
    /// `s_media_id` of an extra voucher PDF (itinerary, hotel folio…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s_trip_pdf_media_id: Option<String>,
    /// Check code (校验码) printed under the issue date; `""` for 数电 invoices.
    #[serde(default)]
    pub check_code: String,
    /// Buyer taxpayer id (纳税人识别号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_number: Option<String>,
    /// Buyer address and phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_address_and_phone: Option<String>,
    /// Buyer bank and account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_bank_account: Option<String>,
    /// Seller taxpayer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_number: Option<String>,
    /// Seller address and phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_address_and_phone: Option<String>,
    /// Seller bank and account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_bank_account: Option<String>,
    /// Remarks (备注).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    /// Payee person (收款人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    /// Drawer (开票人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker: Option<String>,
}

/// One line item (`info[]`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct InvoiceItem {
    /// Item name.
    pub name: String,
    /// Quantity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::option_i64_or_numeric_string"
    )]
    pub num: Option<i64>,
    /// Unit, e.g. `个`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Unit price.
    pub price: Fen,
}

/// Success body of `card/invoice/insert` (the `errcode`/`errmsg` envelope is read
/// separately, see [`ApiStatus`](crate::envelope::ApiStatus)). Unknown fields are ignored.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsertInvoiceResponse {
    /// Card code of the inserted invoice card (not the 发票代码); persist it, it is needed
    /// by `platform/updatestatus`.
    pub code: String,
    /// The user's openid under the platform account.
    pub openid: String,
    /// Present only when the account is bound to an Open Platform account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unionid: Option<String>,
}
