//! Unified invoicing (统一开票接口, spec invoice-api-more §1) — **legacy**: issue
//! (`makeoutinvoice`), red-flush (`clearoutinvoice`) and query (`queryinvoceinfo`, WeChat's
//! spelling) an invoice through WeChat, for merchants that bought an invoicing platform's
//! package in their Official-Account console ("微信开票能力接入").
//!
//! WeChat's current merchant API list no longer shows these calls (only the English copy of
//! the old list does), and developers report `makeoutinvoice` answering "address does not
//! exist" or errcode 1. Whether WeChat still serves them is unknown: use them only where they
//! are known to work, and prefer the e-invoice insert flow or WeChat Pay's e-fapiao otherwise.
//!
//! Amounts are [`Yuan`] decimal strings — this family alone does not count in fen — and the
//! query's issue time is a `yyyyMMddHHmmss` string ([`IssuedInvoice::issued_at`]). The outcome
//! of an issue or red-flush arrives by the `cloud_invoice_invoiceresult_event` push
//! ([`CloudInvoiceResult`]) and by `queryinvoceinfo`; codes 73100, 73105 and 73107 may hide a
//! success, so query before treating them as failures.
//!
//! Request bodies stay exhaustive; responses and the event are `#[non_exhaustive]`.

mod decimal;
mod make_out;

pub use decimal::{Decimal, DecimalError, Yuan};
pub use make_out::{IndustryType, LineNature, MakeOutInvoice, MakeOutInvoiceLine, MakeOutInvoiceRequest};

use serde::{Deserialize, Serialize};

use crate::validation::{FieldPath, Findings, ValidationErrors};

/// `Event` value of [`CloudInvoiceResult`].
pub const CLOUD_INVOICE_RESULT_EVENT: &str = "cloud_invoice_invoiceresult_event";

/// Body of `card/invoice/clearoutinvoice` (U2): red-flush (冲红) an invoice issued by
/// `makeoutinvoice`: `{"invoiceinfo": …}`. The answer is the envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ClearOutInvoiceRequest {
    /// The red-flush.
    pub invoiceinfo: ClearOutInvoice,
}

/// `invoiceinfo` of `clearoutinvoice`; every field is required.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct ClearOutInvoice {
    /// The user whose invoice is red-flushed.
    pub wxopenid: String,
    /// The serial number of **this** red-flush request (not the blue invoice's).
    pub fpqqlsh: String,
    /// Seller taxpayer id.
    pub nsrsbh: String,
    /// Seller name.
    pub nsrmc: String,
    /// The original (blue) invoice's code (原发票代码).
    pub yfpdm: String,
    /// The original (blue) invoice's number (原发票号码).
    pub yfphm: String,
}

impl ClearOutInvoiceRequest {
    /// Every field set.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        let at = FieldPath::root("invoiceinfo");
        let info = &self.invoiceinfo;
        for (name, value) in [
            ("wxopenid", &info.wxopenid),
            ("fpqqlsh", &info.fpqqlsh),
            ("nsrsbh", &info.nsrsbh),
            ("nsrmc", &info.nsrmc),
            ("yfpdm", &info.yfpdm),
            ("yfphm", &info.yfphm),
        ] {
            f.require(at.field(name), value);
        }
        f.into_result()
    }
}

/// Body of `card/invoice/queryinvoceinfo` (U3): flat, no wrapper.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryInvoiceInfoRequest {
    /// The serial number of the issue (or red-flush) request.
    pub fpqqlsh: String,
    /// Seller taxpayer id.
    pub nsrsbh: String,
}

impl QueryInvoiceInfoRequest {
    /// The result of request `fpqqlsh` of the seller `nsrsbh`.
    pub fn new(fpqqlsh: impl Into<String>, nsrsbh: impl Into<String>) -> Self {
        Self {
            fpqqlsh: fpqqlsh.into(),
            nsrsbh: nsrsbh.into(),
        }
    }

    /// Both fields set.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("fpqqlsh", &self.fpqqlsh);
        f.require("nsrsbh", &self.nsrsbh);
        f.into_result()
    }
}

/// Response of `card/invoice/queryinvoceinfo`. Its success `errmsg` may be Chinese text
/// (`发票数据获取成功`) rather than `ok`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QueryInvoiceInfoResponse {
    /// The issued invoice; `None` while the request is processed or when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoicedetail: Option<IssuedInvoice>,
}

/// `invoicedetail`: an invoice issued (or red-flushed) through unified invoicing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IssuedInvoice {
    /// The request serial number.
    #[serde(default)]
    pub fpqqlsh: String,
    /// Invoice code (发票代码).
    #[serde(default)]
    pub fpdm: String,
    /// Invoice number (发票号码).
    #[serde(default)]
    pub fphm: String,
    /// Issue time as `yyyyMMddHHmmss`, Beijing time (e.g. `20171204172159`).
    #[serde(default)]
    pub kprq: String,
    /// Check code (校验码).
    #[serde(default)]
    pub jym: String,
    /// PDF download URL.
    #[serde(default)]
    pub pdfurl: String,
}

impl IssuedInvoice {
    /// [`kprq`](Self::kprq) as Unix seconds (read as Beijing time, UTC+8), or `None` if it is
    /// not a valid `yyyyMMddHHmmss` date and time.
    ///
    /// ```
    /// # use wx_invoice_types::unified::IssuedInvoice;
    /// let mut invoice = IssuedInvoice::default();
    /// invoice.kprq = "20171204172159".into();
    /// assert_eq!(invoice.issued_at(), Some(1_512_379_319));
    /// ```
    pub fn issued_at(&self) -> Option<i64> {
        beijing_timestamp(&self.kprq)
    }
}

/// Unix seconds of a `yyyyMMddHHmmss` Beijing time.
fn beijing_timestamp(text: &str) -> Option<i64> {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i64>().ok());
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let in_month = month_days.get(usize::try_from(month - 1).ok()?)?;
    if day < 1 || day > *in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days from civil (proleptic Gregorian), March-based years.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - 8 * 3600)
}

/// `status` of [`CloudInvoiceResult`]: 100 success, 2 failure; other values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloudInvoiceStatus {
    /// `100`: the invoice was issued (or red-flushed).
    Success,
    /// `2`: it failed.
    Failure,
    /// Any other value, kept as sent: query `queryinvoceinfo` for the outcome.
    Other(String),
}

impl CloudInvoiceStatus {
    /// Reads the pushed text.
    pub fn from_wire(text: &str) -> Self {
        match text.trim() {
            "100" => Self::Success,
            "2" => Self::Failure,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "100",
            Self::Failure => "2",
            Self::Other(text) => text,
        }
    }
}

/// `cloud_invoice_invoiceresult_event` (E1): the outcome of a `makeoutinvoice` (or
/// `clearoutinvoice`) request, pushed to the merchant account's message URL. Its business
/// tags are lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CloudInvoiceResult {
    /// `ToUserName`: the receiving account's original id.
    pub to_user_name: String,
    /// `FromUserName`: the user's openid.
    pub from_user_name: String,
    /// `CreateTime`: Unix seconds.
    pub create_time: i64,
    /// `fpqqlsh`: the request serial number.
    pub fpqqlsh: String,
    /// `nsrsbh`: the seller's taxpayer id.
    pub nsrsbh: String,
    /// `status`: the outcome.
    pub status: CloudInvoiceStatus,
}

impl CloudInvoiceResult {
    /// Whether the invoice was issued.
    pub fn succeeded(&self) -> bool {
        self.status == CloudInvoiceStatus::Success
    }
}

#[cfg(test)]
mod tests;
