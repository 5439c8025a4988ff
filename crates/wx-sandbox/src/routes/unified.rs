//! Unified invoicing (legacy): `card/invoice/makeoutinvoice` and `clearoutinvoice` accept a
//! request and, unless results are held, decide it at once and push
//! `cloud_invoice_invoiceresult_event`; `queryinvoceinfo` (WeChat's spelling) reads the result.

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::{App, Call, access, wx_post};
use crate::events::SandboxEvent;
use crate::ids;
use crate::state::unified::{IssuedInvoice, Outcome, RequestKind, UnifiedRequest};
use crate::state::{Shared, State};
use crate::wire::{WxError, WxResult, code, invalid_param, invoice_obj, json_object, ok, ok_with, only_keys, unix_now};

/// The 73xxx codes of this family (WeChat's names).
mod codes {
    pub const MAKE_OUT_FAILED: i64 = 73000;
    pub const WXOPENID_ERROR: i64 = 73001;
    pub const FPQQLSH_OTHER_DDH: i64 = 73106;
    pub const PROCESSING: i64 = 73107;
    pub const DDH_OTHER_FPQQLSH: i64 = 73108;
    pub const FPQQLSH_NOT_EXIST: i64 = 73109;
    pub const NSRSBH_NOT_CMP: i64 = 73101;
}

/// Each required `invoiceinfo` field of makeoutinvoice with its "… empty" code.
const MAKE_OUT_REQUIRED: &[(&str, i64)] = &[
    ("wxopenid", 73003),
    ("ddh", 73002),
    ("fpqqlsh", 73004),
    ("nsrsbh", 73016),
    ("nsrmc", 73007),
    ("nsrdz", 73008),
    ("nsrdh", 73009),
    ("ghfmc", 73010),
    ("kpr", 73011),
    ("jshj", 73012),
    ("hjje", 73013),
    ("hjse", 73014),
    ("hylx", 73015),
];

const MAKE_OUT_OPTIONAL: &[&str] = &[
    "nsrbank",
    "nsrbankid",
    "ghfnsrsbh",
    "ghfdz",
    "ghfdh",
    "ghfbank",
    "ghfbankid",
    "skr",
    "fhr",
    "bz",
];

const CLEAR_OUT_KEYS: [&str; 6] = ["wxopenid", "fpqqlsh", "nsrsbh", "nsrmc", "yfpdm", "yfphm"];

const LINE_KEYS: &[&str] = &[
    "fphxz", "spbm", "xmmc", "dw", "ggxh", "xmsl", "xmdj", "xmje", "sl", "se",
];

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/card/invoice/makeoutinvoice", wx_post(make_out))
        .route("/card/invoice/clearoutinvoice", wx_post(clear_out))
        .route("/card/invoice/queryinvoceinfo", wx_post(query))
}

/// A value sent as a string or a number (WeChat's sample sends strings; some clients send
/// numbers), as text; `None` when absent, null or empty.
fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    !int.is_empty() && !frac.is_empty() && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
}

fn decimal(obj: &Map<String, Value>, key: &str, path: &str) -> Result<(), WxError> {
    match text(obj, key) {
        Some(t) if is_decimal(&t) => Ok(()),
        Some(_) => Err(invalid_param(
            &format!("{path}{key}"),
            "must be a decimal number such as \"12.30\"",
        )),
        None => Err(invalid_param(&format!("{path}{key}"), "is missing")),
    }
}

fn check_lines(info: &Map<String, Value>) -> Result<(), WxError> {
    let Some(Value::Array(lines)) = info.get("invoicedetail_list") else {
        return Err(invalid_param("invoiceinfo.invoicedetail_list", "must be an array"));
    };
    if lines.is_empty() {
        return Err(invalid_param("invoiceinfo.invoicedetail_list", "must not be empty"));
    }
    for (i, line) in lines.iter().enumerate() {
        let path = format!("invoiceinfo.invoicedetail_list[{i}]");
        let line = line
            .as_object()
            .ok_or_else(|| invalid_param(&path, "must be an object"))?;
        only_keys(line, &path, LINE_KEYS)?;
        let prefix = format!("{path}.");
        if !text(line, "fphxz").is_some_and(|v| ["0", "1", "2"].contains(&v.as_str())) {
            return Err(invalid_param(&format!("{prefix}fphxz"), "must be 0, 1 or 2"));
        }
        if !text(line, "spbm").is_some_and(|v| v.len() == 19 && v.bytes().all(|b| b.is_ascii_digit())) {
            return Err(invalid_param(
                &format!("{prefix}spbm"),
                "must be the 19-digit tax classification code",
            ));
        }
        if text(line, "xmmc").is_none() {
            return Err(invalid_param(&format!("{prefix}xmmc"), "is missing"));
        }
        for key in ["xmje", "sl", "se"] {
            decimal(line, key, &prefix)?;
        }
        for key in ["xmsl", "xmdj"] {
            if line.contains_key(key) && !line[key].is_null() {
                decimal(line, key, &prefix)?;
            }
        }
    }
    Ok(())
}

