//! Third-party-platform (component) APIs under `/cgi-bin/component/`.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::{App, Call, access, wx_post};
use crate::config::Config;
use crate::ids;
use crate::state::Shared;
use crate::state::component::func_info;
use crate::state::tokens::TokenKind;
use crate::wire::{WxError, WxResult, code, json_object, ok_with, required_str};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cgi-bin/component/api_component_token", wx_post(component_token))
        .route("/cgi-bin/component/api_start_push_ticket", wx_post(start_push_ticket))
        .route("/cgi-bin/component/api_create_preauthcode", wx_post(create_preauthcode))
        .route("/cgi-bin/component/api_query_auth", wx_post(query_auth))
        .route("/cgi-bin/component/api_authorizer_token", wx_post(authorizer_token))
        .route("/cgi-bin/component/api_get_authorizer_info", wx_post(authorizer_info))
        .route("/cgi-bin/component/api_get_authorizer_list", wx_post(authorizer_list))
}

/// `component_appid` must be the emulated component (61011 otherwise).
pub(super) fn check_component_appid(config: &Config, obj: &Map<String, Value>) -> Result<(), WxError> {
    let appid = required_str(obj, "component_appid")?;
    if appid == config.component_appid {
        Ok(())
    } else {
        Err(WxError::new(code::INVALID_COMPONENT, "invalid component"))
    }
}

/// The component secret under `key`: missing → 41004, wrong → 40125.
pub(super) fn check_secret(config: &Config, obj: &Map<String, Value>, key: &str) -> Result<(), WxError> {
    if !obj.contains_key(key) {
        return Err(WxError::new(
            code::APPSECRET_MISSING,
            format!("appsecret missing ({key})"),
        ));
    }
    if required_str(obj, key)? == config.component_secret {
        Ok(())
    } else {
        Err(WxError::new(code::INVALID_APPSECRET, "invalid appsecret"))
    }
}

fn component_token(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let obj = json_object(body)?;
    let config = &app.config;
    check_component_appid(config, &obj)?;
    check_secret(config, &obj, "component_appsecret")?;
    let ticket = required_str(&obj, "component_verify_ticket")?;
    let mut st = app.lock();
    st.tickets.check(ticket, config.ticket_ttl)?;
    st.quotas.spend(&config.component_appid, &q.path)?;
    let token = st
        .tokens
        .issue(&config.component_appid, TokenKind::Component, config.token_ttl);
    Ok(json!({"component_access_token": token, "expires_in": config.token_ttl.as_secs()}))
}

fn start_push_ticket(app: &Shared, _: &Call, body: &Bytes) -> WxResult {
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    check_secret(&app.config, &obj, "component_secret")?;
    app.push_verify_ticket();
    Ok(ok_with(Value::Null))
}

fn create_preauthcode(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    let code = ids::prefixed("preauthcode", 48);
    st.auth.preauth_codes.insert(
        code.clone(),
        std::time::Instant::now() + std::time::Duration::from_secs(1800),
    );
    Ok(json!({"pre_auth_code": code, "expires_in": 1800}))
}

fn query_auth(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    let auth_code = required_str(&obj, "authorization_code")?;
    let appid = st.auth.take_code(auth_code)?;
    let refresh = ids::prefixed("refreshtoken", 64);
    let grant = st.auth.active_grant_mut(&appid)?;
    grant.refresh_token = Some(refresh.clone());
    let funcs = func_info(&grant.func_ids);
    let ttl = app.config.token_ttl;
    let token = st.tokens.issue(&appid, TokenKind::Authorizer, ttl);
    Ok(json!({"authorization_info": {
        "authorizer_appid": appid,
        "authorizer_access_token": token,
        "expires_in": ttl.as_secs(),
        "authorizer_refresh_token": refresh,
        "func_info": funcs,
    }}))
}

fn authorizer_token(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    let appid = required_str(&obj, "authorizer_appid")?;
    let presented = required_str(&obj, "authorizer_refresh_token")?;
    let grant = st.auth.active_grant_mut(appid)?;
    if grant.refresh_token.as_deref() != Some(presented) {
        return Err(WxError::new(code::REFRESH_TOKEN_INVALID, "refresh_token is invalid"));
    }
    let refresh = if app.config.rotate_refresh_tokens {
        let fresh = ids::prefixed("refreshtoken", 64);
        grant.refresh_token = Some(fresh.clone());
        fresh
    } else {
        presented.to_owned()
    };
    let ttl = app.config.token_ttl;
    let token = st.tokens.issue(appid, TokenKind::Authorizer, ttl);
    Ok(json!({
        "authorizer_access_token": token,
        "expires_in": ttl.as_secs(),
        "authorizer_refresh_token": refresh,
    }))
}

fn authorizer_info(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    let appid = required_str(&obj, "authorizer_appid")?;
    let grant = st.auth.active_grant_mut(appid)?;
    Ok(ok_with(json!({
        "authorizer_info": {
            "nick_name": format!("Sandbox merchant {appid}"),
            "head_img": "",
            "service_type_info": {"id": 2},
            "verify_type_info": {"id": 0},
            "user_name": ids::gh_name(appid),
            "principal_name": format!("Sandbox company {appid}"),
            "alias": "",
            "qrcode_url": "",
            "signature": "",
            "business_info": {"open_store": 0, "open_scan": 0, "open_pay": 1, "open_card": 1, "open_shake": 0},
            "account_status": 1,
        },
        "authorization_info": {
            "authorizer_appid": appid,
            "authorizer_refresh_token": grant.refresh_token.clone().unwrap_or_default(),
            "func_info": func_info(&grant.func_ids),
        },
    })))
}

/// A non-negative integer field (47001 if missing or of another type).
fn required_count(obj: &Map<String, Value>, key: &str) -> Result<u64, WxError> {
    obj.get(key).and_then(Value::as_u64).ok_or_else(|| {
        WxError::new(
            code::DATA_FORMAT_ERROR,
            format!("data format error: {key} must be a non-negative integer"),
        )
    })
}

fn authorizer_list(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    let offset = required_count(&obj, "offset")?;
    let count = required_count(&obj, "count")?;
    if !(1..=500).contains(&count) {
        return Err(WxError::new(
            code::INVALID_ARGS,
            "invalid args: count must be between 1 and 500",
        ));
    }
    let active: Vec<Value> = st
        .auth
        .accounts
        .iter()
        .filter_map(|(appid, a)| {
            let g = a.grant.as_ref().filter(|g| g.active)?;
            // An authorizer whose code was never exchanged has no refresh token: WeChat then
            // leaves the key out, as developers report.
            let mut item = json!({"authorizer_appid": appid, "auth_time": g.auth_time});
            if let Some(refresh) = &g.refresh_token {
                item["refresh_token"] = json!(refresh);
            }
            Some(item)
        })
        .collect();
    let total = active.len();
    let page: Vec<Value> = active
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(count).unwrap_or(500))
        .collect();
    Ok(ok_with(json!({"total_count": total, "list": page})))
}
