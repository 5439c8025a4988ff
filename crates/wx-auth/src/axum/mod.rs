//! An axum [`Router`] for what WeChat calls on a third-party platform (feature `axum`): the
//! **authorization-event URL** (授权事件接收URL), the **message URL** (消息与事件接收URL) and the
//! **authorization redirect** a merchant admin's browser lands on.
//!
//! ```no_run
//! use std::time::Duration;
//! use wx_auth::axum::{AuthorizedRedirect, InvoicePush, PushRouter};
//! use wx_auth::Component;
//!
//! # async fn serve(component: Component) -> Result<(), Box<dyn std::error::Error>> {
//! let router = PushRouter::new(component)
//!     // POST /wechat/message/{appid}: hand invoice events to your own code
//!     .on_invoice_event(|push: InvoicePush| async move {
//!         println!("{} got {:?}", push.authorizer_appid, push.event);
//!         Ok::<_, std::io::Error>(())
//!     })
//!     // GET /wechat/authorized?auth_code=…: the grant is stored; say so to the merchant
//!     .on_authorized(|redirect: AuthorizedRedirect| async move {
//!         format!("{} is now connected", redirect.authorization.authorizer_appid)
//!     })
//!     .answer_within(Duration::from_secs(4))
//!     .build()?;
//! // merge it into your own router, or serve it as it is:
//! let app = axum::Router::new().merge(router);
//! # let _ = app; Ok(()) }
//! ```
//!
//! # The three routes
//!
//! | route (default path) | what it does | answers |
//! |---|---|---|
//! | `POST /wechat/component` | [`Component::handle_push`]: stores verify tickets, exchanges authorization codes, marks revocations | `200 success`; `400` for a request that is not a valid push ([`AuthError::is_invalid_push`]); `503` when it could not be acted on in time |
//! | `POST /wechat/message/{appid}` | [`Component::accept_message`], then your [`on_invoice_event`](PushRouter::on_invoice_event) callback, then [`Component::message_handled`] | `200 success` once the callback returned `Ok`, or for a push already handled; `400` for an invalid push; `500` when the callback failed; `503` when it is still running |
//! | `GET /wechat/authorized` | the redirect after authorization: [`Component::query_auth`] with `auth_code`, then your [`on_authorized`](PushRouter::on_authorized) callback | the callback's response; `400` for a missing, invalid or expired code; `502` when WeChat or the store could not be reached |
//!
//! In the console, the message URL is configured as `https://your.host/wechat/message/$APPID$`:
//! WeChat puts the receiving merchant's appid in place of `$APPID$`.
//!
//! # Time limits, retries and what the callback must expect
//!
//! WeChat waits about five seconds for `success`, then counts the delivery as failed and
//! delivers the same push again (up to three times). So:
//!
//! - **Both push routes answer within [`answer_within`](PushRouter::answer_within)** (default
//!   4 s). The work runs in a task of its own: when it takes longer, the route answers `503`
//!   and the work goes on. A redelivery that arrives after it succeeded is answered `success`
//!   without calling the callback again; one that arrives while it is still running is answered
//!   `503` (the callback is never run twice at once for the same push).
//! - **A callback that fails** (returns `Err`, or panics) gets the push answered `500`: it is
//!   not marked handled, so WeChat's redelivery calls the callback again. Delivery is therefore
//!   *at least once*: make the callback idempotent (key on the order id or card code).
//! - **A callback that is slow** (longer than `answer_within`) is not cut short, but WeChat
//!   gives up after its last retry: keep callbacks short — write the event to your database or
//!   queue and process it from there.
//! - **Duplicates are recognised per process**, for about twenty minutes (twice the replay
//!   window, at most 10 000 pushes). Behind a load balancer, a redelivery may reach another
//!   process, which calls its callback again: de-duplicate durably on the order id or card code.
//! - A push signed outside the replay window (10 minutes by default, see
//!   [`ComponentBuilder::push_replay_window`](crate::ComponentBuilder::push_replay_window)) is refused with `400`.
//!
//! Request bodies are bounded ([`body_limit`](PushRouter::body_limit), default 64 KiB; WeChat's
//! pushes are a few hundred bytes) and nothing secret appears in an answer or a log line.
//!
//! # The redirect
//!
//! [`Component::authorization_url`] takes the `redirect_uri`; give it this route's URL, with
//! any parameters of your own (a tenant id, say): WeChat appends `auth_code` and `expires_in`,
//! and the callback receives the others in [`AuthorizedRedirect::params`]. The code is also
//! pushed to the authorization-event URL (`authorized`); whichever arrives first exchanges it,
//! and the other gets the same grant without a second call to WeChat. A browser that reloads the
//! page gets the same grant again (and the callback is called again): keep the callback
//! idempotent here too.
//!
//! [`Authorization::durability`](crate::Authorization::durability) says where the grant's
//! refresh token is: [`Durability::PendingWrite`](crate::Durability::PendingWrite) means the
//! durable store was unreachable and the token is held in this process until it can be written
//! back (a restart before then loses it): the route logs a warning, and the callback may want to
//! alert someone.

