//! The `errcode`/`errmsg` envelope every WeChat response carries, and the empty request body.
//!
//! [`ApiStatus`] is what WeChat sends, so it is `#[non_exhaustive]`; [`EmptyBody`] is the
//! literal `{}` a caller sends and stays a plain struct.

use serde::{Deserialize, Serialize};

use crate::error_code::{self, ErrorCodeInfo};
use crate::lenient;

/// `errcode` and `errmsg` of a response. Both default when absent (token APIs omit them on
/// success), and `errcode` is read from a number or a numeric string.
///
/// ```
/// use wx_invoice_types::ApiStatus;
/// let status: ApiStatus = serde_json::from_str(r#"{"errcode":"72056","errmsg":"order_id repeated hint: [x]"}"#).unwrap();
/// assert!(!status.is_ok());
/// assert_eq!(status.info().map(|i| i.name), Some("order_id repeated, please check order_id"));
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ApiStatus {
    /// `0` on success.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub errcode: i64,
    /// `"ok"` on success; on failure a message that usually ends in ` hint: [...]` or
    /// ` rid: ...`, worth keeping for support tickets.
    #[serde(default)]
    pub errmsg: String,
}

impl ApiStatus {
    /// Whether the call succeeded (`errcode == 0`).
    pub fn is_ok(&self) -> bool {
        self.errcode == 0
    }

    /// The catalogue entry for a known non-zero `errcode`.
    pub fn info(&self) -> Option<&'static ErrorCodeInfo> {
        if self.is_ok() {
            None
        } else {
            error_code::lookup(self.errcode)
        }
    }
}

/// The literal `{}` body of calls that take no input (`seturl`, `setbizattr` `get_*`).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmptyBody {}

#[cfg(test)]
mod tests {
    use super::ApiStatus;
    use crate::error_code::ErrorClass;

    fn parse(json: &str) -> ApiStatus {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        assert_eq!(serde_json::to_string(&super::EmptyBody {}).unwrap(), "{}");
    }

    #[test]
    fn missing_fields_mean_success() {
        let status = parse(r#"{"component_access_token":"x","expires_in":7200}"#);
        assert!(status.is_ok());
        assert_eq!(status.errmsg, "");
        assert_eq!(status.info(), None);
    }

    #[test]
    fn errcode_as_number_or_string() {
        assert_eq!(
            parse(r#"{"errcode":40001,"errmsg":"invalid credential"}"#).errcode,
            40001
        );
        assert_eq!(parse(r#"{"errcode":"-1","errmsg":"system error"}"#).errcode, -1);
        assert!(parse(r#"{"errcode":"0","errmsg":"ok"}"#).is_ok());
        assert!(serde_json::from_str::<ApiStatus>(r#"{"errcode":"bad"}"#).is_err());
    }

    #[test]
    fn known_codes_have_a_class() {
        let status = parse(r#"{"errcode":42001,"errmsg":"access_token expired rid: 1"}"#);
        assert_eq!(status.info().map(|i| i.class), Some(ErrorClass::RefreshToken));
        assert_eq!(parse(r#"{"errcode":12345}"#).info(), None);
    }
}
