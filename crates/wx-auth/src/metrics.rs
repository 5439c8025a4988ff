//! The SDK's metrics, reported through the [`metrics`](https://docs.rs/metrics) facade when the
//! feature `metrics` is on: install any recorder (a Prometheus exporter, StatsD, …) and the
//! SDK's calls, token refreshes, lock waits, store errors and pushes show up in it. Without the
//! feature nothing is recorded and the hooks compile to nothing.
//!
//! The names are in [`names`]; their labels and the alerts worth setting are in the
//! [operations guide](crate::guide::operations). Label values come from closed sets (API paths,
//! error codes, token kinds, event types), so the number of series stays bounded; no label ever
//! holds an appid, a token or any other secret.

use std::time::Duration;

use wx_invoice_types::InvoiceEvent;

use crate::error::AuthError;
use crate::push::{ComponentEvent, PushError};
use crate::store::TokenKind;

/// The metric names.
pub mod names {
    /// Counter: calls to WeChat, by `path`, `errcode` (`0` on success) and `error` (the kind of
    /// failure, `none` on success).
    pub const CALLS: &str = "wx_calls_total";
    /// Histogram (seconds): a call's duration, all attempts and backoffs included, by `path` and
    /// `result` (`ok` / `error`).
    pub const CALL_DURATION: &str = "wx_call_duration_seconds";
    /// Counter: attempts after the first, by `path` and `reason` (`transient`, `failover`,
    /// `token_rejected`).
    pub const RETRIES: &str = "wx_call_retries_total";
    /// Counter: retries that were due but not made, by `path` and `reason` (`budget`,
    /// `deadline`).
    pub const RETRIES_REFUSED: &str = "wx_call_retries_refused_total";
    /// Counter: tokens fetched from WeChat, by `kind` and `result`.
    pub const TOKEN_REFRESHES: &str = "wx_token_refreshes_total";
    /// Counter: a refresh failed and the cached, still unexpired token was used, by `kind`.
    pub const STALE_TOKENS_SERVED: &str = "wx_token_stale_served_total";
    /// Histogram (seconds): time spent waiting for another process's refresh, by `kind` and
    /// `outcome` (`token`, `lock`, `timeout`, `store_down`).
    pub const LOCK_WAIT: &str = "wx_token_lock_wait_seconds";
    /// Counter: token store failures, by `backend` and `kind` (`unavailable`, `corrupt`,
    /// `config`, `not_replicated`).
    pub const STORE_ERRORS: &str = "wx_store_errors_total";
    /// Counter: pushes read, by `url` (`authorization` / `message`), `kind` (the `InfoType` or
    /// `Event`) and `outcome` (`handled`, `accepted`, `duplicate`, `failed`).
    pub const PUSHES: &str = "wx_pushes_total";
    /// Counter: pushes refused as invalid, by `url` and `reason` (`signature`,
    /// `replay_window`, `undecryptable`, `unreadable`).
    pub const PUSHES_REFUSED: &str = "wx_pushes_refused_total";

    /// Every name above.
    pub const ALL: [&str; 10] = [
        CALLS,
        CALL_DURATION,
        RETRIES,
        RETRIES_REFUSED,
        TOKEN_REFRESHES,
        STALE_TOKENS_SERVED,
        LOCK_WAIT,
        STORE_ERRORS,
        PUSHES,
        PUSHES_REFUSED,
    ];
}