mod handlers;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use ::axum::Router;
use ::axum::extract::DefaultBodyLimit;
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{get, post};
use wx_invoice_types::InvoiceEvent;

use crate::component::Authorization;
use crate::{AuthError, Component};

/// The error a callback returns: any error type converts into it (`?` works).
pub type CallbackError = Box<dyn std::error::Error + Send + Sync + 'static>;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
type InvoiceCallback = Arc<dyn Fn(InvoicePush) -> BoxFuture<Result<(), CallbackError>> + Send + Sync>;
type AuthorizedCallback = Arc<dyn Fn(AuthorizedRedirect) -> BoxFuture<Response> + Send + Sync>;

/// Default path of the authorization-event URL.
pub const DEFAULT_AUTHORIZATION_EVENTS_PATH: &str = "/wechat/component";
/// Default path of the message URL; `{appid}` is the merchant's appid (`$APPID$` in the console).
pub const DEFAULT_MESSAGES_PATH: &str = "/wechat/message/{appid}";
/// Default path of the authorization redirect.
pub const DEFAULT_REDIRECT_PATH: &str = "/wechat/authorized";
/// Default time a push route takes at most before answering (WeChat waits about 5 s).
pub const DEFAULT_ANSWER_WITHIN: Duration = Duration::from_secs(4);
/// Default bound of a push's body, in bytes.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// An event pushed to the message URL for one merchant, handed to
/// [`PushRouter::on_invoice_event`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InvoicePush {
    /// The merchant the push is for: the `{appid}` of the URL, where WeChat put the receiving
    /// account's appid.
    pub authorizer_appid: String,
    /// The `openid` query parameter WeChat adds (the user's openid under that account), if any.
    pub openid: Option<String>,
    /// The event (`user_authorize_invoice`, `update_invoice_status`, `submit_invoice_title`, or
    /// [`InvoiceEvent::Other`] for the other messages of the account).
    pub event: InvoiceEvent,
}

/// A completed authorization, handed to [`PushRouter::on_authorized`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizedRedirect {
    /// The grant, already stored (see its `durability`).
    pub authorization: Authorization,
    /// The redirect's other query parameters (the ones put in `redirect_uri`), in order;
    /// `auth_code` and `expires_in` are left out.
    pub params: Vec<(String, String)>,
}

