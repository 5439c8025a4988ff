//! `api_get_authorizer_list` (C1) and the authorizer options (C2).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::validation::{Findings, ValidationErrors};

/// The largest `count` of one `api_get_authorizer_list` page.
pub const AUTHORIZER_LIST_MAX_COUNT: u32 = 500;

/// Body of `cgi-bin/component/api_get_authorizer_list` (component token).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct AuthorizerListRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// Index of the first authorizer of the page (0 for the first page).
    pub offset: u32,
    /// Authorizers per page, 1 to [`AUTHORIZER_LIST_MAX_COUNT`].
    pub count: u32,
}

impl AuthorizerListRequest {
    /// `component_appid` set; `count` from 1 to 500.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("component_appid", &self.component_appid);
        if !(1..=AUTHORIZER_LIST_MAX_COUNT).contains(&self.count) {
            f.problem(
                "count",
                format!("must be 1 to {AUTHORIZER_LIST_MAX_COUNT}, got {}", self.count),
            );
        }
        f.into_result()
    }
}

/// Response of `api_get_authorizer_list`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthorizerListResponse {
    /// How many accounts have authorized the platform.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub total_count: i64,
    /// This page.
    #[serde(default)]
    pub list: Vec<AuthorizerListItem>,
}

/// One authorizer of the list. `Debug` hides the refresh token.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthorizerListItem {
    /// The authorizer's appid.
    pub authorizer_appid: String,
    /// Its `authorizer_refresh_token` — a secret. Some items come without one (then read it
    /// from `api_get_authorizer_info`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When it authorized, Unix seconds.
    #[serde(default, deserialize_with = "lenient::i64_or_numeric_string")]
    pub auth_time: i64,
}

impl fmt::Debug for AuthorizerListItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizerListItem")
            .field("authorizer_appid", &self.authorizer_appid)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .field("auth_time", &self.auth_time)
            .finish()
    }
}

/// An authorizer option (open-platform §4.8). Not invoice-related; listed for completeness of
/// the platform's management calls.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuthorizerOptionName {
    /// `location_report`: `0` off, `1` on entering a session, `2` every 5 s.
    LocationReport,
    /// `voice_recognize`: `0` off, `1` on.
    VoiceRecognize,
    /// `customer_service`: `0` off, `1` on (multi-agent customer service).
    CustomerService,
}

impl AuthorizerOptionName {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LocationReport => "location_report",
            Self::VoiceRecognize => "voice_recognize",
            Self::CustomerService => "customer_service",
        }
    }

    /// The values this option takes.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Self::LocationReport => &["0", "1", "2"],
            Self::VoiceRecognize | Self::CustomerService => &["0", "1"],
        }
    }
}

/// Body of `cgi-bin/component/api_get_authorizer_option` (component token).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct GetAuthorizerOptionRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The authorizer.
    pub authorizer_appid: String,
    /// The option.
    pub option_name: AuthorizerOptionName,
}

/// Body of `cgi-bin/component/api_set_authorizer_option` (component token); the answer is the
/// envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SetAuthorizerOptionRequest {
    /// The platform's appid.
    pub component_appid: String,
    /// The authorizer.
    pub authorizer_appid: String,
    /// The option.
    pub option_name: AuthorizerOptionName,
    /// Its new value (see [`AuthorizerOptionName::values`]).
    pub option_value: String,
}

impl SetAuthorizerOptionRequest {
    /// Both appids set and a value the option takes.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("component_appid", &self.component_appid);
        f.require("authorizer_appid", &self.authorizer_appid);
        let allowed = self.option_name.values();
        if !allowed.contains(&self.option_value.as_str()) {
            f.problem(
                "option_value",
                format!(
                    "{} takes {}, got {:?}",
                    self.option_name.as_str(),
                    allowed.join(", "),
                    self.option_value
                ),
            );
        }
        f.into_result()
    }
}

/// Response of the option read.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthorizerOptionResponse {
    /// The authorizer (absent from the newer call's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
    /// The option, as WeChat names it.
    #[serde(default)]
    pub option_name: String,
    /// Its value, as text (WeChat may send a number).
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub option_value: String,
}

#[cfg(test)]
mod tests {
    use super::{
        AuthorizerListRequest, AuthorizerListResponse, AuthorizerOptionName, AuthorizerOptionResponse,
        SetAuthorizerOptionRequest,
    };

    #[test]
    fn list_items_may_lack_the_refresh_token_which_debug_hides() {
        let page: AuthorizerListResponse = serde_json::from_str(
            r#"{"total_count":"2","list":[{"authorizer_appid":"wxa","refresh_token":"SECRET-RT","auth_time":1558000607},
               {"authorizer_appid":"wxb","auth_time":1558000700}]}"#,
        )
        .unwrap();
        assert_eq!(page.total_count, 2);
        assert_eq!(page.list[1].refresh_token, None);
        assert!(!format!("{page:?}").contains("SECRET"));
        let bad = AuthorizerListRequest {
            component_appid: String::new(),
            offset: 0,
            count: 501,
        };
        assert_eq!(bad.validate().unwrap_err().problems().len(), 2);
    }

    #[test]
    fn option_values_are_checked_and_read_from_numbers() {
        let set = |value: &str| SetAuthorizerOptionRequest {
            component_appid: "c".into(),
            authorizer_appid: "a".into(),
            option_name: AuthorizerOptionName::VoiceRecognize,
            option_value: value.into(),
        };
        assert_eq!(set("1").validate(), Ok(()));
        assert!(set("2").validate().unwrap_err().mentions("option_value"));
        assert_eq!(
            serde_json::to_value(set("1")).unwrap()["option_name"],
            "voice_recognize"
        );
        let read: AuthorizerOptionResponse =
            serde_json::from_str(r#"{"authorizer_appid":"a","option_name":"location_report","option_value":2}"#)
                .unwrap();
        assert_eq!(read.option_value, "2");
    }
}
