//! Invoice-title (抬头) calls (spec T1–T3): save a title into the user's WeChat, the
//! merchant's select-title page, and parsing a scanned title QR code.
//!
//! Request bodies stay exhaustive, so a struct literal builds one; the responses WeChat sends
//! are `#[non_exhaustive]` and may gain fields (see the crate docs, "Which types may grow").

use serde::{Deserialize, Serialize};

use crate::int_flag;
use crate::lenient;
use crate::validation::{Findings, ValidationErrors};

/// Body of `card/invoice/biz/getusertitleurl`; every field is optional.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct GetUserTitleUrlRequest {
    /// `true` (sent as 1): the user fills in the title; `false`/absent (0): the merchant sets it.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub user_fill: Option<bool>,
    /// The title; required unless the user fills it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Phone (digits and `-`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Taxpayer id, 15–20 letters or digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_no: Option<String>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    /// Bank name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_type: Option<String>,
    /// Bank account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_no: Option<String>,
    /// Merchant's own title id (开票码).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_title_id: Option<String>,
}

impl GetUserTitleUrlRequest {
    /// `title` present unless `user_fill`; `tax_no` and `phone`, when non-empty, well formed.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        if self.user_fill != Some(true) {
            f.require("title", self.title.as_deref().unwrap_or_default());
        }
        if let Some(phone) = self.phone.as_deref().filter(|p| !p.is_empty()) {
            f.phone("phone", phone);
        }
        if let Some(tax_no) = self.tax_no.as_deref().filter(|t| !t.is_empty()) {
            f.tax_no("tax_no", tax_no);
        }
        f.into_result()
    }
}

/// Body of `card/invoice/biz/getselecttitleurl`; the user's pick arrives as the
/// `submit_invoice_title` event.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct GetSelectTitleUrlRequest {
    /// Echoed back in the event (e.g. a table or till number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach: Option<String>,
    /// Merchant name shown to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_name: Option<String>,
}

/// Response of `getusertitleurl` and `getselecttitleurl`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TitleUrlResponse {
    /// Link (or QR content) to give the user.
    pub url: String,
}

/// Body of `card/invoice/scantitle` (not callable by third-party platforms).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanTitleRequest {
    /// Raw content of the user's title QR code (a `…usertitlewxa?action=list_auth&invoice_key=…` URL).
    pub scan_text: String,
}

impl ScanTitleRequest {
    /// Parses the scanned text `scan_text`.
    pub fn new(scan_text: impl Into<String>) -> Self {
        Self {
            scan_text: scan_text.into(),
        }
    }

    /// `scan_text` must not be empty.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("scan_text", &self.scan_text);
        f.into_result()
    }
}

/// Response of `card/invoice/scantitle`; strings may be empty.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ScanTitleResponse {
    /// `0` company, `1` personal.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub title_type: i64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Taxpayer id.
    #[serde(default)]
    pub tax_no: String,
    /// Address.
    #[serde(default)]
    pub addr: String,
    /// Bank name.
    #[serde(default)]
    pub bank_type: String,
    /// Bank account.
    #[serde(default)]
    pub bank_no: String,
}

impl ScanTitleResponse {
    /// Whether the scanned title is a personal one (`title_type == 1`).
    pub fn is_personal(&self) -> bool {
        self.title_type == 1
    }
}

#[cfg(test)]
mod tests {
    use super::{GetUserTitleUrlRequest, ScanTitleRequest};

    #[test]
    fn title_required_unless_the_user_fills_it() {
        assert!(
            GetUserTitleUrlRequest::default()
                .validate()
                .unwrap_err()
                .mentions("title")
        );
        let user_fills = GetUserTitleUrlRequest {
            user_fill: Some(true),
            ..GetUserTitleUrlRequest::default()
        };
        assert_eq!(user_fills.validate(), Ok(()));
    }

    #[test]
    fn tax_no_and_phone_are_checked_together() {
        let req = GetUserTitleUrlRequest {
            title: Some("某某公司".into()),
            phone: Some("0755 1234".into()),
            tax_no: Some("123".into()),
            ..GetUserTitleUrlRequest::default()
        };
        let err = req.validate().unwrap_err();
        assert!(err.mentions("phone") && err.mentions("tax_no"));
        let ok = GetUserTitleUrlRequest {
            phone: Some("0755-1234".into()),
            tax_no: Some("91440300MA5EXAMPLE".into()),
            ..req
        };
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn scan_text_required() {
        assert!(ScanTitleRequest::new("").validate().is_err());
        assert!(
            ScanTitleRequest::new("https://mp.weixin.qq.com/intp/invoice/usertitlewxa")
                .validate()
                .is_ok()
        );
    }
}
