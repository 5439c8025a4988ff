//! Retries of transient failures through the public API against the sandbox: which failures
//! are retried, for which calls, how often, on whose clock, and within which budget.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use secrecy::SecretString;
use wx_auth::clock::ManualClock;
use wx_auth::transport::{Credential, JsonCall};
use wx_auth::{AuthError, Component, ComponentBuilder, ComponentConfig, RetryPolicy};
use wx_sandbox::{Fault, Sandbox};

const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const PRE_AUTH_CODE: &str = "/cgi-bin/component/api_create_preauthcode";

fn config() -> ComponentConfig {
    ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    }
}

/// The default policy with short backoffs, so the tests run fast.
fn quick() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(5))
}

fn builder(sandbox: &Sandbox) -> ComponentBuilder {
    Component::builder(config()).api_base(sandbox.base_url())
}

async fn ready(component: Component, sandbox: &Sandbox) -> Component {
    component
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    component
}

#[tokio::test]
async fn busy_twice_then_success_takes_three_requests() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = ready(builder(&sandbox).retry(quick()).build().expect("builds"), &sandbox).await;
    sandbox.inject_fault(Fault::errcode(COMPONENT_TOKEN, -1, "system error").times(2));
    c.component_access_token().await.expect("the third attempt succeeds");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 3);
}

#[tokio::test]
async fn a_timeout_a_dropped_connection_and_a_bad_gateway_are_retried_for_a_repeatable_call() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = ready(
        builder(&sandbox)
            .retry(quick())
            .timeout(Duration::from_millis(300))
            .build()
            .expect("builds"),
        &sandbox,
    )
    .await;
    sandbox.inject_fault(Fault::delay(COMPONENT_TOKEN, Duration::from_secs(2)));
    c.component_access_token().await.expect("the second attempt succeeds");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 2);

    for fault in [
        Fault::drop_connection(PRE_AUTH_CODE),
        Fault::http_status(PRE_AUTH_CODE, 502),
    ] {
        sandbox.reset_counts();
        sandbox.inject_fault(fault);
        c.pre_auth_code().await.expect("retried");
        assert_eq!(sandbox.count(PRE_AUTH_CODE), 2);
    }
}

#[tokio::test]
async fn a_call_that_must_not_be_repeated_is_sent_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = builder(&sandbox).retry(quick()).build().expect("builds");
    let body = serde_json::json!({ "component_appid": wx_sandbox::DEFAULT_COMPONENT_APPID });

    sandbox.inject_fault(Fault::errcode(PRE_AUTH_CODE, -1, "system error"));
    let once = JsonCall::<_, serde_json::Value>::new(PRE_AUTH_CODE, &body);
    let err = c.transport().send(&once, Credential::None).await.expect_err("busy");
    assert_eq!(err.errcode(), Some(-1));
    assert_eq!(sandbox.count(PRE_AUTH_CODE), 1, "not repeated");

    // The same call marked repeatable is sent again (and then fails for its missing token).
    sandbox.reset_counts();
    sandbox.inject_fault(Fault::errcode(PRE_AUTH_CODE, -1, "system error"));
    let repeatable = JsonCall::<_, serde_json::Value>::new(PRE_AUTH_CODE, &body).repeatable();
    let err = c
        .transport()
        .send(&repeatable, Credential::None)
        .await
        .expect_err("no token");
    assert_ne!(err.errcode(), Some(-1), "{err}");
    assert_eq!(sandbox.count(PRE_AUTH_CODE), 2);
}

#[tokio::test]
async fn retry_none_sends_every_call_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = ready(
        builder(&sandbox).retry(RetryPolicy::none()).build().expect("builds"),
        &sandbox,
    )
    .await;
    sandbox.inject_fault(Fault::errcode(COMPONENT_TOKEN, -1, "system error"));
    let err = c.component_access_token().await.expect_err("busy");
    assert!(err.is_retryable(), "{err}");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 1);
}

#[tokio::test]
async fn a_quota_is_not_retried_and_says_when_it_clears() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    // 2024-05-01T10:00:00Z, 18:00 in China: the quota clears at the next midnight there.
    let clock = Arc::new(ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_714_557_600)));
    let c = ready(
        builder(&sandbox).retry(quick()).clock(clock).build().expect("builds"),
        &sandbox,
    )
    .await;
    sandbox.inject_fault(Fault::errcode(COMPONENT_TOKEN, 45009, "reach max api daily quota limit").times(3));
    let err = c.component_access_token().await.expect_err("quota");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 1, "never retried");
    assert!(
        matches!(err, AuthError::QuotaExhausted { errcode: 45009, .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(
        err.quota_clears_at(),
        Some(UNIX_EPOCH + Duration::from_secs(1_714_579_200)),
        "2024-05-01T16:00:00Z is midnight in China"
    );
    assert!(err.to_string().contains("clears at 2024-05-01T16:00:00Z"), "{err}");
}

#[tokio::test]
async fn backoff_sleeps_on_the_builders_clock() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let clock = Arc::new(ManualClock::new());
    let c = ready(
        builder(&sandbox)
            .retry(RetryPolicy::default().initial_backoff(Duration::from_secs(60)))
            .deadline(Duration::from_secs(600))
            .clock(clock.clone())
            .build()
            .expect("builds"),
        &sandbox,
    )
    .await;
    sandbox.inject_fault(Fault::errcode(COMPONENT_TOKEN, -1, "system error"));
    let task = tokio::spawn({
        let c = c.clone();
        async move { c.component_access_token().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 1, "the first attempt was answered -1");
    assert!(!task.is_finished(), "the retry waits for the clock");
    clock.advance(Duration::from_secs(61));
    let token = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("woken by the clock")
        .expect("task");
    token.expect("the retry succeeds");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 2);
}

#[tokio::test]
async fn the_retry_budget_bounds_the_extra_requests() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    // Five attempts allowed per call, but a budget of two retries and no refill.
    let policy = quick().max_attempts(5).budget(0.0, 0, 2);
    let c = ready(builder(&sandbox).retry(policy).build().expect("builds"), &sandbox).await;
    sandbox.inject_fault(Fault::errcode(COMPONENT_TOKEN, -1, "system error").times(10));
    c.component_access_token().await.expect_err("busy");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 3, "the budget paid for two retries");
    c.component_access_token().await.expect_err("busy");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 4, "then none");
}

#[tokio::test]
async fn a_rejected_component_token_is_replaced_once_through_the_same_path() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = ready(builder(&sandbox).retry(quick()).build().expect("builds"), &sandbox).await;
    c.component_access_token().await.expect("token");
    sandbox.inject_fault(Fault::errcode(PRE_AUTH_CODE, 40001, "invalid credential"));
    c.pre_auth_code().await.expect("sent again with a fresh token");
    assert_eq!(sandbox.count(PRE_AUTH_CODE), 2);
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 2, "the rejected token was replaced");
}
