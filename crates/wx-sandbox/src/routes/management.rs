//! The platform's management calls the other route files do not hold: authorizer options
//! (the component-token form and the newer authorizer-token form) and `openapi/rid/get`.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::component::check_component_appid;
use super::{App, Call, access, wx_post};
use crate::state::Shared;
use crate::state::State;
use crate::state::tokens::TokenKind;
use crate::wire::{WxError, WxResult, code, json_object, ok, ok_with, required_str, unix_now};

const RID_NOT_FOUND: i64 = 76001;
const RID_MALFORMED: i64 = 76002;
const RID_NO_PERMISSION: i64 = 76003;
/// How long a call can be looked up by its rid.
const RID_LIFETIME_SECS: i64 = 7 * 24 * 3600;

/// The options and the values each takes.
const OPTIONS: &[(&str, &[&str])] = &[
    ("location_report", &["0", "1", "2"]),
    ("voice_recognize", &["0", "1"]),
    ("customer_service", &["0", "1"]),
];

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cgi-bin/component/api_get_authorizer_option", wx_post(legacy_get))
        .route("/cgi-bin/component/api_set_authorizer_option", wx_post(legacy_set))
        .route("/cgi-bin/component/get_authorizer_option", wx_post(current_get))
        .route("/cgi-bin/component/set_authorizer_option", wx_post(current_set))
        .route("/cgi-bin/openapi/rid/get", wx_post(rid_get))
}

fn invalid_args(why: &str) -> WxError {
    WxError::new(code::INVALID_ARGS, format!("invalid args: {why}"))
}

/// `option_name` of the body, one of [`OPTIONS`] (40097 otherwise); its allowed values.
fn option_name(obj: &Map<String, Value>) -> Result<(&str, &'static [&'static str]), WxError> {
    let name = required_str(obj, "option_name")?;
    OPTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, values)| (name, *values))
        .ok_or_else(|| invalid_args("option_name must be location_report, voice_recognize or customer_service"))
}

/// `option_value` as text (a string or a number), one of `values` (40097 otherwise).
fn option_value(obj: &Map<String, Value>, values: &[&str]) -> Result<String, WxError> {
    let value = match obj.get("option_value") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(invalid_args("option_value is missing")),
    };
    if values.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(invalid_args(&format!(
            "option_value must be one of {}",
            values.join(", ")
        )))
    }
}

fn read_option(st: &State, appid: &str, name: &str) -> String {
    st.authorizer_options
        .get(&(appid.to_owned(), name.to_owned()))
        .cloned()
        .unwrap_or_else(|| "0".to_owned())
}

/// The legacy form's authorizer: `authorizer_appid` of the body, with an active grant (61003).
fn legacy_authorizer(app: &Shared, st: &mut State, obj: &Map<String, Value>) -> Result<String, WxError> {
    check_component_appid(&app.config, obj)?;
    let appid = required_str(obj, "authorizer_appid")?.to_owned();
    st.auth.active_grant_mut(&appid)?;
    Ok(appid)
}

fn legacy_get(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    let appid = legacy_authorizer(app, &mut st, &obj)?;
    let (name, _) = option_name(&obj)?;
    let value = read_option(&st, &appid, name);
    Ok(ok_with(
        json!({"authorizer_appid": appid, "option_name": name, "option_value": value}),
    ))
}

fn legacy_set(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    let appid = legacy_authorizer(app, &mut st, &obj)?;
    let (name, values) = option_name(&obj)?;
    let value = option_value(&obj, values)?;
    st.authorizer_options.insert((appid, name.to_owned()), value);
    Ok(ok())
}

/// The newer form names no authorizer: it is the account of the (authorizer) token.
fn token_authorizer(st: &mut State, q: &Call) -> Result<String, WxError> {
    let caller = access::any_token(st, q)?;
    if caller.kind == TokenKind::Component {
        return Err(WxError::new(
            code::INVALID_CREDENTIAL,
            "invalid credential: get/set_authorizer_option take the authorizer's access_token",
        ));
    }
    st.quotas.spend(&caller.appid, &q.path)?;
    Ok(caller.appid)
}

fn current_get(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let appid = token_authorizer(&mut st, q)?;
    let obj = json_object(body)?;
    let (name, _) = option_name(&obj)?;
    let value = read_option(&st, &appid, name);
    Ok(ok_with(json!({"option_name": name, "option_value": value})))
}

fn current_set(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let appid = token_authorizer(&mut st, q)?;
    let obj = json_object(body)?;
    let (name, values) = option_name(&obj)?;
    let value = option_value(&obj, values)?;
    st.authorizer_options.insert((appid, name.to_owned()), value);
    Ok(ok())
}

fn well_formed_rid(rid: &str) -> bool {
    let groups: Vec<&str> = rid.split('-').collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| g.len() == 8 && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `POST /cgi-bin/openapi/rid/get?access_token=X` `{rid}`: a failed call of X's account.
fn rid_get(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let st = app.lock();
    let caller = access::any_token(&st, q)?;
    let obj = json_object(body)?;
    let rid = match obj.get("rid") {
        Some(Value::String(s)) if well_formed_rid(s) => s.clone(),
        _ => return Err(WxError::new(RID_MALFORMED, "rid is error")),
    };
    let call = st
        .calls
        .iter()
        .rev()
        .find(|c| c.rid == rid && unix_now() - c.invoke_time < RID_LIFETIME_SECS)
        .ok_or_else(|| WxError::new(RID_NOT_FOUND, "rid not found"))?;
    if call.owner.as_deref().is_some_and(|owner| owner != caller.appid) {
        return Err(WxError::new(
            RID_NO_PERMISSION,
            "could not query this rid, no permission",
        ));
    }
    Ok(ok_with(json!({"request": {
        "invoke_time": call.invoke_time,
        "cost_in_ms": call.cost_in_ms,
        "request_url": call.request_url,
        "request_body": call.request_body,
        "response_body": call.response_body,
        "client_ip": "127.0.0.1",
    }})))
}
