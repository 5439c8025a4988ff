//! Direct-mode tokens, token revocation/expiry, permission sets and getticket.

use std::time::Duration;

use serde_json::json;
use wx_sandbox::Sandbox;

use crate::support::{MERCHANT, PLATFORM, assert_err, authorizer, component_token, direct_token, http, post};

async fn getticket(sb: &Sandbox, token: &str, kind: &str) -> serde_json::Value {
    http()
        .get(format!(
            "{}/cgi-bin/ticket/getticket?access_token={token}&type={kind}",
            sb.base_url()
        ))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn stable_token_reuses_until_forced() {
    let sb = Sandbox::start().await.expect("start");
    let t1 = direct_token(&sb, PLATFORM).await;
    let body = json!({"grant_type": "client_credential", "appid": PLATFORM, "secret": "direct-secret"});
    let again = post(&sb, "/cgi-bin/stable_token", &body).await;
    assert_eq!(again["access_token"], t1.as_str());
    assert!(again.get("errcode").is_none());
    let forced = post(&sb, "/cgi-bin/stable_token",
        &json!({"grant_type": "client_credential", "appid": PLATFORM, "secret": "direct-secret", "force_refresh": true})).await;
    assert_ne!(forced["access_token"], t1.as_str());
    assert_eq!(forced["expires_in"], 7200);
}

#[tokio::test]
async fn stable_token_errors() {
    let sb = Sandbox::start().await.expect("start");
    sb.register_account(PLATFORM, "s3cret");
    let call = |body| {
        let sb = sb.clone();
        async move { post(&sb, "/cgi-bin/stable_token", &body).await }
    };
    assert_err(
        &call(json!({"grant_type": "password", "appid": PLATFORM, "secret": "s3cret"})).await,
        40002,
    );
    assert_err(
        &call(json!({"grant_type": "client_credential", "appid": "wxnobody", "secret": "s3cret"})).await,
        40013,
    );
    assert_err(
        &call(json!({"grant_type": "client_credential", "appid": PLATFORM, "secret": "nope"})).await,
        40125,
    );
    assert_err(
        &call(
            json!({"grant_type": "client_credential", "appid": PLATFORM, "secret": "s3cret", "force_refresh": "yes"}),
        )
        .await,
        47001,
    );
    assert_err(
        &crate::support::post_raw(&sb, "/cgi-bin/stable_token", "not json").await,
        47001,
    );
}

#[tokio::test]
async fn getticket_wx_card() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, MERCHANT).await;
    let v = getticket(&sb, &t, "wx_card").await;
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["errmsg"], "ok");
    assert!(v["ticket"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(v["expires_in"], 7200);
    assert_err(&getticket(&sb, &t, "bogus").await, 40097);
    assert_err(&getticket(&sb, "unknown0000000000000000", "wx_card").await, 40001);
    assert_err(&getticket(&sb, "not a token", "wx_card").await, 40014);
}

#[tokio::test]
async fn short_ttl_tokens_expire_with_42001() {
    let sb = Sandbox::builder()
        .token_ttl(Duration::from_secs(1))
        .start()
        .await
        .expect("start");
    let t = direct_token(&sb, MERCHANT).await;
    let first = getticket(&sb, &t, "wx_card").await;
    assert_eq!(first["errcode"], 0);
    let reported = post(&sb, "/cgi-bin/stable_token",
        &json!({"grant_type": "client_credential", "appid": MERCHANT, "secret": "direct-secret", "force_refresh": true})).await;
    assert_eq!(reported["expires_in"], 1);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_err(&getticket(&sb, &t, "wx_card").await, 42001);
}

#[tokio::test]
async fn revoke_and_expire_by_appid() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, MERCHANT).await;
    sb.revoke_token(MERCHANT);
    assert_err(&getticket(&sb, &t, "wx_card").await, 40001);
    let body = json!({"grant_type": "client_credential", "appid": MERCHANT, "secret": "direct-secret"});
    let t2 = post(&sb, "/cgi-bin/stable_token", &body).await["access_token"]
        .as_str()
        .expect("t2")
        .to_owned();
    assert_ne!(t, t2, "a revoked token is never handed out again");
    sb.expire_token(MERCHANT);
    assert_err(&getticket(&sb, &t2, "wx_card").await, 42001);
}

#[tokio::test]
async fn component_token_cannot_call_business_apis() {
    let sb = Sandbox::start().await.expect("start");
    let cat = component_token(&sb).await;
    assert_err(&getticket(&sb, &cat, "wx_card").await, 40001);
}

#[tokio::test]
async fn permission_sets_are_enforced_for_authorizers() {
    let sb = Sandbox::start().await.expect("start");
    let (only_cards, _) = authorizer(&sb, PLATFORM, &[8]).await;
    // getpdf needs set 26.
    let v = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={only_cards}"),
        &json!({"action": "get_url", "s_media_id": "1"}),
    )
    .await;
    assert_err(&v, 48001);
    // insert accepts set 8: it gets past the permission check to body validation.
    let v = post(
        &sb,
        &format!("/card/invoice/insert?access_token={only_cards}"),
        &json!({}),
    )
    .await;
    assert_err(&v, 72031);
    let (no_sets, _) = authorizer(&sb, MERCHANT, &[1]).await;
    let v = post(&sb, &format!("/card/invoice/insert?access_token={no_sets}"), &json!({})).await;
    assert_err(&v, 48001);
}
