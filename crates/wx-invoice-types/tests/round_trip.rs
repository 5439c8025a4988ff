//! Every request and response type against a JSON fixture shaped like the spec (fixtures are
//! named after the API path). Requests must serialise back to exactly the fixture; responses
//! must keep every documented field (the envelope and undocumented extras are dropped).
#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wx_invoice_types::{
    ApiStatus, AuthSource, AuthUrlType, BizAttrAction, BizAttrResponse, CreateCardRequest, CreateCardResponse,
    DecryptCodeRequest, DecryptCodeResponse, Fen, GetAuthDataRequest, GetAuthDataResponse, GetAuthUrlRequest,
    GetAuthUrlResponse, GetInvoiceBatchRequest, GetInvoiceBatchResponse, GetInvoiceInfoRequest, GetInvoiceInfoResponse,
    GetPdfRequest, GetPdfResponse, GetSelectTitleUrlRequest, GetUserTitleUrlRequest, InsertInvoiceResponse,
    ReimburseStatus, RejectInsertRequest, ScanTitleRequest, ScanTitleResponse, SetBizAttrRequest, SetPdfResponse,
    SetUrlResponse, TicketResponse, TitleUrlResponse, UpdateInvoiceStatusRequest, UpdateStatusBatchRequest,
    UpdateStatusRequest,
};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Parses the request fixture, checks it re-serialises to exactly the same JSON, returns it.
fn request<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str) -> T {
    let json = fixture(&format!("{name}.request"));
    let parsed: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        json,
        "{name} does not round-trip"
    );
    parsed
}

/// Parses the response fixture (which carries errcode 0), checks that re-serialising gives
/// the fixture minus the envelope and the `dropped` top-level keys, returns it.
fn response<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, dropped: &[&str]) -> T {
    let mut json = fixture(&format!("{name}.response"));
    let status: ApiStatus = serde_json::from_value(json.clone()).unwrap();
    assert!(status.is_ok(), "{name}: {status:?}");
    let parsed: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let object = json.as_object_mut().unwrap();
    for key in ["errcode", "errmsg"].iter().chain(dropped) {
        object.remove(*key);
    }
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back, json, "{name} loses or changes fields");
    assert_eq!(serde_json::from_value::<T>(back).unwrap(), parsed);
    parsed
}

#[test]
fn platform_calls() {
    let seturl: SetUrlResponse = response("card_invoice_seturl", &[]);
    assert_eq!(
        seturl.s_pappid().as_deref(),
        Some("d3hmM2QzM2U3YTdlOGFlOTBiX1BYq+GHn4NhlQ==")
    );

    let card: CreateCardRequest = request("card_invoice_platform_createcard");
    assert_eq!(card.invoice_info.invoice_type, "广东省增值税普通发票");
    assert_eq!(card.validate(), Ok(()));
    let created: CreateCardResponse = response("card_invoice_platform_createcard", &[]);
    assert_eq!(created.card_id, "pjZ8Yt9WoOePThU0NfUKz5-tBEWU");

    let decrypt: DecryptCodeRequest = request("card_code_decrypt");
    assert_eq!(decrypt.validate(), Ok(()));
    let decrypted: DecryptCodeResponse = response("card_code_decrypt", &[]);
    assert_eq!(decrypted.code, "682xxxx661927");

    let status: UpdateStatusRequest = request("card_invoice_platform_updatestatus");
    assert_eq!(status.reimburse_status, ReimburseStatus::Cancel);
    assert_eq!(status.validate(), Ok(()));
}

#[test]
fn pdf_and_insert_calls() {
    // s_media_id arrives as a JSON number and is kept as text, so it re-serialises as a string.
    let json = fixture("card_invoice_platform_setpdf.response");
    let uploaded: SetPdfResponse = serde_json::from_value(json).unwrap();
    assert_eq!(uploaded.s_media_id, "3035943877");

    let get: GetPdfRequest = request("card_invoice_platform_getpdf");
    assert_eq!(get, GetPdfRequest::new("3035943877"));
    let pdf: GetPdfResponse = response("card_invoice_platform_getpdf", &[]);
    assert_eq!(pdf.pdf_url_expire_time, 7200);

    let inserted: InsertInvoiceResponse = response("card_invoice_insert", &[]);
    assert_eq!(inserted.unionid.as_deref(), Some("oRgvV0yxxxxdQ3i8"));
}

