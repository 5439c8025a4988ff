//! Quota management: the `clear_quota` forms (own token, AppSecret, component on behalf of an
//! account, legacy component form) and `openapi/quota/get`.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::component::{check_component_appid, check_secret};
use super::direct::check_account;
use super::{App, Call, access, wx_post};
use crate::state::Shared;
use crate::state::tokens::TokenKind;
use crate::wire::{WxError, WxResult, code, json_object, ok, ok_with, required_str};

/// The WeChat paths the sandbox serves (what `openapi/quota/get` knows).
pub(crate) const WECHAT_PATHS: &[&str] = &[
    "/cgi-bin/component/api_component_token",
    "/cgi-bin/component/api_start_push_ticket",
    "/cgi-bin/component/api_create_preauthcode",
    "/cgi-bin/component/api_query_auth",
    "/cgi-bin/component/api_authorizer_token",
    "/cgi-bin/component/api_get_authorizer_info",
    "/cgi-bin/component/api_get_authorizer_list",
    "/cgi-bin/component/clear_quota",
    "/cgi-bin/component/clear_quota/v2",
    "/cgi-bin/clear_quota",
    "/cgi-bin/clear_quota/v2",
    "/cgi-bin/openapi/quota/get",
    "/cgi-bin/openapi/rid/get",
    "/cgi-bin/component/api_get_authorizer_option",
    "/cgi-bin/component/api_set_authorizer_option",
    "/cgi-bin/component/get_authorizer_option",
    "/cgi-bin/component/set_authorizer_option",
    "/nontax/getbillauthurl",
    "/nontax/createbillcard",
    "/nontax/insertbill",
    "/card/invoice/makeoutinvoice",
    "/card/invoice/clearoutinvoice",
    "/card/invoice/queryinvoceinfo",
    "/cgi-bin/stable_token",
    "/cgi-bin/token",
    "/cgi-bin/ticket/getticket",
    "/card/code/decrypt",
    "/card/invoice/seturl",
    "/card/invoice/platform/createcard",
    "/card/invoice/platform/setpdf",
    "/card/invoice/platform/getpdf",
    "/card/invoice/platform/updatestatus",
    "/card/invoice/insert",
    "/card/invoice/getauthurl",
    "/card/invoice/getauthdata",
    "/card/invoice/rejectinsert",
    "/card/invoice/setbizattr",
    "/card/invoice/reimburse/getinvoiceinfo",
    "/card/invoice/reimburse/getinvoicebatch",
    "/card/invoice/reimburse/updateinvoicestatus",
    "/card/invoice/reimburse/updatestatusbatch",
    "/card/invoice/biz/getusertitleurl",
    "/card/invoice/biz/getselecttitleurl",
    "/card/invoice/scantitle",
];

/// The call-frequency window `quota/get` reports (a sandbox figure; it is not enforced).
const RATE_LIMIT_CALLS: u64 = 6000;
const RATE_LIMIT_SECONDS: u64 = 60;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cgi-bin/clear_quota", wx_post(clear_own))
        .route("/cgi-bin/clear_quota/v2", wx_post(clear_by_secret))
        .route("/cgi-bin/component/clear_quota/v2", wx_post(component_clear_by_secret))
        .route("/cgi-bin/component/clear_quota", wx_post(component_clear_legacy))
        .route("/cgi-bin/openapi/quota/get", wx_post(quota_get))
}

fn appid_missing() -> WxError {
    WxError::new(code::APPID_MISSING, "appid missing")
}

/// A string field from the body, or else from the query (some clients send these
/// parameters in the query string).
fn body_or_query<'a>(obj: &'a Map<String, Value>, q: &'a Call, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .or_else(|| q.get(key).map(String::as_str))
        .filter(|s| !s.is_empty())
}

