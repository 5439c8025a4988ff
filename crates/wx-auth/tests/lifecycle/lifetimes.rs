//! `expires_in` values no WeChat means, empty tokens, and every duration setting at its limit.

use std::time::Duration;

use secrecy::SecretString;
use wx_auth::{AuthError, Lifetime, Refresher, TokenSource};
use wx_sandbox::Sandbox;

use crate::hostile::Hostile;
use crate::support::{MERCHANT, builder, component};

const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const AUTHORIZER_INFO: &str = "/cgi-bin/component/api_get_authorizer_info";

#[tokio::test]
async fn an_absurd_lifetime_is_clamped_instead_of_panicking() {
    for expires_in in [
        "18446744073709551615",
        "9223372036854775807",
        "1e300",
        "\"99999999999999999999\"",
    ] {
        let body = format!(r#"{{"component_access_token":"ctok","expires_in":{expires_in}}}"#);
        let info = r#"{"authorizer_info":{},"authorization_info":{"authorizer_appid":"wxa11ce00000000007","func_info":[{"funcscope_category":{"id":26}}]}}"#;
        let token = format!(
            r#"{{"authorizer_access_token":"atok","expires_in":{expires_in},"authorizer_refresh_token":"refresh-1"}}"#
        );
        let hostile = Hostile::table(&[
            (COMPONENT_TOKEN, &body),
            (AUTHORIZER_INFO, info),
            (AUTHORIZER_TOKEN, &token),
        ])
        .await;
        let c = component(&hostile.base);
        c.set_verify_ticket("ticket@@@t").await.expect("ticket");
        let ctok = c.component_access_token().await.expect("a clamped component token");
        assert!(ctok.remaining() <= Lifetime::MAX, "{expires_in}: {ctok:?}");
        c.import_authorizer(MERCHANT, SecretString::from("refresh-1"))
            .await
            .expect("import");
        let atok = c
            .authorizer_tokens()
            .access_token(MERCHANT)
            .await
            .expect("a clamped authorizer token");
        assert!(atok.remaining() <= Lifetime::MAX, "{expires_in}: {atok:?}");
        assert!(atok.remaining() + Duration::from_secs(60) > Lifetime::MAX);
    }
}

#[tokio::test]
async fn zero_negative_or_empty_answers_are_refused_and_never_cached() {
    for body in [
        r#"{"component_access_token":"ctok","expires_in":0}"#,
        r#"{"component_access_token":"ctok","expires_in":-7200}"#,
        r#"{"component_access_token":"ctok","expires_in":"soon"}"#,
        r#"{"component_access_token":"","expires_in":7200}"#,
        r#"{"component_access_token":"   ","expires_in":7200}"#,
    ] {
        let hostile = Hostile::table(&[(COMPONENT_TOKEN, body)]).await;
        let c = component(&hostile.base);
        c.set_verify_ticket("ticket@@@t").await.expect("ticket");
        for attempt in 1..=2 {
            let e = c.component_access_token().await.expect_err(body);
            assert!(matches!(e, AuthError::Decode { .. }), "{body}: {e:?}");
            assert_eq!(hostile.count(COMPONENT_TOKEN), attempt, "{body}: nothing was cached");
        }
    }
}

#[tokio::test]
async fn every_duration_setting_is_safe_at_its_limit() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = builder(&sandbox.base_url())
        .refresh_margin(Duration::MAX)
        .lock_ttl(Duration::MAX)
        .wait_budget(Duration::MAX)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .push_replay_window(Duration::MAX)
        .deadline(Duration::MAX)
        .host_cooldown(Duration::MAX)
        .build()
        .expect("builds");
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let code = sandbox.authorize(MERCHANT, &[26]);
    c.query_auth(&code).await.expect("query_auth");
    c.authorizer_tokens().access_token(MERCHANT).await.expect("token");
    let report = Refresher::new(c.clone())
        .period(Duration::MAX)
        .margin(Duration::MAX)
        .run_once()
        .await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let lock_ttl_zero = builder(&sandbox.base_url())
        .lock_ttl(Duration::ZERO)
        .build()
        .expect("builds");
    lock_ttl_zero
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    lock_ttl_zero
        .component_access_token()
        .await
        .expect("a zero lock TTL is raised to its minimum");
}
