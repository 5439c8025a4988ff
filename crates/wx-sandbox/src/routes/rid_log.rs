//! Records every call WeChat answers with a `rid`-carrying error, for `openapi/rid/get`: its
//! URL (token included, as WeChat records it), body, answer, time and cost, and whose token
//! made it.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::App;
use crate::state::requests::{MAX_RECORDED_BODY, RecordedCall};
use crate::wire::{WxError, code, parse_query, unix_now};

/// Largest answer read back for its rid (WeChat's answers are small JSON documents).
const MAX_ANSWER: usize = 1024 * 1024;

/// The middleware: buffers the request body, runs the call, reads the answer's rid.
pub(super) async fn record(State(app): State<App>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/sandbox/") {
        return next.run(req).await;
    }
    let request_url = req.uri().path_and_query().map_or_else(String::new, ToString::to_string);
    let query = parse_query(req.uri().query());
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, app.config.body_limit).await else {
        return WxError::new(
            code::DATA_FORMAT_ERROR,
            "data format error: request body unreadable (larger than the body limit)",
        )
        .into_response();
    };
    let started = Instant::now();
    let response = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    let cost_in_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (parts, body) = response.into_parts();
    let Ok(answer) = to_bytes(body, MAX_ANSWER).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(rid) = rid_of(&answer) {
        let token = query
            .get("access_token")
            .or_else(|| query.get("component_access_token"));
        let mut st = app.lock();
        let owner = token.and_then(|t| st.tokens.owner(t)).map(str::to_owned);
        let request_body = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_RECORDED_BODY)]).into_owned();
        st.record_call(RecordedCall {
            rid,
            owner,
            invoke_time: unix_now(),
            cost_in_ms,
            request_url,
            request_body,
            response_body: String::from_utf8_lossy(&answer).into_owned(),
        });
    }
    Response::from_parts(parts, Body::from(answer))
}

/// The rid at the end of an error answer's `errmsg`.
fn rid_of(answer: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(answer).ok()?;
    let errmsg = value.get("errmsg")?.as_str()?;
    let (_, rid) = errmsg.rsplit_once(" rid: ")?;
    Some(rid.trim().to_owned())
}
