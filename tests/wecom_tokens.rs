//! The WeCom corp token as a token source: one `gettoken` for many concurrent callers,
//! a rejected (40001) or expired (42001) token replaced once, one fetch per expiry for a
//! fleet sharing Redis, and clear errors that never show the corp secret.

#[path = "../crates/wx-auth/tests/support/redis.rs"]
#[allow(dead_code)]
mod redis_support;

use std::sync::Arc;

use redis_support::{TestPrefix, test_redis};
use secrecy::SecretString;
use wx_auth::{AuthError, RedisStore, TokenSource, TokenStore, WecomTokens};
use wx_invoice_api::{InvoiceError, WecomInvoiceClient};
use wx_invoice_e2e::assert_no_secrets;
use wx_sandbox::Sandbox;

const CORP: &str = "ww0123456789abcdef";
const SECRET: &str = "wecom-corp-secret-0123456789";
const GETTOKEN: &str = "/wecom/cgi-bin/gettoken";
const CONVERT: &str = "/wecom/cgi-bin/user/convert_to_openid";

async fn sandbox() -> Sandbox {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.register_wecom_corp(CORP, SECRET);
    sandbox
}

fn source(sandbox: &Sandbox, store: Option<Arc<dyn TokenStore>>) -> WecomTokens {
    let mut builder = WecomTokens::builder()
        .corp(CORP, SecretString::from(SECRET))
        .api_base(sandbox.wecom_base_url());
    if let Some(store) = store {
        builder = builder.store(store);
    }
    builder.build().expect("source")
}

/// A WeCom call made with the source's token: `convert_to_openid` of an unknown member answers
/// 60111 once the token is accepted (a rejected one answers 40001/42001 first).
async fn call_with(client: &WecomInvoiceClient) -> i64 {
    let err = client
        .reimburser(CORP)
        .openid_of("nobody")
        .await
        .expect_err("unknown member");
    err.errcode().expect("a WeChat code")
}

#[tokio::test]
async fn concurrent_callers_share_one_gettoken() {
    let sandbox = sandbox().await;
    let tokens = source(&sandbox, None);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let tokens = tokens.clone();
        tasks.push(tokio::spawn(async move { tokens.access_token(CORP).await }));
    }
    let mut values = Vec::new();
    for task in tasks {
        values.push(task.await.expect("task").expect("token").expose_secret().to_owned());
    }
    values.dedup();
    assert_eq!(values.len(), 1, "everyone got the same token");
    assert_eq!(sandbox.count(GETTOKEN), 1, "one fetch for 32 callers");
    tokens.access_token(CORP).await.expect("cached");
    assert_eq!(sandbox.count(GETTOKEN), 1);
}

#[tokio::test]
async fn a_rejected_or_expired_token_is_replaced_once() {
    let sandbox = sandbox().await;
    let tokens: Arc<dyn TokenSource> = Arc::new(source(&sandbox, None));
    let client = WecomInvoiceClient::builder(tokens.clone())
        .api_base(sandbox.wecom_base_url())
        .build()
        .expect("client");
    assert_eq!(call_with(&client).await, 60111);
    assert_eq!(sandbox.count(GETTOKEN), 1);
    sandbox.revoke_token(CORP); // 40001
    assert_eq!(call_with(&client).await, 60111, "retried with a fresh token");
    assert_eq!((sandbox.count(GETTOKEN), sandbox.count(CONVERT)), (2, 3));
    sandbox.expire_token(CORP); // 42001
    assert_eq!(call_with(&client).await, 60111);
    assert_eq!((sandbox.count(GETTOKEN), sandbox.count(CONVERT)), (3, 5));
}

#[tokio::test]
async fn a_fleet_sharing_redis_fetches_once_per_expiry() {
    let sandbox = sandbox().await;
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let mut fleet = Vec::new();
    for _ in 0..3 {
        let store: Arc<dyn TokenStore> = Arc::new(
            RedisStore::connect(redis.url())
                .await
                .expect("redis")
                .with_prefix(prefix.as_str()),
        );
        fleet.push(source(&sandbox, Some(store)));
    }
    let mut seen = Vec::new();
    for node in &fleet {
        seen.push(node.access_token(CORP).await.expect("token").expose_secret().to_owned());
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "every node reads the one stored token");
    assert_eq!(sandbox.count(GETTOKEN), 1, "one gettoken for three processes");
    // One node's token is rejected: it drops exactly that token; the next read refetches once.
    let rejected = fleet[0].access_token(CORP).await.expect("token");
    sandbox.revoke_token(CORP);
    fleet[0].invalidate(CORP, &rejected).await.expect("invalidate");
    let fresh = fleet[0].access_token(CORP).await.expect("fresh");
    assert_ne!(fresh, rejected);
    // A node started now (nothing in its in-process cache) reads the fresh token from Redis.
    let store: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(redis.url())
            .await
            .expect("redis")
            .with_prefix(prefix.as_str()),
    );
    let late = source(&sandbox, Some(store));
    assert_eq!(late.access_token(CORP).await.expect("shared"), fresh);
    assert_eq!(sandbox.count(GETTOKEN), 2);
}

#[tokio::test]
async fn wrong_secrets_and_unknown_corps_are_clear_and_never_show_the_secret() {
    let sandbox = sandbox().await;
    let wrong = WecomTokens::builder()
        .corp(CORP, SecretString::from("not-the-corp-secret"))
        .api_base(sandbox.wecom_base_url())
        .build()
        .expect("source");
    let err = wrong.access_token(CORP).await.expect_err("wrong secret");
    assert_eq!(err.errcode(), Some(40001), "{err}");
    assert_no_secrets(&err, &["not-the-corp-secret"]);
    let err = wrong.access_token("wwsomeoneelse").await.expect_err("unknown");
    assert!(matches!(err, AuthError::UnknownCorp { .. }), "{err:?}");
    assert!(err.to_string().contains("WecomTokens::builder().corp"));
    let client = WecomInvoiceClient::builder(Arc::new(wrong))
        .api_base(sandbox.wecom_base_url())
        .build()
        .expect("client");
    let err = client.reimburser(CORP).openid_of("u").await.expect_err("no token");
    assert!(matches!(err, InvoiceError::Wechat(_)), "{err:?}");
    assert_no_secrets(&err, &["not-the-corp-secret"]);
    assert!(WecomTokens::builder().build().is_err(), "no corp");
    assert!(
        WecomTokens::builder()
            .corp(CORP, SecretString::from(""))
            .build()
            .is_err()
    );
    // A WeChat-only base does not serve WeCom: the token call cannot succeed there.
    let misplaced = WecomTokens::builder()
        .corp(CORP, SecretString::from(SECRET))
        .api_base(sandbox.base_url())
        .build()
        .expect("source");
    assert!(misplaced.access_token(CORP).await.is_err());
}
