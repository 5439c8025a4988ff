//! Smaller lifecycle defects: secrets in Debug, unbounded 61023 recovery, recovery against a
//! WeChat without the list call, a false alarm on the first authorization.

use std::time::Duration;

#[cfg(feature = "redis")]
use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::{AuthError, TokenSource};
#[cfg(feature = "redis")]
use wx_auth::{RedisStore, Refresher, TokenStore};
use wx_sandbox::Sandbox;

use crate::hostile::Hostile;
#[cfg(feature = "redis")]
use crate::logs::capture;
#[cfg(feature = "redis")]
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

#[cfg(feature = "redis")]
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

#[cfg(feature = "redis")]
fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos() % 1_000_000_007).unwrap_or(0))
}

#[tokio::test]
async fn an_errmsg_echoing_the_request_shows_no_secret_in_any_encoding() {
    // A WeChat (or proxy) that echoes the request body and the raw query in its errmsg.
    let hostile = Hostile::start(|seen| {
        let echo = serde_json::json!({
            "errcode": 40013,
            "errmsg": format!("invalid appid, request {} query {}", seen.body, seen.query),
        });
        (200, echo.to_string())
    })
    .await;
    let c = component(&hostile.base);
    let ticket = "ticket@@@with/odd+chars=and\"quotes\"";
    c.set_verify_ticket(ticket).await.expect("ticket");
    let e = c.component_access_token().await.expect_err("refused");
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("invalid appid"), "{shown}");
    for secret in [
        wx_sandbox::DEFAULT_COMPONENT_SECRET,
        "with/odd+chars",
        "with%2Fodd%2Bchars",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }

    // An access token that needs URL-encoding, echoed from the query string.
    let token_server = Hostile::start(|seen| {
        let echo = serde_json::json!({"errcode": 48001, "errmsg": format!("api unauthorized {}", seen.query)});
        (200, echo.to_string())
    })
    .await;
    let tokens = wx_auth::StaticToken::new("tok/en+with=odd chars");
    let transport = wx_auth::transport::Transport::new({
        let mut settings = wx_auth::transport::TransportSettings::default();
        settings.set_api_base(token_server.base.clone());
        settings
    })
    .expect("transport");
    let body = serde_json::json!({});
    let call = wx_auth::transport::JsonCall::<_, serde_json::Value>::new("/card/invoice/seturl", &body);
    let e = transport.send_as(&tokens, "wxany", &call).await.expect_err("refused");
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("api unauthorized"), "{shown}");
    for leak in ["tok/en", "tok%2Fen", "odd+chars", "odd%20chars", "odd+chars"] {
        assert!(!shown.contains(leak), "{leak} leaked: {shown}");
    }
}

/// A token service that hands out one empty token before its real ones (a bug elsewhere).
#[derive(Debug)]
struct EmptyFirst {
    inner: wx_auth::OfficialAccountTokens,
    handed_empty: std::sync::atomic::AtomicBool,
    invalidated: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl TokenSource for EmptyFirst {
    async fn access_token(&self, appid: &str) -> Result<wx_auth::AccessToken, AuthError> {
        if !self.handed_empty.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Ok(wx_auth::AccessToken::new("", Duration::from_secs(7200)));
        }
        self.inner.access_token(appid).await
    }

    async fn invalidate(&self, appid: &str, rejected: &wx_auth::AccessToken) -> Result<(), AuthError> {
        self.invalidated.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.invalidate(appid, rejected).await
    }
}

#[tokio::test]
async fn a_missing_token_41001_is_treated_as_a_rejected_one() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.register_account("wxdirect0000000001", "direct-secret-0001");
    let inner = wx_auth::OfficialAccountTokens::builder()
        .account("wxdirect0000000001", SecretString::from("direct-secret-0001"))
        .api_base(sandbox.base_url())
        .build()
        .expect("source");
    let source = EmptyFirst {
        inner,
        handed_empty: std::sync::atomic::AtomicBool::new(false),
        invalidated: std::sync::atomic::AtomicUsize::new(0),
    };
    let transport = wx_auth::transport::Transport::new({
        let mut settings = wx_auth::transport::TransportSettings::default();
        settings.set_api_base(sandbox.base_url());
        settings
    })
    .expect("transport");
    let body = serde_json::json!({});
    let call = wx_auth::transport::JsonCall::<_, serde_json::Value>::new("/card/invoice/seturl", &body);
    transport
        .send_as(&source, "wxdirect0000000001", &call)
        .await
        .expect("41001 made the transport fetch a token and retry once");
    assert_eq!(source.invalidated.load(std::sync::atomic::Ordering::SeqCst), 1);
}
