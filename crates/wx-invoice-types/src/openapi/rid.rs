//! The `rid` WeChat appends to an error message, and `openapi/rid/get` (C7), which looks the
//! failed call up by it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::envelope::ApiStatus;
use crate::lenient;
use crate::validation::{Findings, ValidationErrors};

/// How long WeChat keeps a call findable by its rid.
pub const RID_LIFETIME_DAYS: u32 = 7;

/// A request id, as WeChat appends it to an `errmsg` (`… rid: 617682e0-09059ac5-34a8e2ea`).
///
/// ```
/// use wx_invoice_types::openapi::Rid;
/// let rid = Rid::find_in("invalid credential, access_token is invalid rid: 617682e0-09059ac5-34a8e2ea").unwrap();
/// assert_eq!(rid.as_str(), "617682e0-09059ac5-34a8e2ea");
/// assert_eq!(Rid::find_in("invalid credential hint: [abc]"), None);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Rid(String);

impl Rid {
    /// Wraps `rid` as is (`RidGetRequest::validate` checks it).
    pub fn new(rid: impl Into<String>) -> Self {
        Self(rid.into())
    }

    /// The rid in an `errmsg` (the text after the last `rid:`), if there is one. Older messages
    /// end in `hint: [...]` instead and have none.
    pub fn find_in(errmsg: &str) -> Option<Rid> {
        let (_, after) = errmsg.rsplit_once("rid:")?;
        let rid: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        (!rid.is_empty()).then_some(Rid(rid))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it has WeChat's shape: three groups of 8 hexadecimal digits joined by `-`.
    pub fn is_well_formed(&self) -> bool {
        let groups: Vec<&str> = self.0.split('-').collect();
        groups.len() == 3
            && groups
                .iter()
                .all(|g| g.len() == 8 && g.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

impl fmt::Display for Rid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ApiStatus {
    /// The rid in [`errmsg`](Self::errmsg), for `openapi/rid/get` and support tickets.
    pub fn rid(&self) -> Option<Rid> {
        Rid::find_in(&self.errmsg)
    }
}

/// Body of `cgi-bin/openapi/rid/get`, made with the token of the account that made the failed
/// call (a platform acting for a merchant uses that merchant's authorizer token).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct RidGetRequest {
    /// The rid from the failed call's `errmsg`.
    pub rid: Rid,
}

impl RidGetRequest {
    /// The rid must have WeChat's shape (else WeChat answers 76002).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        if !self.rid.is_well_formed() {
            f.problem(
                "rid",
                format!(
                    "must be three groups of 8 hex digits like 617682e0-09059ac5-34a8e2ea, got {:?}",
                    self.rid.as_str()
                ),
            );
        }
        f.into_result()
    }
}

/// Response of `openapi/rid/get`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RidInfo {
    /// The call.
    #[serde(default)]
    pub request: RidRequest,
}

/// The call a rid designates, as WeChat recorded it. `request_url` carries the access token
/// that was sent: `Debug` prints it with every token replaced, and so should logs
/// ([`redacted_url`](Self::redacted_url)).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RidRequest {
    /// When the call arrived, Unix seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub invoke_time: i64,
    /// How long WeChat took, in milliseconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub cost_in_ms: i64,
    /// The URL called, query string (and token) included — a secret.
    #[serde(default)]
    pub request_url: String,
    /// The body sent.
    #[serde(default)]
    pub request_body: String,
    /// The JSON WeChat answered.
    #[serde(default)]
    pub response_body: String,
    /// The caller's IP address as WeChat saw it.
    #[serde(default)]
    pub client_ip: String,
}

impl RidRequest {
    /// [`request_url`](Self::request_url) with the value of every `…access_token` parameter
    /// replaced by `<redacted>` (WeChat may record the query string alone, or the whole URL).
    pub fn redacted_url(&self) -> String {
        let url = &self.request_url;
        let (head, query) = match url.split_once('?') {
            Some((head, query)) => (Some(head), query),
            None if url.contains('=') => (None, url.as_str()),
            None => return url.clone(),
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.ends_with("access_token") => format!("{name}=<redacted>"),
                _ => pair.to_owned(),
            })
            .collect();
        match head {
            Some(head) => format!("{head}?{}", pairs.join("&")),
            None => pairs.join("&"),
        }
    }

    /// The `errcode` / `errmsg` of [`response_body`](Self::response_body), if it is an
    /// envelope.
    pub fn response_status(&self) -> Option<ApiStatus> {
        serde_json::from_str(&self.response_body).ok()
    }
}

impl fmt::Debug for RidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RidRequest")
            .field("invoke_time", &self.invoke_time)
            .field("cost_in_ms", &self.cost_in_ms)
            .field("request_url", &self.redacted_url())
            .field("request_body_len", &self.request_body.len())
            .field("response_body", &self.response_body)
            .field("client_ip", &self.client_ip)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Rid, RidGetRequest, RidInfo};
    use crate::envelope::ApiStatus;

    #[test]
    fn rids_are_found_at_the_end_of_messages() {
        let status: ApiStatus =
            serde_json::from_str(r#"{"errcode":40001,"errmsg":"invalid credential rid: 61725984-6126f6f9-040f19c4"}"#)
                .unwrap();
        let rid = status.rid().unwrap();
        assert!(rid.is_well_formed());
        assert_eq!(
            Rid::find_in("x rid:abc-1 trailing").map(|r| r.to_string()).as_deref(),
            Some("abc-1")
        );
        assert_eq!(Rid::find_in("rid: "), None);
        assert!(!Rid::new("617682e0-09059ac5").is_well_formed());
        assert!(RidGetRequest { rid: Rid::new("") }.validate().is_err());
        assert_eq!(RidGetRequest { rid: rid.clone() }.validate(), Ok(()));
    }

    #[test]
    fn debug_never_prints_the_token_of_the_recorded_url() {
        let info: RidInfo = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","request":{"invoke_time":1635156704,"cost_in_ms":30,
               "request_url":"access_token=SECRET-TOKEN&cgi_path=/card/invoice/insert",
               "request_body":"{}","response_body":"{\"errcode\":45009,\"errmsg\":\"reach max api daily quota limit rid: 617682e0-09059ac5-34a8e2ea\"}",
               "client_ip":"1.2.3.4"}}"#,
        )
        .unwrap();
        assert!(!format!("{info:?}").contains("SECRET"));
        assert_eq!(info.request.response_status().map(|s| s.errcode), Some(45009));
        assert_eq!(
            info.request.redacted_url(),
            "access_token=<redacted>&cgi_path=/card/invoice/insert"
        );
        let mut full = info.request.clone();
        full.request_url = "https://api.weixin.qq.com/cgi-bin/x?component_access_token=SECRET&a=1".into();
        assert_eq!(
            full.redacted_url(),
            "https://api.weixin.qq.com/cgi-bin/x?component_access_token=<redacted>&a=1"
        );
    }
}
