//! Smaller lifecycle defects: secrets in Debug, unbounded 61023 recovery, recovery against a
//! WeChat without the list call, a false alarm on the first authorization.

use std::time::Duration;

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::{AuthError, RedisStore, Refresher, TokenSource, TokenStore};
use wx_sandbox::Sandbox;

use crate::hostile::Hostile;
use crate::logs::capture;
use crate::redis_support::test_redis;
use crate::support::{MERCHANT, component};

const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const AUTHORIZER_INFO: &str = "/cgi-bin/component/api_get_authorizer_info";
const AUTHORIZER_LIST: &str = "/cgi-bin/component/api_get_authorizer_list";
const PRE_AUTH: &str = "/cgi-bin/component/api_create_preauthcode";

const TOKEN_OK: &str = r#"{"component_access_token":"ctok","expires_in":7200}"#;
const INFO_OK: &str = r#"{"authorizer_info":{},"authorization_info":{"authorizer_appid":"wxa11ce00000000007","func_info":[{"funcscope_category":{"id":26}}]}}"#;
const REFRESH_DEAD: &str = r#"{"errcode":61023,"errmsg":"invalid refresh_token"}"#;

#[tokio::test]
async fn pre_auth_codes_and_authorization_links_hide_the_code_in_debug() {
    let hostile = Hostile::table(&[
        (COMPONENT_TOKEN, TOKEN_OK),
        (
            PRE_AUTH,
            r#"{"pre_auth_code":"preauthcode@@@SECRETCODE","expires_in":600}"#,
        ),
    ])
    .await;
    let c = component(&hostile.base);
    c.set_verify_ticket("ticket@@@t").await.expect("ticket");
    let code = c.pre_auth_code().await.expect("code");
    assert!(!format!("{code:?}").contains("SECRETCODE"), "{code:?}");
    let link = c.authorization_url(&code.code, "https://example.com/back");
    assert!(!format!("{link:?}").contains("SECRETCODE"), "{link:?}");
    assert!(link.build().contains("SECRETCODE"), "the link itself carries it");
}

async fn with_dead_refresh_token(list_answer: &'static str) -> (Hostile, wx_auth::Component) {
    let hostile = Hostile::start(move |seen| match seen.path.as_str() {
        COMPONENT_TOKEN => (200, TOKEN_OK.to_owned()),
        AUTHORIZER_INFO => (200, INFO_OK.to_owned()),
        AUTHORIZER_TOKEN => (200, REFRESH_DEAD.to_owned()),
        AUTHORIZER_LIST if list_answer == "404" => (404, "<html>not found</html>".to_owned()),
        AUTHORIZER_LIST => (200, list_answer.to_owned()),
        _ => (404, "{}".to_owned()),
    })
    .await;
    let c = component(&hostile.base);
    c.set_verify_ticket("ticket@@@t").await.expect("ticket");
    c.import_authorizer(MERCHANT, SecretString::from("refresh-dead"))
        .await
        .expect("import");
    (hostile, c)
}

#[tokio::test]
async fn recovery_pages_are_capped_whatever_total_count_claims() {
    let (hostile, c) = with_dead_refresh_token(
        r#"{"total_count":4294967295,"list":[{"authorizer_appid":"wxsomeoneelse000001","refresh_token":"x"}]}"#,
    )
    .await;
    let started = std::time::Instant::now();
    let e = c.authorizer_tokens().access_token(MERCHANT).await.expect_err("dead");
    assert!(matches!(e, AuthError::ReauthorizationRequired { .. }), "{e:?}");
    assert!(
        hostile.count(AUTHORIZER_LIST) <= 400,
        "{} pages",
        hostile.count(AUTHORIZER_LIST)
    );
    assert!(started.elapsed() < Duration::from_secs(40));
}

#[tokio::test]
async fn recovery_against_a_wechat_without_the_list_call_ends_in_reauthorization() {
    let (_hostile, c) = with_dead_refresh_token("404").await;
    let e = c.authorizer_tokens().access_token(MERCHANT).await.expect_err("dead");
    assert!(matches!(e, AuthError::ReauthorizationRequired { .. }), "{e:?}");
}

#[tokio::test]
async fn a_first_authorization_raises_no_lost_record_alarm() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let redis = test_redis();
    let prefix = format!("lifecycle-first-auth-{}", rand_suffix());
    let store: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(redis.url())
            .await
            .expect("redis")
            .with_prefix(&prefix),
    );
    let c = crate::support::builder(&sandbox.base_url())
        .store(store)
        .build()
        .expect("builds");
    let (logs, _guard) = capture();
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    // A refresher lists and reads the records while merchants authorize for the first time.
    let refresher = Refresher::new(c.clone()).period(Duration::from_millis(10)).spawn();
    for i in 0..20 {
        let merchant = format!("wxfirstauth{i:07}");
        c.query_auth(&sandbox.authorize(&merchant, &[26]))
            .await
            .expect("authorized");
        let tokens = c.authorizer_tokens();
        tokens.permission_sets(&merchant).await.expect("sets");
        tokens.access_token(&merchant).await.expect("token");
    }
    refresher.stop().await;
    assert!(logs.containing("lost").is_empty(), "{:?}", logs.containing("lost"));
    assert!(!logs.lines().is_empty(), "the capture works");
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos() % 1_000_000_007).unwrap_or(0))
}
