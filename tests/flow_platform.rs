//! The invoicing platform's side (P1–P7) through the public API against the sandbox over
//! loopback HTTP: every call with its result read back, and at least one error path each (a
//! WeChat code from the sandbox's state, or a validation refusal with nothing sent). Which
//! permission sets each call needs: `flow_platform_permissions.rs`.

use std::sync::Arc;

use wx_invoice_api::InvoiceError;
use wx_invoice_e2e::flow::{Flow, template, wechat_code};
use wx_invoice_e2e::{INSERT_PATH, MERCHANT, PLATFORM_OA, Platform, insert_request, sample_pdf};
use wx_invoice_types::{CreateCardRequest, ReimburseStatus};
use wx_sandbox::CardStatus;

const SET_URL: &str = "/card/invoice/seturl";
const CREATE_CARD: &str = "/card/invoice/platform/createcard";
const SET_PDF: &str = "/card/invoice/platform/setpdf";
const GET_PDF: &str = "/card/invoice/platform/getpdf";
const UPDATE_STATUS: &str = "/card/invoice/platform/updatestatus";
const DECRYPT: &str = "/card/code/decrypt";

/// A second invoicing platform, to show that one platform's media and cards are not another's.
const OTHER_PLATFORM: &str = "wxf00dcafe00000009";

#[tokio::test]
async fn set_url_gives_the_platforms_stable_s_pappid() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let first = p.client.platform(PLATFORM_OA).set_url().await.expect("seturl");
    assert!(
        first
            .invoice_url
            .starts_with("https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid="),
        "{}",
        first.invoice_url
    );
    let s_pappid = first.s_pappid().expect("s_pappid in the URL");
    assert_eq!(s_pappid, p.sandbox.s_pappid(PLATFORM_OA), "percent-decoded s_pappid");
    let second = p.client.platform(PLATFORM_OA).set_url().await.expect("seturl again");
    assert_eq!(
        second.s_pappid().as_deref(),
        Some(s_pappid.as_str()),
        "stable per platform"
    );

    // Error path: a WeChat error answered by the sandbox (to all three attempts the default
    // retry policy makes) surfaces with its code.
    p.sandbox
        .inject_fault(wx_sandbox::Fault::errcode(SET_URL, -1, "system error").times(3));
    let err = p.client.platform(PLATFORM_OA).set_url().await.expect_err("fault");
    assert_eq!(wechat_code(&err), -1);
    assert!(err.is_retryable(), "-1 is worth retrying: {err:?}");
}

#[tokio::test]
async fn create_card_makes_a_template_inserts_can_use() {
    let flow = Flow::start(&[]).await;
    assert!(!flow.card_id.is_empty());
    let out = flow.issue("order-tpl-1").await;
    let card = flow.p.sandbox.card(&out.code).expect("inserted card");
    assert_eq!(card.card_id, flow.card_id, "the card uses the new template");

    // A second template for the same platform gets another id.
    let other = flow
        .p
        .client
        .platform(PLATFORM_OA)
        .create_card(
            &CreateCardRequest::new("广州示例贸易有限公司")
                .with_invoice_type("增值税电子普通发票")
                .with_logo_url("http://mmbiz.qpic.cn/mmbiz/sample-logo/1")
                .with_title("示例贸易"),
        )
        .await
        .expect("second template");
    assert_ne!(other, flow.card_id);

    // Error path: a title of 10 characters and an empty payee are refused before sending.
    flow.p.sandbox.reset_counts();
    let mut bad = template();
    bad.invoice_info.base_info.title = "一二三四五六七八九十".into();
    bad.invoice_info.payee = String::new();
    let err = flow
        .p
        .client
        .platform(PLATFORM_OA)
        .create_card(&bad)
        .await
        .expect_err("invalid template");
    let InvoiceError::Validation(problems) = &err else {
        panic!("expected a validation error, got {err:?}")
    };
    assert!(problems.mentions("invoice_info.base_info.title"), "{err}");
    assert!(problems.mentions("invoice_info.payee"), "{err}");
    assert_eq!(flow.p.sandbox.count(CREATE_CARD), 0, "nothing sent");
}

