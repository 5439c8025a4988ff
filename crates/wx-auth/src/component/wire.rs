//! Wire shapes of the component (third-party platform) APIs, open-platform spec §4, with
//! their paths. Each body is the call itself: an [`ApiCall`] that knows its path, answer and
//! whether repeating it is harmless.

use serde::{Deserialize, Serialize};

use crate::transport::{ApiCall, CallBody, Repeat, Requirement};

/// Implements [`ApiCall`] for a component body: a JSON `POST` to `$path` answered with `$out`,
/// no permission set involved.
macro_rules! component_call {
    ($body:ident, $path:expr, $out:ty, $repeat:expr) => {
        component_call!($body, $path, $out, $repeat, |_b| ["", ""]);
    };
    ($body:ident, $path:expr, $out:ty, $repeat:expr, |$b:ident| $secrets:expr) => {
        impl ApiCall for $body<'_> {
            type Output = $out;
            fn path(&self) -> &'static str {
                $path
            }
            fn body(&self) -> Result<CallBody, serde_json::Error> {
                CallBody::json(self)
            }
            fn repeat(&self) -> Repeat {
                $repeat
            }
            fn requirement(&self) -> Requirement {
                Requirement::Unchecked
            }
            fn body_secrets(&self) -> [&str; 2] {
                let $b = self;
                $secrets
            }
        }
    };
}

/// `POST /cgi-bin/component/api_component_token` (no token in the query).
pub(crate) const COMPONENT_TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";

#[derive(Serialize)]
pub(crate) struct ComponentTokenBody<'a> {
    pub component_appid: &'a str,
    pub component_appsecret: &'a str,
    pub component_verify_ticket: &'a str,
}

// A token fetch: a repeat mints another token, and the previous one stays valid for a while.
component_call!(
    ComponentTokenBody,
    COMPONENT_TOKEN_PATH,
    ComponentTokenResponse,
    Repeat::Safe,
    |b| [b.component_appsecret, b.component_verify_ticket]
);

#[derive(Deserialize)]
pub(crate) struct ComponentTokenResponse {
    pub component_access_token: String,
    pub expires_in: crate::Lifetime,
}

/// `POST /cgi-bin/component/api_create_preauthcode`.
pub(crate) const PRE_AUTH_CODE_PATH: &str = "/cgi-bin/component/api_create_preauthcode";

#[derive(Serialize)]
pub(crate) struct PreAuthCodeBody<'a> {
    pub component_appid: &'a str,
}

// A repeat only mints another single-use code; the unused one expires on its own.
component_call!(PreAuthCodeBody, PRE_AUTH_CODE_PATH, PreAuthCodeResponse, Repeat::Safe);

#[derive(Deserialize)]
pub(crate) struct PreAuthCodeResponse {
    pub pre_auth_code: String,
    pub expires_in: crate::Lifetime,
}

/// `POST /cgi-bin/component/api_query_auth`.
pub(crate) const QUERY_AUTH_PATH: &str = "/cgi-bin/component/api_query_auth";

#[derive(Serialize)]
pub(crate) struct QueryAuthBody<'a> {
    pub component_appid: &'a str,
    pub authorization_code: &'a str,
}

// Reads the authorization the code stands for; a code is exchanged twice anyway (redirect and
// push), and a refresh token lost to an unanswered attempt is recovered through
// api_get_authorizer_list.
component_call!(QueryAuthBody, QUERY_AUTH_PATH, QueryAuthResponse, Repeat::Safe, |b| [
    b.authorization_code,
    ""
]);

#[derive(Deserialize)]
pub(crate) struct QueryAuthResponse {
    pub authorization_info: AuthorizationInfo,
}

/// `authorization_info` of `api_query_auth` and `api_get_authorizer_info`.
#[derive(Deserialize)]
pub(crate) struct AuthorizationInfo {
    #[serde(alias = "appid")]
    pub authorizer_appid: String,
    #[serde(default)]
    pub authorizer_access_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<crate::Lifetime>,
    #[serde(default)]
    pub authorizer_refresh_token: Option<String>,
    #[serde(default)]
    pub func_info: Vec<FuncInfo>,
}

