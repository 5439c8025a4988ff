//! WeCom reimbursement through the public API against the sandbox: an invoice issued through
//! the WeChat flow, submitted by an employee inside WeCom, then read, locked and closed by the
//! enterprise on WeCom's own base URL — with an `InvoiceClient` and a `WecomInvoiceClient` in
//! one process.

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::{TokenSource, WecomTokens};
use wx_invoice_api::{InvoiceError, WecomInvoiceClient};
use wx_invoice_e2e::flow::{Flow, wechat_code};
use wx_invoice_types::wecom::WecomUpdateStatusBatchRequest;
use wx_invoice_types::{Fen, InvoiceCardRef, ReimburseStatus};
use wx_sandbox::CardStatus;

const CORP: &str = "ww0123456789abcdef";
const SECRET: &str = "wecom-corp-secret-0123456789";

struct Wecom {
    flow: Flow,
    client: WecomInvoiceClient,
}

async fn wecom() -> Wecom {
    let flow = Flow::start(&[]).await;
    flow.p.sandbox.register_wecom_corp(CORP, SECRET);
    let tokens: Arc<dyn TokenSource> = Arc::new(
        WecomTokens::builder()
            .corp(CORP, SecretString::from(SECRET))
            .api_base(flow.p.sandbox.wecom_base_url())
            .build()
            .expect("tokens"),
    );
    let client = WecomInvoiceClient::builder(tokens)
        .api_base(flow.p.sandbox.wecom_base_url())
        .build()
        .expect("client");
    Wecom { flow, client }
}

impl Wecom {
    /// Issues `order_id` to `user` and has member `userid` submit it in WeCom.
    async fn submitted(&self, order_id: &str, user: &str, userid: &str) -> (String, InvoiceCardRef) {
        let issued = self.flow.issue_for(order_id, Some(user), true).await;
        let encrypt_code = self
            .flow
            .p
            .sandbox
            .submit_invoice_to_wecom(&issued.code, CORP, userid)
            .expect("submit");
        (issued.code, InvoiceCardRef::new(&self.flow.card_id, encrypt_code))
    }

    fn status(&self, code: &str) -> CardStatus {
        self.flow.p.sandbox.card(code).expect("card").status
    }
}

#[tokio::test]
async fn an_enterprise_reads_locks_and_closes_submitted_invoices() {
    let w = wecom().await;
    let (code_a, card_a) = w.submitted("order-w-1", "alice", "alice.zhang").await;
    let (code_b, card_b) = w.submitted("order-w-2", "alice", "alice.zhang").await;
    let reimburser = w.client.reimburser(CORP);
    let openid = reimburser.openid_of("alice.zhang").await.expect("convert_to_openid");

    let one = reimburser.invoice_info(&card_a).await.expect("getinvoiceinfo");
    assert_eq!(one.openid, openid, "the member's openid under the enterprise");
    assert!(one.begin_time.is_some() && one.end_time.is_some());
    let face = &one.user_info;
    assert_eq!((face.fee, face.tax), (Fen(10_600), Fen(600)));
    assert_eq!(
        face.info[0].fee,
        Some(face.info[0].price),
        "one unit: the line fee is its price"
    );
    assert_eq!(face.reimburse_status, Some(ReimburseStatus::Init));
    assert!(face.trip_pdf_url.is_some());

    let both = reimburser
        .invoice_info_batch(vec![card_b.clone(), card_a.clone()])
        .await
        .expect("getinvoiceinfobatch");
    assert_eq!(both.len(), 2);
    assert_eq!(both[0].user_info.order_id.as_deref(), Some("order-w-2"));
    assert!(
        both.iter().all(|i| i.begin_time.is_none()),
        "batch items carry no validity"
    );
    assert_eq!(
        w.flow
            .p
            .sandbox
            .count("/wecom/cgi-bin/card/invoice/reimburse/getinvoiceinfobatch"),
        1
    );
    assert_eq!(w.flow.p.sandbox.count("/card/invoice/reimburse/getinvoicebatch"), 0);

    reimburser
        .update_status(card_a.clone(), ReimburseStatus::Lock)
        .await
        .expect("lock");
    assert_eq!(w.status(&code_a), CardStatus::Lock);
    reimburser
        .update_status_batch(&WecomUpdateStatusBatchRequest {
            openid,
            reimburse_status: ReimburseStatus::Lock,
            invoice_list: vec![card_a.clone(), card_b.clone()],
        })
        .await
        .expect("batch lock");
    reimburser
        .update_status(card_a.clone(), ReimburseStatus::Closure)
        .await
        .expect("close");
    assert_eq!(
        (w.status(&code_a), w.status(&code_b)),
        (CardStatus::Closure, CardStatus::Lock)
    );
    // The WeChat side sees the same card and the same state machine.
    let err = w
        .flow
        .p
        .client
        .platform(wx_invoice_e2e::PLATFORM_OA)
        .update_status(&w.flow.card_id, &code_a, ReimburseStatus::Cancel)
        .await
        .expect_err("closed");
    assert_eq!(wechat_code(&err), 72061);
}