#[tokio::test]
async fn insert_with_a_foreign_template_is_refused_by_wechat() {
    let flow = Flow::start(&[]).await;
    flow.p.authorize(OTHER_PLATFORM, &[26]).await;
    let foreign = flow
        .p
        .client
        .platform(OTHER_PLATFORM)
        .create_card(&template())
        .await
        .expect("the other platform's template");
    flow.authorize_order("order-foreign-tpl", None).await;
    let media = flow.p.upload(PLATFORM_OA).await;
    let mut request = insert_request("order-foreign-tpl", &media);
    request.card_id = foreign;
    let err = flow
        .p
        .client
        .insert(PLATFORM_OA, &request)
        .await
        .expect_err("not our template");
    assert_eq!(wechat_code(&err), 40078);
}

#[tokio::test]
async fn upload_pdf_and_get_pdf_serve_the_same_bytes() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p
        .client
        .platform(PLATFORM_OA)
        .upload_pdf("invoice.pdf", sample_pdf())
        .await
        .expect("setpdf");
    assert!(
        !media.is_empty() && media.bytes().all(|b| b.is_ascii_digit()),
        "{media}"
    );
    let pdf = p.client.platform(PLATFORM_OA).get_pdf(&media).await.expect("getpdf");
    assert_eq!(pdf.pdf_url_expire_time, 7200);
    let bytes = reqwest::get(&pdf.pdf_url)
        .await
        .expect("download")
        .bytes()
        .await
        .expect("body");
    assert_eq!(
        bytes.as_ref(),
        sample_pdf().as_slice(),
        "the URL serves the uploaded PDF"
    );
}

#[tokio::test]
async fn upload_pdf_refuses_non_pdfs_and_oversized_files_without_sending() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let err = p
        .client
        .platform(PLATFORM_OA)
        .upload_pdf("invoice.txt", b"hello".to_vec())
        .await
        .expect_err("not a PDF");
    assert!(
        matches!(&err, InvoiceError::NotPdf { filename } if filename == "invoice.txt"),
        "{err:?}"
    );

    let small = wx_invoice_api::InvoiceClient::builder(Arc::new(p.tokens()))
        .api_base(p.sandbox.base_url())
        .max_pdf_bytes(16)
        .build()
        .expect("client");
    let err = small
        .platform(PLATFORM_OA)
        .upload_pdf("invoice.pdf", sample_pdf())
        .await
        .expect_err("too large");
    match &err {
        InvoiceError::PdfTooLarge { size, limit, .. } => {
            assert_eq!(*size, sample_pdf().len());
            assert_eq!(*limit, 16);
        }
        other => panic!("expected PdfTooLarge, got {other:?}"),
    }
    assert_eq!(p.sandbox.count(SET_PDF), 0, "nothing sent");
}

#[tokio::test]
async fn get_pdf_of_an_unknown_or_foreign_media_id_is_72040() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    p.authorize(OTHER_PLATFORM, &[26]).await;
    let err = p
        .client
        .get_pdf(PLATFORM_OA, "1234567890123456789")
        .await
        .expect_err("unknown media");
    assert_eq!(wechat_code(&err), 72040);
    let theirs = p.upload(OTHER_PLATFORM).await;
    let err = p
        .client
        .get_pdf(PLATFORM_OA, &theirs)
        .await
        .expect_err("another platform's media");
    assert_eq!(wechat_code(&err), 72040);
    assert!(
        p.client.get_pdf(OTHER_PLATFORM, &theirs).await.is_ok(),
        "the owner reads it"
    );
}

#[tokio::test]
async fn insert_puts_an_init_card_into_the_authorizing_users_wallet() {
    let flow = Flow::start(&[]).await;
    let out = flow.issue("order-ins-1").await;
    let card = flow.p.sandbox.card(&out.code).expect("card stored");
    assert_eq!(card.code, out.code);
    assert_eq!(card.order_id, "order-ins-1");
    assert_eq!(card.appid, MERCHANT, "body appid = the authorizing merchant");
    assert_eq!(card.platform_appid, PLATFORM_OA, "inserted with the platform's token");
    assert_eq!(card.openid, out.openid);
    assert_eq!(card.status, CardStatus::Init);
    assert_eq!(card.fields["fee"], 10_600);
    assert_eq!(card.fields["title"], "示例科技有限公司");
}

#[tokio::test]
async fn insert_of_an_order_the_user_never_authorized_is_72038() {
    let flow = Flow::start(&[]).await;
    let media = flow.p.upload(PLATFORM_OA).await;
    let mut request = insert_request("order-never-auth", &media);
    request.card_id.clone_from(&flow.card_id);
    let err = flow
        .p
        .client
        .insert(PLATFORM_OA, &request)
        .await
        .expect_err("never authorized");
    assert_eq!(wechat_code(&err), 72038);
    assert!(!err.is_already_inserted());
    assert_eq!(flow.p.sandbox.count(INSERT_PATH), 1);
}

