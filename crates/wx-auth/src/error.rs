//! [`AuthError`]: everything that can go wrong while obtaining a credential or calling WeChat.

use wx_invoice_types::error_code::{self, ErrorClass};

use crate::store::StoreError;

/// The error type of this crate.
///
/// Messages name the WeChat API path (never the query string, which carries the token) and say
/// what to do next. No variant ever holds an access token, app secret, refresh token or AES key.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// WeChat answered with a non-zero `errcode`.
    #[error("WeChat rejected {path} with errcode {errcode}: {errmsg}{}", explain(*errcode))]
    Api {
        /// The API path, e.g. `/cgi-bin/component/api_authorizer_token`.
        path: String,
        /// WeChat's error code.
        errcode: i64,
        /// WeChat's message (keep it for support tickets: it carries the `rid`).
        errmsg: String,
    },
    /// The call did not complete within the configured timeout.
    #[error("{path} timed out; WeChat or the network is slow — retry later, or raise the timeout on the builder")]
    Timeout {
        /// The API path.
        path: String,
    },
    /// The request could not be sent or the response could not be read.
    #[error("could not reach WeChat for {path}: {detail}; check connectivity and the configured api_base")]
    Network {
        /// The API path.
        path: String,
        /// What failed (stripped of the URL).
        detail: String,
    },
    /// WeChat (or a proxy in front of it) answered with a non-200 HTTP status.
    #[error(
        "{path} answered HTTP {status}; WeChat answers 200 even on errors, so a proxy or gateway is likely in the way — retry later"
    )]
    HttpStatus {
        /// The API path.
        path: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The response was not the JSON this call expects (an HTML error page, garbage, a
    /// missing field).
    #[error("{path} answered a body this SDK cannot read ({detail}); retry later, and report it if it persists")]
    Decode {
        /// The API path.
        path: String,
        /// What was wrong with the body.
        detail: String,
    },
    /// The response body exceeded the configured size bound.
    #[error("{path} answered more than {limit} bytes, which no WeChat API does; the response was dropped")]
    BodyTooLarge {
        /// The API path.
        path: String,
        /// The bound, in bytes.
        limit: usize,
    },
    /// No `component_verify_ticket` has been received yet, so no component token can be minted.
    #[error(
        "no component_verify_ticket stored for component {component_appid}; WeChat pushes one every 10 minutes to the authorization event URL — wire handle_push there, or call set_verify_ticket (api_start_push_ticket restarts the pushes)"
    )]
    NoVerifyTicket {
        /// The component appid.
        component_appid: String,
    },
    /// The authorizer is not known: no authorization was ever stored for it.
    #[error(
        "authorizer {appid} is not known to this platform; run query_auth with its authorization code, or import_authorizer with its refresh token"
    )]
    UnknownAuthorizer {
        /// The authorizer appid.
        appid: String,
    },
    /// Direct mode: no AppSecret was configured for this appid.
    #[error("no AppSecret is configured for {appid}; add it with OfficialAccountTokens::builder().account(..)")]
    UnknownAccount {
        /// The appid.
        appid: String,
    },
    /// The merchant revoked the authorization (an `unauthorized` push was received).
    #[error(
        "authorizer {appid} revoked its authorization of this platform; the merchant must authorize again before any call can be made"
    )]
    AuthorizationRevoked {
        /// The authorizer appid.
        appid: String,
    },
    /// The stored refresh token was rejected (61023) and could not be recovered.
    #[error(
        "the refresh token of authorizer {appid} is no longer valid and could not be recovered through api_get_authorizer_list; the merchant must authorize again"
    )]
    ReauthorizationRequired {
        /// The authorizer appid.
        appid: String,
    },
    /// Another process holds the refresh lock for too long, or (read-only mode) no refresher
    /// wrote a fresh token in time.
    #[error(
        "no fresh {what} for {appid} appeared within {waited_ms} ms; check that the token refresher is running and can reach WeChat"
    )]
    RefreshTimeout {
        /// What was awaited (e.g. `authorizer_access_token`).
        what: &'static str,
        /// The appid.
        appid: String,
        /// How long this caller waited.
        waited_ms: u64,
    },
    /// The task refreshing a credential ended without an answer (it panicked; the panic was
    /// logged). The lock it held was released.
    #[error(
        "the refresh of the {what} for {appid} stopped unexpectedly (see the logged panic); retry the call, and report the panic — it is a bug"
    )]
    RefreshAborted {
        /// What was being refreshed.
        what: &'static str,
        /// The appid.
        appid: String,
    },
    /// A push could not be verified, decrypted or parsed.
    #[error(transparent)]
    Push(#[from] crate::push::PushError),
    /// A decrypted message is not an event this SDK can read.
    #[error("the pushed message is not a readable event ({0}); keep the raw body for investigation")]
    Event(String),
    /// The token store failed and there was no way around it.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The SDK was configured with invalid settings.
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn explain(errcode: i64) -> String {
    match error_code::lookup(errcode) {
        Some(info) => format!(" ({}; {})", info.meaning, info.class.what_to_do()),
        None => String::new(),
    }
}

impl AuthError {
    /// WeChat's error code, where WeChat answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            AuthError::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// The catalogue class of WeChat's error code, if there is one and it is known.
    pub fn class(&self) -> Option<ErrorClass> {
        self.errcode().and_then(error_code::lookup).map(|info| info.class)
    }

    /// Whether WeChat rejected the access token itself (40001, 40014, 42001): drop it, fetch a
    /// fresh one and retry once.
    pub fn is_token_invalid(&self) -> bool {
        matches!(self.errcode(), Some(40001 | 40014 | 42001))
    }

    /// Whether retrying the same call later may succeed (timeouts, network failures, WeChat
    /// busy codes, HTTP errors from a proxy).
    pub fn is_retryable(&self) -> bool {
        match self {
            AuthError::Timeout { .. } | AuthError::Network { .. } | AuthError::HttpStatus { .. } => true,
            AuthError::Api { .. } => self.class() == Some(ErrorClass::Retry),
            AuthError::Store(e) => e.is_unavailable(),
            _ => false,
        }
    }

    /// Whether the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, AuthError::Timeout { .. })
    }
}
