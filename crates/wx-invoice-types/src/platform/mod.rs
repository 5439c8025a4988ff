//! Invoicing-platform calls besides insert/PDF/status (spec P1, P2, P7): the platform id
//! (`seturl`), invoice card templates (`createcard`) and card-code decryption.
//!
//! Request bodies stay exhaustive, so a struct literal builds one; the responses WeChat sends
//! are `#[non_exhaustive]` and may gain fields (see the crate docs, "Which types may grow").

mod createcard;

pub use createcard::{BaseInfo, CreateCardRequest, CreateCardResponse, InvoiceInfo};

use serde::{Deserialize, Serialize};

use crate::url_query;
use crate::validation::{Findings, ValidationErrors};

/// Response of `card/invoice/seturl` (request body: [`EmptyBody`](crate::envelope::EmptyBody)).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetUrlResponse {
    /// e.g. `https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid=…`.
    pub invoice_url: String,
}

impl SetUrlResponse {
    /// The platform id (`s_pappid` query value of [`invoice_url`](Self::invoice_url)),
    /// percent-decoded. Hand it to merchants; they pass it to `getauthurl`.
    ///
    /// `None` if the URL has no `s_pappid` or it is not valid percent-encoded UTF-8.
    ///
    /// ```
    /// # use wx_invoice_types::platform::SetUrlResponse;
    /// let r: SetUrlResponse = serde_json::from_str(
    ///     r#"{"errcode":0,"errmsg":"ok","invoice_url":"https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid=d3g%3D"}"#,
    /// ).unwrap();
    /// assert_eq!(r.s_pappid().as_deref(), Some("d3g="));
    /// ```
    pub fn s_pappid(&self) -> Option<String> {
        url_query::query_value(&self.invoice_url, "s_pappid")
    }
}

/// Body of `card/code/decrypt`: turns the `encrypt_code` of a card jump link into its
/// card `code`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct DecryptCodeRequest {
    /// The `encrypt_code` query value WeChat appended to the link.
    pub encrypt_code: String,
}

impl DecryptCodeRequest {
    /// Decrypts `encrypt_code`.
    pub fn new(encrypt_code: impl Into<String>) -> Self {
        Self {
            encrypt_code: encrypt_code.into(),
        }
    }

    /// `encrypt_code` must not be empty.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut findings = Findings::default();
        findings.require("encrypt_code", &self.encrypt_code);
        findings.into_result()
    }
}

/// Response of `card/code/decrypt`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecryptCodeResponse {
    /// The card code, the same one `insert` returned.
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::{DecryptCodeRequest, SetUrlResponse};

    #[test]
    fn s_pappid_is_read_from_the_url() {
        let r: SetUrlResponse = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","invoice_url":"https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid=d3hlYTY0%2B9ZGE%3D"}"#,
        )
        .unwrap();
        assert_eq!(r.s_pappid().as_deref(), Some("d3hlYTY0+9ZGE="));
        let none = SetUrlResponse {
            invoice_url: "https://mp.weixin.qq.com/bizmall/authinvoice?action=list".into(),
        };
        assert_eq!(none.s_pappid(), None);
    }

    #[test]
    fn decrypt_request_needs_a_code() {
        assert!(DecryptCodeRequest::new("x").validate().is_ok());
        assert!(
            DecryptCodeRequest::new("")
                .validate()
                .unwrap_err()
                .mentions("encrypt_code")
        );
    }
}
