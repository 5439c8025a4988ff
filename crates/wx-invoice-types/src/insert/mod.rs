//! `card/invoice/insert` (spec P5): put an issued invoice into the user's card wallet.
//!
//! The body nests the invoice face data three levels deep:
//! [`InsertInvoiceRequest`] → [`CardExt`] → [`InsertUserCard`] → [`InvoiceUserData`].
//! All structs are plain with public fields; [`InsertInvoiceRequest::new`] and
//! [`InvoiceUserData::new`] fill the required parts, and optional fields can then be set
//! directly. Call [`InsertInvoiceRequest::validate`] before sending.

mod validate;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::money::Fen;

/// Body of `POST card/invoice/insert`.
///
/// ```
/// use wx_invoice_types::{Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData};
///
/// let data = InvoiceUserData::new(
///     "某某科技有限公司",
///     "12345678901234567890", // 数电 invoice: 20-digit number …
///     "",                     // … and an empty invoice code
///     1_700_000_000,
///     "s_media_id_from_setpdf",
/// )
/// .with_amounts(Fen(10_600), Fen(10_000), Fen(600))
/// .with_items(vec![InvoiceItem::new("咨询服务", Fen(10_000))]);
/// let request = InsertInvoiceRequest::new("order-1", "pjZ8Yt...", "wxMERCHANT", "nonce123", data);
/// assert!(request.validate().unwrap().is_empty());
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct InsertInvoiceRequest {
    /// The order id the user authorized (the one given to `getauthurl`).
    pub order_id: String,
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
    /// Random string against replays; use 16–32 characters of `[A-Za-z0-9]`.
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
    pub billing_no: String,
    /// Invoice code (发票代码); `""` for 数电 invoices.
    #[serde(default)]
    pub billing_code: String,
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

impl InsertInvoiceRequest {
    /// A request for `order_id` with the given template, authorizing appid, nonce and data.
    pub fn new(
        order_id: impl Into<String>,
        card_id: impl Into<String>,
        appid: impl Into<String>,
        nonce_str: impl Into<String>,
        invoice_user_data: InvoiceUserData,
    ) -> Self {
        Self {
            order_id: order_id.into(),
            card_id: card_id.into(),
            appid: appid.into(),
            card_ext: CardExt {
                nonce_str: nonce_str.into(),
                user_card: InsertUserCard { invoice_user_data },
            },
        }
    }

    /// The invoice face data (`card_ext.user_card.invoice_user_data`).
    pub fn invoice_user_data(&self) -> &InvoiceUserData {
        &self.card_ext.user_card.invoice_user_data
    }
}

impl InvoiceUserData {
    /// Face data with the required text fields and issue time; amounts start at zero
    /// (set them with [`with_amounts`](Self::with_amounts)), optional fields at `None`,
    /// `check_code` at `""`.
    ///
    /// For a 数电 invoice pass the 20-digit number as `billing_no` and `""` as `billing_code`.
    pub fn new(
        title: impl Into<String>,
        billing_no: impl Into<String>,
        billing_code: impl Into<String>,
        billing_time: i64,
        s_pdf_media_id: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            billing_no: billing_no.into(),
            billing_code: billing_code.into(),
            billing_time,
            s_pdf_media_id: s_pdf_media_id.into(),
            ..Self::default()
        }
    }

    /// Sets `fee` (total incl. tax), `fee_without_tax` and `tax`.
    pub fn with_amounts(mut self, fee: Fen, fee_without_tax: Fen, tax: Fen) -> Self {
        self.fee = fee;
        self.fee_without_tax = fee_without_tax;
        self.tax = tax;
        self
    }

    /// Sets the line items.
    pub fn with_items(mut self, items: Vec<InvoiceItem>) -> Self {
        self.info = Some(items);
        self
    }

    /// Sets the check code (校验码); leave it `""` for 数电 invoices.
    pub fn with_check_code(mut self, check_code: impl Into<String>) -> Self {
        self.check_code = check_code.into();
        self
    }

    /// Whether this is a 数电 (fully digital) invoice, i.e. `billing_code` is empty.
    pub fn is_digital(&self) -> bool {
        self.billing_code.trim().is_empty()
    }
}

impl InvoiceItem {
    /// An item with a name and unit price; quantity and unit unset.
    pub fn new(name: impl Into<String>, price: Fen) -> Self {
        Self {
            name: name.into(),
            num: None,
            unit: None,
            price,
        }
    }
}

/// Success body of `card/invoice/insert` (the `errcode`/`errmsg` envelope is read
/// separately, see [`ApiStatus`](crate::envelope::ApiStatus)). Unknown fields are ignored.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
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