/// Describes every metric to the installed recorder (units and help texts, e.g. Prometheus'
/// `# HELP`). Call it once after installing the recorder; metrics are recorded without it too.
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub fn describe() {
    use ::metrics::{Unit, describe_counter, describe_histogram};
    describe_counter!(names::CALLS, "Calls to WeChat, by path, errcode and kind of error");
    describe_histogram!(
        names::CALL_DURATION,
        Unit::Seconds,
        "Duration of a call to WeChat, retries included"
    );
    describe_counter!(names::RETRIES, "Attempts of a call after its first");
    describe_counter!(
        names::RETRIES_REFUSED,
        "Retries due but refused by the budget or the deadline"
    );
    describe_counter!(names::TOKEN_REFRESHES, "Tokens fetched from WeChat");
    describe_counter!(
        names::STALE_TOKENS_SERVED,
        "Refreshes that failed while an unexpired cached token was used"
    );
    describe_histogram!(
        names::LOCK_WAIT,
        Unit::Seconds,
        "Time waited for another process's refresh"
    );
    describe_counter!(names::STORE_ERRORS, "Token store failures");
    describe_counter!(names::PUSHES, "Pushes from WeChat read, by URL, kind and outcome");
    describe_counter!(names::PUSHES_REFUSED, "Pushes refused as invalid, by URL and reason");
}

/// When a measured span began (nothing without the feature).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Started(#[cfg(feature = "metrics")] std::time::Instant);

#[inline]
pub(crate) fn start() -> Started {
    Started(
        #[cfg(feature = "metrics")]
        std::time::Instant::now(),
    )
}

#[cfg(feature = "metrics")]
fn secs(started: Started) -> f64 {
    started.0.elapsed().as_secs_f64()
}

/// Why another attempt of a call was made.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Retry {
    /// A transient failure, after a backoff.
    Transient,
    /// The host could not be connected to; the next host is tried at once.
    Failover,
    /// WeChat rejected the token; sent once more with a fresh one.
    TokenRejected,
    /// A retry was due but the retry budget refused it.
    RefusedByBudget,
    /// A retry was due but could not finish before the call's deadline.
    RefusedByDeadline,
}

/// One call through the transport ended.
#[inline]
pub(crate) fn call_finished<T>(path: &'static str, result: &Result<T, AuthError>, started: Started) {
    #[cfg(feature = "metrics")]
    {
        let (errcode, error) = match result {
            Ok(_) => ("0".to_owned(), "none"),
            Err(e) => (
                e.errcode().map_or_else(|| "none".to_owned(), |c| c.to_string()),
                error_kind(e),
            ),
        };
        let outcome = if result.is_ok() { "ok" } else { "error" };
        ::metrics::counter!(names::CALLS, "path" => path, "errcode" => errcode, "error" => error).increment(1);
        ::metrics::histogram!(names::CALL_DURATION, "path" => path, "result" => outcome).record(secs(started));
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (path, result, started);
}

#[cfg(feature = "metrics")]
fn error_kind(e: &AuthError) -> &'static str {
    match e {
        AuthError::Api { .. } => "errcode",
        AuthError::QuotaExhausted { .. } => "quota",
        AuthError::Timeout { .. } => "timeout",
        AuthError::Network { .. } => "network",
        AuthError::HttpStatus { .. } => "http_status",
        AuthError::Redirected { .. } => "redirect",
        AuthError::Decode { .. } | AuthError::BodyTooLarge { .. } => "bad_answer",
        AuthError::Store(_) => "store",
        AuthError::Config(_) => "config",
        _ => "credential",
    }
}

