//! WeChat's wire conventions: the `errcode`/`errmsg` envelope, query parsing and JSON bodies.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::ids;

/// Error codes the sandbox answers with (WeChat's numbering).
pub(crate) mod code {
    pub const INVALID_CREDENTIAL: i64 = 40001;
    pub const INVALID_GRANT_TYPE: i64 = 40002;
    pub const INVALID_APPID: i64 = 40013;
    pub const INVALID_URL: i64 = 40066;
    pub const INVALID_ARGS: i64 = 40097;
    pub const INVALID_APPSECRET: i64 = 40125;
    pub const ACCESS_TOKEN_EXPIRED: i64 = 42001;
    pub const ACCESS_TOKEN_MISSING: i64 = 41001;
    pub const APPID_MISSING: i64 = 41002;
    pub const APPSECRET_MISSING: i64 = 41004;
    pub const INVALID_ACCESS_TOKEN: i64 = 40014;
    pub const DAILY_QUOTA: i64 = 45009;
    pub const CLEAR_QUOTA_LIMIT: i64 = 48006;
    pub const REQUIRE_GET: i64 = 43001;
    pub const REQUIRE_POST: i64 = 43002;
    pub const CGI_PATH_NOT_FOUND: i64 = 76021;
    pub const CGI_PATH_NOT_OWNED: i64 = 76022;
    pub const DATA_FORMAT_ERROR: i64 = 47001;
    pub const API_UNAUTHORIZED: i64 = 48001;
    pub const COMPONENT_NOT_AUTHORIZED: i64 = 61003;
    pub const TICKET_EXPIRED: i64 = 61005;
    pub const TICKET_INVALID: i64 = 61006;
    pub const CODE_INVALID: i64 = 61009;
    pub const CODE_EXPIRED: i64 = 61010;
    pub const INVALID_COMPONENT: i64 = 61011;
    pub const REFRESH_TOKEN_INVALID: i64 = 61023;
    pub const INVOICE_STATUS_ERROR: i64 = 72024;
    pub const INVOICE_ACTION_ERROR: i64 = 72027;
    pub const INVALID_PARAMS: i64 = 72031;
    pub const INVALID_SERIAL_CODE: i64 = 40056;
    pub const NEVER_SET_PAY_MCH: i64 = 72028;
    pub const NEVER_SET_AUTH_FIELD: i64 = 72029;
    pub const INVALID_MCHID: i64 = 72030;
    pub const BIZ_REJECT_INSERT: i64 = 72035;
    pub const INVOICE_OWNER_ERROR: i64 = 72037;
    pub const MUST_LOCK_FIRST: i64 = 72039;
    pub const SCAN_TEXT_OUT_OF_TIME: i64 = 72044;
    pub const CONTACT_EMPTY: i64 = 72063;
    pub const INVOICE_LOCKED_BY_OTHERS: i64 = 72023;
    pub const INVALID_CARD: i64 = 40078;
    pub const ORDER_NEVER_AUTH: i64 = 72038;
    pub const INVOICE_PDF_ERROR: i64 = 72040;
    pub const BILLING_REPEATED: i64 = 72042;
    pub const ORDER_ID_REPEATED: i64 = 72056;
    pub const INVOICE_CANCELLED: i64 = 72060;
    pub const INVOICE_CLOSED: i64 = 72061;
}

/// A WeChat error answer: HTTP 200 with `{"errcode":N,"errmsg":"… rid: …"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WxError {
    pub code: i64,
    pub msg: String,
}

impl WxError {
    pub(crate) fn new(code: i64, msg: impl Into<String>) -> Self {
        Self { code, msg: msg.into() }
    }

    /// The JSON body WeChat would send.
    pub(crate) fn to_json(&self) -> Value {
        json!({"errcode": self.code, "errmsg": format!("{} rid: {}", self.msg, ids::rid())})
    }
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        Json(self.to_json()).into_response()
    }
}

/// What a WeChat handler returns: a JSON object or a WeChat error.
pub(crate) type WxResult = Result<Value, WxError>;

/// A business-API success: `{"errcode":0,"errmsg":"ok", …fields}`.
pub(crate) fn ok_with(fields: Value) -> Value {
    let mut out = Map::new();
    out.insert("errcode".into(), json!(0));
    out.insert("errmsg".into(), json!("ok"));
    if let Value::Object(extra) = fields {
        out.extend(extra);
    }
    Value::Object(out)
}

/// A bare business-API success envelope.
pub(crate) fn ok() -> Value {
    ok_with(Value::Null)
}

/// Turns a handler result into an HTTP response (always HTTP 200, as WeChat does).
pub(crate) fn respond(result: WxResult) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Query-string parameters (`None` = no query string).
pub(crate) fn parse_query(raw: Option<&str>) -> HashMap<String, String> {
    raw.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// The body as a JSON object, or 47001 like WeChat.
pub(crate) fn json_object(body: &Bytes) -> Result<Map<String, Value>, WxError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(WxError::new(
            code::DATA_FORMAT_ERROR,
            "data format error: the body must be a JSON object",
        )),
        Err(_) => Err(WxError::new(
            code::DATA_FORMAT_ERROR,
            "data format error: the body is not valid JSON",
        )),
    }
}

/// A required string field of a non-envelope API (component / token APIs): missing or
/// not a string gives 47001 naming the field.
pub(crate) fn required_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, WxError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(WxError::new(
            code::DATA_FORMAT_ERROR,
            format!("data format error: {key} must be a string"),
        )),
        None => Err(WxError::new(
            code::DATA_FORMAT_ERROR,
            format!("data format error: missing {key}"),
        )),
    }
}

/// A string field that must be present and non-empty, else 72031 naming it (invoice APIs).
pub(crate) fn invoice_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, WxError> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(invalid_param(key, "must not be empty")),
        Some(_) => Err(invalid_param(key, "must be a string")),
        None => Err(invalid_param(key, "is missing")),
    }
}

/// 72031 naming the first key of `obj` that is not in `allowed` (`path` prefixes it, e.g.
/// `invoice_info.base_info`), like WeChat's answer to an unknown key.
pub(crate) fn only_keys(obj: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), WxError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) if path.is_empty() => Err(invalid_param(k, "is not a known key")),
        Some(k) => Err(invalid_param(&format!("{path}.{k}"), "is not a known key")),
        None => Ok(()),
    }
}

/// 72031 with the field named, like WeChat's `invalid params` answers.
pub(crate) fn invalid_param(field: &str, why: &str) -> WxError {
    WxError::new(code::INVALID_PARAMS, format!("invalid params: {field} {why}"))
}

/// Unix time in seconds.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// An optional field that, when present and not null, must be a string (72031 otherwise).
pub(crate) fn optional_invoice_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, WxError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid_param(key, "must be a string")),
    }
}

/// A required integer field (72031 otherwise).
pub(crate) fn invoice_int(obj: &Map<String, Value>, key: &str) -> Result<i64, WxError> {
    match obj.get(key) {
        Some(v) => v.as_i64().ok_or_else(|| invalid_param(key, "must be an integer")),
        None => Err(invalid_param(key, "is missing")),
    }
}

/// A required JSON object field (72031 otherwise).
pub(crate) fn invoice_obj<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a Map<String, Value>, WxError> {
    match obj.get(key) {
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(invalid_param(key, "must be an object")),
        None => Err(invalid_param(key, "is missing")),
    }
}
