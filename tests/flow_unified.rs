//! Unified invoicing (legacy) through the public API against the sandbox: an issue request
//! accepted, its result pushed as `cloud_invoice_invoiceresult_event` (read back with the
//! event parser) and queried; held results, failures, red-flushes and the refusals.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use wx_auth::{OfficialAccountTokens, TokenSource};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::Platform;
use wx_invoice_e2e::flow::{assert_permission_missing, wechat_code};
use wx_invoice_types::InvoiceEvent;
use wx_invoice_types::unified::{
    ClearOutInvoice, ClearOutInvoiceRequest, CloudInvoiceStatus, Decimal, IndustryType, MakeOutInvoice,
    MakeOutInvoiceLine, MakeOutInvoiceRequest, Yuan,
};
use wx_sandbox::Sandbox;

const MERCHANT: &str = "wxun1f1edmerchant1";
const SECRET: &str = "unified-merchant-secret-01234567";
const NSRSBH: &str = "110109500321655";
const QUERY: &str = "/card/invoice/queryinvoceinfo";

fn yuan(text: &str) -> Yuan {
    Yuan::parse(text).expect("decimal")
}

fn make_out(openid: &str, ddh: &str, fpqqlsh: &str) -> MakeOutInvoiceRequest {
    MakeOutInvoiceRequest {
        invoiceinfo: MakeOutInvoice {
            wxopenid: openid.into(),
            ddh: ddh.into(),
            fpqqlsh: fpqqlsh.into(),
            nsrsbh: NSRSBH.into(),
            nsrmc: "某某洗衣有限公司".into(),
            nsrdz: "深圳市南山区".into(),
            nsrdh: "0755-12345678".into(),
            nsrbank: None,
            nsrbankid: None,
            ghfmc: "周一".into(),
            ghfnsrsbh: None,
            ghfdz: None,
            ghfdh: None,
            ghfbank: None,
            ghfbankid: None,
            kpr: "小明".into(),
            skr: None,
            fhr: None,
            jshj: yuan("159.00"),
            hjje: yuan("150.00"),
            hjse: yuan("9.00"),
            bz: None,
            hylx: IndustryType::Other,
            invoicedetail_list: vec![MakeOutInvoiceLine::new(
                "3070201000000000000",
                "洗衣服务",
                yuan("150.00"),
                Decimal::parse("0.06").expect("rate"),
                yuan("9.00"),
            )],
        },
    }
}

struct Merchant {
    sandbox: Sandbox,
    client: InvoiceClient,
    openid: String,
}

async fn merchant() -> Merchant {
    // Pushes go to a closed port: each attempt is still recorded with its plaintext XML.
    let sandbox = Sandbox::builder()
        .message_push_url("http://127.0.0.1:9/msg")
        .push_retries(0)
        .start()
        .await
        .expect("sandbox");
    sandbox.register_account(MERCHANT, SECRET);
    let tokens: Arc<dyn TokenSource> = Arc::new(
        OfficialAccountTokens::builder()
            .account(MERCHANT, SecretString::from(SECRET))
            .api_base(sandbox.base_url())
            .build()
            .expect("tokens"),
    );
    let client = InvoiceClient::builder(tokens)
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    let openid = sandbox.openid(MERCHANT, "zhou");
    Merchant {
        sandbox,
        client,
        openid,
    }
}

impl Merchant {
    /// The results pushed so far, parsed as the merchant's webhook would.
    async fn pushed_results(&self) -> Vec<(String, CloudInvoiceStatus)> {
        assert!(self.sandbox.flush_pushes(Duration::from_secs(10)).await);
        self.sandbox
            .deliveries()
            .iter()
            .filter_map(|d| match InvoiceEvent::from_xml(&d.plaintext).expect("a push") {
                InvoiceEvent::CloudInvoiceResult(r) => Some((r.fpqqlsh.clone(), r.status.clone())),
                _ => None,
            })
            .collect()
    }
}

