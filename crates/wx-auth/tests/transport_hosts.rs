//! Host health, redirects and the deadline through the public API: a dead host is skipped for
//! its cool-down, a redirect is never followed, a call never runs past its deadline.

mod hostile;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hostile::{BlackHole, Counting, refusing_base};
use secrecy::SecretString;
use wx_auth::clock::ManualClock;
use wx_auth::{AuthError, Component, ComponentConfig, RetryPolicy};
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

#[tokio::test]
async fn a_dead_host_is_skipped_after_the_first_failover_and_probed_after_its_cooldown() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let dead = BlackHole::start().await;
    let clock = Arc::new(ManualClock::new());
    let c = Component::builder(config())
        .api_bases([dead.base.clone(), sandbox.base_url()])
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::default().initial_backoff(Duration::ZERO))
        .clock(clock.clone())
        .build()
        .expect("builds");
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");

    c.component_access_token()
        .await
        .expect("failed over to the second host");
    assert_eq!(dead.accepted(), 1, "the first attempt went to the preferred host");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 1);

    for _ in 0..10 {
        c.pre_auth_code().await.expect("straight to the healthy host");
    }
    assert_eq!(dead.accepted(), 1, "the dead host is not touched during its cool-down");
    assert_eq!(sandbox.count(PRE_AUTH_CODE), 10);

    clock.advance(Duration::from_secs(31));
    c.pre_auth_code().await.expect("probe, then the healthy host");
    assert_eq!(dead.accepted(), 2, "probed again after the cool-down");
    assert_eq!(sandbox.count(PRE_AUTH_CODE), 11);
}

#[tokio::test]
async fn a_refused_connection_fails_over_at_once_even_without_retries() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = Component::builder(config())
        .api_bases([refusing_base().await, sandbox.base_url()])
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    c.component_access_token()
        .await
        .expect("nothing was sent to the first host, so the second gets it");
    for _ in 0..10 {
        c.pre_auth_code().await.expect("the healthy host");
    }
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 1);
    assert_eq!(sandbox.count(PRE_AUTH_CODE), 10);
}

#[tokio::test]
async fn redirects_are_errors_and_the_host_they_name_sees_nothing() {
    for status in [302, 307] {
        let sandbox = Sandbox::start().await.expect("sandbox");
        let elsewhere = Counting::start(r#"{"component_access_token":"from-elsewhere","expires_in":7200}"#).await;
        let c = Component::builder(config())
            .api_bases([sandbox.base_url(), elsewhere.base.clone()])
            .build()
            .expect("builds");
        c.set_verify_ticket(&sandbox.mint_verify_ticket())
            .await
            .expect("ticket");
        sandbox.inject_fault(Fault::redirect(
            COMPONENT_TOKEN,
            status,
            format!("{}{COMPONENT_TOKEN}", elsewhere.base),
        ));
        let err = c.component_access_token().await.expect_err("a redirect");
        assert!(
            matches!(err, AuthError::Redirected { status: Some(s), .. } if s == status),
            "{err:?}"
        );
        assert!(err.is_redirect() && !err.is_retryable());
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(wx_sandbox::DEFAULT_COMPONENT_SECRET), "{shown}");
        assert!(
            !shown.contains(&elsewhere.base),
            "the location is not repeated: {shown}"
        );
        assert_eq!(sandbox.count(COMPONENT_TOKEN), 1, "not retried");
        assert_eq!(elsewhere.requests(), 0, "the secret and the ticket went nowhere else");
    }
}

#[tokio::test]
async fn an_answer_a_user_client_got_by_following_a_redirect_is_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let elsewhere = Counting::start(r#"{"component_access_token":"from-elsewhere","expires_in":7200}"#).await;
    let c = Component::builder(config())
        .api_base(sandbox.base_url())
        .http_client(reqwest::Client::new()) // follows redirects
        .build()
        .expect("builds");
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    sandbox.inject_fault(Fault::redirect(COMPONENT_TOKEN, 302, format!("{}/x", elsewhere.base)));
    let err = c.component_access_token().await.expect_err("refused");
    assert!(matches!(err, AuthError::Redirected { status: None, .. }), "{err:?}");
    // Such a client did go to the other host (a 302 turns the POST into a bodyless GET): the
    // documented reason to give the builder a client with redirects off.
    assert_eq!(elsewhere.requests(), 1);
}

#[tokio::test]
async fn a_call_never_runs_past_its_deadline() {
    let first = BlackHole::start().await;
    let second = BlackHole::start().await;
    let c = Component::builder(config())
        .api_bases([first.base.clone(), second.base.clone()])
        .timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(800))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(50)))
        .build()
        .expect("builds");
    c.set_verify_ticket("ticket@@@x").await.expect("ticket");
    let started = Instant::now();
    let err = c.component_access_token().await.expect_err("nobody answers");
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    // Without the deadline: 10 s per attempt, three attempts. A generous bound on 800 ms.
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(first.accepted() >= 1);
}
