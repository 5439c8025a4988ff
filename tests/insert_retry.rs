//! Insert is safe to retry and says what happened: transient failures are retried, an insert
//! whose answer was lost ends as "done by its earlier attempt" with one card, a duplicate the
//! caller made stays `AlreadyInserted`, quotas are not retried, state changes are never
//! repeated — against the sandbox over loopback HTTP.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use wx_auth::{RetryPolicy, TokenSource};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::{INSERT_PATH, PLATFORM_OA, Platform, insert_request};
use wx_invoice_types::ReimburseStatus;
use wx_sandbox::Fault;

const UPDATE_STATUS: &str = "/card/invoice/platform/updatestatus";

/// A client of `p`'s sandbox with short backoffs and a 300 ms attempt timeout.
fn client(p: &Platform) -> InvoiceClient {
    let tokens: Arc<dyn TokenSource> = Arc::new(p.tokens());
    InvoiceClient::builder(tokens)
        .api_base(p.sandbox.base_url())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client builds")
}

async fn platform() -> (Platform, InvoiceClient, String) {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p.upload(PLATFORM_OA).await;
    let client = client(&p);
    (p, client, media)
}

#[tokio::test]
async fn busy_twice_then_success_inserts_after_three_requests() {
    let (p, client, media) = platform().await;
    p.sandbox
        .inject_fault(Fault::errcode(INSERT_PATH, -1, "system error").times(2));
    let out = client
        .insert(PLATFORM_OA, &insert_request("order-busy-1", &media))
        .await
        .expect("the third attempt inserts");
    assert_eq!(p.sandbox.count(INSERT_PATH), 3);
    assert!(p.sandbox.card(&out.code).is_some());
}

#[tokio::test]
async fn invoice_busy_and_a_bad_gateway_are_retried() {
    let (p, client, media) = platform().await;
    p.sandbox
        .inject_fault(Fault::errcode(INSERT_PATH, 72036, "invoice is busy, try again"));
    client
        .insert(PLATFORM_OA, &insert_request("order-busy-2", &media))
        .await
        .expect("72036 retried");
    assert_eq!(p.sandbox.count(INSERT_PATH), 2);

    p.sandbox.inject_fault(Fault::http_status(INSERT_PATH, 502));
    client
        .insert(PLATFORM_OA, &insert_request("order-busy-3", &media))
        .await
        .expect("502 retried");
    assert_eq!(p.sandbox.count(INSERT_PATH), 4);
}

/// A card holds `order`'s invoice: the same invoice under a new order id is refused as a
/// duplicate (72042). With the insert's second request answered 72056 (refused as a repeat,
/// so it created nothing), that makes exactly one card.
async fn assert_card_exists(client: &InvoiceClient, media: &str, order: &str) {
    let mut same_invoice = insert_request("order-probe", media);
    let original = insert_request(order, media);
    same_invoice
        .card_ext
        .user_card
        .invoice_user_data
        .billing_no
        .clone_from(&original.invoice_user_data().billing_no);
    let err = client
        .insert(PLATFORM_OA, &same_invoice)
        .await
        .expect_err("the invoice is already in a card package");
    assert!(
        matches!(err, InvoiceError::AlreadyInserted { errcode: 72042, .. }),
        "{err:?}"
    );
    assert!(!err.is_inserted_by_earlier_attempt());
}