#[tokio::test]
async fn an_issue_is_accepted_pushed_and_queried() {
    let m = merchant().await;
    let calls = m.client.unified_invoicing(MERCHANT);
    calls
        .make_out(&make_out(&m.openid, "order-1", "serial-1"))
        .await
        .expect("makeoutinvoice");
    assert_eq!(
        m.pushed_results().await,
        [("serial-1".to_owned(), CloudInvoiceStatus::Success)]
    );
    let detail = calls
        .query("serial-1", NSRSBH)
        .await
        .expect("queryinvoceinfo")
        .invoicedetail
        .expect("issued");
    assert_eq!(detail.fpqqlsh, "serial-1");
    assert!(
        detail
            .issued_at()
            .is_some_and(|t| (wx_invoice_e2e::now() - t).abs() < 600),
        "{}",
        detail.kprq
    );
    assert!(!detail.pdfurl.is_empty() && !detail.fphm.is_empty());
    // A red-flush of it, under its own serial.
    calls
        .clear_out(&ClearOutInvoiceRequest {
            invoiceinfo: ClearOutInvoice {
                wxopenid: m.openid.clone(),
                fpqqlsh: "red-1".into(),
                nsrsbh: NSRSBH.into(),
                nsrmc: "某某洗衣有限公司".into(),
                yfpdm: detail.fpdm.clone(),
                yfphm: detail.fphm.clone(),
            },
        })
        .await
        .expect("clearoutinvoice");
    assert_eq!(
        m.pushed_results().await.last(),
        Some(&("red-1".to_owned(), CloudInvoiceStatus::Success))
    );
    let err = calls
        .clear_out(&ClearOutInvoiceRequest {
            invoiceinfo: ClearOutInvoice {
                wxopenid: m.openid.clone(),
                fpqqlsh: "red-2".into(),
                nsrsbh: NSRSBH.into(),
                nsrmc: "某某洗衣有限公司".into(),
                yfpdm: detail.fpdm,
                yfphm: detail.fphm,
            },
        })
        .await
        .expect_err("red-flushed already");
    assert_eq!(wechat_code(&err), 72060);
    // The serial is the idempotency key: another order under it, or another serial for the order.
    let err = calls
        .make_out(&make_out(&m.openid, "order-2", "serial-1"))
        .await
        .expect_err("73106");
    assert_eq!(wechat_code(&err), 73106);
    let err = calls
        .make_out(&make_out(&m.openid, "order-1", "serial-9"))
        .await
        .expect_err("73108");
    assert_eq!(wechat_code(&err), 73108);
    assert_eq!(
        wechat_code(&calls.query("serial-0", NSRSBH).await.expect_err("unknown")),
        73109
    );
}

#[tokio::test]
async fn held_results_are_retried_queries_and_failures_are_pushed() {
    let m = merchant().await;
    m.sandbox.hold_unified_results(true);
    let calls = m.client.unified_invoicing(MERCHANT);
    calls
        .make_out(&make_out(&m.openid, "order-3", "serial-3"))
        .await
        .expect("accepted");
    m.sandbox.reset_counts();
    let err = calls.query("serial-3", NSRSBH).await.expect_err("processing");
    assert_eq!(wechat_code(&err), 73107);
    assert!(err.is_retryable());
    assert!(m.sandbox.count(QUERY) > 1, "73107 is transient: the SDK queried again");
    m.sandbox.complete_unified_request("serial-3", false).expect("complete");
    assert_eq!(
        m.pushed_results().await,
        [("serial-3".to_owned(), CloudInvoiceStatus::Failure)]
    );
    assert_eq!(
        wechat_code(&calls.query("serial-3", NSRSBH).await.expect_err("failed")),
        73000
    );
}

#[tokio::test]
async fn requests_are_checked_before_sending_and_by_wechat() {
    let m = merchant().await;
    let calls = m.client.unified_invoicing(MERCHANT);
    m.sandbox.reset_counts();
    let mut bad = make_out("", "order-4", "serial-4");
    bad.invoiceinfo.hjse = yuan("9.001");
    bad.invoiceinfo.invoicedetail_list[0].spbm = "307".into();
    let err = calls.make_out(&bad).await.expect_err("invalid");
    let InvoiceError::Validation(problems) = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    assert!(problems.mentions("invoiceinfo.wxopenid"));
    assert!(problems.mentions("invoiceinfo.hjse"));
    assert!(problems.mentions("invoiceinfo.invoicedetail_list[0].spbm"));
    assert!(matches!(
        calls.query("", NSRSBH).await,
        Err(InvoiceError::Validation(_))
    ));
    assert!(m.sandbox.counts().is_empty(), "{:?}", m.sandbox.counts());
    let err = calls
        .make_out(&make_out("onot-a-user-of-this-account", "order-4", "serial-4"))
        .await
        .expect_err("unknown buyer");
    assert_eq!(wechat_code(&err), 73001);
    let err = calls
        .query("serial-x", "91440300MA5EXAMPLE")
        .await
        .expect_err("unknown");
    assert_eq!(wechat_code(&err), 73109);

    let p = Platform::start().await;
    p.authorize(MERCHANT, &[1]).await;
    let err = p
        .client
        .unified_invoicing(MERCHANT)
        .make_out(&make_out("o", "order-5", "serial-5"))
        .await
        .expect_err("set 26 missing");
    assert_permission_missing(&err, MERCHANT, "/card/invoice/makeoutinvoice", &[26], &[1]);
}