#[test]
fn merchant_calls() {
    let ticket: TicketResponse = response("cgi-bin_ticket_getticket", &[]);
    assert_eq!(ticket.expires_in, 7200);

    let auth_url: GetAuthUrlRequest = request("card_invoice_getauthurl");
    assert_eq!(auth_url.source, AuthSource::Web);
    assert_eq!(auth_url.auth_type, AuthUrlType::UserTitle);
    assert_eq!(auth_url.money, Fen(11));
    assert_eq!(auth_url.validate(), Ok(()));
    let url: GetAuthUrlResponse = response("card_invoice_getauthurl", &[]);
    assert_eq!(url.appid.as_deref(), Some("wx7f7a4e0c7a7b9e1e"));

    let data_req: GetAuthDataRequest = request("card_invoice_getauthdata");
    assert_eq!(data_req.validate(), Ok(()));
    let data: GetAuthDataResponse = response("card_invoice_getauthdata", &[]);
    assert!(data.is_authorized());
    let company = data.user_auth_info.unwrap().biz_field.unwrap();
    assert_eq!(company.tax_no, "91440300MA5EXAMPLE");
    assert_eq!(company.custom_field[0].value, "a@example.com");

    let reject: RejectInsertRequest = request("card_invoice_rejectinsert");
    assert_eq!(reject.validate(), Ok(()));
}

#[test]
fn setbizattr_bodies() {
    let auth: SetBizAttrRequest = request("card_invoice_setbizattr.set_auth_field");
    assert_eq!(auth.validate(BizAttrAction::SetAuthField), Ok(()));
    let fields = auth.auth_field.unwrap();
    assert_eq!(fields.user_field.require_phone, Some(false));
    assert_eq!(fields.biz_field.custom_field[0].is_require, Some(true));

    let pay: SetBizAttrRequest = request("card_invoice_setbizattr.set_pay_mch");
    assert_eq!(pay.validate(BizAttrAction::SetPayMch), Ok(()));
    let contact: SetBizAttrRequest = request("card_invoice_setbizattr.set_contact");
    assert_eq!(contact.validate(BizAttrAction::SetContact), Ok(()));

    let got: BizAttrResponse = response("card_invoice_setbizattr.get_contact", &[]);
    assert_eq!(got.contact.unwrap().time_out, 12345);
    let got: BizAttrResponse = response("card_invoice_setbizattr.get_pay_mch", &[]);
    assert_eq!(got.paymch_info.unwrap().mchid, "1234");
}

#[test]
fn reimburse_calls() {
    let get: GetInvoiceInfoRequest = request("card_invoice_reimburse_getinvoiceinfo");
    assert_eq!(get.validate(), Ok(()));

    // The current docs spell the trip key `trip_pdf_ur`; it is read and written as `trip_pdf_url`.
    let mut json = fixture("card_invoice_reimburse_getinvoiceinfo.response");
    let invoice: GetInvoiceInfoResponse = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(invoice.user_info.trip_pdf_url.as_deref(), Some("http://trip.url"));
    assert_eq!(invoice.user_info.reimburse_status, Some(ReimburseStatus::Init));
    assert_eq!(invoice.user_info.info[0].price, Fen(10_000));
    let object = json.as_object_mut().unwrap();
    for key in ["errcode", "errmsg", "order_id", "user_card_status"] {
        object.remove(key);
    }
    let user_info = object["user_info"].as_object_mut().unwrap();
    let trip = user_info.remove("trip_pdf_ur").unwrap();
    user_info.insert("trip_pdf_url".into(), trip);
    assert_eq!(serde_json::to_value(&invoice).unwrap(), json);

    let batch: GetInvoiceBatchRequest = request("card_invoice_reimburse_getinvoicebatch");
    assert_eq!(batch.validate(), Ok(()));
    let got: GetInvoiceBatchResponse = response("card_invoice_reimburse_getinvoicebatch", &[]);
    assert_eq!(got.item_list[0].user_info.reimburse_status, Some(ReimburseStatus::Lock));

    let one: UpdateInvoiceStatusRequest = request("card_invoice_reimburse_updateinvoicestatus");
    assert_eq!(one.validate(), Ok(()));
    let many: UpdateStatusBatchRequest = request("card_invoice_reimburse_updatestatusbatch");
    assert_eq!(many.reimburse_status, ReimburseStatus::Closure);
    assert_eq!(many.validate(), Ok(()));
}

#[test]
fn title_calls() {
    let user_title: GetUserTitleUrlRequest = request("card_invoice_biz_getusertitleurl");
    assert_eq!(user_title.user_fill, Some(false));
    assert_eq!(user_title.validate(), Ok(()));
    let url: TitleUrlResponse = response("card_invoice_biz_getusertitleurl", &[]);
    assert!(url.url.starts_with("https://"));

    let select: GetSelectTitleUrlRequest = request("card_invoice_biz_getselecttitleurl");
    assert_eq!(select.attach.as_deref(), Some("table-7"));

    let scan: ScanTitleRequest = request("card_invoice_scantitle");
    assert_eq!(scan.validate(), Ok(()));
    let scanned: ScanTitleResponse = response("card_invoice_scantitle", &[]);
    assert!(!scanned.is_personal());
}

#[test]
fn every_fixture_is_used() {
    let source = include_str!("round_trip.rs");
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "card_invoice_insert.json" {
            continue; // the official insert example, used by the unit tests of `insert`
        }
        let stem = name
            .trim_end_matches(".json")
            .trim_end_matches(".request")
            .trim_end_matches(".response");
        assert!(
            source.contains(&format!("\"{stem}")),
            "fixture {name} is not used by any test"
        );
    }
}