#[tokio::test]
async fn update_status_closure_marks_a_card_reimbursed_elsewhere() {
    let flow = Flow::start(&[]).await;
    let out = flow.issue("order-upd-1").await;
    flow.p
        .client
        .platform(PLATFORM_OA)
        .update_status(&flow.card_id, &out.code, ReimburseStatus::Closure)
        .await
        .expect("updatestatus");
    let card = flow.p.sandbox.card(&out.code).expect("card");
    assert_eq!(card.status, CardStatus::Closure);
}

#[tokio::test]
async fn update_status_errors_wrong_code_and_unknown_status() {
    let flow = Flow::start(&[]).await;
    let out = flow.issue("order-upd-2").await;
    let platform = flow.p.client.platform(PLATFORM_OA);
    // A code that is not a card of this template: WeChat's 72038.
    let err = platform
        .update_status(&flow.card_id, "000000000000", ReimburseStatus::Cancel)
        .await
        .expect_err("wrong code");
    assert_eq!(wechat_code(&err), 72038);
    // Another platform may not touch our card.
    flow.p.authorize(OTHER_PLATFORM, &[26]).await;
    let err = flow
        .p
        .client
        .update_status(OTHER_PLATFORM, &flow.card_id, &out.code, ReimburseStatus::Cancel)
        .await
        .expect_err("not the inserting platform");
    assert_eq!(wechat_code(&err), 72038);
    // A status WeChat does not know is refused before sending.
    flow.p.sandbox.reset_counts();
    let err = platform
        .update_status(
            &flow.card_id,
            &out.code,
            ReimburseStatus::from("INVOICE_REIMBURSE_VOID"),
        )
        .await
        .expect_err("unknown status");
    assert!(
        matches!(&err, InvoiceError::Validation(v) if v.mentions("reimburse_status")),
        "{err:?}"
    );
    assert_eq!(flow.p.sandbox.count(UPDATE_STATUS), 0);
    assert_eq!(
        flow.p.sandbox.card(&out.code).expect("card").status,
        CardStatus::Init,
        "unchanged"
    );
}

#[tokio::test]
async fn decrypt_code_turns_the_jump_link_code_into_the_card_code() {
    let flow = Flow::start(&[]).await;
    let out = flow.issue("order-dec-1").await;
    let encrypt_code = flow.p.sandbox.card(&out.code).expect("card").encrypt_code;
    assert_ne!(encrypt_code, out.code);
    let code = flow
        .p
        .client
        .platform(PLATFORM_OA)
        .decrypt_code(&encrypt_code)
        .await
        .expect("decrypt");
    assert_eq!(code, out.code);
    // The merchant of the card may decrypt it too (its jump links carry encrypt_code).
    let code = flow
        .p
        .client
        .platform(MERCHANT)
        .decrypt_code(&encrypt_code)
        .await
        .expect("merchant decrypts");
    assert_eq!(code, out.code);

    // Error paths: an unrelated account gets 40056; an empty code is not sent.
    flow.p.authorize(OTHER_PLATFORM, &[26]).await;
    let err = flow
        .p
        .client
        .platform(OTHER_PLATFORM)
        .decrypt_code(&encrypt_code)
        .await
        .expect_err("not our card");
    assert_eq!(wechat_code(&err), 40056);
    flow.p.sandbox.reset_counts();
    let err = flow
        .p
        .client
        .platform(PLATFORM_OA)
        .decrypt_code("")
        .await
        .expect_err("empty");
    assert!(
        matches!(&err, InvoiceError::Validation(v) if v.mentions("encrypt_code")),
        "{err:?}"
    );
    assert_eq!(flow.p.sandbox.count(DECRYPT), 0);
}

#[tokio::test]
async fn get_pdf_of_an_empty_media_id_is_refused_unsent() {
    let flow = Flow::start(&[]).await;
    flow.p.sandbox.reset_counts();
    let err = flow.p.client.get_pdf(PLATFORM_OA, " ").await.expect_err("empty id");
    assert!(
        matches!(&err, InvoiceError::Validation(v) if v.mentions("s_media_id")),
        "{err:?}"
    );
    assert_eq!(flow.p.sandbox.count(GET_PDF), 0);
}
