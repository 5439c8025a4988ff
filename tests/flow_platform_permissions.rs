//! The invoicing platform's permission sets (third-party mode) through the public API against
//! the sandbox: with the card set (8) alone, `seturl`, `insert` and `card/code/decrypt` are
//! sent and every other platform call is refused unsent, naming the set it needs; with neither
//! 8 nor 26, those three are refused unsent too.

use wx_invoice_api::InvoiceError;
use wx_invoice_e2e::flow::{Flow, assert_permission_missing, template};
use wx_invoice_e2e::{INSERT_PATH, PLATFORM_OA, Platform, insert_request, sample_pdf};
use wx_invoice_types::ReimburseStatus;
use wx_sandbox::CardStatus;

const SET_URL: &str = "/card/invoice/seturl";
const CREATE_CARD: &str = "/card/invoice/platform/createcard";
const SET_PDF: &str = "/card/invoice/platform/setpdf";
const GET_PDF: &str = "/card/invoice/platform/getpdf";
const UPDATE_STATUS: &str = "/card/invoice/platform/updatestatus";
const DECRYPT: &str = "/card/code/decrypt";

#[tokio::test]
async fn card_set_alone_allows_seturl_insert_and_decrypt_but_not_the_rest() {
    let flow = Flow::start(&[]).await;
    let out = flow.issue("order-perm-8").await;
    let encrypt_code = flow.p.sandbox.card(&out.code).expect("card").encrypt_code;
    let media = flow.p.upload(PLATFORM_OA).await;
    // The platform re-authorizes with the card set (8) only.
    flow.p.authorize(PLATFORM_OA, &[8]).await;
    flow.p.sandbox.reset_counts();
    let platform = flow.p.client.platform(PLATFORM_OA);

    let url = platform.set_url().await.expect("seturl accepts set 8");
    assert_eq!(url.s_pappid().as_deref(), Some(flow.s_pappid.as_str()));
    let code = platform
        .decrypt_code(&encrypt_code)
        .await
        .expect("decrypt accepts set 8");
    assert_eq!(code, out.code);
    // insert is sent (set 8 suffices); WeChat then answers from its state (order already used).
    let mut request = insert_request("order-perm-8", &media);
    request.card_id.clone_from(&flow.card_id);
    let err = platform.insert(&request).await.expect_err("repeated order");
    assert!(err.is_already_inserted(), "{err:?}");
    assert_eq!(flow.p.sandbox.count(INSERT_PATH), 1, "insert was sent");

    let refused: Vec<(&str, InvoiceError)> = vec![
        (
            CREATE_CARD,
            platform.create_card(&template()).await.expect_err("needs 26"),
        ),
        (
            SET_PDF,
            platform
                .upload_pdf("invoice.pdf", sample_pdf())
                .await
                .expect_err("needs 26"),
        ),
        (GET_PDF, platform.get_pdf(&media).await.expect_err("needs 26")),
        (
            UPDATE_STATUS,
            platform
                .update_status(&flow.card_id, &out.code, ReimburseStatus::Cancel)
                .await
                .expect_err("needs 26"),
        ),
    ];
    for (path, err) in refused {
        assert_permission_missing(&err, PLATFORM_OA, path, &[26], &[8]);
        assert_eq!(flow.p.sandbox.count(path), 0, "{path} must not be sent");
    }
    assert_eq!(flow.p.sandbox.card(&out.code).expect("card").status, CardStatus::Init);
}

#[tokio::test]
async fn without_set_8_or_26_seturl_insert_and_decrypt_are_refused_unsent() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[1, 2]).await;
    let platform = p.client.platform(PLATFORM_OA);
    let err = platform.set_url().await.expect_err("needs 8 or 26");
    assert!(
        matches!(&err, InvoiceError::PermissionMissing { required, .. } if *required == [8, 26]),
        "{err:?}"
    );
    let err = platform.decrypt_code("anything").await.expect_err("needs 8 or 26");
    assert!(
        matches!(&err, InvoiceError::PermissionMissing { required, .. } if *required == [8, 26]),
        "{err:?}"
    );
    let err = platform
        .insert(&insert_request("order-no-set", "1234567890123456789"))
        .await
        .expect_err("needs 8 or 26");
    assert!(
        matches!(&err, InvoiceError::PermissionMissing { required, granted, .. } if *required == [8, 26] && *granted == [1, 2]),
        "{err:?}"
    );
    assert_eq!(p.sandbox.count(SET_URL), 0);
    assert_eq!(p.sandbox.count(DECRYPT), 0);
    assert_eq!(p.sandbox.count(INSERT_PATH), 0);
}
