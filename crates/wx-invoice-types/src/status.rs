//! Reimbursement status of an invoice card (spec §8.1) and `platform/updatestatus` (P6).
//!
//! [`ReimburseStatus`] is `#[non_exhaustive]` (WeChat may add states; unknown ones are kept in
//! `Other`); the request body [`UpdateStatusRequest`] stays exhaustive, so a literal builds it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `reimburse_status`: where an invoice card is in the expense flow.
///
/// Unknown values from WeChat are kept in [`Other`](Self::Other), never rejected.
/// Parse with `From<&str>`/`From<String>`, which maps the four known strings to their
/// variants (so `Other` never holds a known value when built that way).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReimburseStatus {
    /// `INVOICE_REIMBURSE_INIT`: initial or unlocked; the user can submit it.
    Init,
    /// `INVOICE_REIMBURSE_LOCK`: locked in an expense flow; cannot be resubmitted.
    Lock,
    /// `INVOICE_REIMBURSE_CLOSURE`: reimbursed, removed from the wallet; irreversible.
    Closure,
    /// `INVOICE_REIMBURSE_CANCEL`: red-flushed (冲红) or voided by the platform; final.
    Cancel,
    /// A value this crate does not know, kept verbatim.
    Other(String),
}

impl ReimburseStatus {
    /// The wire value, e.g. `INVOICE_REIMBURSE_LOCK`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Init => "INVOICE_REIMBURSE_INIT",
            Self::Lock => "INVOICE_REIMBURSE_LOCK",
            Self::Closure => "INVOICE_REIMBURSE_CLOSURE",
            Self::Cancel => "INVOICE_REIMBURSE_CANCEL",
            Self::Other(value) => value,
        }
    }

    fn known(value: &str) -> Option<Self> {
        Some(match value {
            "INVOICE_REIMBURSE_INIT" => Self::Init,
            "INVOICE_REIMBURSE_LOCK" => Self::Lock,
            "INVOICE_REIMBURSE_CLOSURE" => Self::Closure,
            "INVOICE_REIMBURSE_CANCEL" => Self::Cancel,
            _ => return None,
        })
    }
}

impl From<&str> for ReimburseStatus {
    fn from(value: &str) -> Self {
        Self::known(value).unwrap_or_else(|| Self::Other(value.to_owned()))
    }
}

impl From<String> for ReimburseStatus {
    fn from(value: String) -> Self {
        Self::known(&value).unwrap_or(Self::Other(value))
    }
}

impl fmt::Display for ReimburseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ReimburseStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ReimburseStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// Body of `card/invoice/platform/updatestatus` (the platform reports a status change,
/// e.g. red-flush ⇒ [`ReimburseStatus::Cancel`]). The response is the envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UpdateStatusRequest {
    /// Invoice card template id.
    pub card_id: String,
    /// Card code returned by `insert` (not the 发票代码).
    pub code: String,
    /// The new status.
    pub reimburse_status: ReimburseStatus,
}

impl UpdateStatusRequest {
    /// Sets the card `code` of template `card_id` to `reimburse_status`.
    pub fn new(card_id: impl Into<String>, code: impl Into<String>, reimburse_status: ReimburseStatus) -> Self {
        Self {
            card_id: card_id.into(),
            code: code.into(),
            reimburse_status,
        }
    }

    /// `card_id` and `code` non-empty, and a status WeChat knows.
    pub fn validate(&self) -> Result<(), crate::validation::ValidationErrors> {
        let mut f = crate::validation::Findings::default();
        f.require("card_id", &self.card_id);
        f.require("code", &self.code);
        f.known_status("reimburse_status", &self.reimburse_status);
        f.into_result()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{ReimburseStatus, UpdateStatusRequest};

    #[test]
    fn known_values_round_trip() {
        for (status, text) in [
            (ReimburseStatus::Init, "INVOICE_REIMBURSE_INIT"),
            (ReimburseStatus::Lock, "INVOICE_REIMBURSE_LOCK"),
            (ReimburseStatus::Closure, "INVOICE_REIMBURSE_CLOSURE"),
            (ReimburseStatus::Cancel, "INVOICE_REIMBURSE_CANCEL"),
        ] {
            assert_eq!(status.as_str(), text);
            assert_eq!(status.to_string(), text);
            assert_eq!(serde_json::to_value(&status).unwrap(), json!(text));
            assert_eq!(serde_json::from_value::<ReimburseStatus>(json!(text)).unwrap(), status);
            assert_eq!(ReimburseStatus::from(text.to_owned()), status);
        }
    }

    #[test]
    fn unknown_values_are_kept() {
        let status: ReimburseStatus = serde_json::from_str(r#""INVOICE_REIMBURSE_NEW""#).unwrap();
        assert_eq!(status, ReimburseStatus::Other("INVOICE_REIMBURSE_NEW".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""INVOICE_REIMBURSE_NEW""#);
        assert_eq!(ReimburseStatus::from("").as_str(), "");
        assert!(serde_json::from_str::<ReimburseStatus>("3").is_err());
    }

    #[test]
    fn update_status_request_shape() {
        let req = UpdateStatusRequest::new("card", "code", ReimburseStatus::Cancel);
        let value = serde_json::to_value(&req).unwrap();
        assert_eq!(
            value,
            json!({"card_id": "card", "code": "code", "reimburse_status": "INVOICE_REIMBURSE_CANCEL"})
        );
        assert_eq!(serde_json::from_value::<UpdateStatusRequest>(value).unwrap(), req);
        assert_eq!(req.validate(), Ok(()));
        let bad = UpdateStatusRequest::new("", "", ReimburseStatus::from("VOID"));
        assert_eq!(bad.validate().unwrap_err().problems().len(), 3);
    }
}
