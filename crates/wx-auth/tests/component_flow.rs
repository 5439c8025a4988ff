//! The component (third-party platform) flow against the sandbox over loopback HTTP.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use wx_auth::{
    AuthError, AuthPage, AuthorizerStatus, Component, ComponentConfig, MemoryStore, TokenSource, TokenStore,
};
use wx_sandbox::{Fault, Sandbox};

const MERCHANT: &str = "wxa11ce00000000001";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";

fn config() -> ComponentConfig {
    ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    }
}

fn component(sandbox: &Sandbox, store: Arc<dyn TokenStore>) -> Component {
    Component::builder(config())
        .store(store)
        .api_base(sandbox.base_url())
        .build()
        .expect("builds")
}

async fn authorized(sandbox: &Sandbox, sets: &[u32]) -> Component {
    let c = component(sandbox, Arc::new(MemoryStore::new()));
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let auth = c
        .query_auth(&sandbox.authorize(MERCHANT, sets))
        .await
        .expect("query_auth");
    assert_eq!(auth.authorizer_appid, MERCHANT);
    c
}

#[tokio::test]
async fn no_ticket_yet_is_a_clear_error_without_a_call() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox, Arc::new(MemoryStore::new()));
    let err = c.component_access_token().await.expect_err("no ticket");
    assert!(matches!(err, AuthError::NoVerifyTicket { .. }), "{err:?}");
    assert!(err.to_string().contains("handle_push"), "{err}");
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 0);
}

#[tokio::test]
async fn component_token_is_fetched_once_and_cached() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox, Arc::new(MemoryStore::new()));
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let first = c.component_access_token().await.expect("token");
    let second = c.component_access_token().await.expect("token");
    assert_eq!(first, second);
    assert_eq!(sandbox.count(COMPONENT_TOKEN), 1);
}

#[tokio::test]
async fn a_wrong_ticket_is_reported_with_wechat_code() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox, Arc::new(MemoryStore::new()));
    c.set_verify_ticket("ticket@@@not-minted-by-wechat")
        .await
        .expect("stored");
    let err = c.component_access_token().await.expect_err("rejected");
    assert_eq!(err.errcode(), Some(61006), "{err}");
    assert!(
        !err.to_string().contains("not-minted"),
        "the ticket must not be echoed: {err}"
    );
}

#[tokio::test]
async fn query_auth_stores_refresh_token_and_permission_sets() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = authorized(&sandbox, &[26, 1, 8]).await;
    let record = c.authorizer(MERCHANT).await.expect("read").expect("stored");
    assert_eq!(record.permission_sets, Some(vec![1, 8, 26]));
    assert_eq!(
        Some(record.refresh_token.expose_secret().to_owned()),
        sandbox.current_refresh_token(MERCHANT)
    );
    assert_eq!(record.status, AuthorizerStatus::Authorized);
    // The token from query_auth is cached: no refresh needed.
    c.authorizer_tokens().access_token(MERCHANT).await.expect("token");
    assert_eq!(sandbox.count(AUTHORIZER_TOKEN), 0);
}

#[tokio::test]
async fn pre_auth_code_and_authorization_urls() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = component(&sandbox, Arc::new(MemoryStore::new()));
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let pre = c.pre_auth_code().await.expect("pre_auth_code");
    assert!(!pre.code.is_empty() && pre.expires_in > Duration::ZERO);
    let pc = c
        .authorization_url(&pre.code, "https://p.example.com/cb?x=1")
        .auth_type(1)
        .build();
    assert!(pc.starts_with("https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx0123456789abcdef"));
    assert!(
        pc.contains("redirect_uri=https%3A%2F%2Fp.example.com%2Fcb%3Fx%3D1"),
        "{pc}"
    );
    assert!(pc.contains("&auth_type=1"));
    let mobile = c
        .authorization_url(&pre.code, "https://p.example.com/cb")
        .page(AuthPage::Mobile)
        .biz_appid(MERCHANT)
        .build();
    assert!(
        mobile.contains("action=bindcomponent") && mobile.ends_with("#wechat_redirect"),
        "{mobile}"
    );
    assert!(mobile.contains(&format!("biz_appid={MERCHANT}")));
}

#[tokio::test]
async fn import_authorizer_reads_permission_sets_and_refreshes() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let first = authorized(&sandbox, &[26]).await;
    let refresh = sandbox.current_refresh_token(MERCHANT).expect("refresh");
    drop(first);
    let c = component(&sandbox, Arc::new(MemoryStore::new()));
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    c.import_authorizer(MERCHANT, SecretString::from(refresh))
        .await
        .expect("import");
    let tokens = c.authorizer_tokens();
    assert_eq!(tokens.permission_sets(MERCHANT).await.expect("sets"), Some(vec![26]));
    tokens
        .access_token(MERCHANT)
        .await
        .expect("refreshed with the imported token");
    assert_eq!(sandbox.count(AUTHORIZER_TOKEN), 1);
    let info = c.authorizer_info(MERCHANT).await.expect("info");
    assert_eq!(info.permission_sets, vec![26]);
}

#[tokio::test]
async fn unknown_authorizer_fails_fast() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = authorized(&sandbox, &[26]).await;
    let err = c
        .authorizer_tokens()
        .access_token("wxnobody0000000000")
        .await
        .expect_err("unknown");
    assert!(matches!(err, AuthError::UnknownAuthorizer { .. }), "{err:?}");
    assert_eq!(sandbox.count(AUTHORIZER_TOKEN), 0);
}

