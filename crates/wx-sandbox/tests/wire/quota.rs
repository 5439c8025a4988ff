//! Daily quotas per account and path (45009), the clear_quota forms with their monthly
//! budget (48006), and openapi/quota/get.

use serde_json::json;
use wx_sandbox::{DEFAULT_COMPONENT_APPID as CAPPID, DEFAULT_COMPONENT_SECRET as CSECRET, Sandbox};

use crate::support::{PLATFORM, assert_err, authorizer, component_token, direct_token, post};

const SETURL: &str = "/card/invoice/seturl";

async fn seturl(sb: &Sandbox, token: &str) -> serde_json::Value {
    post(sb, &format!("{SETURL}?access_token={token}"), &json!({})).await
}

#[tokio::test]
async fn a_daily_limit_per_account_and_path_answers_45009() {
    let sb = Sandbox::builder().daily_limit(SETURL, 2).start().await.expect("start");
    let a = direct_token(&sb, PLATFORM).await;
    let b = direct_token(&sb, "wxotherplatform01").await;
    assert_eq!(seturl(&sb, &a).await["errcode"], 0);
    assert_eq!(seturl(&sb, &a).await["errcode"], 0);
    assert_err(&seturl(&sb, &a).await, 45009);
    assert_eq!(seturl(&sb, &b).await["errcode"], 0, "another account has its own quota");
    // Invalid tokens are refused before the quota is looked at.
    assert_err(&seturl(&sb, "unknown0000000000000000").await, 40001);
    // Other paths are not affected.
    let getpdf = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={a}"),
        &json!({}),
    )
    .await;
    assert_err(&getpdf, 72031);
    sb.set_daily_limit(SETURL, 3);
    assert_eq!(seturl(&sb, &a).await["errcode"], 0, "a raised limit applies at once");
}

#[tokio::test]
async fn clear_quota_with_the_own_token_and_its_monthly_budget() {
    let sb = Sandbox::builder().daily_limit(SETURL, 1).start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let path = format!("/cgi-bin/clear_quota?access_token={t}");
    let clear = |appid: &str| {
        let (sb, path, body) = (&sb, path.clone(), json!({"appid": appid}));
        async move { post(sb, &path, &body).await }
    };
    assert_err(&clear("wxsomeoneelse0001").await, 40013);
    for _ in 0..10 {
        assert_eq!(seturl(&sb, &t).await["errcode"], 0);
        assert_err(&seturl(&sb, &t).await, 45009);
        assert_eq!(clear(PLATFORM).await, json!({"errcode": 0, "errmsg": "ok"}));
    }
    assert_err(&clear(PLATFORM).await, 48006);
    let missing = post(&sb, &format!("/cgi-bin/clear_quota?access_token={t}"), &json!({})).await;
    assert_err(&missing, 41002);
}

#[tokio::test]
async fn clear_quota_v2_with_the_app_secret() {
    let sb = Sandbox::builder().daily_limit(SETURL, 1).start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    assert_eq!(seturl(&sb, &t).await["errcode"], 0);
    assert_err(&seturl(&sb, &t).await, 45009);
    let path = "/cgi-bin/clear_quota/v2";
    assert_err(&post(&sb, path, &json!({"appsecret": "direct-secret"})).await, 41002);
    assert_err(&post(&sb, path, &json!({"appid": PLATFORM})).await, 41004);
    assert_err(
        &post(&sb, path, &json!({"appid": PLATFORM, "appsecret": "wrong"})).await,
        40125,
    );
    let ok = post(&sb, path, &json!({"appid": PLATFORM, "appsecret": "direct-secret"})).await;
    assert_eq!(ok["errcode"], 0, "{ok}");
    assert_eq!(seturl(&sb, &t).await["errcode"], 0);
    // Older clients send the parameters in the query with an empty body.
    assert_err(&seturl(&sb, &t).await, 45009);
    let resp = crate::support::http()
        .post(format!(
            "{}{path}?appid={PLATFORM}&appsecret=direct-secret",
            sb.base_url()
        ))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.json::<serde_json::Value>().await.expect("json")["errcode"], 0);
    assert_eq!(seturl(&sb, &t).await["errcode"], 0);
}

#[tokio::test]
async fn the_component_clears_its_own_and_an_authorizers_quota() {
    let token_path = "/cgi-bin/component/api_component_token";
    let sb = Sandbox::builder()
        .daily_limit(token_path, 2)
        .daily_limit(SETURL, 1)
        .start()
        .await
        .expect("start");
    let cat = component_token(&sb).await;
    let (t, _) = authorizer(&sb, PLATFORM, &[26]).await; // the component's second token call
    let ticket = sb.mint_verify_ticket();
    let token_body =
        json!({"component_appid": CAPPID, "component_appsecret": CSECRET, "component_verify_ticket": ticket});
    assert_err(&post(&sb, token_path, &token_body).await, 45009);
    let v2 = "/cgi-bin/component/clear_quota/v2";
    assert_err(&post(&sb, v2, &json!({"component_appid": CAPPID})).await, 41004);
    assert_err(
        &post(&sb, v2, &json!({"component_appid": "wxother", "appsecret": CSECRET})).await,
        61011,
    );
    assert_eq!(
        post(&sb, v2, &json!({"component_appid": CAPPID, "appsecret": CSECRET})).await["errcode"],
        0
    );
    assert!(post(&sb, token_path, &token_body).await["component_access_token"].is_string());

    // An authorizer's quota: its calls made through the component count for it.
    assert_eq!(seturl(&sb, &t).await["errcode"], 0);
    assert_err(&seturl(&sb, &t).await, 45009);
    let for_merchant = json!({"component_appid": CAPPID, "appsecret": CSECRET, "appid": PLATFORM});
    assert_eq!(post(&sb, v2, &for_merchant).await["errcode"], 0);
    assert_eq!(seturl(&sb, &t).await["errcode"], 0);
    let stranger = json!({"component_appid": CAPPID, "appsecret": CSECRET, "appid": "wxnotauthorized01"});
    assert_err(&post(&sb, v2, &stranger).await, 61003);

    // The legacy form with the component token.
    let legacy = post(
        &sb,
        &format!("/cgi-bin/component/clear_quota?component_access_token={cat}"),
        &json!({"component_appid": CAPPID}),
    )
    .await;
    assert_eq!(legacy["errcode"], 0, "{legacy}");
}

#[tokio::test]
async fn quota_get_reports_limit_use_and_remainder() {
    let sb = Sandbox::builder().daily_limit(SETURL, 5).start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    seturl(&sb, &t).await;
    seturl(&sb, &t).await;
    let get = |path: &str, token: &str| {
        let (sb, url, body) = (
            &sb,
            format!("/cgi-bin/openapi/quota/get?access_token={token}"),
            json!({"cgi_path": path}),
        );
        async move { post(sb, &url, &body).await }
    };
    let v = get(SETURL, &t).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["quota"], json!({"daily_limit": 5, "used": 2, "remain": 3}));
    assert_err(&get("/card/invoice/nope", &t).await, 76021);
    assert_err(&get("/sns/oauth2/access_token", &t).await, 76022);
    assert_err(&get("/cgi-bin/component/api_component_token", &t).await, 76022);
    let cat = component_token(&sb).await;
    let c = get("/cgi-bin/component/api_component_token", &cat).await;
    assert_eq!(c["quota"]["daily_limit"], 10_000);
    assert_eq!(c["quota"]["used"], 1);
}