/// Another attempt of a call (or one refused).
#[inline]
pub(crate) fn retry(path: &'static str, why: Retry) {
    #[cfg(feature = "metrics")]
    {
        let (name, reason) = match why {
            Retry::Transient => (names::RETRIES, "transient"),
            Retry::Failover => (names::RETRIES, "failover"),
            Retry::TokenRejected => (names::RETRIES, "token_rejected"),
            Retry::RefusedByBudget => (names::RETRIES_REFUSED, "budget"),
            Retry::RefusedByDeadline => (names::RETRIES_REFUSED, "deadline"),
        };
        ::metrics::counter!(name, "path" => path, "reason" => reason).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (path, why);
}

/// A token was fetched from WeChat (the refresh closure ran), successfully or not.
#[inline]
pub(crate) fn token_refreshed<T>(kind: TokenKind, result: &Result<T, AuthError>) {
    #[cfg(feature = "metrics")]
    {
        let outcome = if result.is_ok() { "ok" } else { "error" };
        ::metrics::counter!(names::TOKEN_REFRESHES, "kind" => kind.as_str(), "result" => outcome).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (kind, result);
}

/// A refresh failed and the cached token, not yet expired, was handed out instead.
#[inline]
pub(crate) fn stale_token_served(kind: TokenKind) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(names::STALE_TOKENS_SERVED, "kind" => kind.as_str()).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = kind;
}

/// A caller waited for another holder of the refresh lock; `outcome`: `token` (the other
/// holder's token appeared), `lock` (the lock became free and this caller refreshed),
/// `timeout` (it gave up) or `store_down` (it refreshed on its own).
#[inline]
pub(crate) fn lock_waited(kind: TokenKind, outcome: &'static str, waited: Duration) {
    #[cfg(feature = "metrics")]
    ::metrics::histogram!(names::LOCK_WAIT, "kind" => kind.as_str(), "outcome" => outcome).record(waited.as_secs_f64());
    #[cfg(not(feature = "metrics"))]
    let _ = (kind, outcome, waited);
}

/// A token store failed (`kind`: `unavailable`, `corrupt`, `config`, `not_replicated`).
#[inline]
pub(crate) fn store_error(backend: &'static str, kind: &'static str) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(names::STORE_ERRORS, "backend" => backend, "kind" => kind).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = (backend, kind);
}

/// Which push URL.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PushUrl {
    /// The authorization-event URL.
    Authorization,
    /// The message URL.
    Message,
}

#[cfg(feature = "metrics")]
impl PushUrl {
    fn as_str(self) -> &'static str {
        match self {
            PushUrl::Authorization => "authorization",
            PushUrl::Message => "message",
        }
    }
}

/// A push was read; `kind` its `InfoType` or `Event` (from a closed set), `outcome`: `handled`
/// (acted on), `accepted` (handed to the application), `duplicate` (already handled:
/// acknowledged without acting again) or `failed` (could not be acted on yet).
#[inline]
pub(crate) fn push(url: PushUrl, kind: &'static str, outcome: &'static str) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(names::PUSHES, "url" => url.as_str(), "kind" => kind, "outcome" => outcome).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = (url, kind, outcome);
}

/// A push was refused as invalid.
#[inline]
pub(crate) fn push_refused(url: PushUrl, error: &PushError) {
    #[cfg(feature = "metrics")]
    {
        use crate::crypto::CryptoError;
        let reason = match error {
            PushError::OutsideReplayWindow { .. } | PushError::InvalidTimestamp => "replay_window",
            PushError::Crypto(CryptoError::BadSignature) | PushError::MissingMsgSignature => "signature",
            PushError::Crypto(_) | PushError::UnsupportedEncryptType { .. } => "undecryptable",
            _ => "unreadable",
        };
        ::metrics::counter!(names::PUSHES_REFUSED, "url" => url.as_str(), "reason" => reason).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (url, error);
}

/// A decrypted message that is not a readable event was refused.
#[inline]
pub(crate) fn push_unreadable(url: PushUrl) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(names::PUSHES_REFUSED, "url" => url.as_str(), "reason" => "unreadable").increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = url;
}

/// The `kind` label of a component push.
pub(crate) fn component_kind(event: &ComponentEvent) -> &'static str {
    match event {
        ComponentEvent::VerifyTicket { .. } => "component_verify_ticket",
        ComponentEvent::Authorized(_) => "authorized",
        ComponentEvent::UpdateAuthorized(_) => "updateauthorized",
        ComponentEvent::Unauthorized { .. } => "unauthorized",
        _ => "other",
    }
}

/// The `kind` label of a message push.
pub(crate) fn message_kind(event: &InvoiceEvent) -> &'static str {
    match event {
        InvoiceEvent::UserAuthorizeInvoice(_) => "user_authorize_invoice",
        InvoiceEvent::UpdateInvoiceStatus(_) => "update_invoice_status",
        InvoiceEvent::SubmitInvoiceTitle(_) => "submit_invoice_title",
        _ => "other",
    }
}
