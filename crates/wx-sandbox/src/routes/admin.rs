//! The `/sandbox/...` admin API: every admin action of [`crate::Sandbox`] over HTTP, JSON in
//! and out. Errors are HTTP 400/404 with `{"error": "..."}` (these are not WeChat APIs).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::App;
use crate::fault::{Fault, FaultKind};
use crate::user::UserAuthorization;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/sandbox/verify_ticket", post(verify_ticket))
        .route("/sandbox/authorize", post(authorize))
        .route("/sandbox/accounts", post(register_account))
        .route("/sandbox/tokens/revoke", post(revoke_token))
        .route("/sandbox/tokens/expire", post(expire_token))
        .route("/sandbox/unauthorize", post(unauthorize))
        .route("/sandbox/faults", post(inject_fault))
        .route("/sandbox/counts", get(counts))
        .route("/sandbox/counts/reset", post(reset_counts))
        .route("/sandbox/refresh_token/{appid}", get(refresh_token))
        .route("/sandbox/cards/{code}", get(card))
        .route("/sandbox/user_authorize", post(user_authorize))
        .route("/sandbox/user_authorize/fail", post(fail_user_authorization))
        .route("/sandbox/cards/{code}/submit", post(submit_invoice))
        .route("/sandbox/quota", post(set_daily_limit))
        .route("/sandbox/reset", post(reset))
        .route("/sandbox/events", get(events))
        .route("/sandbox/push/verify_ticket", post(push_verify_ticket))
        .route("/sandbox/push/replay", post(push_replay))
        .route("/sandbox/push/deliveries", get(deliveries))
}

fn admin_error(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({"error": msg.into()}))).into_response()
}

/// Parses an admin request body, answering 400 with the serde message on failure.
pub(super) fn admin_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(admin_error(
            StatusCode::BAD_REQUEST,
            format!("bad admin request body: {e}; see docs/sandbox.md for the shape"),
        ))
    })
}

fn done() -> Response {
    Json(json!({"ok": true})).into_response()
}

async fn verify_ticket(State(app): State<App>) -> Response {
    Json(json!({"ticket": app.mint_verify_ticket()})).into_response()
}

#[derive(Deserialize)]
struct AuthorizeReq {
    authorizer_appid: String,
    #[serde(default)]
    func_ids: Vec<u32>,
}

async fn authorize(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<AuthorizeReq>(&body) {
        Ok(r) => Json(json!({
            "authorization_code": app.authorize(&r.authorizer_appid, &r.func_ids)
        }))
        .into_response(),
        Err(resp) => *resp,
    }
}

#[derive(Deserialize)]
struct AccountReq {
    appid: String,
    #[serde(alias = "secret")]
    appsecret: String,
}

async fn register_account(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<AccountReq>(&body) {
        Ok(r) => {
            app.register_account(&r.appid, &r.appsecret);
            done()
        }
        Err(resp) => *resp,
    }
}

#[derive(Deserialize)]
struct AppidReq {
    #[serde(alias = "authorizer_appid")]
    appid: String,
}

async fn revoke_token(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<AppidReq>(&body) {
        Ok(r) => {
            app.revoke_token(&r.appid);
            done()
        }
        Err(resp) => *resp,
    }
}

async fn expire_token(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<AppidReq>(&body) {
        Ok(r) => {
            app.expire_token(&r.appid);
            done()
        }
        Err(resp) => *resp,
    }
}

async fn unauthorize(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<AppidReq>(&body) {
        Ok(r) => {
            app.unauthorize(&r.appid);
            done()
        }
        Err(resp) => *resp,
    }
}

