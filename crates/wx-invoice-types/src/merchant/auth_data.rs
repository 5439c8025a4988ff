//! `card/invoice/getauthdata` (M3) and `card/invoice/rejectinsert` (M4).

use serde::{Deserialize, Serialize};

use crate::ids::OrderId;
use crate::lenient;
use crate::validation::{Findings, ValidationErrors};

/// Body of `card/invoice/getauthdata`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct GetAuthDataRequest {
    /// Platform id.
    pub s_pappid: String,
    /// The order to look up.
    pub order_id: OrderId,
}

impl GetAuthDataRequest {
    /// Looks up the authorization of `order_id` under platform `s_pappid`.
    pub fn new(s_pappid: impl Into<String>, order_id: OrderId) -> Self {
        Self {
            s_pappid: s_pappid.into(),
            order_id,
        }
    }

    /// Both fields must be non-empty.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("s_pappid", &self.s_pappid);
        f.require("order_id", self.order_id.as_str());
        f.into_result()
    }
}

/// Response of `card/invoice/getauthdata`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetAuthDataResponse {
    /// Authorization state as free text; seen: `"auth success"`, `"never auth"`.
    #[serde(default)]
    pub invoice_status: String,
    /// When the user authorized, Unix seconds (`0` when absent).
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub auth_time: i64,
    /// The title the user entered (type=1 pages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_auth_info: Option<UserAuthInfo>,
}

impl GetAuthDataResponse {
    /// `invoice_status` value of an authorized order.
    pub const AUTH_SUCCESS: &'static str = "auth success";

    /// Whether the user authorized the order.
    pub fn is_authorized(&self) -> bool {
        self.invoice_status.trim().eq_ignore_ascii_case(Self::AUTH_SUCCESS)
    }
}

/// `user_auth_info`: a personal **or** a company title.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UserAuthInfo {
    /// Personal title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_field: Option<PersonalTitleInfo>,
    /// Company title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_field: Option<CompanyTitleInfo>,
}

/// `user_auth_info.user_field`: a personal title as the user entered it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PersonalTitleInfo {
    /// Name.
    #[serde(default)]
    pub title: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Answers to the merchant's custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomFieldValue>,
}

/// `user_auth_info.biz_field`: a company title as the user entered it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CompanyTitleInfo {
    /// Company name.
    #[serde(default)]
    pub title: String,
    /// Taxpayer id.
    #[serde(default)]
    pub tax_no: String,
    /// Address.
    #[serde(default)]
    pub addr: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Bank name.
    #[serde(default)]
    pub bank_type: String,
    /// Bank account.
    #[serde(default)]
    pub bank_no: String,
    /// Answers to the merchant's custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomFieldValue>,
}

/// One answer to a custom field (`custom_field[]` of `getauthdata`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CustomFieldValue {
    /// The field's `key` as configured with `set_auth_field`.
    pub key: String,
    /// What the user entered.
    #[serde(default)]
    pub value: String,
}

/// Body of `card/invoice/rejectinsert`: refuse to invoice an authorized order, for good.
/// The order can never be inserted afterwards (72035); the user is notified.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct RejectInsertRequest {
    /// Platform id.
    pub s_pappid: String,
    /// The order to reject.
    pub order_id: OrderId,
    /// Shown to the user, e.g. "订单已退款".
    pub reason: String,
    /// Follow-up link shown to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl RejectInsertRequest {
    /// Refuses to invoice `order_id`, telling the user `reason` (e.g. "订单已退款"). Also
    /// required: [`with_s_pappid`](Self::with_s_pappid).
    pub fn new(order_id: OrderId, reason: impl Into<String>) -> Self {
        Self {
            s_pappid: String::new(),
            order_id,
            reason: reason.into(),
            url: None,
        }
    }

    /// Sets `s_pappid`: the platform id the order was authorized under.
    pub fn with_s_pappid(mut self, s_pappid: impl Into<String>) -> Self {
        self.s_pappid = s_pappid.into();
        self
    }

    /// Sets `url`: a follow-up link shown to the user.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// `s_pappid`, `order_id` and `reason` must be non-empty.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("s_pappid", &self.s_pappid);
        f.require("order_id", self.order_id.as_str());
        f.require("reason", &self.reason);
        f.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::{GetAuthDataRequest, GetAuthDataResponse, RejectInsertRequest};

    #[test]
    fn never_auth_reads_without_auth_time() {
        let r: GetAuthDataResponse =
            serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","invoice_status":"never auth"}"#).unwrap();
        assert!(!r.is_authorized());
        assert_eq!(r.auth_time, 0);
        assert_eq!(r.user_auth_info, None);
    }

    #[test]
    fn requests_validate_required_fields() {
        assert!(GetAuthDataRequest::new("p", "o".into()).validate().is_ok());
        assert_eq!(
            GetAuthDataRequest::default().validate().unwrap_err().problems().len(),
            2
        );
        let reject = RejectInsertRequest {
            s_pappid: "p".into(),
            order_id: "o".into(),
            ..RejectInsertRequest::default()
        };
        assert!(reject.validate().unwrap_err().mentions("reason"));
        let built = RejectInsertRequest::new("o".into(), "订单已退款").with_s_pappid("p");
        assert_eq!(built.validate(), Ok(()));
        assert_eq!(built.url, None);
        assert!(
            RejectInsertRequest::new("o".into(), "r")
                .validate()
                .unwrap_err()
                .mentions("s_pappid")
        );
    }
}
