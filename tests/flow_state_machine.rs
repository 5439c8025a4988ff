//! The invoice card's state machine (spec §8.1, §11) through the public API against
//! the sandbox over loopback HTTP: INIT → LOCK → CLOSURE by a reimburser, INIT → CANCEL by the
//! platform (red-flush), every forbidden transition answered with the spec's code (72039,
//! 72060, 72061, 72023, 72024), the `update_invoice_status` pushes, and R4's all-or-nothing
//! batches.

use wx_invoice_api::InvoiceError;
use wx_invoice_e2e::flow::{Flow, Issued, OTHER_REIMBURSER, REIMBURSER};
use wx_invoice_e2e::{MERCHANT, PLATFORM_OA};
use wx_invoice_types::{ReimburseStatus, UpdateStatusBatchRequest};
use wx_sandbox::{CardStatus, SandboxEvent};

/// The calls these tests make on the shared flow.
trait StateMachineCalls {
    async fn reimburse(&self, reimburser: &str, issued: &Issued, to: ReimburseStatus) -> Result<(), InvoiceError>;
    async fn platform_sets(&self, issued: &Issued, to: ReimburseStatus) -> Result<(), InvoiceError>;
    async fn read_status(&self, issued: &Issued) -> Option<ReimburseStatus>;
    async fn batch(&self, reimburser: &str, cards: &[&Issued], to: ReimburseStatus) -> Result<(), InvoiceError>;
    fn status_pushes(&self, issued: &Issued) -> Vec<(String, String)>;
}

impl StateMachineCalls for Flow {
    /// A reimburser's R3 call.
    async fn reimburse(&self, reimburser: &str, issued: &Issued, to: ReimburseStatus) -> Result<(), InvoiceError> {
        self.p
            .client
            .reimburser(reimburser)
            .update_status(issued.card.clone(), to)
            .await
    }

    /// The platform's P6 call.
    async fn platform_sets(&self, issued: &Issued, to: ReimburseStatus) -> Result<(), InvoiceError> {
        self.p
            .client
            .platform(PLATFORM_OA)
            .update_status(&self.card_id, &issued.code, to)
            .await
    }

    /// The status the reimburser reads through R1.
    async fn read_status(&self, issued: &Issued) -> Option<ReimburseStatus> {
        self.p
            .client
            .reimburser(REIMBURSER)
            .invoice_info(&issued.card)
            .await
            .expect("getinvoiceinfo")
            .user_info
            .reimburse_status
    }

    /// R4 for the default user's cards.
    async fn batch(&self, reimburser: &str, cards: &[&Issued], to: ReimburseStatus) -> Result<(), InvoiceError> {
        let openid = cards.first().map(|c| c.openid.clone()).unwrap_or_default();
        self.p
            .client
            .reimburser(reimburser)
            .update_status_batch(&UpdateStatusBatchRequest {
                openid,
                reimburse_status: to,
                invoice_list: cards.iter().map(|c| c.card.clone()).collect(),
            })
            .await
    }

    /// `(to_appid, status)` of every `update_invoice_status` push for `issued`, in order.
    fn status_pushes(&self, issued: &Issued) -> Vec<(String, String)> {
        self.p
            .sandbox
            .events()
            .into_iter()
            .filter_map(|e| match e {
                SandboxEvent::UpdateInvoiceStatus {
                    to_appid, code, status, ..
                } if code == issued.code => Some((to_appid, status)),
                _ => None,
            })
            .collect()
    }
}

fn code_of(result: Result<(), InvoiceError>) -> i64 {
    match result {
        Ok(()) => panic!("the transition was accepted but must be refused"),
        Err(err) => err
            .errcode()
            .unwrap_or_else(|| panic!("expected a WeChat error code, got {err:?}")),
    }
}

fn pushed(statuses: &[&str]) -> Vec<(String, String)> {
    statuses
        .iter()
        .flat_map(|s| {
            [
                (PLATFORM_OA.to_owned(), (*s).to_owned()),
                (MERCHANT.to_owned(), (*s).to_owned()),
            ]
        })
        .collect()
}