/// `{"path": "...", "times": 1, "kind": "errcode", "errcode": -1, "errmsg": "..."}` and the
/// other kinds (`http_status` + `status`, `html`, `garbage`, `huge_body` + `bytes`,
/// `delay` + `millis`, `apply_then_delay` + `millis`, `lose_answer`, `drop_connection`,
/// `redirect` + `status` + `location`, `body` + `body`).
#[derive(Deserialize)]
struct FaultReq {
    path: String,
    #[serde(default = "one")]
    times: u32,
    #[serde(flatten)]
    kind: FaultKindReq,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FaultKindReq {
    Errcode {
        errcode: i64,
        #[serde(default)]
        errmsg: String,
    },
    HttpStatus {
        status: u16,
    },
    Html,
    Garbage,
    HugeBody {
        bytes: usize,
    },
    Delay {
        millis: u64,
    },
    ApplyThenDelay {
        millis: u64,
    },
    LoseAnswer,
    DropConnection,
    Redirect {
        status: u16,
        location: String,
    },
    Body {
        body: String,
    },
}

async fn inject_fault(State(app): State<App>, body: Bytes) -> Response {
    let req = match admin_body::<FaultReq>(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let kind = match req.kind {
        FaultKindReq::Errcode { errcode, errmsg } => FaultKind::Errcode(errcode, errmsg),
        FaultKindReq::HttpStatus { status } => FaultKind::HttpStatus(status),
        FaultKindReq::Html => FaultKind::Html,
        FaultKindReq::Garbage => FaultKind::Garbage,
        FaultKindReq::HugeBody { bytes } => FaultKind::HugeBody(bytes),
        FaultKindReq::Delay { millis } => FaultKind::Delay(Duration::from_millis(millis)),
        FaultKindReq::ApplyThenDelay { millis } => FaultKind::ApplyThenDelay(Duration::from_millis(millis)),
        FaultKindReq::LoseAnswer => FaultKind::LoseAnswer,
        FaultKindReq::DropConnection => FaultKind::DropConnection,
        FaultKindReq::Redirect { status, location } => FaultKind::Redirect { status, location },
        FaultKindReq::Body { body } => FaultKind::Body(body),
    };
    app.inject_fault(Fault::new(req.path, kind).times(req.times));
    done()
}

async fn counts(State(app): State<App>) -> Response {
    Json(app.counts()).into_response()
}

async fn reset_counts(State(app): State<App>) -> Response {
    app.reset_counts();
    done()
}

async fn refresh_token(State(app): State<App>, Path(appid): Path<String>) -> Response {
    match app.current_refresh_token(&appid) {
        Some(token) => Json(json!({"refresh_token": token})).into_response(),
        None => admin_error(
            StatusCode::NOT_FOUND,
            format!("no current refresh token for {appid}: authorize it and exchange the code first"),
        ),
    }
}

async fn card(State(app): State<App>, Path(code): Path<String>) -> Response {
    match app.card(&code) {
        Some(card) => Json(serde_json::to_value(card).unwrap_or(Value::Null)).into_response(),
        None => admin_error(StatusCode::NOT_FOUND, format!("no card with code {code}")),
    }
}

async fn user_authorize(State(app): State<App>, body: Bytes) -> Response {
    let req = match admin_body::<UserAuthorization>(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    match app.user_authorize(&req) {
        Ok(openid) => Json(json!({"openid": openid})).into_response(),
        Err(e) => admin_error(StatusCode::NOT_FOUND, e.to_string()),
    }
}

async fn fail_user_authorization(State(app): State<App>, body: Bytes) -> Response {
    let req = match admin_body::<UserAuthorization>(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    match app.fail_user_authorization(&req) {
        Ok(openid) => Json(json!({"openid": openid})).into_response(),
        Err(e) => admin_error(StatusCode::NOT_FOUND, e.to_string()),
    }
}

async fn submit_invoice(State(app): State<App>, Path(code): Path<String>, body: Bytes) -> Response {
    match admin_body::<AppidReq>(&body) {
        Ok(r) => match app.submit_invoice(&code, &r.appid) {
            Some(encrypt_code) => Json(json!({"encrypt_code": encrypt_code})).into_response(),
            None => admin_error(StatusCode::NOT_FOUND, format!("no card with code {code}")),
        },
        Err(resp) => *resp,
    }
}

#[derive(Deserialize)]
struct DailyLimitReq {
    path: String,
    daily_limit: u64,
}

async fn set_daily_limit(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<DailyLimitReq>(&body) {
        Ok(r) => {
            app.set_daily_limit(&r.path, r.daily_limit);
            done()
        }
        Err(resp) => *resp,
    }
}

async fn reset(State(app): State<App>) -> Response {
    app.reset();
    done()
}

async fn events(State(app): State<App>) -> Response {
    Json(app.lock().events.iter().cloned().collect::<Vec<_>>()).into_response()
}

async fn push_verify_ticket(State(app): State<App>) -> Response {
    Json(json!({"ticket": app.push_verify_ticket()})).into_response()
}

#[derive(Deserialize)]
struct ReplayReq {
    index: usize,
}

async fn push_replay(State(app): State<App>, body: Bytes) -> Response {
    let req = match admin_body::<ReplayReq>(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let mut st = app.lock();
    match st.events.get(req.index).cloned() {
        Some(event) => {
            st.emit(event);
            done()
        }
        None => admin_error(
            StatusCode::NOT_FOUND,
            format!("no event #{}; GET /sandbox/events lists them", req.index),
        ),
    }
}

async fn deliveries(State(app): State<App>) -> Response {
    Json(app.lock().deliveries.iter().cloned().collect::<Vec<_>>()).into_response()
}
