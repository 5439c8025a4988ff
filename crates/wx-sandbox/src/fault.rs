//! Injected faults: canned bad answers for the next calls to a path.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::wire::WxError;

/// What a faulted call answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// HTTP 200 with `{"errcode":code,"errmsg":"msg rid: …"}`.
    Errcode(i64, String),
    /// An empty-ish answer with this HTTP status (values outside 100..=999 become 500).
    HttpStatus(u16),
    /// HTTP 200 with an HTML error page, as a misbehaving gateway sends.
    Html,
    /// HTTP 200, `Content-Type: application/json`, body that is not JSON.
    Garbage,
    /// HTTP 200 with a syntactically valid JSON body of about this many bytes.
    HugeBody(usize),
    /// Waits this long, then handles the call normally (for client timeout tests).
    Delay(Duration),
}

/// A fault for the next `times` calls to `path` (a path without query, e.g.
/// `/card/invoice/insert`). Faults apply before normal handling; several faults on one path
/// are used in the order they were injected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The request path, without query string.
    pub path: String,
    /// What to answer.
    pub kind: FaultKind,
    /// How many calls it affects.
    pub times: u32,
}

impl Fault {
    /// A fault of any kind affecting one call; change `times` with [`Fault::times`].
    pub fn new(path: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            path: path.into(),
            kind,
            times: 1,
        }
    }

    /// WeChat error `code` with `msg` (e.g. `-1`, `"system error"`).
    pub fn errcode(path: impl Into<String>, code: i64, msg: impl Into<String>) -> Self {
        Self::new(path, FaultKind::Errcode(code, msg.into()))
    }

    /// A bare HTTP status such as 502.
    pub fn http_status(path: impl Into<String>, status: u16) -> Self {
        Self::new(path, FaultKind::HttpStatus(status))
    }

    /// An HTML error page with HTTP 200.
    pub fn html(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::Html)
    }

    /// A body that is not JSON, with HTTP 200.
    pub fn garbage(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::Garbage)
    }

    /// A JSON body of about `bytes` bytes.
    pub fn huge_body(path: impl Into<String>, bytes: usize) -> Self {
        Self::new(path, FaultKind::HugeBody(bytes))
    }

    /// A delay before normal handling.
    pub fn delay(path: impl Into<String>, delay: Duration) -> Self {
        Self::new(path, FaultKind::Delay(delay))
    }

    /// Affects the next `times` calls instead of one (0 is treated as 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }
}

impl FaultKind {
    /// The canned response; `None` for [`FaultKind::Delay`], which continues normally.
    pub(crate) fn response(&self) -> Option<Response> {
        Some(match self {
            Self::Errcode(code, msg) => WxError::new(*code, msg.clone()).into_response(),
            Self::HttpStatus(status) => {
                let status =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, format!("sandbox fault: HTTP {}", status.as_u16())).into_response()
            }
            Self::Html => (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>sandbox</center></body></html>",
            )
                .into_response(),
            Self::Garbage => (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                Body::from(&b"{\"errcode\":0,\"errmsg\":\"ok\",\"code\":\"12\xff\xfe garbage"[..]),
            )
                .into_response(),
            Self::HugeBody(bytes) => {
                let head = "{\"errcode\":0,\"errmsg\":\"ok\",\"padding\":\"";
                let tail = "\"}";
                let pad = bytes.saturating_sub(head.len() + tail.len());
                let mut body = String::with_capacity(head.len() + pad + tail.len());
                body.push_str(head);
                body.extend(std::iter::repeat_n('x', pad));
                body.push_str(tail);
                (
                    [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                    body,
                )
                    .into_response()
            }
            Self::Delay(_) => return None,
        })
    }
}
