//! Invoicing-platform APIs: PDF upload and lookup (P3, P4), status sync (P6), and the
//! download URL that stands in for WeChat's PDF host.

use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::extract::WxQuery;
use super::{App, Call, access, wx_post};
use crate::state::Shared;
use crate::state::cards::{CardStatus, platform_change};
use crate::state::media::PDF_URL_TTL;
use crate::wire::{WxError, WxResult, code, invalid_param, invoice_str, json_object, ok, ok_with, only_keys};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/platform/setpdf", post(set_pdf))
        .route("/card/invoice/platform/getpdf", wx_post(get_pdf))
        .route("/card/invoice/platform/updatestatus", wx_post(update_status))
        .route("/sandbox/pdf/{key}", get(download_pdf))
}

fn format_error(why: &str) -> WxError {
    WxError::new(code::DATA_FORMAT_ERROR, format!("data format error: {why}"))
}

/// Reads the single file part named `pdf`.
async fn read_pdf_part(multipart: Result<Multipart, MultipartRejection>) -> Result<Bytes, WxError> {
    let mut multipart =
        multipart.map_err(|_| format_error("expected multipart/form-data with a file part named pdf"))?;
    let mut pdf = None;
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| format_error(&format!("unreadable multipart body ({e})")))?;
        let Some(field) = field else { break };
        let is_file = field.file_name().is_some();
        match (field.name(), is_file) {
            (Some("pdf"), true) if pdf.is_none() => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| format_error(&format!("unreadable pdf part ({e})")))?;
                pdf = Some(bytes);
            }
            (Some("pdf"), true) => return Err(format_error("more than one part named pdf")),
            (Some("pdf"), false) => {
                return Err(format_error("the pdf part must be a file (give it a filename)"));
            }
            (_, true) => return Err(format_error("the only file part must be named pdf")),
            (_, false) => {}
        }
    }
    pdf.ok_or_else(|| format_error("no file part named pdf"))
}

async fn set_pdf(
    State(app): State<App>,
    uri: Uri,
    WxQuery(q): WxQuery,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let caller = {
        let mut st = app.lock();
        match access::business(&mut st, &Call::new(&uri, q), access::SETS_INVOICE) {
            Ok(c) => c,
            Err(e) => return e.into_response(),
        }
    };
    let pdf = match read_pdf_part(multipart).await {
        Ok(pdf) => pdf,
        Err(e) => return e.into_response(),
    };
    if !pdf.starts_with(b"%PDF-") {
        return WxError::new(
            code::INVOICE_PDF_ERROR,
            "invoice pdf error: the file is not a PDF (it must start with %PDF-)",
        )
        .into_response();
    }
    let ttl = app.config.media_ttl;
    let id = app.lock().media.upload(&caller.appid, pdf, ttl);
    axum::Json(ok_with(json!({"s_media_id": id}))).into_response()
}

fn get_pdf(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["action", "s_media_id"])?;
    // `action` belongs in the body; some clients send it in the query: accept both.
    let query_action = q.get("action").cloned().map(serde_json::Value::String);
    match obj.get("action").or(query_action.as_ref()) {
        Some(serde_json::Value::String(a)) if a == "get_url" => {}
        Some(serde_json::Value::String(_)) => {
            return Err(WxError::new(
                code::INVOICE_ACTION_ERROR,
                "invoice action error: action must be get_url",
            ));
        }
        Some(_) => return Err(invalid_param("action", "must be a string")),
        None => return Err(invalid_param("action", "is missing")),
    }
    let media_id = invoice_str(&obj, "s_media_id")?;
    st.media.check(&caller.appid, media_id)?;
    let key = st.media.link(media_id);
    Ok(ok_with(json!({
        "pdf_url": format!("{}/sandbox/pdf/{key}", app.base_url),
        "pdf_url_expire_time": PDF_URL_TTL.as_secs(),
    })))
}

async fn download_pdf(State(app): State<App>, Path(key): Path<String>) -> Response {
    match app.lock().media.download(&key) {
        Some(bytes) => ([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "pdf link unknown or expired").into_response(),
    }
}

fn update_status(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["card_id", "code", "reimburse_status"])?;
    let card_id = invoice_str(&obj, "card_id")?;
    let card_code = invoice_str(&obj, "code")?;
    let wanted = invoice_str(&obj, "reimburse_status")?;
    let wanted =
        CardStatus::from_wire(wanted).ok_or_else(|| invalid_param("reimburse_status", "is not a known status"))?;
    let card = st
        .cards
        .by_code
        .get_mut(card_code)
        .filter(|c| c.card_id == card_id && c.platform_appid == caller.appid)
        .ok_or_else(|| {
            WxError::new(
                code::ORDER_NEVER_AUTH,
                "invoice order never auth: no card with this card_id and code for this account",
            )
        })?;
    platform_change(card.status, wanted)?;
    let changed = card.status != wanted;
    card.status = wanted;
    if wanted != CardStatus::Lock {
        card.locked_by = None;
    }
    if changed {
        let card = card.clone();
        st.card_status_changed(&card);
    }
    Ok(ok())
}