/// Validates `invoiceinfo` of makeoutinvoice; returns (wxopenid, ddh, fpqqlsh, nsrsbh).
fn make_out_fields(info: &Map<String, Value>) -> Result<[String; 4], WxError> {
    let mut allowed: Vec<&str> = MAKE_OUT_REQUIRED.iter().map(|(k, _)| *k).collect();
    allowed.extend(MAKE_OUT_OPTIONAL);
    allowed.push("invoicedetail_list");
    only_keys(info, "invoiceinfo", &allowed)?;
    for (key, empty_code) in MAKE_OUT_REQUIRED {
        if text(info, key).is_none() {
            return Err(WxError::new(*empty_code, format!("{key} empty")));
        }
    }
    for key in ["jshj", "hjje", "hjse"] {
        decimal(info, key, "invoiceinfo.")?;
    }
    if !text(info, "hylx").is_some_and(|v| v == "0" || v == "1") {
        return Err(invalid_param("invoiceinfo.hylx", "must be 0 or 1"));
    }
    check_lines(info)?;
    let field = |key: &str| text(info, key).unwrap_or_default();
    Ok([field("wxopenid"), field("ddh"), field("fpqqlsh"), field("nsrsbh")])
}

/// 73001 unless `openid` is a user of `merchant`.
fn check_openid(st: &State, merchant: &str, openid: &str) -> Result<(), WxError> {
    if st.cards.is_openid_of(merchant, openid) {
        Ok(())
    } else {
        Err(WxError::new(codes::WXOPENID_ERROR, "wxopenid error"))
    }
}

/// Decides `request` now (success), unless results are held; pushes the result.
fn accept(app: &Shared, st: &mut State, mut request: UnifiedRequest) {
    if !st.unified.hold {
        request.outcome = issue(app, st, &request.merchant);
    }
    let key = (request.merchant.clone(), request.fpqqlsh.clone());
    st.unified.requests.insert(key.clone(), request);
    finish(st, &key);
}

/// A new invoice for `merchant`, with a PDF the sandbox serves.
pub(crate) fn issue(app: &Shared, st: &mut State, merchant: &str) -> Outcome {
    let pdf = axum::body::Bytes::from_static(b"%PDF-1.4\n% wx-sandbox unified invoice\n%%EOF\n");
    let pdf_media_id = st.media.upload(merchant, pdf, app.config.media_ttl);
    Outcome::Issued(IssuedInvoice {
        fpdm: ids::digits(12),
        fphm: ids::digits(8),
        kprq: beijing_now(),
        jym: ids::digits(20),
        pdf_media_id,
        red_flushed: false,
    })
}

/// Applies a decided red-flush to its blue invoice and pushes the result of `key`, if decided.
pub(crate) fn finish(st: &mut State, key: &(String, String)) {
    let Some(request) = st.unified.requests.get(key).cloned() else {
        return;
    };
    let status = match &request.outcome {
        Outcome::Processing => return,
        Outcome::Issued(_) => 100,
        Outcome::Failed => 2,
    };
    if let (RequestKind::Red { original }, Outcome::Issued(_)) = (&request.kind, &request.outcome)
        && let Some(blue) = st.unified.blue_mut(&request.merchant, &original.0, &original.1)
        && let Outcome::Issued(invoice) = &mut blue.outcome
    {
        invoice.red_flushed = true;
    }
    st.emit(SandboxEvent::CloudInvoiceResult {
        to_appid: request.merchant,
        fpqqlsh: request.fpqqlsh,
        nsrsbh: request.nsrsbh,
        status,
        openid: request.openid,
    });
}

/// Now as `yyyyMMddHHmmss` in Beijing time.
fn beijing_now() -> String {
    let t = unix_now() + 8 * 3600;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn make_out(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["invoiceinfo"])?;
    let info = invoice_obj(&obj, "invoiceinfo")?;
    let [openid, ddh, fpqqlsh, nsrsbh] = make_out_fields(info)?;
    check_openid(&st, &caller.appid, &openid)?;
    let key = (caller.appid.clone(), fpqqlsh.clone());
    if let Some(existing) = st.unified.requests.get(&key) {
        // A retry with the same serial for the same order is accepted again (73105 says to).
        return if existing.kind == (RequestKind::Blue { ddh }) {
            Ok(ok())
        } else {
            Err(WxError::new(
                codes::FPQQLSH_OTHER_DDH,
                "Fpqqlsh exist with different ddh",
            ))
        };
    }
    if st.unified.serial_of_order(&caller.appid, &ddh).is_some() {
        return Err(WxError::new(
            codes::DDH_OTHER_FPQQLSH,
            "This ddh with other fpqqlsh already exist",
        ));
    }
    let request = UnifiedRequest {
        merchant: caller.appid,
        fpqqlsh,
        nsrsbh,
        openid,
        kind: RequestKind::Blue { ddh },
        outcome: Outcome::Processing,
    };
    accept(app, &mut st, request);
    Ok(ok())
}

