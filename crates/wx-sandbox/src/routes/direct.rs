//! Direct-mode (self-built account) token APIs and the `wx_card` api_ticket.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::extract::WxQuery;
use super::{App, Call, access, wx_post};
use crate::ids;
use crate::state::Shared;
use crate::state::merchant::TicketKind;
use crate::state::tokens::TokenKind;
use crate::wire::{WxError, WxResult, code, json_object, ok_with, required_str, respond};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cgi-bin/stable_token", wx_post(stable_token))
        .route("/cgi-bin/token", get(classic_token))
        .route("/cgi-bin/ticket/getticket", get(get_ticket))
}

/// Checks appid + secret of a direct-mode account (40013 unknown, 40125 wrong secret).
pub(super) fn check_account(app: &Shared, appid: &str, secret: &str) -> Result<(), WxError> {
    let st = app.lock();
    let Some(stored) = st.auth.accounts.get(appid).and_then(|a| a.secret.as_deref()) else {
        return Err(WxError::new(code::INVALID_APPID, "invalid appid"));
    };
    if stored == secret {
        Ok(())
    } else {
        Err(WxError::new(code::INVALID_APPSECRET, "invalid appsecret"))
    }
}

fn stable_token(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let obj = json_object(body)?;
    if required_str(&obj, "grant_type")? != "client_credential" {
        return Err(WxError::new(code::INVALID_GRANT_TYPE, "invalid grant_type"));
    }
    let appid = required_str(&obj, "appid")?;
    let secret = required_str(&obj, "secret")?;
    let force = match obj.get("force_refresh") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(WxError::new(
                code::DATA_FORMAT_ERROR,
                "data format error: force_refresh must be a boolean",
            ));
        }
    };
    check_account(app, appid, secret)?;
    let mut st = app.lock();
    st.quotas.spend(appid, &q.path)?;
    if !force && let Some((token, left)) = st.tokens.current(appid, TokenKind::Direct) {
        return Ok(json!({"access_token": token, "expires_in": left.as_secs()}));
    }
    let ttl = app.config.token_ttl;
    let token = st.tokens.issue(appid, TokenKind::Direct, ttl);
    Ok(json!({"access_token": token, "expires_in": ttl.as_secs()}))
}

/// `GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…` (always a new token).
async fn classic_token(State(app): State<App>, uri: Uri, WxQuery(q): WxQuery) -> Response {
    respond((|| {
        if q.get("grant_type").map(String::as_str) != Some("client_credential") {
            return Err(WxError::new(code::INVALID_GRANT_TYPE, "invalid grant_type"));
        }
        let appid = q.get("appid").map_or("", String::as_str);
        let secret = q.get("secret").map_or("", String::as_str);
        check_account(&app, appid, secret)?;
        let ttl = app.config.token_ttl;
        let mut st = app.lock();
        st.quotas.spend(appid, uri.path())?;
        let token = st.tokens.issue(appid, TokenKind::Direct, ttl);
        Ok(json!({"access_token": token, "expires_in": ttl.as_secs()}))
    })())
}

/// `GET /cgi-bin/ticket/getticket?access_token=…&type=wx_card` (M1); `jsapi` tickets are
/// issued too, but only `wx_card` ones open an invoice authorization page.
async fn get_ticket(State(app): State<App>, uri: Uri, WxQuery(q): WxQuery) -> Response {
    respond((|| {
        let mut st = app.lock();
        let call = Call::new(&uri, q);
        let caller = access::business(&mut st, &call, &[])?;
        let kind = match call.get("type").map(String::as_str) {
            Some("wx_card") => TicketKind::WxCard,
            Some("jsapi") => TicketKind::Jsapi,
            _ => {
                return Err(WxError::new(
                    code::INVALID_ARGS,
                    "invalid args: type must be wx_card or jsapi",
                ));
            }
        };
        let ticket = ids::alphanumeric(86);
        let ttl = std::time::Duration::from_secs(7200);
        st.merchants.remember_ticket(&ticket, &caller.appid, kind, ttl);
        Ok(ok_with(json!({"ticket": ticket, "expires_in": ttl.as_secs()})))
    })())
}
