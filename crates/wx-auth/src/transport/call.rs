//! A WeChat call as a value: its path, method, query, body, output type, the permission sets it
//! needs and whether sending it again is harmless. The transport does the rest (token, envelope,
//! retries, hosts, tracing).

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

/// How the body of a call is sent.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CallBody {
    /// No body (GET calls).
    Empty,
    /// A JSON document (already serialised).
    Json(Vec<u8>),
    /// `multipart/form-data` with one file part.
    File {
        /// The form field name (`pdf` for `setpdf`).
        field: &'static str,
        /// The file name sent with the part.
        filename: String,
        /// The MIME type of the part.
        mime: &'static str,
        /// The file content (shared, not copied, by every attempt).
        bytes: Bytes,
    },
}

impl CallBody {
    /// Serialises `value` as a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Self::json_with_capacity(value, 256)
    }

    /// Serialises `value` as a JSON body into a buffer of `capacity` bytes to start with (a
    /// close estimate saves the copies of a growing buffer).
    pub fn json_with_capacity<T: serde::Serialize + ?Sized>(
        value: &T,
        capacity: usize,
    ) -> Result<Self, serde_json::Error> {
        let mut bytes = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut bytes, value)?;
        Ok(CallBody::Json(bytes))
    }
}

/// HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallMethod {
    /// `GET`.
    Get,
    /// `POST` (almost every WeChat API).
    Post,
}

/// Whether a call may be sent again after an attempt that may have reached WeChat.
///
/// Only repeatable calls are retried after a transient failure (WeChat busy, HTTP 5xx, a
/// timeout, a dropped connection). Every call, repeatable or not, is sent to the next host when
/// the connection could not even be opened, since then nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Repeat {
    /// Sending it twice leaves the same result as sending it once: reads, token fetches,
    /// overwrites with the same value, and calls whose repeat only leaves an unused value
    /// behind that expires on its own (a pre-auth code, an uploaded PDF).
    Safe,
    /// Sending it twice is not harmless by itself, but WeChat recognises the repeat and answers
    /// it with a code of class [`AlreadyDone`](wx_invoice_types::ErrorClass::AlreadyDone)
    /// (an insert: its order id). Retried like [`Safe`](Self::Safe); the caller learns from
    /// the [`CallReport`](super::CallReport) that an earlier attempt may have taken effect.
    Detected,
    /// A state change whose repeat WeChat does not answer recognisably: never sent again once it
    /// may have reached WeChat.
    Never,
}

impl Repeat {
    /// Whether the transport may send the call again after a transient failure.
    pub fn is_repeatable(self) -> bool {
        matches!(self, Repeat::Safe | Repeat::Detected)
    }
}

/// What a call requires of the account it is made as, checked before sending when the token
/// source knows that account's grant (third-party platforms, see
/// [`TokenSource::permission_sets`](crate::TokenSource::permission_sets)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requirement {
    /// No permission set governs the call (token endpoints, component APIs, `wx_card` tickets).
    Unchecked,
    /// Any one of these permission sets (`funcscope_category.id`).
    AnyOf(&'static [u32]),
    /// A third-party platform may not make this call on a merchant's behalf at all.
    NotForThirdParty,
}

/// The query parameters of a call besides its credential; see [`ApiCall::query`].
pub struct QueryPairs<'a> {
    pub(crate) url: &'a mut reqwest::Url,
}

impl QueryPairs<'_> {
    /// Appends `name=value` (the value is form-urlencoded).
    pub fn push(&mut self, name: &str, value: &str) {
        self.url.query_pairs_mut().append_pair(name, value);
    }
}

impl fmt::Debug for QueryPairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL carries the credential: never print it.
        f.debug_struct("QueryPairs").finish_non_exhaustive()
    }
}

/// One WeChat API call, described as data.
///
/// Adding an endpoint is a type implementing this trait plus a one-line method. The transport
/// serialises the body once, however many attempts the call takes.
pub trait ApiCall: Send + Sync {
    /// What a successful answer deserialises into (unknown fields ignored; the `errcode` /
    /// `errmsg` envelope is read by the transport and never reaches it).
    type Output: DeserializeOwned + Send;

