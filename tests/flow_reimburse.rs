//! The reimburser's side (R1–R4) through the public API against the sandbox over
//! loopback HTTP: invoices issued through the whole flow (seturl, createcard, getauthurl, user
//! authorization, setpdf, insert), then read, locked, unlocked and closed by a reimburser, with
//! the statuses read back from the sandbox and through the API.

use wx_invoice_api::InvoiceError;
use wx_invoice_e2e::flow::{Flow, REIMBURSER, template, wechat_code};
use wx_invoice_e2e::{now, sample_pdf};
use wx_invoice_types::{Fen, InvoiceCardRef, ReimburseStatus, UpdateStatusBatchRequest};
use wx_sandbox::CardStatus;

const GET_INVOICE_INFO: &str = "/card/invoice/reimburse/getinvoiceinfo";
const GET_INVOICE_BATCH: &str = "/card/invoice/reimburse/getinvoicebatch";
const UPDATE_INVOICE_STATUS: &str = "/card/invoice/reimburse/updateinvoicestatus";
const UPDATE_STATUS_BATCH: &str = "/card/invoice/reimburse/updatestatusbatch";

fn assert_validation(err: &InvoiceError, field: &str) {
    assert!(
        matches!(err, InvoiceError::Validation(v) if v.mentions(field)),
        "expected a validation error on {field}, got {err:?}"
    );
}

async fn download(url: &str) -> Vec<u8> {
    reqwest::get(url)
        .await
        .expect("download")
        .bytes()
        .await
        .expect("body")
        .to_vec()
}

#[tokio::test]
async fn invoice_info_reads_the_inserted_face_data_and_pdfs() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let issued = flow.issue_for("order-r1-1", Some("alice"), true).await;
    let info = flow
        .p
        .client
        .reimburser(REIMBURSER)
        .invoice_info(&issued.card)
        .await
        .expect("getinvoiceinfo");
    assert_eq!(info.card_id, flow.card_id);
    assert_eq!(info.openid, issued.openid);
    assert_eq!(info.payee, template().invoice_info.payee);
    assert_eq!(info.invoice_type, template().invoice_info.invoice_type);
    assert!(info.end_time > info.begin_time);
    let face = &info.user_info;
    assert_eq!(face.title, "示例科技有限公司");
    assert_eq!(
        (face.fee, face.fee_without_tax, face.tax),
        (Fen(10_600), Fen(10_000), Fen(600))
    );
    assert_eq!(face.billing_no.len(), 20, "数电 number");
    assert_eq!(face.billing_code, "");
    assert!((now() - face.billing_time).abs() < 600);
    assert_eq!(face.info.first().map(|i| i.name.as_str()), Some("技术服务费"));
    assert_eq!(face.reimburse_status, Some(ReimburseStatus::Init));
    assert_eq!(download(&face.pdf_url).await, sample_pdf());
    let trip = face.trip_pdf_url.as_deref().expect("trip PDF URL");
    assert_eq!(download(trip).await, sample_pdf());
}

#[tokio::test]
async fn invoice_info_of_an_unknown_card_is_40056_and_empty_refs_are_not_sent() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let issued = flow.issue_for("order-r1-2", Some("alice"), false).await;
    let reimburser = flow.p.client.reimburser(REIMBURSER);
    let wrong_code = InvoiceCardRef::new(&flow.card_id, "not-an-encrypt-code");
    assert_eq!(
        wechat_code(&reimburser.invoice_info(&wrong_code).await.expect_err("unknown")),
        40056
    );
    let wrong_template = InvoiceCardRef::new("pOther-template", &issued.card.encrypt_code);
    assert_eq!(
        wechat_code(&reimburser.invoice_info(&wrong_template).await.expect_err("mismatch")),
        40056
    );
    flow.p.sandbox.reset_counts();
    let err = reimburser
        .invoice_info(&InvoiceCardRef::new(&flow.card_id, ""))
        .await
        .expect_err("empty");
    assert_validation(&err, "encrypt_code");
    assert_eq!(flow.p.sandbox.count(GET_INVOICE_INFO), 0);
}

