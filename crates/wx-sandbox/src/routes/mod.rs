//! The HTTP surface: WeChat endpoints by area, the `/sandbox/...` admin API, and the
//! counting / fault-injection layer in front of them.

mod access;
mod admin;
mod admin_families;
mod biz_attr;
mod component;
mod direct;
mod extract;
mod faulting;
mod insert;
mod management;
mod merchant;
mod nontax;
mod platform;
mod quota;
mod reimburse;
mod rid_log;
mod templates;
mod title;
mod unified;
mod wecom;

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};

use crate::state::Shared;
use crate::wire::{WxError, WxResult, code, respond};
use extract::{WxBody, WxQuery};
pub(crate) use insert::DEFAULT_USER;
pub(crate) use unified::{finish as finish_unified, issue as issue_unified};

/// Router state: the shared sandbox.
pub(crate) type App = Arc<Shared>;

/// Query-string parameters of a call.
pub(crate) type Query = HashMap<String, String>;

/// One call as an endpoint sees it: its path (for the daily quota) and its query string
/// (which it derefs to).
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The request path, without query string.
    pub path: String,
    /// The query-string parameters.
    pub query: Query,
}

impl Call {
    pub(crate) fn new(uri: &Uri, query: Query) -> Self {
        Self {
            path: uri.path().to_owned(),
            query,
        }
    }
}

impl Deref for Call {
    type Target = Query;

    fn deref(&self) -> &Query {
        &self.query
    }
}

/// A WeChat endpoint taking the call and a raw body (parsed after the token check).
pub(crate) type Endpoint = fn(&Shared, &Call, &Bytes) -> WxResult;

/// `POST` route for an [`Endpoint`].
pub(crate) fn wx_post(endpoint: Endpoint) -> MethodRouter<App> {
    post(
        move |State(app): State<App>, uri: Uri, WxQuery(q): WxQuery, body: Result<WxBody, WxError>| async move {
            match body {
                Ok(WxBody(bytes)) => respond(endpoint(&app, &Call::new(&uri, q), &bytes)),
                Err(e) => e.into_response(),
            }
        },
    )
}

/// Builds the whole router.
pub(crate) fn router(shared: App) -> Router {
    let limit = shared.config.body_limit;
    Router::new()
        .merge(component::routes())
        .merge(direct::routes())
        .merge(platform::routes())
        .merge(insert::routes())
        .merge(templates::routes())
        .merge(merchant::routes())
        .merge(reimburse::routes())
        .merge(title::routes())
        .merge(quota::routes())
        .merge(nontax::routes())
        .merge(unified::routes())
        .merge(management::routes())
        .nest("/wecom", wecom::routes())
        .merge(admin::routes())
        .merge(admin_families::routes())
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(shared.clone(), rid_log::record))
        .layer(middleware::from_fn_with_state(shared.clone(), count_and_fault))
        .with_state(shared)
}

/// Admin endpoints are neither counted nor faultable, except the PDF downloads, which
/// stand for a WeChat-hosted resource.
fn is_tracked(path: &str) -> bool {
    !path.starts_with("/sandbox/") || path.starts_with("/sandbox/pdf/")
}

async fn count_and_fault(State(app): State<App>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if !is_tracked(&path) {
        return next.run(req).await;
    }
    let fault = {
        let mut st = app.lock();
        *st.counts.entry(path.clone()).or_default() += 1;
        st.take_fault(&path)
    };
    match fault {
        Some(fault) => faulting::faulted(fault.kind, req, next).await,
        None => next.run(req).await,
    }
}

async fn unknown_path() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(WxError::new(code::INVALID_URL, "invalid url domain or path").to_json()),
    )
        .into_response()
}

/// Paths WeChat serves only with `GET`.
pub(crate) const GET_ONLY: &[&str] = &["/cgi-bin/token", "/cgi-bin/ticket/getticket", "/wecom/cgi-bin/gettoken"];

/// WeChat's answers to a wrong method: 43001 on a GET-only path, 43002 elsewhere.
async fn wrong_method(method: Method, uri: Uri) -> Response {
    if method != Method::GET && GET_ONLY.contains(&uri.path()) {
        WxError::new(code::REQUIRE_GET, "require GET method").into_response()
    } else {
        WxError::new(code::REQUIRE_POST, "require POST method").into_response()
    }
}