    /// The API path, starting with `/`, e.g. `/card/invoice/insert`.
    fn path(&self) -> &'static str;

    /// The HTTP method (default `POST`).
    fn method(&self) -> CallMethod {
        CallMethod::Post
    }

    /// Appends query parameters other than the credential (e.g. `action` of `setbizattr`).
    fn query(&self, pairs: &mut QueryPairs<'_>) {
        let _ = pairs;
    }

    /// The request body.
    fn body(&self) -> Result<CallBody, serde_json::Error>;

    /// Whether the call may be sent again after an attempt that may have reached WeChat.
    fn repeat(&self) -> Repeat;

    /// The permission sets the call needs from the account it is made as.
    fn requirement(&self) -> Requirement;

    /// Secrets the body carries (an app secret, a verify ticket, a refresh token, an
    /// authorization code), so that none of them, in any encoding, reaches an error message
    /// even when WeChat echoes the request. Empty strings stand for "none" (the default).
    fn body_secrets(&self) -> [&str; 2] {
        ["", ""]
    }
}

/// The common case: a `POST` of a JSON body to a fixed path, answered with `O`. For calls of
/// your own; the SDK's endpoints are types of their own.
///
/// ```
/// # use wx_auth::transport::JsonCall;
/// #[derive(serde::Deserialize)]
/// struct Answer { code: String }
/// let body = serde_json::json!({ "encrypt_code": "x" });
/// let call: JsonCall<'_, _, Answer> = JsonCall::new("/card/code/decrypt", &body).repeatable();
/// ```
pub struct JsonCall<'a, B: ?Sized, O> {
    path: &'static str,
    body: &'a B,
    query: Vec<(&'static str, String)>,
    repeat: Repeat,
    requirement: Requirement,
    _output: std::marker::PhantomData<fn() -> O>,
}

impl<'a, B: ?Sized, O> JsonCall<'a, B, O> {
    /// A `POST` of `body` to `path` that is never repeated and needs no permission set.
    pub fn new(path: &'static str, body: &'a B) -> Self {
        Self {
            path,
            body,
            query: Vec::new(),
            repeat: Repeat::Never,
            requirement: Requirement::Unchecked,
            _output: std::marker::PhantomData,
        }
    }

    /// Marks the call as safe to repeat (reads).
    #[must_use]
    pub fn repeatable(mut self) -> Self {
        self.repeat = Repeat::Safe;
        self
    }

    /// Marks the call as safe to repeat (reads); the same as [`repeatable`](Self::repeatable).
    #[must_use]
    pub fn idempotent(self) -> Self {
        self.repeatable()
    }

    /// Says how the call may be repeated.
    #[must_use]
    pub fn repeat(mut self, repeat: Repeat) -> Self {
        self.repeat = repeat;
        self
    }

    /// Says which permission sets the call needs.
    #[must_use]
    pub fn requires(mut self, requirement: Requirement) -> Self {
        self.requirement = requirement;
        self
    }

    /// Adds a query parameter (besides the token).
    #[must_use]
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }
}

impl<B: ?Sized, O> fmt::Debug for JsonCall<'_, B, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonCall")
            .field("path", &self.path)
            .field("repeat", &self.repeat)
            .field("requirement", &self.requirement)
            .finish_non_exhaustive()
    }
}

impl<B, O> ApiCall for JsonCall<'_, B, O>
where
    B: serde::Serialize + Sync + ?Sized,
    O: DeserializeOwned + Send,
{
    type Output = O;
    fn path(&self) -> &'static str {
        self.path
    }
    fn query(&self, pairs: &mut QueryPairs<'_>) {
        for (name, value) in &self.query {
            pairs.push(name, value);
        }
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        CallBody::json(self.body)
    }
    fn repeat(&self) -> Repeat {
        self.repeat
    }
    fn requirement(&self) -> Requirement {
        self.requirement
    }
}
