//! The three routes' handlers, and the set of message pushes whose callback is still running.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ::axum::body::Bytes;
use ::axum::extract::rejection::QueryRejection;
use ::axum::extract::{Path, Query, RawQuery, State};
use ::axum::http::StatusCode;
use ::axum::http::header::CONTENT_TYPE;
use ::axum::response::{IntoResponse, Response};
use serde::Deserialize;
use wx_invoice_types::error_code::ErrorClass;

use super::{AuthorizedCallback, AuthorizedRedirect, InvoiceCallback, InvoicePush};
use crate::component::{AcceptedMessage, Durability};
use crate::push::{PushQuery, SUCCESS_REPLY};
use crate::{AuthError, Component};

/// What identifies a push however it was re-encrypted.
type Digest = [u8; 20];

pub(super) struct Shared {
    component: Component,
    on_invoice_event: Option<InvoiceCallback>,
    on_authorized: Option<AuthorizedCallback>,
    answer_within: Duration,
    /// Message pushes whose callback is running: a redelivery of one is answered 503.
    in_flight: Mutex<HashSet<Digest>>,
}

impl Shared {
    pub(super) fn new(
        component: Component,
        on_invoice_event: Option<InvoiceCallback>,
        on_authorized: Option<AuthorizedCallback>,
        answer_within: Duration,
    ) -> Self {
        Self {
            component,
            on_invoice_event,
            on_authorized,
            answer_within,
            in_flight: Mutex::new(HashSet::new()),
        }
    }

    /// Marks `digest` in flight; `false` when it already was.
    fn begin(&self, digest: Digest) -> bool {
        // The set is consistent after every operation: a panic elsewhere cannot corrupt it.
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(digest)
    }

    fn end(&self, digest: &Digest) {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(digest);
    }
}

/// Takes a push out of the in-flight set when the task handling it ends, however it ends.
struct InFlight {
    shared: Arc<Shared>,
    digest: Digest,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.shared.end(&self.digest);
    }
}

