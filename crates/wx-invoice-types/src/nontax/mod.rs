//! Fiscal non-tax e-receipts (财政电子票据, spec invoice-api-more §3): a finance bureau (财政局)
//! plays the invoicing platform, a collecting unit (执收单位) the merchant.
//!
//! Three calls have field sets of their own and live here: `nontax/getbillauthurl`
//! ([`GetBillAuthUrlRequest`], the unit's authorization page), `nontax/createbillcard`
//! ([`CreateBillCardRequest`], the bureau's receipt template per unit) and `nontax/insertbill`
//! ([`InsertBillRequest`], the receipt into the payer's card wallet). Everything else reuses the
//! e-invoice family unchanged: `card/invoice/seturl` (the bureau's `s_pappid`), the `wx_card`
//! ticket, `getauthdata`, `rejectinsert`, `platform/setpdf` / `getpdf`, `platform/updatestatus`,
//! the reimburser calls and the `user_authorize_invoice` / `update_invoice_status` pushes.
//!
//! The permission set is 47 (微信财政电子票据), yet WeChat's pages for the three `nontax/*`
//! calls say third-party platforms may not call them: use the account's own access token.
//!
//! Request bodies stay exhaustive (a struct literal builds one); responses are
//! `#[non_exhaustive]`.

mod bill;

pub use bill::{BillCardExt, BillUserCard, BillUserData, InsertBillRequest, InsertBillResponse};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::OrderId;
use crate::lenient;
use crate::money::Fen;
use crate::validation::{Findings, ValidationErrors};

/// `source` of `nontax/getbillauthurl`: only these two (no `wxa` or `wap`, unlike e-invoices).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BillAuthSource {
    /// `web`: an H5 page inside WeChat or an Official Account.
    Web,
    /// `app`: an external app.
    App,
}

impl BillAuthSource {
    /// The wire value (`web`, `app`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::App => "app",
        }
    }
}

/// Body of `nontax/getbillauthurl` (N1). There is no `type` field. `Debug` hides the ticket.
///
/// ```
/// use wx_invoice_types::{Fen, OrderId};
/// use wx_invoice_types::nontax::{BillAuthSource, GetBillAuthUrlRequest};
///
/// let request = GetBillAuthUrlRequest::new("bureau-s-pappid", OrderId::new("fee-2024-001"), Fen(5_000), BillAuthSource::Web)
///     .with_timestamp(1_700_000_000)
///     .with_redirect_url("https://unit.example/paid");
/// // The ticket may stay empty: the client fills in the unit's wx_card ticket.
/// assert!(request.validate().unwrap_err().mentions("ticket"));
/// ```
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct GetBillAuthUrlRequest {
    /// The finance bureau's id (its `seturl` result), from the bureau.
    pub s_pappid: String,
    /// The unit's id of this payment; never reuse it.
    pub order_id: OrderId,
    /// Amount.
    pub money: Fen,
    /// Unix seconds.
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub timestamp: i64,
    /// Where the page is opened.
    pub source: BillAuthSource,
    /// Where to go after a successful authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The unit's `wx_card` api_ticket.
    pub ticket: String,
}

impl fmt::Debug for GetBillAuthUrlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetBillAuthUrlRequest")
            .field("s_pappid", &self.s_pappid)
            .field("order_id", &self.order_id)
            .field("money", &self.money)
            .field("timestamp", &self.timestamp)
            .field("source", &self.source)
            .field("redirect_url", &self.redirect_url)
            .field("ticket", &"<redacted>")
            .finish()
    }
}

impl GetBillAuthUrlRequest {
    /// A page where the payer authorizes a receipt of `money` for `order_id`, for the bureau
    /// `s_pappid`. Also required: [`with_timestamp`](Self::with_timestamp); the ticket may stay
    /// empty when the request goes through the client.
    pub fn new(s_pappid: impl Into<String>, order_id: OrderId, money: Fen, source: BillAuthSource) -> Self {
        Self {
            s_pappid: s_pappid.into(),
            order_id,
            money,
            timestamp: 0,
            source,
            redirect_url: None,
            ticket: String::new(),
        }
    }

    /// Sets `timestamp`: now, in Unix seconds.
    pub fn with_timestamp(mut self, unix_seconds: i64) -> Self {
        self.timestamp = unix_seconds;
        self
    }

    /// Sets `redirect_url`.
    pub fn with_redirect_url(mut self, redirect_url: impl Into<String>) -> Self {
        self.redirect_url = Some(redirect_url.into());
        self
    }

    /// Sets `ticket`: the unit's `wx_card` api_ticket.
    pub fn with_ticket(mut self, ticket: impl Into<String>) -> Self {
        self.ticket = ticket.into();
        self
    }

