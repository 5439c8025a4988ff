//! setpdf, getpdf, the PDF download and updatestatus.

use std::time::Duration;

use serde_json::json;
use wx_sandbox::{CardStatus, Sandbox};

use crate::support::{PDF, PLATFORM, assert_err, direct_token, http, insert, insert_body, post, upload, upload_pdf};

#[tokio::test]
async fn setpdf_then_getpdf_then_download() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let v = upload(&sb, &t, PDF).await;
    assert_eq!(v["errcode"], 0);
    let id = v["s_media_id"].as_str().expect("id");
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    let got = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={t}"),
        &json!({"action": "get_url", "s_media_id": id}),
    )
    .await;
    assert_eq!(got["errcode"], 0);
    assert_eq!(got["pdf_url_expire_time"], 7200);
    let url = got["pdf_url"].as_str().expect("url");
    assert!(url.starts_with(&format!("{}/sandbox/pdf/", sb.base_url())));
    let resp = http().get(url).send().await.expect("download");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.bytes().await.expect("bytes").as_ref(), PDF);
    let missing = http()
        .get(format!("{}/sandbox/pdf/nope", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn setpdf_rejects_non_pdf_and_wrong_shapes() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    assert_err(&upload(&sb, &t, b"hello, not a pdf").await, 72040);
    let url = format!("{}/card/invoice/platform/setpdf?access_token={t}", sb.base_url());
    // Wrong part name.
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(PDF).file_name("a.pdf"));
    let v: serde_json::Value = http()
        .post(&url)
        .multipart(form)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("j");
    assert_err(&v, 47001);
    // A text field named pdf (no filename).
    let form = reqwest::multipart::Form::new().text("pdf", "%PDF-1.4");
    let v: serde_json::Value = http()
        .post(&url)
        .multipart(form)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("j");
    assert_err(&v, 47001);
    // Two pdf parts.
    let form = reqwest::multipart::Form::new()
        .part("pdf", reqwest::multipart::Part::bytes(PDF).file_name("a.pdf"))
        .part("pdf", reqwest::multipart::Part::bytes(PDF).file_name("b.pdf"));
    let v: serde_json::Value = http()
        .post(&url)
        .multipart(form)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("j");
    assert_err(&v, 47001);
    // Not multipart at all.
    let v: serde_json::Value = http()
        .post(&url)
        .body("%PDF-1.4")
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("j");
    assert_err(&v, 47001);
    // Missing token checked first.
    let no_token = format!("{}/card/invoice/platform/setpdf", sb.base_url());
    let v: serde_json::Value = http()
        .post(&no_token)
        .body("x")
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("j");
    assert_err(&v, 41001);
}

#[tokio::test]
async fn getpdf_errors() {
    let sb = Sandbox::builder()
        .media_ttl(Duration::from_millis(100))
        .start()
        .await
        .expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let other = direct_token(&sb, "wxotherplatform01").await;
    let id = upload_pdf(&sb, &t).await;
    let path = format!("/card/invoice/platform/getpdf?access_token={t}");
    assert_err(
        &post(&sb, &path, &json!({"action": "get", "s_media_id": id})).await,
        72027,
    );
    assert_err(&post(&sb, &path, &json!({"s_media_id": id})).await, 72031);
    assert_err(
        &post(&sb, &path, &json!({"action": "get_url", "s_media_id": "123"})).await,
        72040,
    );
    let foreign = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={other}"),
        &json!({"action": "get_url", "s_media_id": id}),
    )
    .await;
    assert_err(&foreign, 72040);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_err(
        &post(&sb, &path, &json!({"action": "get_url", "s_media_id": id})).await,
        72040,
    );
}

async fn update(sb: &Sandbox, t: &str, card_id: &str, code: &str, status: &str) -> serde_json::Value {
    post(
        sb,
        &format!("/card/invoice/platform/updatestatus?access_token={t}"),
        &json!({"card_id": card_id, "code": code, "reimburse_status": status}),
    )
    .await
}

#[tokio::test]
async fn updatestatus_transitions() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    let body = insert_body("order-1", &media, "00000001");
    let card_id = body["card_id"].as_str().expect("card_id").to_owned();
    let code = insert(&sb, &t, &body).await["code"].as_str().expect("code").to_owned();

    assert_err(
        &update(&sb, &t, &card_id, "999", "INVOICE_REIMBURSE_CANCEL").await,
        72038,
    );
    assert_err(
        &update(&sb, &t, "other-card", &code, "INVOICE_REIMBURSE_CANCEL").await,
        72038,
    );
    assert_err(
        &update(&sb, &t, &card_id, &code, "INVOICE_REIMBURSE_WHATEVER").await,
        72031,
    );
    assert_err(&update(&sb, &t, &card_id, &code, "INVOICE_REIMBURSE_LOCK").await, 72024);
    assert_eq!(
        update(&sb, &t, &card_id, &code, "INVOICE_REIMBURSE_INIT").await["errcode"],
        0
    );
    let other = direct_token(&sb, "wxotherplatform01").await;
    assert_err(
        &update(&sb, &other, &card_id, &code, "INVOICE_REIMBURSE_CANCEL").await,
        72038,
    );

    assert_eq!(
        update(&sb, &t, &card_id, &code, "INVOICE_REIMBURSE_CANCEL").await,
        json!({"errcode": 0, "errmsg": "ok"})
    );
    assert_eq!(sb.card(&code).expect("card").status, CardStatus::Cancel);
    assert_err(
        &update(&sb, &t, &card_id, &code, "INVOICE_REIMBURSE_CANCEL").await,
        72060,
    );
    assert_err(&update(&sb, &t, &card_id, &code, "INVOICE_REIMBURSE_INIT").await, 72060);

    let media2 = upload_pdf(&sb, &t).await;
    let code2 = insert(&sb, &t, &insert_body("order-2", &media2, "00000002")).await["code"]
        .as_str()
        .expect("code2")
        .to_owned();
    assert_eq!(
        update(&sb, &t, &card_id, &code2, "INVOICE_REIMBURSE_CLOSURE").await["errcode"],
        0
    );
    assert_err(
        &update(&sb, &t, &card_id, &code2, "INVOICE_REIMBURSE_CANCEL").await,
        72061,
    );
}
