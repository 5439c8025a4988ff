//! [`AuthError`]: everything that can go wrong while obtaining a credential or calling WeChat.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    /// WeChat answered that a daily quota is used up (45009 for an API, 72057 for inserts).
    /// Never retried: a retry before the quota clears only fails again.
    #[error(
        "WeChat refused {path} with errcode {errcode}: {errmsg} (a daily quota is used up); it clears at {} (midnight China time) — do not retry before then, or reset it with clear_quota (10 resets per account per month)",
        utc_time(*clears_at)
    )]
    QuotaExhausted {
        /// The API path.
        path: String,
        /// WeChat's error code (45009 or 72057).
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
        /// When the quota clears: the next midnight in China (UTC+8) after the answer.
        clears_at: SystemTime,
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
    /// The answer was a redirect (or, with a user-supplied `http_client` that follows redirects,
    /// came from another URL). WeChat never redirects API calls; following one would send the
    /// token or secret of the request to the host it names, so the answer is refused.
    #[error(
        "{path} answered with a redirect{}, which WeChat never sends; it was not followed (that would send the credential to another host) — check api_base and any proxy in between, and give the builder an http_client with redirects disabled",
        redirect_status(*status)
    )]
    Redirected {
        /// The API path.
        path: String,
        /// The 3xx status, or `None` when the HTTP client followed the redirect itself.
        status: Option<u16>,
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
    /// WeCom: no corpsecret was configured for this corpid.
    #[error(
        "no corpsecret is configured for the WeCom enterprise {corpid}; add it with WecomTokens::builder().corp(..)"
    )]
    UnknownCorp {
        /// The corpid.
        corpid: String,
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

fn redirect_status(status: Option<u16>) -> String {
    match status {
        Some(status) => format!(" (HTTP {status})"),
        None => " that the HTTP client followed".to_owned(),
    }
}

/// The next midnight in China (UTC+8, no daylight saving) strictly after `now`.
pub(crate) fn china_midnight_after(now: SystemTime) -> SystemTime {
    const DAY: u64 = 86_400;
    const OFFSET: u64 = 8 * 3600;
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let next_local_day = (secs + OFFSET) / DAY + 1;
    UNIX_EPOCH + Duration::from_secs((next_local_day * DAY).saturating_sub(OFFSET))
}

/// `t` as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_time(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
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
            AuthError::Api { errcode, .. } | AuthError::QuotaExhausted { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// The catalogue class of WeChat's error code, if there is one and it is known.
    pub fn class(&self) -> Option<ErrorClass> {
        self.errcode().and_then(error_code::lookup).map(|info| info.class)
    }

    /// Whether WeChat rejected the access token itself (class `RefreshToken`: 40001, 40014,
    /// 42001): drop it, fetch a fresh one and retry once.
    pub fn is_token_invalid(&self) -> bool {
        self.class() == Some(ErrorClass::RefreshToken)
    }

    /// Whether retrying the same call later may succeed: timeouts, network failures, HTTP 5xx
    /// or 429 from a proxy, WeChat's transient codes (class `Retry`), a store outage. Quotas are
    /// not: see [`quota_clears_at`](Self::quota_clears_at).
    pub fn is_retryable(&self) -> bool {
        match self {
            AuthError::Timeout { .. } | AuthError::Network { .. } => true,
            AuthError::HttpStatus { status, .. } => is_transient_status(*status),
            AuthError::Api { .. } => self.class().is_some_and(ErrorClass::is_transient),
            AuthError::Store(e) => e.is_unavailable(),
            _ => false,
        }
    }

    /// When the daily quota WeChat said is used up clears, for [`AuthError::QuotaExhausted`].
    pub fn quota_clears_at(&self) -> Option<SystemTime> {
        match self {
            AuthError::QuotaExhausted { clears_at, .. } => Some(*clears_at),
            _ => None,
        }
    }

    /// Whether the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, AuthError::Timeout { .. })
    }

    /// Whether the answer was a redirect, which the SDK refuses.
    pub fn is_redirect(&self) -> bool {
        matches!(self, AuthError::Redirected { .. })
    }

    /// Whether the request handed to [`handle_push`](crate::Component::handle_push),
    /// [`accept_message`](crate::Component::accept_message) or
    /// [`open_message`](crate::Component::open_message) was not a valid push: a bad signature
    /// or encryption, a timestamp outside the replay window, an unreadable payload.
    ///
    /// Answer such a request with **HTTP 400**: it did not come from WeChat, or cannot be read
    /// however often it is sent. Any other error from those methods means the push could not be
    /// acted on yet (WeChat or the store unreachable): answer 503 so that WeChat delivers it
    /// again.
    pub fn is_invalid_push(&self) -> bool {
        matches!(self, AuthError::Push(_) | AuthError::Event(_))
    }
}

/// HTTP statuses worth retrying: server errors and "too many requests".
pub(crate) fn is_transient_status(status: u16) -> bool {
    status >= 500 || status == 429
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_clears_at_the_next_china_midnight() {
        // 2024-05-01T10:00:00Z is 18:00 in China: clears at 2024-05-01T16:00:00Z.
        let t = UNIX_EPOCH + Duration::from_secs(1_714_557_600);
        let clears = china_midnight_after(t);
        assert_eq!(utc_time(clears), "2024-05-01T16:00:00Z");
        // 2024-05-01T17:00:00Z is already 01:00 on May 2nd in China.
        let t = UNIX_EPOCH + Duration::from_secs(1_714_582_800);
        assert_eq!(utc_time(china_midnight_after(t)), "2024-05-02T16:00:00Z");
        // Exactly midnight: the next one.
        assert_eq!(utc_time(china_midnight_after(clears)), "2024-05-02T16:00:00Z");
        assert_eq!(
            utc_time(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn quota_errors_say_when_they_clear_and_are_not_retryable() {
        let e = AuthError::QuotaExhausted {
            path: "/card/invoice/insert".into(),
            errcode: 72057,
            errmsg: "today insert limit".into(),
            clears_at: UNIX_EPOCH + Duration::from_secs(1_714_579_200),
        };
        assert!(e.to_string().contains("clears at 2024-05-01T16:00:00Z"), "{e}");
        assert!(!e.is_retryable());
        assert_eq!(e.errcode(), Some(72057));
        assert_eq!(e.class(), Some(ErrorClass::Quota));
    }

    #[test]
    fn only_push_and_event_errors_mean_an_invalid_push() {
        use crate::crypto::CryptoError;
        use crate::push::PushError;
        assert!(AuthError::Push(PushError::Crypto(CryptoError::BadSignature)).is_invalid_push());
        assert!(AuthError::Push(PushError::MissingMsgSignature).is_invalid_push());
        assert!(AuthError::Event("no MsgType".into()).is_invalid_push());
        for not_the_pushs_fault in [
            AuthError::Store(StoreError::unavailable("redis", "connection refused")),
            AuthError::Timeout {
                path: "/cgi-bin/component/api_query_auth".into(),
            },
            AuthError::Api {
                path: "/cgi-bin/component/api_query_auth".into(),
                errcode: -1,
                errmsg: "system error".into(),
            },
        ] {
            assert!(!not_the_pushs_fault.is_invalid_push(), "{not_the_pushs_fault:?}");
        }
    }
}