    /// Required fields set, `money` not negative, a 10-digit `timestamp`, an http(s)
    /// `redirect_url`; every problem reported together.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("s_pappid", &self.s_pappid);
        f.require("order_id", self.order_id.as_str());
        f.non_negative("money", self.money.0);
        f.epoch_seconds("timestamp", self.timestamp);
        if let Some(url) = &self.redirect_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            f.problem("redirect_url", "must be an http:// or https:// URL");
        }
        f.require("ticket", &self.ticket);
        f.into_result()
    }
}

/// Response of `nontax/getbillauthurl`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetBillAuthUrlResponse {
    /// The authorization page.
    pub auth_url: String,
    /// Seconds the link stays valid (WeChat's sample: 7200).
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub expire_time: i64,
}

/// Body of `nontax/createbillcard` (N6): one receipt template per collecting unit. The
/// `invoice_info` wrapper follows WeChat's sample (its table shows the fields at the top
/// level).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateBillCardRequest {
    /// The template.
    pub invoice_info: BillCardInfo,
}

/// `invoice_info` of `nontax/createbillcard`. No title, type or custom entries (unlike an
/// e-invoice template).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BillCardInfo {
    /// Full name of the payee (the collecting side), shown in the receipt's details.
    pub payee: String,
    /// Display settings.
    pub base_info: BillBaseInfo,
}

/// `invoice_info.base_info` of `nontax/createbillcard`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BillBaseInfo {
    /// The bureau's logo, uploaded with the permanent-material API (an `mmbiz.qpic.cn` URL).
    pub logo_url: String,
}

impl CreateBillCardRequest {
    /// A template for the payee `payee` with the logo `logo_url`.
    pub fn new(payee: impl Into<String>, logo_url: impl Into<String>) -> Self {
        Self {
            invoice_info: BillCardInfo {
                payee: payee.into(),
                base_info: BillBaseInfo {
                    logo_url: logo_url.into(),
                },
            },
        }
    }

    /// `payee` set; `logo_url` an http(s) URL of at most 1024 characters.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("invoice_info.payee", &self.invoice_info.payee);
        let logo = &self.invoice_info.base_info.logo_url;
        f.require("invoice_info.base_info.logo_url", logo);
        if !(logo.trim().is_empty() || logo.starts_with("http://") || logo.starts_with("https://")) {
            f.problem(
                "invoice_info.base_info.logo_url",
                "must be an http(s) URL of an image uploaded with the permanent-material API",
            );
        }
        f.max_chars("invoice_info.base_info.logo_url", logo, 1024);
        f.into_result()
    }
}

/// Response of `nontax/createbillcard`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateBillCardResponse {
    /// The template id, used as `card_id` of `nontax/insertbill`.
    pub card_id: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{BillAuthSource, CreateBillCardRequest, GetBillAuthUrlRequest, GetBillAuthUrlResponse};
    use crate::ids::OrderId;
    use crate::money::Fen;

    #[test]
    fn auth_url_request_has_no_type_and_only_two_sources() {
        let req = GetBillAuthUrlRequest::new("sp", OrderId::new("o-1"), Fen(100), BillAuthSource::App)
            .with_timestamp(1_700_000_000)
            .with_ticket("SECRET-TICKET");
        assert_eq!(req.validate(), Ok(()));
        let value = serde_json::to_value(&req).unwrap();
        assert_eq!(value["source"], "app");
        assert!(value.get("type").is_none());
        assert!(!format!("{req:?}").contains("SECRET"));
        assert!(serde_json::from_value::<BillAuthSource>(json!("wxa")).is_err());
        let bad = GetBillAuthUrlRequest::new("", OrderId::default(), Fen(-1), BillAuthSource::Web)
            .with_redirect_url("ftp://x");
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_problems()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            ["s_pappid", "order_id", "money", "timestamp", "redirect_url", "ticket"]
        );
        let resp: GetBillAuthUrlResponse =
            serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","auth_url":"https://x","expire_time":7200}"#).unwrap();
        assert_eq!(resp.expire_time, 7200);
    }

    #[test]
    fn bill_card_is_wrapped_in_invoice_info() {
        let req = CreateBillCardRequest::new("某某市财政局", "http://mmbiz.qpic.cn/mmbiz/logo/0");
        assert_eq!(req.validate(), Ok(()));
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"invoice_info": {"payee": "某某市财政局", "base_info": {"logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0"}}})
        );
        let err = CreateBillCardRequest::new(" ", "logo.png").validate().unwrap_err();
        assert!(err.mentions("invoice_info.payee") && err.mentions("invoice_info.base_info.logo_url"));
    }
}
