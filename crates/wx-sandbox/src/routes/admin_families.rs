//! `/sandbox/...` admin endpoints of the WeCom and unified-invoicing emulations (same
//! conventions as the others: JSON in and out, HTTP 400/404 with `{"error": …}`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::App;
use super::admin::admin_body;
use crate::error::SandboxError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/sandbox/wecom/corps", post(register_corp))
        .route("/sandbox/wecom/submit", post(submit))
        .route("/sandbox/openid/{appid}/{user}", get(openid))
        .route("/sandbox/unified/hold", post(hold))
        .route("/sandbox/unified/complete", post(complete))
}

fn outcome(result: Result<serde_json::Value, SandboxError>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => (StatusCode::NOT_FOUND, Json(json!({"error": e.to_string()}))).into_response(),
    }
}

#[derive(Deserialize)]
struct CorpReq {
    corpid: String,
    corpsecret: String,
    #[serde(default)]
    verified: Option<bool>,
    #[serde(default)]
    active_members: Option<u32>,
}

async fn register_corp(State(app): State<App>, body: Bytes) -> Response {
    let r = match admin_body::<CorpReq>(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    app.register_wecom_corp(&r.corpid, &r.corpsecret);
    let set = app.set_wecom_corp(&r.corpid, r.verified.unwrap_or(true), r.active_members.unwrap_or(1000));
    outcome(set.map(|()| json!({"ok": true})))
}

#[derive(Deserialize)]
struct SubmitReq {
    code: String,
    corpid: String,
    userid: String,
}

async fn submit(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<SubmitReq>(&body) {
        Ok(r) => outcome(
            app.submit_invoice_to_wecom(&r.code, &r.corpid, &r.userid)
                .map(|encrypt_code| json!({"encrypt_code": encrypt_code})),
        ),
        Err(resp) => *resp,
    }
}

async fn openid(State(app): State<App>, Path((appid, user)): Path<(String, String)>) -> Response {
    Json(json!({"openid": app.openid(&appid, &user)})).into_response()
}

#[derive(Deserialize)]
struct HoldReq {
    hold: bool,
}

async fn hold(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<HoldReq>(&body) {
        Ok(r) => {
            app.hold_unified_results(r.hold);
            Json(json!({"ok": true})).into_response()
        }
        Err(resp) => *resp,
    }
}

#[derive(Deserialize)]
struct CompleteReq {
    fpqqlsh: String,
    success: bool,
}

async fn complete(State(app): State<App>, body: Bytes) -> Response {
    match admin_body::<CompleteReq>(&body) {
        Ok(r) => outcome(
            app.complete_unified_request(&r.fpqqlsh, r.success)
                .map(|()| json!({"ok": true})),
        ),
        Err(resp) => *resp,
    }
}