fn text(status: StatusCode, body: &'static str) -> Response {
    (status, [(CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn success() -> Response {
    text(StatusCode::OK, SUCCESS_REPLY)
}

fn invalid_push() -> Response {
    text(StatusCode::BAD_REQUEST, "invalid push")
}

fn try_again() -> Response {
    text(StatusCode::SERVICE_UNAVAILABLE, "not handled yet; deliver again")
}

/// The query of a message push: the push's own parameters plus the user's `openid`.
#[derive(Deserialize)]
pub(super) struct MessageQuery {
    signature: Option<String>,
    timestamp: String,
    nonce: String,
    encrypt_type: Option<String>,
    msg_signature: Option<String>,
    openid: Option<String>,
}

/// The body of a push whose query and body can be read (the handlers' common first step);
/// `None` (logged) when the push must be refused with 400.
fn readable(body: &Bytes, query_ok: bool, url: &'static str) -> Option<String> {
    if !query_ok {
        tracing::warn!(
            url,
            "refused a push without the signed query WeChat sends (answered 400)"
        );
        return None;
    }
    let body = String::from_utf8(body.to_vec()).ok();
    if body.is_none() {
        tracing::warn!(url, "refused a push whose body is not UTF-8 (answered 400)");
    }
    body
}

fn refused(e: &AuthError, url: &'static str) -> Response {
    if e.is_invalid_push() {
        tracing::warn!(url, error = %e, "refused an invalid push (answered 400)");
        invalid_push()
    } else {
        tracing::warn!(url, error = %e, "could not act on a push (answered 503; WeChat delivers it again)");
        try_again()
    }
}

pub(super) async fn authorization_event(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<PushQuery>, QueryRejection>,
    body: Bytes,
) -> Response {
    const URL: &str = "authorization-event";
    let (Some(body), Ok(Query(query))) = (readable(&body, query.is_ok(), URL), query) else {
        return invalid_push();
    };
    let component = shared.component.clone();
    // A task of its own: work still running when the answer is due is not cut short (a code
    // exchange half done would only be done again on the redelivery).
    let work = tokio::spawn(async move { component.handle_push(&query, &body).await });
    match tokio::time::timeout(shared.answer_within, work).await {
        Ok(Ok(Ok(event))) => {
            tracing::debug!(?event, "authorization-event push handled");
            success()
        }
        Ok(Ok(Err(e))) => refused(&e, URL),
        Ok(Err(panicked)) => {
            tracing::error!(error = %panicked, "handling an authorization-event push panicked (answered 503)");
            try_again()
        }
        Err(_) => {
            tracing::warn!(
                answer_within_ms = u64::try_from(shared.answer_within.as_millis()).unwrap_or(u64::MAX),
                "an authorization-event push is taking longer than answer_within; answered 503 and handling goes on"
            );
            try_again()
        }
    }
}

pub(super) async fn message_event(
    State(shared): State<Arc<Shared>>,
    Path(authorizer_appid): Path<String>,
    query: Result<Query<MessageQuery>, QueryRejection>,
    body: Bytes,
) -> Response {
    const URL: &str = "message";
    let (Some(body), Ok(Query(query))) = (readable(&body, query.is_ok(), URL), query) else {
        return invalid_push();
    };
    let push_query = PushQuery {
        signature: query.signature,
        timestamp: query.timestamp,
        nonce: query.nonce,
        encrypt_type: query.encrypt_type,
        msg_signature: query.msg_signature,
    };
    let accepted = match shared.component.accept_message(&push_query, &body) {
        Ok(Some(accepted)) => accepted,
        Ok(None) => return success(),
        Err(e) => return refused(&e, URL),
    };
    let Some(callback) = shared.on_invoice_event.clone() else {
        tracing::debug!(authorizer_appid, event = ?accepted.event, "message push acknowledged (no on_invoice_event callback)");
        shared.component.message_handled(&accepted);
        return success();
    };
    let digest = accepted.digest();
    if !shared.begin(digest) {
        tracing::info!(
            authorizer_appid,
            "a redelivery of a message push whose callback is still running (answered 503)"
        );
        return try_again();
    }
    let guard = InFlight {
        shared: shared.clone(),
        digest,
    };
    let push = InvoicePush {
        authorizer_appid,
        openid: query.openid,
        event: accepted.event.clone(),
    };
    let work = tokio::spawn(run_callback(guard, callback, push, accepted));
    match tokio::time::timeout(shared.answer_within, work).await {
        Ok(Ok(true)) => success(),
        Ok(Ok(false)) => text(StatusCode::INTERNAL_SERVER_ERROR, "handler failed; deliver again"),
        Ok(Err(panicked)) => {
            tracing::error!(error = %panicked, "the on_invoice_event callback panicked (answered 500; WeChat delivers the push again)");
            text(StatusCode::INTERNAL_SERVER_ERROR, "handler failed; deliver again")
        }
        Err(_) => {
            tracing::warn!(
                answer_within_ms = u64::try_from(shared.answer_within.as_millis()).unwrap_or(u64::MAX),
                "the on_invoice_event callback is taking longer than answer_within; answered 503 and it goes on"
            );
            try_again()
        }
    }
}

/// Runs the callback; on success the push is marked handled before it leaves the in-flight set
/// (so a redelivery sees one or the other). Returns whether it succeeded.
async fn run_callback(
    guard: InFlight,
    callback: InvoiceCallback,
    push: InvoicePush,
    accepted: AcceptedMessage,
) -> bool {
    let appid = push.authorizer_appid.clone();
    let outcome = callback(push).await;
    match outcome {
        Ok(()) => {
            guard.shared.component.message_handled(&accepted);
            true
        }
        Err(e) => {
            tracing::warn!(authorizer_appid = %appid, error = %e, "the on_invoice_event callback failed (answered 500; WeChat delivers the push again)");
            false
        }
    }
}

pub(super) async fn authorization_redirect(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let mut code = None;
    let mut params = Vec::new();
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned() {
        match name.as_str() {
            "auth_code" => code = Some(value),
            "expires_in" => {}
            _ => params.push((name, value)),
        }
    }
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        tracing::warn!("authorization redirect without an auth_code (answered 400)");
        return text(
            StatusCode::BAD_REQUEST,
            "This page completes a WeChat authorization, but the link carries no authorization code. Start the authorization again.",
        );
    };
    let authorization = match shared.component.query_auth(&code).await {
        Ok(authorization) => authorization,
        Err(e) if e.class() == Some(ErrorClass::NotAuthorized) => {
            tracing::warn!(error = %e, "authorization redirect with an invalid or expired code (answered 400)");
            return text(
                StatusCode::BAD_REQUEST,
                "The authorization code is invalid or has expired. Start the authorization again.",
            );
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not exchange the redirect's authorization code (answered 502)");
            return text(
                StatusCode::BAD_GATEWAY,
                "The authorization could not be completed right now. Reload this page to try again.",
            );
        }
    };
    if authorization.durability == Durability::PendingWrite {
        tracing::warn!(
            authorizer_appid = %authorization.authorizer_appid,
            "the new grant's refresh token is held in memory only until the durable store answers; a restart before then loses it"
        );
    }
    match &shared.on_authorized {
        Some(callback) => callback(AuthorizedRedirect { authorization, params }).await,
        None => text(StatusCode::OK, "Authorization complete. You can close this page."),
    }
}
