//! Invoice PDFs: `platform/setpdf` (spec P3) and `platform/getpdf` (P4).
//!
//! Request bodies stay exhaustive, so a struct literal builds one; the responses WeChat sends
//! are `#[non_exhaustive]` and may gain fields (see the crate docs, "Which types may grow").

use serde::{Deserialize, Serialize};

use crate::lenient;

/// Response of the multipart upload `card/invoice/platform/setpdf`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetPdfResponse {
    /// Handle of the uploaded PDF, valid 3 days; use it as `s_pdf_media_id` /
    /// `s_trip_pdf_media_id`. Read from a JSON string or number, kept as text.
    #[serde(deserialize_with = "lenient::string_or_number")]
    pub s_media_id: String,
}

/// Body of `card/invoice/platform/getpdf`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct GetPdfRequest {
    /// Always `"get_url"`.
    pub action: String,
    /// The handle returned by `setpdf`.
    pub s_media_id: String,
}

impl GetPdfRequest {
    /// The action WeChat expects in every `getpdf` body.
    pub const ACTION: &'static str = "get_url";

    /// Asks for the download URL of the PDF `s_media_id`.
    pub fn new(s_media_id: impl Into<String>) -> Self {
        Self {
            action: Self::ACTION.to_owned(),
            s_media_id: s_media_id.into(),
        }
    }
}

/// Response of `card/invoice/platform/getpdf`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetPdfResponse {
    /// Temporary download URL (valid about 2 hours).
    pub pdf_url: String,
    /// Seconds the URL stays valid (normally 7200).
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub pdf_url_expire_time: i64,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{GetPdfRequest, GetPdfResponse, SetPdfResponse};

    #[test]
    fn set_pdf_response_accepts_number_or_string() {
        let from_num: SetPdfResponse =
            serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","s_media_id":3035943877}"#).unwrap();
        assert_eq!(from_num.s_media_id, "3035943877");
        let from_str: SetPdfResponse = serde_json::from_str(r#"{"s_media_id":"3035943877"}"#).unwrap();
        assert_eq!(from_str, from_num);
        assert_eq!(
            serde_json::to_value(&from_num).unwrap(),
            json!({"s_media_id": "3035943877"})
        );
    }

    #[test]
    fn get_pdf_request_sets_action() {
        let req = GetPdfRequest::new("3035943877");
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"action": "get_url", "s_media_id": "3035943877"})
        );
    }

    #[test]
    fn get_pdf_response_round_trips() {
        let resp: GetPdfResponse = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","pdf_url":"https://mp.weixin.qq.com/x.pdf","pdf_url_expire_time":"7200"}"#,
        )
        .unwrap();
        assert_eq!(resp.pdf_url_expire_time, 7200);
        let back: GetPdfResponse = serde_json::from_value(serde_json::to_value(&resp).unwrap()).unwrap();
        assert_eq!(back, resp);
    }
}
