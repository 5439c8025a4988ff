//! What happens to a push after it is sent: retries of unacknowledged pushes (logged per
//! attempt, in a bounded log), empty replies on the message URL, and the `FailOrderId` push
//! of a failed user authorization.

use std::time::Duration;

use serde_json::json;
use wx_sandbox::{Sandbox, SandboxEvent, UserAuthorization};

use crate::flow::Flow;
use crate::push::{open, receiver};
use crate::support::{PLATFORM, post};

#[tokio::test]
async fn unacknowledged_pushes_are_retried_three_times_and_logged() {
    let failing = receiver(500, "busy").await;
    let sb = Sandbox::builder()
        .push_url(failing.url.clone())
        .push_retry_delay(Duration::from_millis(20))
        .start()
        .await
        .expect("start");
    sb.push_verify_ticket();
    assert!(sb.flush_pushes(Duration::from_secs(10)).await);
    assert_eq!(failing.received().len(), 4, "one attempt and three retries");
    let d = sb.deliveries();
    assert_eq!(d.iter().map(|d| d.attempt).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert!(d.iter().all(|d| !d.delivered && d.status == Some(500)));

    // The delivery log keeps only the newest entries.
    let bounded = Sandbox::builder()
        .push_url(failing.url.clone())
        .push_retry_delay(Duration::from_millis(20))
        .log_capacity(2)
        .start()
        .await
        .expect("start");
    bounded.push_verify_ticket();
    assert!(bounded.flush_pushes(Duration::from_secs(10)).await);
    assert_eq!(
        bounded.deliveries().iter().map(|d| d.attempt).collect::<Vec<_>>(),
        [3, 4]
    );

    // An acknowledged push is not retried; the merchant URL also takes an empty reply.
    let quiet = receiver(200, "").await;
    let sb = Sandbox::builder()
        .push_url(quiet.url.clone())
        .message_push_url(quiet.url.clone())
        .push_retry_delay(Duration::from_millis(20))
        .start()
        .await
        .expect("start");
    sb.push_event(SandboxEvent::UpdateInvoiceStatus {
        to_appid: PLATFORM.into(),
        card_id: "c".into(),
        code: "1".into(),
        status: "INVOICE_REIMBURSE_INIT".into(),
        openid: "o".into(),
    });
    sb.push_verify_ticket();
    assert!(sb.flush_pushes(Duration::from_secs(10)).await);
    let d = sb.deliveries();
    assert_eq!(d.len(), 5, "{d:?}");
    assert!(d[0].delivered && d[0].attempt == 1, "empty reply on the message URL");
    assert!(
        d[1..].iter().all(|d| !d.delivered),
        "the authorization-event URL needs `success`"
    );
}

#[tokio::test]
async fn a_failed_user_authorization_pushes_fail_order_id() {
    let rx = receiver(200, "success").await;
    let sb = Sandbox::builder()
        .message_push_url(rx.url.clone())
        .start()
        .await
        .expect("start");
    let f = Flow::with(sb).await;
    assert_eq!(f.open_order("o-fail").await["errcode"], 0);
    let openid =
        f.sb.fail_user_authorization(&UserAuthorization::new(&f.s_pappid, "o-fail").user("zoe"))
            .expect("fail");
    assert!(f.sb.flush_pushes(Duration::from_secs(5)).await);
    let got = rx.received();
    let (xml, _) = open(&got[0].1, &got[0].2);
    assert!(xml.contains("<SuccOrderId><![CDATA[]]></SuccOrderId>"), "{xml}");
    assert!(xml.contains("<FailOrderId><![CDATA[o-fail]]></FailOrderId>"), "{xml}");
    assert!(xml.contains(&format!("<FromUserName><![CDATA[{openid}]]></FromUserName>")));
    assert!(matches!(
        f.sb.events().last(),
        Some(SandboxEvent::UserAuthorizeInvoiceFailed { order_id, .. }) if order_id == "o-fail"
    ));
    // The order stays unauthorized.
    let data = post(
        &f.sb,
        &format!("/card/invoice/getauthdata?access_token={}", f.merchant),
        &json!({"s_pappid": f.s_pappid, "order_id": "o-fail"}),
    )
    .await;
    assert_eq!(data["invoice_status"], "never auth");
    // Also over HTTP.
    let resp = crate::support::http()
        .post(format!("{}/sandbox/user_authorize/fail", f.sb.base_url()))
        .json(&json!({"s_pappid": f.s_pappid, "order_id": "o-fail"}))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 200);
}