impl AuthorizedRedirect {
    /// The value of the query parameter `name` the `redirect_uri` carried, if any.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Builds the axum [`Router`] of a third-party platform's push URLs and authorization redirect
/// (see the [module documentation](self)).
#[must_use]
pub struct PushRouter {
    component: Component,
    authorization_events_path: String,
    messages_path: String,
    redirect_path: String,
    on_invoice_event: Option<InvoiceCallback>,
    on_authorized: Option<AuthorizedCallback>,
    answer_within: Duration,
    body_limit: usize,
}

impl fmt::Debug for PushRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushRouter")
            .field("component_appid", &self.component.component_appid())
            .field("authorization_events_path", &self.authorization_events_path)
            .field("messages_path", &self.messages_path)
            .field("redirect_path", &self.redirect_path)
            .field("on_invoice_event", &self.on_invoice_event.is_some())
            .field("on_authorized", &self.on_authorized.is_some())
            .field("answer_within", &self.answer_within)
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl PushRouter {
    /// The routes of `component`, at the default paths, with no callbacks: invoice events are
    /// acknowledged and dropped, and the redirect answers a plain confirmation page.
    pub fn new(component: Component) -> Self {
        Self {
            component,
            authorization_events_path: DEFAULT_AUTHORIZATION_EVENTS_PATH.to_owned(),
            messages_path: DEFAULT_MESSAGES_PATH.to_owned(),
            redirect_path: DEFAULT_REDIRECT_PATH.to_owned(),
            on_invoice_event: None,
            on_authorized: None,
            answer_within: DEFAULT_ANSWER_WITHIN,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// The path of the authorization-event URL (default [`DEFAULT_AUTHORIZATION_EVENTS_PATH`]).
    pub fn authorization_events_path(mut self, path: impl Into<String>) -> Self {
        self.authorization_events_path = path.into();
        self
    }

    /// The path of the message URL; it must hold `{appid}` once (default
    /// [`DEFAULT_MESSAGES_PATH`]).
    pub fn messages_path(mut self, path: impl Into<String>) -> Self {
        self.messages_path = path.into();
        self
    }

    /// The path of the authorization redirect (default [`DEFAULT_REDIRECT_PATH`]).
    pub fn redirect_path(mut self, path: impl Into<String>) -> Self {
        self.redirect_path = path.into();
        self
    }

    /// Called once per event pushed to the message URL. `Ok` marks the push handled (WeChat's
    /// redeliveries are then answered `success` without another call); `Err` answers `500`, so
    /// that WeChat delivers it again — see the [module documentation](self) for time limits.
    pub fn on_invoice_event<F, Fut, E>(mut self, callback: F) -> Self
    where
        F: Fn(InvoicePush) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<CallbackError>,
    {
        self.on_invoice_event = Some(Arc::new(move |push| {
            let outcome = callback(push);
            Box::pin(async move { outcome.await.map_err(Into::into) })
        }));
        self
    }

    /// Called after the redirect's authorization code was exchanged and the grant stored; its
    /// return value is the page (or redirect) the merchant admin's browser gets.
    pub fn on_authorized<F, Fut, R>(mut self, callback: F) -> Self
    where
        F: Fn(AuthorizedRedirect) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoResponse,
    {
        self.on_authorized = Some(Arc::new(move |redirect| {
            let page = callback(redirect);
            Box::pin(async move { page.await.into_response() })
        }));
        self
    }

    /// How long a push route works at most before it answers (default
    /// [`DEFAULT_ANSWER_WITHIN`], under WeChat's 5 s); work still running then goes on, and the
    /// push is answered `503`.
    pub fn answer_within(mut self, limit: Duration) -> Self {
        self.answer_within = limit;
        self
    }

    /// The largest push body accepted, in bytes (default [`DEFAULT_BODY_LIMIT`]); a larger
    /// one is answered `413`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The router. Fails with [`AuthError::Config`] when a path is not a valid route (it must
    /// start with `/`; only the message path holds a parameter, `{appid}`) or two paths are
    /// the same, or `answer_within` is zero.
    pub fn build(self) -> Result<Router, AuthError> {
        check_path("authorization_events_path", &self.authorization_events_path, false)?;
        check_path("messages_path", &self.messages_path, true)?;
        check_path("redirect_path", &self.redirect_path, false)?;
        let paths = [
            &self.authorization_events_path,
            &self.messages_path,
            &self.redirect_path,
        ];
        if paths[0] == paths[1] || paths[0] == paths[2] || paths[1] == paths[2] {
            return Err(AuthError::Config(format!(
                "the push router's three paths must differ; got {paths:?}"
            )));
        }
        if self.answer_within.is_zero() {
            return Err(AuthError::Config(
                "answer_within must be longer than zero (WeChat waits about 5 s)".into(),
            ));
        }
        let shared = Arc::new(handlers::Shared::new(
            self.component,
            self.on_invoice_event,
            self.on_authorized,
            self.answer_within,
        ));
        Ok(Router::new()
            .route(&self.authorization_events_path, post(handlers::authorization_event))
            .route(&self.messages_path, post(handlers::message_event))
            .route(&self.redirect_path, get(handlers::authorization_redirect))
            .layer(DefaultBodyLimit::max(self.body_limit))
            .with_state(shared))
    }
}

fn check_path(setting: &str, path: &str, with_appid: bool) -> Result<(), AuthError> {
    let without_param = if with_appid {
        if path.matches("{appid}").count() != 1 {
            return Err(AuthError::Config(format!(
                "{setting} must hold `{{appid}}` exactly once (WeChat puts the merchant's appid there); got {path:?}"
            )));
        }
        path.replace("{appid}", "")
    } else {
        path.to_owned()
    };
    if !path.starts_with('/') || without_param.contains(['{', '}', '*']) {
        return Err(AuthError::Config(format!(
            "{setting} must be a path starting with `/`, without route parameters{}; got {path:?}",
            if with_appid { " other than `{appid}`" } else { "" }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_instead_of_panicking_in_axum() {
        assert!(check_path("p", "/wechat/component", false).is_ok());
        assert!(check_path("p", "/wechat/message/{appid}", true).is_ok());
        assert!(check_path("p", "/wechat/message/{appid}/events", true).is_ok());
        for (path, with_appid) in [
            ("wechat", false),
            ("/a/{id}", false),
            ("/a/*rest", false),
            ("/wechat/message", true),
            ("/m/{appid}/{appid}", true),
            ("/m/{appid}/{other}", true),
            ("m/{appid}", true),
        ] {
            let err = check_path("p", path, with_appid).expect_err(path);
            assert!(matches!(err, AuthError::Config(_)), "{err:?}");
        }
    }
}
