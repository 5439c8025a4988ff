//! Fiscal non-tax e-receipts through the public API against the sandbox: a finance bureau and
//! a collecting unit with their own tokens run template, authorization page, payer
//! authorization, PDF and insert, then the shared calls read and close the receipt; a
//! third-party platform's token is refused before anything is sent.

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::permissions::FISCAL_RECEIPT;
use wx_auth::{OfficialAccountTokens, TokenSource};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::flow::wechat_code;
use wx_invoice_e2e::{Platform, now, sample_pdf};
use wx_invoice_types::nontax::{
    BillAuthSource, BillUserData, CreateBillCardRequest, GetBillAuthUrlRequest, InsertBillRequest,
};
use wx_invoice_types::{BillingCode, BillingNo, Fen, OrderId, ReimburseStatus};
use wx_sandbox::{CardStatus, Sandbox, UserAuthorization};

const BUREAU: &str = "wxf1sca1bureau0001";
const UNIT: &str = "wxc011ect1ngun1t01";
const SECRET: &str = "fiscal-account-secret-0123456789";
const INSERT_BILL: &str = "/nontax/insertbill";

struct Fiscal {
    sandbox: Sandbox,
    client: InvoiceClient,
    s_pappid: String,
    card_id: String,
}

async fn fiscal() -> Fiscal {
    let sandbox = Sandbox::builder().strict_orders(true).start().await.expect("sandbox");
    sandbox.register_account(BUREAU, SECRET);
    sandbox.register_account(UNIT, SECRET);
    let tokens: Arc<dyn TokenSource> = Arc::new(
        OfficialAccountTokens::builder()
            .account(BUREAU, SecretString::from(SECRET))
            .account(UNIT, SecretString::from(SECRET))
            .api_base(sandbox.base_url())
            .build()
            .expect("tokens"),
    );
    let client = InvoiceClient::builder(tokens)
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    let s_pappid = client
        .platform(BUREAU)
        .set_url()
        .await
        .expect("seturl")
        .s_pappid()
        .expect("s_pappid");
    let card_id = client
        .nontax(BUREAU)
        .create_bill_card(&CreateBillCardRequest::new(
            "某某市财政局",
            "http://mmbiz.qpic.cn/mmbiz/bureau-logo/0",
        ))
        .await
        .expect("createbillcard");
    Fiscal {
        sandbox,
        client,
        s_pappid,
        card_id,
    }
}

impl Fiscal {
    fn auth_request(&self, order_id: &str) -> GetBillAuthUrlRequest {
        GetBillAuthUrlRequest::new(&self.s_pappid, OrderId::new(order_id), Fen(5_000), BillAuthSource::Web)
            .with_timestamp(now())
    }

    fn bill(&self, order_id: &str, media: &str, number: &str) -> InsertBillRequest {
        let data = BillUserData::new(Fen(5_000), "张三", now())
            .with_billing(BillingNo::new(number), BillingCode::new("11010124"))
            .with_pdf(media);
        InsertBillRequest::new(OrderId::new(order_id), &self.card_id, UNIT, data)
    }
}