#[derive(Deserialize)]
pub(crate) struct FuncInfo {
    pub funcscope_category: FuncScope,
}

#[derive(Deserialize)]
pub(crate) struct FuncScope {
    pub id: u32,
}

impl AuthorizationInfo {
    pub fn permission_sets(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self.func_info.iter().map(|f| f.funcscope_category.id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// `POST /cgi-bin/component/api_authorizer_token`.
pub(crate) const AUTHORIZER_TOKEN_PATH: &str = "/cgi-bin/component/api_authorizer_token";

#[derive(Serialize)]
pub(crate) struct AuthorizerTokenBody<'a> {
    pub component_appid: &'a str,
    pub authorizer_appid: &'a str,
    pub authorizer_refresh_token: &'a str,
}

// A token refresh. If an unanswered attempt rotated the refresh token, the repeat gets 61023,
// which the refresh recovers from through api_get_authorizer_list.
component_call!(
    AuthorizerTokenBody,
    AUTHORIZER_TOKEN_PATH,
    AuthorizerTokenResponse,
    Repeat::Safe,
    |b| [b.authorizer_refresh_token, ""]
);

#[derive(Deserialize)]
pub(crate) struct AuthorizerTokenResponse {
    pub authorizer_access_token: String,
    pub expires_in: crate::Lifetime,
    #[serde(default)]
    pub authorizer_refresh_token: Option<String>,
}

/// `POST /cgi-bin/component/api_get_authorizer_info`.
pub(crate) const AUTHORIZER_INFO_PATH: &str = "/cgi-bin/component/api_get_authorizer_info";

#[derive(Serialize)]
pub(crate) struct AuthorizerInfoBody<'a> {
    pub component_appid: &'a str,
    pub authorizer_appid: &'a str,
}

// A read.
component_call!(
    AuthorizerInfoBody,
    AUTHORIZER_INFO_PATH,
    AuthorizerInfoResponse,
    Repeat::Safe
);

#[derive(Deserialize)]
pub(crate) struct AuthorizerInfoResponse {
    #[serde(default)]
    pub authorizer_info: crate::component::AuthorizerProfile,
    pub authorization_info: AuthorizationInfo,
}

/// `POST /cgi-bin/component/api_get_authorizer_list`.
pub(crate) const AUTHORIZER_LIST_PATH: &str = "/cgi-bin/component/api_get_authorizer_list";

#[derive(Serialize)]
pub(crate) struct AuthorizerListBody<'a> {
    pub component_appid: &'a str,
    pub offset: u32,
    pub count: u32,
}

// A read.
component_call!(
    AuthorizerListBody,
    AUTHORIZER_LIST_PATH,
    AuthorizerListResponse,
    Repeat::Safe
);

#[derive(Deserialize)]
pub(crate) struct AuthorizerListResponse {
    pub total_count: u32,
    #[serde(default)]
    pub list: Vec<AuthorizerListEntry>,
}

#[derive(Deserialize)]
pub(crate) struct AuthorizerListEntry {
    pub authorizer_appid: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// `POST /cgi-bin/component/api_start_push_ticket` (no token; note `component_secret`).
pub(crate) const START_PUSH_TICKET_PATH: &str = "/cgi-bin/component/api_start_push_ticket";

#[derive(Serialize)]
pub(crate) struct StartPushTicketBody<'a> {
    pub component_appid: &'a str,
    pub component_secret: &'a str,
}

// Asking again for the pushes to restart is harmless.
component_call!(StartPushTicketBody, START_PUSH_TICKET_PATH, Empty, Repeat::Safe, |b| [
    b.component_secret,
    ""
]);

/// Responses that carry only the envelope.
#[derive(Deserialize)]
pub(crate) struct Empty {}
