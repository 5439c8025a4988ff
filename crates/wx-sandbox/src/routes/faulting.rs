//! How a faulted call is answered: canned answers (after reading the request body), delays
//! around normal handling, and connections closed without an answer.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::fault::FaultKind;
use crate::server::ConnectionCloser;
use crate::wire::WxError;

/// Handles one call under `kind`; `next` is the normal handling.
pub(super) async fn faulted(kind: FaultKind, req: Request, next: Next) -> Response {
    match kind {
        FaultKind::Delay(d) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        FaultKind::ApplyThenDelay(d) => {
            let answer = next.run(req).await;
            tokio::time::sleep(d).await;
            answer
        }
        FaultKind::LoseAnswer => {
            let closer = req.extensions().get::<ConnectionCloser>().cloned();
            let _applied = next.run(req).await;
            close_without_answer(closer).await
        }
        FaultKind::DropConnection => {
            let closer = req.extensions().get::<ConnectionCloser>().cloned();
            drain(req).await;
            close_without_answer(closer).await
        }
        canned => {
            drain(req).await;
            canned_answer(canned)
        }
    }
}

/// Reads and discards the request body, so the peer's upload completes before the answer
/// (answering first and closing with unread bytes resets the connection).
async fn drain(req: Request) {
    let mut body = req.into_body();
    while let Some(frame) = body.frame().await {
        if frame.is_err() {
            break;
        }
    }
}

/// Closes the connection and never answers; the connection task drops this future.
async fn close_without_answer(closer: Option<ConnectionCloser>) -> Response {
    match closer {
        Some(closer) => {
            closer.close();
            std::future::pending().await
        }
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "sandbox fault: this connection cannot be closed from a handler",
        )
            .into_response(),
    }
}

fn json(body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.into()).into_response()
}

fn canned_answer(kind: FaultKind) -> Response {
    match kind {
        FaultKind::Errcode(code, msg) => WxError::new(code, msg).into_response(),
        FaultKind::HttpStatus(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, format!("sandbox fault: HTTP {}", status.as_u16())).into_response()
        }
        FaultKind::Html => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>sandbox</center></body></html>",
        )
            .into_response(),
        FaultKind::Garbage => json(&b"{\"errcode\":0,\"errmsg\":\"ok\",\"code\":\"12\xff\xfe garbage"[..]),
        FaultKind::HugeBody(bytes) => {
            let head = "{\"errcode\":0,\"errmsg\":\"ok\",\"padding\":\"";
            let tail = "\"}";
            let pad = bytes.saturating_sub(head.len() + tail.len());
            let mut body = String::with_capacity(head.len() + pad + tail.len());
            body.push_str(head);
            body.extend(std::iter::repeat_n('x', pad));
            body.push_str(tail);
            json(body)
        }
        FaultKind::Redirect { status, location } => {
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(StatusCode::is_redirection)
                .unwrap_or(StatusCode::FOUND);
            match HeaderValue::from_str(&location) {
                Ok(location) => (status, [(header::LOCATION, location)]).into_response(),
                Err(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "sandbox fault: the redirect location is not a valid header value",
                )
                    .into_response(),
            }
        }
        FaultKind::Body(text) => json(text),
        // Handled in `faulted`; listed so a new kind is a compile error here.
        FaultKind::Delay(_) | FaultKind::ApplyThenDelay(_) | FaultKind::LoseAnswer | FaultKind::DropConnection => {
            (StatusCode::INTERNAL_SERVER_ERROR, "sandbox fault: not a canned answer").into_response()
        }
    }
}
