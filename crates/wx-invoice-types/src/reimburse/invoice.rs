//! The invoice as a reimburser reads it (`getinvoiceinfo`, `getinvoicebatch`).

use serde::{Deserialize, Serialize};

use crate::insert::InvoiceItem;
use crate::lenient;
use crate::money::Fen;
use crate::status::ReimburseStatus;

/// One invoice card as the reimburser sees it (the spec's "InvoiceInfo" of R1/R2; not the
/// createcard template of the same name). Missing fields read as empty; unknown ones
/// (`order_id`, `accept`, `user_card_status`…) are ignored.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ReimburseInvoice {
    /// Invoice card template id.
    #[serde(default)]
    pub card_id: String,
    /// Start of the card's validity, Unix seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub begin_time: i64,
    /// End of the card's validity, Unix seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub end_time: i64,
    /// The user.
    #[serde(default)]
    pub openid: String,
    /// Invoice type label (JSON key `type`).
    #[serde(default, rename = "type")]
    pub invoice_type: String,
    /// Payee.
    #[serde(default)]
    pub payee: String,
    /// Detail text.
    #[serde(default)]
    pub detail: String,
    /// The face data.
    #[serde(default)]
    pub user_info: ReimburseUserInfo,
}

/// `user_info` of a reimburse invoice: the face data plus PDF links and status. Separate from
/// [`InvoiceUserData`](crate::insert::InvoiceUserData): it has URLs instead of media ids.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ReimburseUserInfo {
    /// Total including tax.
    #[serde(default)]
    pub fee: Fen,
    /// Buyer title.
    #[serde(default)]
    pub title: String,
    /// Issue time, Unix seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub billing_time: i64,
    /// Invoice number (发票号码).
    #[serde(default)]
    pub billing_no: String,
    /// Invoice code (发票代码); empty for 数电 invoices.
    #[serde(default)]
    pub billing_code: String,
    /// Line items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<InvoiceItem>,
    /// Amount excluding tax.
    #[serde(default)]
    pub fee_without_tax: Fen,
    /// Tax amount.
    #[serde(default)]
    pub tax: Fen,
    /// Invoice PDF URL (WeChat appends a token the platform may verify).
    #[serde(default)]
    pub pdf_url: String,
    /// Extra voucher PDF URL; read from `trip_pdf_url` or the misspelt `trip_pdf_ur`.
    #[serde(default, alias = "trip_pdf_ur", skip_serializing_if = "Option::is_none")]
    pub trip_pdf_url: Option<String>,
    /// Reimbursement status; `None` if WeChat left it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reimburse_status: Option<ReimburseStatus>,
    /// Check code (校验码).
    #[serde(default)]
    pub check_code: String,
    /// Buyer taxpayer id.
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
    /// Remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    /// Payee person (收款人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    /// Drawer (开票人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ReimburseUserInfo;

    #[test]
    fn reads_both_trip_pdf_spellings() {
        let new: ReimburseUserInfo = serde_json::from_str(r#"{"trip_pdf_ur":"https://a"}"#).unwrap();
        let old: ReimburseUserInfo = serde_json::from_str(r#"{"trip_pdf_url":"https://a"}"#).unwrap();
        assert_eq!(new.trip_pdf_url.as_deref(), Some("https://a"));
        assert_eq!(new, old);
        assert_eq!(serde_json::to_value(&new).unwrap()["trip_pdf_url"], "https://a");
    }
}