fn clear_out(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["invoiceinfo"])?;
    let info = invoice_obj(&obj, "invoiceinfo")?;
    only_keys(info, "invoiceinfo", &CLEAR_OUT_KEYS)?;
    let field = |key: &str| text(info, key).ok_or_else(|| invalid_param(&format!("invoiceinfo.{key}"), "is missing"));
    let openid = field("wxopenid")?;
    let fpqqlsh = field("fpqqlsh")?;
    let nsrsbh = field("nsrsbh")?;
    field("nsrmc")?;
    let (code_of_blue, number_of_blue) = (field("yfpdm")?, field("yfphm")?);
    check_openid(&st, &caller.appid, &openid)?;
    if st
        .unified
        .requests
        .contains_key(&(caller.appid.clone(), fpqqlsh.clone()))
    {
        return Err(WxError::new(
            codes::FPQQLSH_OTHER_DDH,
            "Fpqqlsh exist with different ddh",
        ));
    }
    let blue = st
        .unified
        .blue_mut(&caller.appid, &code_of_blue, &number_of_blue)
        .ok_or_else(|| {
            invalid_param(
                "invoiceinfo.yfphm",
                "is not an invoice this account issued (yfpdm, yfphm)",
            )
        })?;
    if blue.nsrsbh != nsrsbh {
        return Err(WxError::new(codes::NSRSBH_NOT_CMP, "nsrsbh not cmp"));
    }
    if blue.openid != openid {
        return Err(WxError::new(
            codes::WXOPENID_ERROR,
            "wxopenid error: not the buyer of this invoice",
        ));
    }
    if matches!(&blue.outcome, Outcome::Issued(i) if i.red_flushed) {
        return Err(WxError::new(
            code::INVOICE_CANCELLED,
            "invoice cancelled: already red-flushed",
        ));
    }
    let request = UnifiedRequest {
        merchant: caller.appid,
        fpqqlsh,
        nsrsbh,
        openid,
        kind: RequestKind::Red {
            original: (code_of_blue, number_of_blue),
        },
        outcome: Outcome::Processing,
    };
    accept(app, &mut st, request);
    Ok(ok())
}

fn query(app: &Shared, q: &Call, body: &Bytes) -> WxResult {
    let mut st = app.lock();
    let caller = access::business(&mut st, q, access::SETS_INVOICE)?;
    let obj = json_object(body)?;
    only_keys(&obj, "", &["fpqqlsh", "nsrsbh"])?;
    let fpqqlsh = text(&obj, "fpqqlsh").ok_or_else(|| WxError::new(73004, "fpqqlsh empty"))?;
    let nsrsbh = text(&obj, "nsrsbh").ok_or_else(|| WxError::new(73016, "nsrsbh empty"))?;
    let request = st
        .unified
        .requests
        .get(&(caller.appid.clone(), fpqqlsh.clone()))
        .ok_or_else(|| WxError::new(codes::FPQQLSH_NOT_EXIST, "This Fpqqlsh not exist in kpplat"))?;
    if request.nsrsbh != nsrsbh {
        return Err(WxError::new(codes::NSRSBH_NOT_CMP, "nsrsbh not cmp"));
    }
    match &request.outcome {
        Outcome::Processing => Err(WxError::new(
            codes::PROCESSING,
            "Fpqqlsh is processing, please wait and query later",
        )),
        Outcome::Failed => Err(WxError::new(
            codes::MAKE_OUT_FAILED,
            "sys error make out invoice failed",
        )),
        Outcome::Issued(invoice) => {
            let invoice = invoice.clone();
            let pdf_key = st.media.link(&invoice.pdf_media_id);
            let mut out = ok_with(json!({"invoicedetail": {
                "fpqqlsh": fpqqlsh,
                "fpdm": invoice.fpdm,
                "fphm": invoice.fphm,
                "kprq": invoice.kprq,
                "jym": invoice.jym,
                "pdfurl": format!("{}/sandbox/pdf/{pdf_key}", app.base_url),
            }}));
            out["errmsg"] = json!("发票数据获取成功");
            Ok(out)
        }
    }
}