#[tokio::test]
async fn a_receipt_from_authorization_to_closure() {
    let f = fiscal().await;
    let page = f
        .client
        .nontax(UNIT)
        .bill_auth_url(&f.auth_request("fee-1"))
        .await
        .expect("getbillauthurl, ticket filled");
    assert!(page.auth_url.starts_with("https://"));
    assert_eq!(page.expire_time, 7200);
    f.sandbox
        .user_authorize(&UserAuthorization::new(&f.s_pappid, "fee-1").user("payer"))
        .expect("the payer authorizes");
    let data = f
        .client
        .merchant(UNIT)
        .auth_data(&f.s_pappid, "fee-1")
        .await
        .expect("getauthdata");
    assert_eq!(data.invoice_status, "auth success");
    let media = f
        .client
        .upload_pdf(BUREAU, "receipt.pdf", sample_pdf())
        .await
        .expect("setpdf");
    let out = f
        .client
        .nontax(BUREAU)
        .insert_bill(&f.bill("fee-1", &media, "0000000001"))
        .await
        .expect("insertbill");
    let card = f.sandbox.card(&out.code).expect("card");
    assert_eq!(card.fields["billing_no"], "0000000001");
    let err = f
        .client
        .nontax(BUREAU)
        .insert_bill(&f.bill("fee-1", &media, "0000000002"))
        .await
        .expect_err("inserted already");
    assert!(err.is_already_inserted(), "{err:?}");
    // The shared calls: a reimburser reads the receipt, the bureau red-flushes it.
    let reimburser = "wxre1mburser000001";
    f.sandbox.register_account(reimburser, SECRET);
    let read = InvoiceClient::builder(Arc::new(
        OfficialAccountTokens::builder()
            .account(reimburser, SecretString::from(SECRET))
            .api_base(f.sandbox.base_url())
            .build()
            .expect("tokens"),
    ))
    .api_base(f.sandbox.base_url())
    .build()
    .expect("client");
    let invoice = read
        .reimburser(reimburser)
        .invoice_info(&wx_invoice_types::InvoiceCardRef::new(&f.card_id, card.encrypt_code))
        .await
        .expect("getinvoiceinfo");
    assert_eq!(invoice.payee, "某某市财政局");
    assert_eq!(invoice.user_info.fee, Fen(5_000));
    f.client
        .update_status(BUREAU, &f.card_id, &out.code, ReimburseStatus::Cancel)
        .await
        .expect("updatestatus");
    assert_eq!(f.sandbox.card(&out.code).expect("card").status, CardStatus::Cancel);
}

#[tokio::test]
async fn bad_requests_and_unauthorized_orders_are_refused() {
    let f = fiscal().await;
    f.sandbox.reset_counts();
    let mut bad = f.bill("fee-2", "", "");
    bad.card_ext.user_card.invoice_user_data.billing_time = 1_700_000_000_000;
    let err = f.client.nontax(BUREAU).insert_bill(&bad).await.expect_err("invalid");
    let InvoiceError::Validation(problems) = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    for field in ["billing_no", "billing_time", "s_pdf_media_id"] {
        assert!(
            problems.mentions(&format!("card_ext.user_card.invoice_user_data.{field}")),
            "{err}"
        );
    }
    let err = f
        .client
        .nontax(UNIT)
        .bill_auth_url(&f.auth_request("").with_redirect_url("ftp://x"))
        .await
        .expect_err("invalid");
    assert!(matches!(err, InvoiceError::Validation(_)), "{err:?}");
    assert!(
        f.sandbox.counts().is_empty(),
        "nothing sent, not even a ticket: {:?}",
        f.sandbox.counts()
    );
    let media = f
        .client
        .upload_pdf(BUREAU, "receipt.pdf", sample_pdf())
        .await
        .expect("setpdf");
    let err = f
        .client
        .nontax(BUREAU)
        .insert_bill(&f.bill("fee-never-authorized", &media, "0000000003"))
        .await
        .expect_err("never authorized");
    assert_eq!(wechat_code(&err), 72038);
    assert_eq!(f.sandbox.count(INSERT_BILL), 1);
}

#[tokio::test]
async fn third_party_tokens_are_refused_before_sending() {
    let p = Platform::start().await;
    p.authorize(UNIT, &[26, FISCAL_RECEIPT]).await;
    p.sandbox.reset_counts();
    let nontax = p.client.nontax(UNIT);
    let request =
        GetBillAuthUrlRequest::new("sp", OrderId::new("fee-3"), Fen(1), BillAuthSource::App).with_timestamp(now());
    let err = nontax.bill_auth_url(&request).await.expect_err("third party");
    assert!(
        matches!(
            err,
            InvoiceError::NotForThirdParty {
                path: "/nontax/getbillauthurl"
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("own account"), "{err}");
    let err = nontax
        .create_bill_card(&CreateBillCardRequest::new("p", "http://mmbiz.qpic.cn/x"))
        .await
        .expect_err("third party");
    assert!(matches!(err, InvoiceError::NotForThirdParty { .. }));
    assert!(
        p.sandbox
            .counts()
            .keys()
            .all(|path| !path.starts_with("/nontax/") && path != "/cgi-bin/ticket/getticket"),
        "{:?}",
        p.sandbox.counts()
    );
}
