//! Quota resets (`clear_quota` in its three forms, C3–C5) and today's quota of one API
//! (`openapi/quota/get`, C6).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::validation::{Findings, ValidationErrors};

/// Quota resets an account may make per month, counted across `clear_quota` and both `v2`
/// forms together (48006 beyond). A reset a platform makes for a merchant spends the
/// merchant's budget.
pub const QUOTA_RESETS_PER_MONTH: u32 = 10;

/// Body of `cgi-bin/clear_quota?access_token=…` (C3): resets the daily quotas of the
/// token's own account — the account's own token, the component token (the platform's own
/// quotas) or an authorizer token (a merchant's, on its behalf). `appid` must be that
/// account's (else 40013).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ClearQuotaRequest {
    /// The account whose quotas are reset.
    pub appid: String,
}

/// Body of `cgi-bin/clear_quota/v2` (C4), sent without a token, for when the token API itself
/// is out of quota: the account's appid and AppSecret. Not for third-party platforms. `Debug`
/// hides the secret.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct ClearQuotaBySecretRequest {
    /// The account.
    pub appid: String,
    /// Its AppSecret.
    pub appsecret: String,
}

impl fmt::Debug for ClearQuotaBySecretRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClearQuotaBySecretRequest")
            .field("appid", &self.appid)
            .field("appsecret", &"<redacted>")
            .finish()
    }
}

/// Body of `cgi-bin/component/clear_quota/v2` (C5), sent without a token: the platform's
/// appid and AppSecret, and optionally an authorized account to reset on its behalf (without
/// `appid`, the platform's own quotas, such as `api_component_token`'s). `Debug` hides the
/// secret.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct ComponentClearQuotaRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The platform's AppSecret.
    pub appsecret: String,
    /// An authorizer to reset instead of the platform itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
}

impl fmt::Debug for ComponentClearQuotaRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentClearQuotaRequest")
            .field("component_appid", &self.component_appid)
            .field("appsecret", &"<redacted>")
            .field("appid", &self.appid)
            .finish()
    }
}

/// Body of `cgi-bin/openapi/quota/get` (C6), made with the token of the account the API
/// belongs to.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct QuotaGetRequest {
    /// The API path without host or query, with its leading `/`, e.g. `/card/invoice/insert`.
    pub cgi_path: String,
}

impl QuotaGetRequest {
    /// Today's quota of `cgi_path`.
    pub fn new(cgi_path: impl Into<String>) -> Self {
        Self {
            cgi_path: cgi_path.into(),
        }
    }

    /// A path starting with `/`, without host or query, and not an `/sns/` API (which WeChat
    /// does not count).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        let path = &self.cgi_path;
        if !path.starts_with('/') || path.contains('?') || path.contains("://") {
            f.problem(
                "cgi_path",
                format!("must be an API path such as /card/invoice/insert (no host, no query), got {path:?}"),
            );
        } else if path.contains("/sns/") {
            f.problem("cgi_path", "sns APIs have no quota to query");
        }
        f.into_result()
    }
}

/// Response of `openapi/quota/get`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ApiQuota {
    /// Today's counts.
    #[serde(default)]
    pub quota: QuotaCounts,
    /// The account's own call-frequency window, where WeChat reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The window for calls a platform makes on the account's behalf, where reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_rate_limit: Option<RateLimit>,
}

/// `quota` of [`ApiQuota`]: calls allowed, made and left today.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QuotaCounts {
    /// Calls allowed today.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub daily_limit: i64,
    /// Calls made today.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub used: i64,
    /// Calls left today.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub remain: i64,
}

/// A call-frequency window: `call_count` calls per `refresh_second` seconds.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Calls allowed in the window.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub call_count: i64,
    /// The window, in seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub refresh_second: i64,
}

#[cfg(test)]
mod tests {
    use super::{ApiQuota, ClearQuotaBySecretRequest, ComponentClearQuotaRequest, QuotaGetRequest};

    #[test]
    fn secrets_stay_out_of_debug_and_appid_is_optional() {
        let c4 = ClearQuotaBySecretRequest {
            appid: "wxa".into(),
            appsecret: "SECRET-1".into(),
        };
        let c5 = ComponentClearQuotaRequest {
            component_appid: "wxc".into(),
            appsecret: "SECRET-2".into(),
            appid: None,
        };
        assert!(!format!("{c4:?} {c5:?}").contains("SECRET"));
        assert!(serde_json::to_value(&c5).unwrap().get("appid").is_none());
    }

    #[test]
    fn paths_are_checked_and_rate_limits_optional() {
        assert_eq!(QuotaGetRequest::new("/card/invoice/insert").validate(), Ok(()));
        for bad in [
            "card/invoice/insert",
            "/x?access_token=1",
            "https://api.weixin.qq.com/x",
            "/sns/oauth2/access_token",
        ] {
            assert!(QuotaGetRequest::new(bad).validate().is_err(), "{bad}");
        }
        let q: ApiQuota = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","quota":{"daily_limit":10000000,"used":3,"remain":9999997},
               "rate_limit":{"call_count":5000,"refresh_second":60}}"#,
        )
        .unwrap();
        assert_eq!(q.quota.remain, 9_999_997);
        assert_eq!(q.rate_limit.map(|r| r.refresh_second), Some(60));
        assert_eq!(q.component_rate_limit, None);
    }
}