#[tokio::test]
async fn invoice_batch_reads_several_cards_in_order() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let first = flow.issue_for("order-r2-1", Some("alice"), false).await;
    let second = flow.issue_for("order-r2-2", Some("alice"), false).await;
    let items = flow
        .p
        .client
        .reimburser(REIMBURSER)
        .invoice_batch(vec![second.card.clone(), first.card.clone()])
        .await
        .expect("getinvoicebatch");
    let numbers: Vec<String> = items.iter().map(|i| i.user_info.billing_no.clone()).collect();
    let expected: Vec<String> = [&second, &first]
        .iter()
        .map(|c| {
            flow.p.sandbox.card(&c.code).expect("card").fields["billing_no"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(numbers, expected, "one entry per card, in request order");
    assert!(items.iter().all(|i| i.openid == first.openid));
}

#[tokio::test]
async fn invoice_batch_errors_empty_list_and_one_unknown_card() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let issued = flow.issue_for("order-r2-3", Some("alice"), false).await;
    let reimburser = flow.p.client.reimburser(REIMBURSER);
    flow.p.sandbox.reset_counts();
    let err = reimburser.invoice_batch(Vec::new()).await.expect_err("empty");
    assert_validation(&err, "item_list");
    let err = reimburser
        .invoice_batch(vec![issued.card.clone(), InvoiceCardRef::new("", "x")])
        .await
        .expect_err("incomplete item");
    assert_validation(&err, "item_list[1].card_id");
    assert_eq!(flow.p.sandbox.count(GET_INVOICE_BATCH), 0, "nothing sent");
    let err = reimburser
        .invoice_batch(vec![issued.card.clone(), InvoiceCardRef::new(&flow.card_id, "unknown")])
        .await
        .expect_err("one unknown card fails the call");
    assert_eq!(wechat_code(&err), 40056);
}

#[tokio::test]
async fn update_status_locks_and_unlocks_a_card() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let issued = flow.issue_for("order-r3-1", Some("alice"), false).await;
    let reimburser = flow.p.client.reimburser(REIMBURSER);
    reimburser
        .update_status(issued.card.clone(), ReimburseStatus::Lock)
        .await
        .expect("lock");
    let card = flow.p.sandbox.card(&issued.code).expect("card");
    assert_eq!(card.status, CardStatus::Lock);
    assert_eq!(card.locked_by.as_deref(), Some(REIMBURSER));
    let info = reimburser.invoice_info(&issued.card).await.expect("read");
    assert_eq!(info.user_info.reimburse_status, Some(ReimburseStatus::Lock));

    reimburser
        .update_status(issued.card.clone(), ReimburseStatus::Init)
        .await
        .expect("unlock");
    let card = flow.p.sandbox.card(&issued.code).expect("card");
    assert_eq!(card.status, CardStatus::Init);
    assert_eq!(card.locked_by, None);

    // Error path: a status WeChat does not know is not sent.
    flow.p.sandbox.reset_counts();
    let err = reimburser
        .update_status(issued.card.clone(), ReimburseStatus::from("INVOICE_REIMBURSE_PAID"))
        .await
        .expect_err("unknown status");
    assert_validation(&err, "reimburse_status");
    assert_eq!(flow.p.sandbox.count(UPDATE_INVOICE_STATUS), 0);
    assert_eq!(flow.status(&issued), CardStatus::Init);
}

#[tokio::test]
async fn update_status_batch_locks_then_closes_a_users_cards() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let first = flow.issue_for("order-r4-1", Some("alice"), false).await;
    let second = flow.issue_for("order-r4-2", Some("alice"), false).await;
    let reimburser = flow.p.client.reimburser(REIMBURSER);
    // The reimburser learns the owner from getinvoiceinfo.
    let openid = reimburser.invoice_info(&first.card).await.expect("read").openid;
    for status in [ReimburseStatus::Lock, ReimburseStatus::Closure] {
        reimburser
            .update_status_batch(&UpdateStatusBatchRequest {
                openid: openid.clone(),
                reimburse_status: status.clone(),
                invoice_list: vec![first.card.clone(), second.card.clone()],
            })
            .await
            .unwrap_or_else(|e| panic!("batch {status}: {e}"));
        let wanted = CardStatus::from_wire(status.as_str()).expect("known");
        assert_eq!((flow.status(&first), flow.status(&second)), (wanted, wanted));
    }
}

#[tokio::test]
async fn update_status_batch_errors_foreign_card_and_bad_request() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let alices = flow.issue_for("order-r4-3", Some("alice"), false).await;
    let bobs = flow.issue_for("order-r4-4", Some("bob"), false).await;
    assert_ne!(alices.openid, bobs.openid);
    let reimburser = flow.p.client.reimburser(REIMBURSER);
    let err = reimburser
        .update_status_batch(&UpdateStatusBatchRequest {
            openid: alices.openid.clone(),
            reimburse_status: ReimburseStatus::Lock,
            invoice_list: vec![alices.card.clone(), bobs.card.clone()],
        })
        .await
        .expect_err("bob's card is not alice's");
    assert_eq!(wechat_code(&err), 72037);
    assert_eq!(flow.status(&alices), CardStatus::Init, "transactional: nothing changed");
    assert_eq!(flow.status(&bobs), CardStatus::Init);

    flow.p.sandbox.reset_counts();
    let err = reimburser
        .update_status_batch(&UpdateStatusBatchRequest {
            openid: String::new(),
            reimburse_status: ReimburseStatus::Lock,
            invoice_list: Vec::new(),
        })
        .await
        .expect_err("invalid");
    assert_validation(&err, "openid");
    assert_validation(&err, "invoice_list");
    assert_eq!(flow.p.sandbox.count(UPDATE_STATUS_BATCH), 0);
}

#[tokio::test]
async fn a_reimburser_without_set_26_is_refused_unsent() {
    let flow = Flow::start(&[REIMBURSER]).await;
    let issued = flow.issue_for("order-r-perm", Some("alice"), false).await;
    flow.p.authorize(REIMBURSER, &[8]).await;
    flow.p.sandbox.reset_counts();
    let reimburser = flow.p.client.reimburser(REIMBURSER);
    let errors = [
        reimburser.invoice_info(&issued.card).await.expect_err("26"),
        reimburser
            .invoice_batch(vec![issued.card.clone()])
            .await
            .expect_err("26"),
        reimburser
            .update_status(issued.card.clone(), ReimburseStatus::Lock)
            .await
            .expect_err("26"),
        reimburser
            .update_status_batch(&UpdateStatusBatchRequest {
                openid: issued.openid.clone(),
                reimburse_status: ReimburseStatus::Lock,
                invoice_list: vec![issued.card.clone()],
            })
            .await
            .expect_err("26"),
    ];
    for err in &errors {
        assert!(
            matches!(err, InvoiceError::PermissionMissing { required, granted, .. } if *required == [26] && *granted == [8]),
            "{err:?}"
        );
    }
    assert_eq!(
        flow.p.sandbox.counts().values().sum::<u64>(),
        0,
        "{:?}",
        flow.p.sandbox.counts()
    );
    assert_eq!(flow.status(&issued), CardStatus::Init);
}
