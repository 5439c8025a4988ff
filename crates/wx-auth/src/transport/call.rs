//! A WeChat call as a value: its path, method, query, body, output type and whether repeating
//! it is harmless. The transport does the rest (token, envelope, fail-over, tracing).

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
        /// The file content.
        bytes: Vec<u8>,
    },
}

impl CallBody {
    /// Serialises `value` as a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_vec(value).map(CallBody::Json)
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

/// One WeChat API call, described as data.
///
/// Adding an endpoint is a type implementing this trait plus a one-line method.
pub trait ApiCall: Send + Sync {
    /// What a successful answer deserialises into (unknown fields ignored).
    type Output: DeserializeOwned + Send;

    /// The API path, starting with `/`, e.g. `/card/invoice/insert`.
    fn path(&self) -> &'static str;

    /// The HTTP method (default `POST`).
    fn method(&self) -> CallMethod {
        CallMethod::Post
    }

    /// Query parameters other than the token (e.g. `action` of `setbizattr`).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The request body.
    fn body(&self) -> Result<CallBody, serde_json::Error>;

    /// Whether sending the call twice is harmless (reads, token fetches). Non-idempotent calls
    /// are only failed over to a backup domain when the request certainly never left.
    fn idempotent(&self) -> bool {
        false
    }
}

/// The common case: a `POST` of a JSON body to a fixed path, answered with `O`.
///
/// ```
/// # use wx_auth::transport::JsonCall;
/// #[derive(serde::Deserialize)]
/// struct Answer { code: String }
/// let body = serde_json::json!({ "encrypt_code": "x" });
/// let call: JsonCall<'_, _, Answer> = JsonCall::new("/card/code/decrypt", &body);
/// ```
pub struct JsonCall<'a, B: ?Sized, O> {
    path: &'static str,
    body: &'a B,
    query: Vec<(&'static str, String)>,
    idempotent: bool,
    _output: std::marker::PhantomData<fn() -> O>,
}

impl<'a, B: ?Sized, O> JsonCall<'a, B, O> {
    /// A non-idempotent `POST` of `body` to `path`.
    pub fn new(path: &'static str, body: &'a B) -> Self {
        Self {
            path,
            body,
            query: Vec::new(),
            idempotent: false,
            _output: std::marker::PhantomData,
        }
    }

    /// Marks the call as safe to repeat (reads).
    #[must_use]
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Adds a query parameter (besides the token).
    #[must_use]
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }
}

impl<B: ?Sized, O> std::fmt::Debug for JsonCall<'_, B, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonCall")
            .field("path", &self.path)
            .field("idempotent", &self.idempotent)
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
    fn query(&self) -> Vec<(&'static str, String)> {
        self.query.clone()
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        CallBody::json(self.body)
    }
    fn idempotent(&self) -> bool {
        self.idempotent
    }
}