#[tokio::test]
async fn an_insert_whose_answer_was_lost_is_done_by_its_earlier_attempt() {
    let (p, client, media) = platform().await;
    p.sandbox.inject_fault(Fault::lose_answer(INSERT_PATH));
    let err = client
        .insert(PLATFORM_OA, &insert_request("order-lost-1", &media))
        .await
        .expect_err("no card code can be returned");
    assert!(err.is_inserted_by_earlier_attempt(), "{err:?}");
    assert!(err.is_already_inserted(), "do not insert it again");
    assert!(
        matches!(&err, InvoiceError::InsertedByEarlierAttempt { order_id, errcode: 72056, attempts: 2, .. } if order_id == "order-lost-1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("mark the order done"), "{err}");
    assert_eq!(
        p.sandbox.count(INSERT_PATH),
        2,
        "the identical request was sent once more"
    );
    assert_card_exists(&client, &media, "order-lost-1").await;
}

#[tokio::test]
async fn an_insert_answered_after_its_timeout_is_done_by_its_earlier_attempt() {
    let (p, client, media) = platform().await;
    p.sandbox
        .inject_fault(Fault::apply_then_delay(INSERT_PATH, Duration::from_secs(2)));
    let err = client
        .insert(PLATFORM_OA, &insert_request("order-late-1", &media))
        .await
        .expect_err("the first answer came too late");
    assert!(err.is_inserted_by_earlier_attempt(), "{err:?}");
    assert_eq!(p.sandbox.count(INSERT_PATH), 2);
    assert_card_exists(&client, &media, "order-late-1").await;
}

#[tokio::test]
async fn a_duplicate_insert_by_the_caller_stays_already_inserted() {
    let (p, client, media) = platform().await;
    let request = insert_request("order-dup-1", &media);
    client.insert(PLATFORM_OA, &request).await.expect("first insert");
    let err = client
        .insert(PLATFORM_OA, &request)
        .await
        .expect_err("the caller repeated it");
    assert!(
        matches!(err, InvoiceError::AlreadyInserted { errcode: 72056, .. }),
        "{err:?}"
    );
    assert!(!err.is_inserted_by_earlier_attempt());
    assert_eq!(p.sandbox.count(INSERT_PATH), 2);
}

#[tokio::test]
async fn a_duplicate_invoice_after_a_lost_answer_never_claims_the_earlier_attempt() {
    let (p, client, media) = platform().await;
    p.sandbox.inject_fault(Fault::lose_answer(INSERT_PATH));
    p.sandbox.inject_fault(Fault::errcode(
        INSERT_PATH,
        72042,
        "billing_code and billing_no repeated",
    ));
    let err = client
        .insert(PLATFORM_OA, &insert_request("order-dup-2", &media))
        .await
        .expect_err("72042");
    assert!(
        matches!(err, InvoiceError::AlreadyInserted { errcode: 72042, .. }),
        "{err:?}"
    );
    assert!(!err.is_inserted_by_earlier_attempt());
}

#[tokio::test]
async fn the_insert_quota_is_not_retried_and_says_when_it_clears() {
    let (p, client, media) = platform().await;
    p.sandbox
        .inject_fault(Fault::errcode(INSERT_PATH, 72057, "today insert limit").times(3));
    let err = client
        .insert(PLATFORM_OA, &insert_request("order-quota-1", &media))
        .await
        .expect_err("quota");
    assert_eq!(p.sandbox.count(INSERT_PATH), 1, "never retried");
    assert!(!err.is_retryable());
    let clears = err.quota_clears_at().expect("says when it clears");
    let ahead = clears.duration_since(SystemTime::now()).expect("in the future");
    assert!(ahead <= Duration::from_secs(24 * 3600), "{ahead:?}");
    assert!(err.to_string().contains("clears at"), "{err}");
}

#[tokio::test]
async fn a_state_change_is_never_repeated() {
    let (p, client, media) = platform().await;
    let out = client
        .insert(PLATFORM_OA, &insert_request("order-state-1", &media))
        .await
        .expect("insert");
    let card_id = insert_request("order-state-1", &media).card_id;
    for fault in [
        Fault::errcode(UPDATE_STATUS, -1, "system error"),
        Fault::lose_answer(UPDATE_STATUS),
    ] {
        p.sandbox.reset_counts();
        p.sandbox.inject_fault(fault);
        let err = client
            .update_status(PLATFORM_OA, &card_id, &out.code, ReimburseStatus::Cancel)
            .await
            .expect_err("failed");
        assert!(err.is_retryable(), "the caller may decide to retry: {err:?}");
        assert_eq!(p.sandbox.count(UPDATE_STATUS), 1, "the SDK did not repeat it");
    }
}