#[tokio::test]
async fn init_lock_closure_then_the_card_is_final() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let card = flow.issue("order-sm-close").await;
    assert_eq!(flow.read_status(&card).await, Some(ReimburseStatus::Init));

    flow.reimburse(REIMBURSER, &card, ReimburseStatus::Lock)
        .await
        .expect("INIT → LOCK");
    assert_eq!(flow.status(&card), CardStatus::Lock);
    assert_eq!(flow.read_status(&card).await, Some(ReimburseStatus::Lock));

    flow.reimburse(REIMBURSER, &card, ReimburseStatus::Closure)
        .await
        .expect("LOCK → CLOSURE");
    assert_eq!(flow.status(&card), CardStatus::Closure);
    assert_eq!(flow.read_status(&card).await, Some(ReimburseStatus::Closure));
    assert_eq!(
        flow.status_pushes(&card),
        pushed(&["INVOICE_REIMBURSE_LOCK", "INVOICE_REIMBURSE_CLOSURE"]),
        "each change is pushed to the platform and the merchant"
    );

    // CLOSURE is final for everyone: 72061.
    for to in [ReimburseStatus::Init, ReimburseStatus::Lock, ReimburseStatus::Closure] {
        assert_eq!(code_of(flow.reimburse(REIMBURSER, &card, to).await), 72061);
    }
    assert_eq!(code_of(flow.platform_sets(&card, ReimburseStatus::Cancel).await), 72061);
    assert_eq!(code_of(flow.platform_sets(&card, ReimburseStatus::Init).await), 72061);
    assert_eq!(flow.status(&card), CardStatus::Closure);
    assert_eq!(flow.status_pushes(&card).len(), 4, "refused changes push nothing");
}

#[tokio::test]
async fn init_cancel_by_the_platform_then_the_card_is_final() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let card = flow.issue("order-sm-cancel").await;
    flow.platform_sets(&card, ReimburseStatus::Cancel)
        .await
        .expect("INIT → CANCEL (red-flush)");
    assert_eq!(flow.status(&card), CardStatus::Cancel);
    assert_eq!(flow.read_status(&card).await, Some(ReimburseStatus::Cancel));
    assert_eq!(flow.status_pushes(&card), pushed(&["INVOICE_REIMBURSE_CANCEL"]));

    // CANCEL is final for everyone: 72060.
    for to in [ReimburseStatus::Lock, ReimburseStatus::Closure, ReimburseStatus::Init] {
        assert_eq!(code_of(flow.reimburse(REIMBURSER, &card, to).await), 72060);
    }
    assert_eq!(
        code_of(flow.platform_sets(&card, ReimburseStatus::Closure).await),
        72060
    );
    assert_eq!(code_of(flow.platform_sets(&card, ReimburseStatus::Cancel).await), 72060);
    assert_eq!(flow.status(&card), CardStatus::Cancel);
}

#[tokio::test]
async fn a_locked_card_can_still_be_red_flushed() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let card = flow.issue("order-sm-lock-cancel").await;
    flow.reimburse(REIMBURSER, &card, ReimburseStatus::Lock)
        .await
        .expect("lock");
    flow.platform_sets(&card, ReimburseStatus::Cancel)
        .await
        .expect("LOCK → CANCEL");
    assert_eq!(flow.status(&card), CardStatus::Cancel);
    assert_eq!(
        code_of(flow.reimburse(REIMBURSER, &card, ReimburseStatus::Closure).await),
        72060,
        "the lock holder cannot close a red-flushed invoice"
    );
}

#[tokio::test]
async fn closure_without_a_lock_is_72039() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let card = flow.issue("order-sm-nolock").await;
    assert_eq!(
        code_of(flow.reimburse(REIMBURSER, &card, ReimburseStatus::Closure).await),
        72039
    );
    assert_eq!(
        code_of(flow.batch(REIMBURSER, &[&card], ReimburseStatus::Closure).await),
        72039
    );
    assert_eq!(flow.status(&card), CardStatus::Init);
    assert!(flow.status_pushes(&card).is_empty());
}

