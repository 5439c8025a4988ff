//! The management calls of WeChat's open API as [`ApiCall`] values (spec invoice-api-more §4):
//! the authorizer list and options (component token), the three `clear_quota` forms,
//! `openapi/quota/get` and `openapi/rid/get`. [`Component`](crate::Component),
//! [`OfficialAccountTokens`](crate::OfficialAccountTokens) and the invoice client's
//! `openapi(appid)` handle send them; send them yourself with
//! [`Transport::execute`](crate::transport::Transport::execute) for another token source.
//!
//! | call | path | token | repeat |
//! |---|---|---|---|
//! | [`AuthorizerList`] | `cgi-bin/component/api_get_authorizer_list` | component | safe (a read) |
//! | [`GetAuthorizerOption`] | `cgi-bin/component/api_get_authorizer_option` | component | safe |
//! | [`SetAuthorizerOption`] | `cgi-bin/component/api_set_authorizer_option` | component | safe (an overwrite) |
//! | [`ClearQuota`] | `cgi-bin/clear_quota` | the account's own, component or authorizer | never: each reset spends one of 10 a month |
//! | [`ClearQuotaBySecret`] | `cgi-bin/clear_quota/v2` | none (AppSecret) | never |
//! | [`ComponentClearQuota`] | `cgi-bin/component/clear_quota/v2` | none (component AppSecret) | never |
//! | [`QuotaGet`] | `cgi-bin/openapi/quota/get` | the API's owner | safe |
//! | [`RidGet`] | `cgi-bin/openapi/rid/get` | the failed call's account | safe |

use wx_invoice_types::EmptyBody;
use wx_invoice_types::openapi::{
    ApiQuota, AuthorizerListRequest, AuthorizerListResponse, AuthorizerOptionResponse, ClearQuotaBySecretRequest,
    ClearQuotaRequest, ComponentClearQuotaRequest, GetAuthorizerOptionRequest, QuotaGetRequest, RidGetRequest, RidInfo,
    SetAuthorizerOptionRequest,
};

use crate::transport::{ApiCall, CallBody, Repeat, Requirement};

/// Defines a JSON `POST` of a borrowed body to `$path`, answered with `$out`.
macro_rules! open_call {
    (
        $(#[$doc:meta])*
        $name:ident($request:ty) -> $output:ty {
            path: $path:literal,
            repeat: $repeat:expr,
            secrets: |$b:ident| $secrets:expr $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a>(pub &'a $request);

        impl $name<'_> {
            /// The API path.
            pub const PATH: &'static str = $path;
        }

        impl std::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        impl ApiCall for $name<'_> {
            type Output = $output;
            fn path(&self) -> &'static str {
                $path
            }
            fn body(&self) -> Result<CallBody, serde_json::Error> {
                CallBody::json(self.0)
            }
            fn repeat(&self) -> Repeat {
                $repeat
            }
            fn requirement(&self) -> Requirement {
                Requirement::Unchecked
            }
            fn body_secrets(&self) -> [&str; 2] {
                let $b = self.0;
                $secrets
            }
        }
    };
}

open_call! {
    /// C1: one page of the accounts that authorized the platform (component token).
    AuthorizerList(AuthorizerListRequest) -> AuthorizerListResponse {
        path: "/cgi-bin/component/api_get_authorizer_list",
        repeat: Repeat::Safe,
        secrets: |_b| ["", ""],
    }
}

open_call! {
    /// C2: an authorizer option (component token).
    GetAuthorizerOption(GetAuthorizerOptionRequest) -> AuthorizerOptionResponse {
        path: "/cgi-bin/component/api_get_authorizer_option",
        repeat: Repeat::Safe,
        secrets: |_b| ["", ""],
    }
}

open_call! {
    /// C2: sets an authorizer option (component token). Safe to repeat: an overwrite.
    SetAuthorizerOption(SetAuthorizerOptionRequest) -> EmptyBody {
        path: "/cgi-bin/component/api_set_authorizer_option",
        repeat: Repeat::Safe,
        secrets: |_b| ["", ""],
    }
}

open_call! {
    /// C3: resets the daily quotas of the token's account. Never repeated: every reset spends one
    /// of the account's 10 a month.
    ClearQuota(ClearQuotaRequest) -> EmptyBody {
        path: "/cgi-bin/clear_quota",
        repeat: Repeat::Never,
        secrets: |_b| ["", ""],
    }
}

open_call! {
    /// C4: resets an account's daily quotas with its AppSecret, no token (for when the token API
    /// itself is out of quota). Never repeated.
    ClearQuotaBySecret(ClearQuotaBySecretRequest) -> EmptyBody {
        path: "/cgi-bin/clear_quota/v2",
        repeat: Repeat::Never,
        secrets: |b| [b.appsecret.as_str(), ""],
    }
}

open_call! {
    /// C5: resets the platform's (or an authorizer's) daily quotas with the component AppSecret,
    /// no token. Never repeated.
    ComponentClearQuota(ComponentClearQuotaRequest) -> EmptyBody {
        path: "/cgi-bin/component/clear_quota/v2",
        repeat: Repeat::Never,
        secrets: |b| [b.appsecret.as_str(), ""],
    }
}

open_call! {
    /// C6: today's quota of one API, with the token of the account the API belongs to.
    QuotaGet(QuotaGetRequest) -> ApiQuota {
        path: "/cgi-bin/openapi/quota/get",
        repeat: Repeat::Safe,
        secrets: |_b| ["", ""],
    }
}

open_call! {
    /// C7: a failed call by its rid, with the token of the account that made it.
    RidGet(RidGetRequest) -> RidInfo {
        path: "/cgi-bin/openapi/rid/get",
        repeat: Repeat::Safe,
        secrets: |_b| ["", ""],
    }
}