#[tokio::test]
async fn rotated_refresh_tokens_are_persisted() {
    let sandbox = Sandbox::builder()
        .rotate_refresh_tokens(true)
        .token_ttl(Duration::from_secs(3600))
        .start()
        .await
        .expect("sandbox");
    let c = authorized(&sandbox, &[26]).await;
    let tokens = c.authorizer_tokens();
    for _ in 0..3 {
        let t = tokens.access_token(MERCHANT).await.expect("token");
        tokens.invalidate(MERCHANT, &t).await.expect("invalidate");
    }
    tokens.access_token(MERCHANT).await.expect("token");
    // The first token came from query_auth; the three after it were refreshes.
    assert_eq!(sandbox.count(AUTHORIZER_TOKEN), 3);
    let record = c.authorizer(MERCHANT).await.expect("read").expect("stored");
    assert_eq!(
        Some(record.refresh_token.expose_secret().to_owned()),
        sandbox.current_refresh_token(MERCHANT)
    );
}

#[tokio::test]
async fn a_lost_refresh_token_is_recovered_from_the_authorizer_list() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let store = Arc::new(MemoryStore::new());
    let c = component(&sandbox, store.clone());
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    c.query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("query_auth");
    // Corrupt the stored refresh token (as a buggy writer or stale backup would).
    let mut record = store
        .get_authorizer(c.component_appid(), MERCHANT)
        .await
        .expect("read")
        .expect("record");
    record.refresh_token = SecretString::from("refreshtoken@@@stale".to_owned());
    store.put_authorizer(c.component_appid(), &record).await.expect("write");
    let tokens = c.authorizer_tokens();
    let cached = tokens.access_token(MERCHANT).await.expect("cached from query_auth");
    tokens.invalidate(MERCHANT, &cached).await.expect("invalidate");

    tokens
        .access_token(MERCHANT)
        .await
        .expect("recovered through api_get_authorizer_list");
    assert_eq!(sandbox.count("/cgi-bin/component/api_get_authorizer_list"), 1);
    let record = c.authorizer(MERCHANT).await.expect("read").expect("record");
    assert_eq!(
        Some(record.refresh_token.expose_secret().to_owned()),
        sandbox.current_refresh_token(MERCHANT)
    );
}

#[tokio::test]
async fn a_revoked_grant_requires_reauthorization() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = authorized(&sandbox, &[26]).await;
    let tokens = c.authorizer_tokens();
    let t = tokens.access_token(MERCHANT).await.expect("token");
    tokens.invalidate(MERCHANT, &t).await.expect("invalidate");
    sandbox.unauthorize(MERCHANT);
    let err = tokens.access_token(MERCHANT).await.expect_err("grant gone");
    assert!(
        err.errcode().is_some() || matches!(err, AuthError::ReauthorizationRequired { .. }),
        "{err:?}"
    );
    // Nothing stored was deleted by the failure.
    assert!(c.authorizer(MERCHANT).await.expect("read").is_some());
}

#[tokio::test]
async fn mark_unauthorized_makes_calls_fail_fast() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = authorized(&sandbox, &[26]).await;
    c.mark_unauthorized(MERCHANT).await.expect("marked");
    sandbox.reset_counts();
    let tokens = c.authorizer_tokens();
    let err = tokens.access_token(MERCHANT).await.expect_err("revoked");
    assert!(matches!(err, AuthError::AuthorizationRevoked { .. }), "{err:?}");
    assert!(matches!(
        tokens.permission_sets(MERCHANT).await,
        Err(AuthError::AuthorizationRevoked { .. })
    ));
    assert!(
        sandbox.counts().values().all(|n| *n == 0),
        "no call may be made: {:?}",
        sandbox.counts()
    );
}

#[tokio::test]
async fn slow_wechat_is_a_timeout_and_bad_bodies_are_typed_errors() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    // No retries: each fault must surface as its own typed error.
    let c = Component::builder(config())
        .api_base(sandbox.base_url())
        .retry(wx_auth::RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .max_response_bytes(64 * 1024)
        .build()
        .expect("builds");
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    sandbox.inject_fault(Fault::delay(COMPONENT_TOKEN, Duration::from_secs(2)));
    let err = c.component_access_token().await.expect_err("timeout");
    assert!(err.is_timeout() && err.is_retryable(), "{err:?}");

    sandbox.inject_fault(Fault::html(COMPONENT_TOKEN));
    assert!(matches!(
        c.component_access_token().await,
        Err(AuthError::Decode { .. })
    ));
    sandbox.inject_fault(Fault::garbage(COMPONENT_TOKEN));
    assert!(matches!(
        c.component_access_token().await,
        Err(AuthError::Decode { .. })
    ));
    sandbox.inject_fault(Fault::huge_body(COMPONENT_TOKEN, 1024 * 1024));
    assert!(matches!(
        c.component_access_token().await,
        Err(AuthError::BodyTooLarge { .. })
    ));
    sandbox.inject_fault(Fault::http_status(COMPONENT_TOKEN, 503));
    assert!(matches!(
        c.component_access_token().await,
        Err(AuthError::HttpStatus { status: 503, .. })
    ));
    // After all that, it works.
    c.component_access_token().await.expect("recovers");
}

#[tokio::test]
async fn unreachable_host_is_a_network_error_without_the_url() {
    let c = Component::builder(config())
        .api_base("http://127.0.0.1:1")
        .build()
        .expect("builds");
    c.set_verify_ticket("ticket@@@x").await.expect("ticket");
    let err = c.component_access_token().await.expect_err("refused");
    assert!(matches!(err, AuthError::Network { .. }), "{err:?}");
    assert!(!err.to_string().contains("127.0.0.1:1/"), "{err}");
}