#[tokio::test]
async fn a_card_locked_by_another_reimburser_is_72023_until_released() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let card = flow.issue("order-sm-others").await;
    flow.reimburse(REIMBURSER, &card, ReimburseStatus::Lock)
        .await
        .expect("first reimburser locks");
    for to in [ReimburseStatus::Lock, ReimburseStatus::Init, ReimburseStatus::Closure] {
        assert_eq!(
            code_of(flow.reimburse(OTHER_REIMBURSER, &card, to.clone()).await),
            72023,
            "{to} by the other reimburser"
        );
    }
    let snapshot = flow.p.sandbox.card(&card.code).expect("card");
    assert_eq!(snapshot.status, CardStatus::Lock);
    assert_eq!(snapshot.locked_by.as_deref(), Some(REIMBURSER));

    // Released by the holder, the card can be locked by the other one.
    flow.reimburse(REIMBURSER, &card, ReimburseStatus::Init)
        .await
        .expect("LOCK → INIT by the holder");
    flow.reimburse(OTHER_REIMBURSER, &card, ReimburseStatus::Lock)
        .await
        .expect("now free");
    let snapshot = flow.p.sandbox.card(&card.code).expect("card");
    assert_eq!(snapshot.locked_by.as_deref(), Some(OTHER_REIMBURSER));
}

#[tokio::test]
async fn cancel_is_the_platforms_and_lock_the_reimbursers_72024() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let card = flow.issue("order-sm-roles").await;
    assert_eq!(
        code_of(flow.reimburse(REIMBURSER, &card, ReimburseStatus::Cancel).await),
        72024,
        "a reimburser cannot red-flush"
    );
    assert_eq!(
        code_of(flow.platform_sets(&card, ReimburseStatus::Lock).await),
        72024,
        "the platform cannot lock"
    );
    flow.reimburse(REIMBURSER, &card, ReimburseStatus::Lock)
        .await
        .expect("lock");
    assert_eq!(
        code_of(flow.platform_sets(&card, ReimburseStatus::Init).await),
        72024,
        "only the lock holder unlocks"
    );
    assert_eq!(flow.status(&card), CardStatus::Lock);
}

#[tokio::test]
async fn batch_updates_are_all_or_nothing() {
    let flow = Flow::start(&[REIMBURSER, OTHER_REIMBURSER]).await;
    let free = flow.issue("order-sm-batch-1").await;
    let taken = flow.issue("order-sm-batch-2").await;
    let closed = flow.issue("order-sm-batch-3").await;
    assert_eq!(free.openid, taken.openid, "one user's cards");
    flow.reimburse(OTHER_REIMBURSER, &taken, ReimburseStatus::Lock)
        .await
        .expect("the other reimburser locks one");
    flow.reimburse(REIMBURSER, &closed, ReimburseStatus::Lock)
        .await
        .expect("lock");
    flow.reimburse(REIMBURSER, &closed, ReimburseStatus::Closure)
        .await
        .expect("close");

    // One card locked by someone else: nothing is locked, not even the free card.
    assert_eq!(
        code_of(flow.batch(REIMBURSER, &[&free, &taken], ReimburseStatus::Lock).await),
        72023
    );
    // One closed card: 72061, nothing changed.
    assert_eq!(
        code_of(flow.batch(REIMBURSER, &[&free, &closed], ReimburseStatus::Lock).await),
        72061
    );
    assert_eq!(flow.status(&free), CardStatus::Init);
    assert_eq!(flow.status(&taken), CardStatus::Lock);
    assert_eq!(flow.status(&closed), CardStatus::Closure);
    assert!(flow.status_pushes(&free).is_empty(), "no change, no push");

    // Once the other reimburser lets go, the same batch succeeds for both.
    flow.reimburse(OTHER_REIMBURSER, &taken, ReimburseStatus::Init)
        .await
        .expect("release");
    flow.batch(REIMBURSER, &[&free, &taken], ReimburseStatus::Lock)
        .await
        .expect("batch lock");
    flow.batch(REIMBURSER, &[&free, &taken], ReimburseStatus::Closure)
        .await
        .expect("batch close");
    assert_eq!(
        (flow.status(&free), flow.status(&taken)),
        (CardStatus::Closure, CardStatus::Closure)
    );
}
