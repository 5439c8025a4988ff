//! The invoice as a WeCom reimburser reads it (`getinvoiceinfo`, `getinvoiceinfobatch`).

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::money::Fen;
use crate::status::ReimburseStatus;

/// One invoice card as WeCom's W1/W2 return it.
///
/// Differs from the Official-Account [`ReimburseInvoice`](crate::ReimburseInvoice): the
/// batch read leaves out `begin_time`/`end_time` (so they are `Option`s here), line items carry
/// their own `fee`, and `user_info` may hold the `order_id`. Missing fields read as empty,
/// unknown ones are ignored; times are read from numbers or numeric strings.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct WecomInvoice {
    /// Invoice card template id.
    #[serde(default)]
    pub card_id: String,
    /// Start of the card's validity, Unix seconds (absent from batch items).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::option_i64_or_numeric_string"
    )]
    pub begin_time: Option<i64>,
    /// End of the card's validity, Unix seconds (absent from batch items).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::option_i64_or_numeric_string"
    )]
    pub end_time: Option<i64>,
    /// The user, as an openid under the enterprise (see `user/convert_to_openid`).
    #[serde(default)]
    pub openid: String,
    /// Invoice type label, e.g. `增值税电子普通发票` (JSON key `type`).
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
    pub user_info: WecomUserInfo,
}

/// `user_info` of a WeCom invoice: the face data, PDF links and reimbursement status.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct WecomUserInfo {
    /// Total including tax (价税合计).
    #[serde(default)]
    pub fee: Fen,
    /// Buyer title.
    #[serde(default)]
    pub title: String,
    /// Issue time, Unix seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub billing_time: i64,
    /// `billing_no` as WeChat sends it. WeCom's table calls it the invoice code and its sample
    /// puts the number in it; kept under its raw name (see `docs/wecom.md`).
    #[serde(default)]
    pub billing_no: String,
    /// `billing_code` as WeChat sends it (see [`billing_no`](Self::billing_no)).
    #[serde(default)]
    pub billing_code: String,
    /// Line items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<WecomInvoiceItem>,
    /// Amount excluding tax.
    #[serde(default)]
    pub fee_without_tax: Fen,
    /// Tax amount.
    #[serde(default)]
    pub tax: Fen,
    /// Detail text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Invoice PDF URL.
    #[serde(default)]
    pub pdf_url: String,
    /// Extra voucher PDF URL (`trip_pdf_url`; the misspelt `trip_pdf_ur` is read too).
    #[serde(default, alias = "trip_pdf_ur", skip_serializing_if = "Option::is_none")]
    pub trip_pdf_url: Option<String>,
    /// Reimbursement status; `None` if WeChat left it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reimburse_status: Option<ReimburseStatus>,
    /// Check code (校验码).
    #[serde(default)]
    pub check_code: String,
    /// The merchant's order id (seen in batch items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
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

/// One line item of a WeCom invoice: the Official-Account fields plus the line's `fee`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WecomInvoiceItem {
    /// Item name.
    #[serde(default)]
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
    /// The line's amount (WeCom only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fen>,
    /// Unit price.
    #[serde(default)]
    pub price: Fen,
}

#[cfg(test)]
mod tests {
    use super::WecomInvoice;
    use crate::money::Fen;
    use crate::status::ReimburseStatus;

    #[test]
    fn reads_a_single_invoice_with_times_as_numbers_or_strings() {
        let json = r#"{"errcode":0,"errmsg":"ok","card_id":"CARDID","begin_time":"1536656028",
            "end_time":1536656028,"openid":"oVDpIj","type":"增值税电子普通发票","payee":"深圳市某某公司",
            "detail":"","user_info":{"fee":90,"title":"某某公司","billing_time":1536656028,
            "billing_no":"00000001","billing_code":"000000000001","info":[{"name":"NAME","num":1,
            "unit":"个","fee":90,"price":90}],"fee_without_tax":80,"tax":10,"detail":"",
            "pdf_url":"https://pdf","trip_pdf_url":"https://trip","reimburse_status":"INVOICE_REIMBURSE_INIT",
            "check_code":"CHECKCODE","buyer_number":"BUYERNUMBER"}}"#;
        let invoice: WecomInvoice = serde_json::from_str(json).unwrap();
        assert_eq!(invoice.begin_time, Some(1_536_656_028));
        assert_eq!(invoice.end_time, Some(1_536_656_028));
        assert_eq!(invoice.invoice_type, "增值税电子普通发票");
        let face = &invoice.user_info;
        assert_eq!(face.info[0].fee, Some(Fen(90)));
        assert_eq!(face.trip_pdf_url.as_deref(), Some("https://trip"));
        assert_eq!(face.reimburse_status, Some(ReimburseStatus::Init));
        assert_eq!(face.buyer_number.as_deref(), Some("BUYERNUMBER"));
    }

    #[test]
    fn batch_items_without_times_but_with_order_id() {
        let json = r#"{"card_id":"c","openid":"o","type":"t","payee":"p","detail":"",
            "user_info":{"fee":1,"title":"x","billing_time":"1536656028","billing_no":"1",
            "billing_code":"2","order_id":"order-9","pdf_url":"u","check_code":""}}"#;
        let invoice: WecomInvoice = serde_json::from_str(json).unwrap();
        assert_eq!((invoice.begin_time, invoice.end_time), (None, None));
        assert_eq!(invoice.user_info.order_id.as_deref(), Some("order-9"));
        assert_eq!(invoice.user_info.billing_time, 1_536_656_028);
        let back = serde_json::to_value(&invoice).unwrap();
        assert!(back.get("begin_time").is_none());
    }
}