/// `POST /cgi-bin/clear_quota?access_token=X` `{appid}`: resets the quota of X's account
/// (an account's own token, the component token, or an authorizer token).
fn clear_own(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::any_token(&st, q)?;
    let obj = json_object(body)?;
    let appid = body_or_query(&obj, q, "appid").ok_or_else(appid_missing)?;
    if appid != caller.appid {
        return Err(WxError::new(
            code::INVALID_APPID,
            "invalid appid: it must be the account of the access_token",
        ));
    }
    st.quotas.clear(appid)?;
    Ok(ok())
}

/// `POST /cgi-bin/clear_quota/v2` `{appid, appsecret}` (body or query), no token: a
/// self-built account's own quota.
fn clear_by_secret(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let obj = if body.is_empty() {
        Map::new()
    } else {
        json_object(body)?
    };
    let appid = body_or_query(&obj, q, "appid").ok_or_else(appid_missing)?;
    let secret = body_or_query(&obj, q, "appsecret")
        .ok_or_else(|| WxError::new(code::APPSECRET_MISSING, "appsecret missing"))?;
    check_account(app, appid, secret)?;
    app.lock().quotas.clear(appid)?;
    Ok(ok())
}

/// `POST /cgi-bin/component/clear_quota/v2` `{component_appid, appsecret, appid?}`, no
/// token: the component's own quota, or with `appid` that authorizer's.
fn component_clear_by_secret(app: &Shared, _: &Call, body: &Bytes) -> WxResult {
    let obj = json_object(body)?;
    if !obj.contains_key("component_appid") {
        return Err(appid_missing());
    }
    check_component_appid(&app.config, &obj)?;
    check_secret(&app.config, &obj, "appsecret")?;
    let mut st = app.lock();
    let target = match obj.get("appid").and_then(Value::as_str).filter(|s| !s.is_empty()) {
        Some(appid) => {
            st.auth.active_grant_mut(appid)?;
            appid.to_owned()
        }
        None => app.config.component_appid.clone(),
    };
    st.quotas.clear(&target)?;
    Ok(ok())
}

/// `POST /cgi-bin/component/clear_quota?component_access_token=CAT` `{component_appid}`.
fn component_clear_legacy(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    access::component(&mut st, q)?;
    let obj = json_object(body)?;
    check_component_appid(&app.config, &obj)?;
    let component = app.config.component_appid.clone();
    st.quotas.clear(&component)?;
    Ok(ok())
}

/// `POST /cgi-bin/openapi/quota/get?access_token=X` `{cgi_path}`: today's use of a path by
/// X's account.
fn quota_get(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::any_token(&st, q)?;
    let obj = json_object(body)?;
    let path = required_str(&obj, "cgi_path")?;
    if path.contains("/sns/") {
        return Err(WxError::new(code::CGI_PATH_NOT_OWNED, "sns apis are not supported"));
    }
    if !WECHAT_PATHS.contains(&path) {
        return Err(WxError::new(code::CGI_PATH_NOT_FOUND, "cgi_path not found"));
    }
    // The newer authorizer-option calls take the authorizer's token despite their path.
    let component_path = path.starts_with("/cgi-bin/component/")
        && !path.ends_with("/get_authorizer_option")
        && !path.ends_with("/set_authorizer_option");
    if component_path != (caller.kind == TokenKind::Component) {
        return Err(WxError::new(
            code::CGI_PATH_NOT_OWNED,
            "this access_token's account does not own this cgi_path (component APIs need the component token, others the account's token)",
        ));
    }
    let limit = st.quotas.limit(path);
    let used = st.quotas.used(&caller.appid, path);
    Ok(ok_with(json!({
        "quota": {
            "daily_limit": limit,
            "used": used,
            "remain": limit.saturating_sub(used),
        },
        "rate_limit": {"call_count": RATE_LIMIT_CALLS, "refresh_second": RATE_LIMIT_SECONDS},
        "component_rate_limit": {"call_count": RATE_LIMIT_CALLS, "refresh_second": RATE_LIMIT_SECONDS},
    })))
}
