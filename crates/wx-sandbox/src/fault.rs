//! Injected faults: bad answers, lost answers and dropped connections for the next calls to
//! a path.

use std::time::Duration;

/// What a faulted call does instead of (or on top of) its normal handling.
///
/// Faults that answer without applying the call (every kind but [`FaultKind::Delay`],
/// [`FaultKind::ApplyThenDelay`] and [`FaultKind::LoseAnswer`]) first read the whole request
/// body, so the client never sees its upload cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// HTTP 200 with `{"errcode":code,"errmsg":"msg rid: …"}`; nothing is applied.
    Errcode(i64, String),
    /// An empty-ish answer with this HTTP status (values outside 100..=999 become 500);
    /// nothing is applied.
    HttpStatus(u16),
    /// HTTP 200 with an HTML error page, as a misbehaving gateway sends; nothing is applied.
    Html,
    /// HTTP 200, `Content-Type: application/json`, body that is not JSON; nothing is applied.
    Garbage,
    /// HTTP 200 with a syntactically valid JSON body of about this many bytes; nothing is
    /// applied.
    HugeBody(usize),
    /// Waits this long, then handles the call normally (for client timeout tests: a client
    /// that gives up first never sees the call applied).
    Delay(Duration),
    /// Applies the call at once (state changes, e.g. an insert creates the card) and sends
    /// its normal answer only after this long: a client with a shorter timeout times out
    /// although the effect happened.
    ApplyThenDelay(Duration),
    /// Applies the call, then closes the connection without writing a byte of the answer:
    /// the client sees the connection closed before a complete message although the effect
    /// happened (a lost answer).
    LoseAnswer,
    /// Reads the request, then closes the connection without answering; nothing is applied.
    DropConnection,
    /// Answers this 3xx status (other values become 302) with this `Location` header and an
    /// empty body; nothing is applied.
    Redirect {
        /// The HTTP status, e.g. 302 or 307.
        status: u16,
        /// The `Location` header value.
        location: String,
    },
    /// HTTP 200, `Content-Type: application/json`, exactly this body; nothing is applied.
    /// For hostile answers such as `{"component_access_token":"x","expires_in":18446744073709551615}`.
    Body(String),
}

/// A fault for the next `times` calls to `path` (a path without query, e.g.
/// `/card/invoice/insert`). Faults apply before normal handling; several faults on one path
/// are used in the order they were injected.
///
/// ```
/// use wx_sandbox::{Fault, FaultKind};
/// let lost = Fault::lose_answer("/card/invoice/insert");
/// assert_eq!(lost.kind, FaultKind::LoseAnswer);
/// let hostile = Fault::body("/cgi-bin/component/api_component_token", r#"{"expires_in":-1}"#).times(3);
/// assert_eq!(hostile.times, 3);
/// ```
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

    /// The call is applied at once; its answer is sent after `delay`.
    pub fn apply_then_delay(path: impl Into<String>, delay: Duration) -> Self {
        Self::new(path, FaultKind::ApplyThenDelay(delay))
    }

    /// The call is applied; the connection is then closed without an answer.
    pub fn lose_answer(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::LoseAnswer)
    }

    /// The connection is closed before anything is applied or answered.
    pub fn drop_connection(path: impl Into<String>) -> Self {
        Self::new(path, FaultKind::DropConnection)
    }

    /// A `status` redirect (e.g. 302, 307) to `location`, applying nothing.
    pub fn redirect(path: impl Into<String>, status: u16, location: impl Into<String>) -> Self {
        Self::new(
            path,
            FaultKind::Redirect {
                status,
                location: location.into(),
            },
        )
    }

    /// HTTP 200 `application/json` with exactly `json_text` as the body, applying nothing.
    pub fn body(path: impl Into<String>, json_text: impl Into<String>) -> Self {
        Self::new(path, FaultKind::Body(json_text.into()))
    }

    /// Affects the next `times` calls instead of one (0 is treated as 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }
}