#[tokio::test]
async fn refusals_before_sending_and_from_wecom() {
    let w = wecom().await;
    let (code, card) = w.submitted("order-w-3", "bob", "bob").await;
    let reimburser = w.client.reimburser(CORP);
    w.flow.p.sandbox.reset_counts();
    let err = reimburser
        .update_status(card.clone(), ReimburseStatus::Cancel)
        .await
        .expect_err("cancel is the platform's");
    assert!(
        matches!(&err, InvoiceError::Validation(v) if v.mentions("reimburse_status")),
        "{err:?}"
    );
    let err = reimburser.invoice_info_batch(Vec::new()).await.expect_err("empty");
    assert!(matches!(err, InvoiceError::Validation(_)));
    assert!(matches!(
        reimburser.openid_of(" ").await,
        Err(InvoiceError::Validation(_))
    ));
    assert!(
        w.flow.p.sandbox.counts().is_empty(),
        "nothing was sent: {:?}",
        w.flow.p.sandbox.counts()
    );

    let err = reimburser
        .update_status(card.clone(), ReimburseStatus::Closure)
        .await
        .expect_err("not locked");
    assert_eq!(wechat_code(&err), 72039);
    assert!(err.rid().is_some_and(|r| r.is_well_formed()), "{err}");
    let foreign = InvoiceCardRef::new(
        &w.flow.card_id,
        &w.flow.p.sandbox.card(&code).expect("card").encrypt_code,
    );
    let other_corp = "wwotherenterprise";
    w.flow.p.sandbox.register_wecom_corp(other_corp, SECRET);
    let issued = w.flow.issue("order-w-4").await;
    let theirs = w
        .flow
        .p
        .sandbox
        .submit_invoice_to_wecom(&issued.code, other_corp, "carol")
        .expect("submit");
    let err = reimburser
        .invoice_info(&InvoiceCardRef::new(&w.flow.card_id, theirs))
        .await
        .expect_err("submitted to another enterprise");
    assert_eq!(wechat_code(&err), 72037);
    reimburser
        .invoice_info(&foreign)
        .await
        .expect("the card's own code is readable");
    w.flow.p.sandbox.set_wecom_corp(CORP, true, 150).expect("corp");
    let err = reimburser
        .invoice_info_batch(vec![card.clone()])
        .await
        .expect_err("150 members");
    assert_eq!(wechat_code(&err), 48002);
    w.flow.p.sandbox.set_wecom_corp(CORP, false, 1000).expect("corp");
    let err = reimburser.invoice_info(&card).await.expect_err("unverified");
    assert_eq!(wechat_code(&err), 48002);
    assert_eq!(
        wechat_code(&reimburser.openid_of("nobody").await.expect_err("no member")),
        60111
    );
}
