//! Component APIs: tickets, component token, pre-auth codes, query_auth, refresh, info, list.

use std::time::Duration;

use serde_json::json;
use wx_sandbox::{DEFAULT_COMPONENT_APPID as CAPPID, DEFAULT_COMPONENT_SECRET as CSECRET, Sandbox};

use crate::support::{MERCHANT, PLATFORM, assert_err, authorizer, component_token, post};

const TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";

#[tokio::test]
async fn component_token_needs_minted_ticket_appid_and_secret() {
    let sb = Sandbox::start().await.expect("start");
    let ticket = sb.mint_verify_ticket();
    assert!(ticket.starts_with("ticket@@@"));
    let ok = post(
        &sb,
        TOKEN_PATH,
        &json!({
            "component_appid": CAPPID, "component_appsecret": CSECRET, "component_verify_ticket": ticket,
        }),
    )
    .await;
    assert!(ok.get("errcode").is_none(), "token APIs carry no errcode: {ok}");
    assert_eq!(ok["expires_in"], 7200);
    assert!(ok["component_access_token"].as_str().is_some_and(|t| !t.is_empty()));

    let bad_ticket = post(
        &sb,
        TOKEN_PATH,
        &json!({
            "component_appid": CAPPID, "component_appsecret": CSECRET, "component_verify_ticket": "ticket@@@nope",
        }),
    )
    .await;
    assert_err(&bad_ticket, 61006);
    let bad_secret = post(
        &sb,
        TOKEN_PATH,
        &json!({
            "component_appid": CAPPID, "component_appsecret": "wrong", "component_verify_ticket": ticket,
        }),
    )
    .await;
    assert_err(&bad_secret, 40125);
    let bad_appid = post(
        &sb,
        TOKEN_PATH,
        &json!({
            "component_appid": "wxother", "component_appsecret": CSECRET, "component_verify_ticket": ticket,
        }),
    )
    .await;
    assert_err(&bad_appid, 61011);
    let no_secret = post(
        &sb,
        TOKEN_PATH,
        &json!({"component_appid": CAPPID, "component_verify_ticket": ticket}),
    )
    .await;
    assert_err(&no_secret, 41004);
    let no_ticket = post(
        &sb,
        TOKEN_PATH,
        &json!({"component_appid": CAPPID, "component_appsecret": CSECRET}),
    )
    .await;
    assert_err(&no_ticket, 47001);
}

#[tokio::test]
async fn superseded_ticket_expires_but_newest_stays_valid() {
    let sb = Sandbox::builder()
        .ticket_ttl(Duration::from_millis(200))
        .start()
        .await
        .expect("start");
    let old = sb.mint_verify_ticket();
    let newest = sb.mint_verify_ticket();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let body =
        |t: &str| json!({"component_appid": CAPPID, "component_appsecret": CSECRET, "component_verify_ticket": t});
    assert_err(&post(&sb, TOKEN_PATH, &body(&old)).await, 61005);
    let ok = post(&sb, TOKEN_PATH, &body(&newest)).await;
    assert!(ok["component_access_token"].is_string(), "{ok}");
}

#[tokio::test]
async fn start_push_ticket_checks_secret_field_name() {
    let sb = Sandbox::start().await.expect("start");
    let path = "/cgi-bin/component/api_start_push_ticket";
    let ok = post(
        &sb,
        path,
        &json!({"component_appid": CAPPID, "component_secret": CSECRET}),
    )
    .await;
    assert_eq!(ok, json!({"errcode": 0, "errmsg": "ok"}));
    let wrong = post(
        &sb,
        path,
        &json!({"component_appid": CAPPID, "component_appsecret": CSECRET}),
    )
    .await;
    assert_err(&wrong, 41004);
}

#[tokio::test]
async fn preauthcode_accepts_both_token_parameter_names() {
    let sb = Sandbox::start().await.expect("start");
    let cat = component_token(&sb).await;
    for param in ["component_access_token", "access_token"] {
        let v = post(
            &sb,
            &format!("/cgi-bin/component/api_create_preauthcode?{param}={cat}"),
            &json!({"component_appid": CAPPID}),
        )
        .await;
        assert!(
            v["pre_auth_code"]
                .as_str()
                .is_some_and(|c| c.starts_with("preauthcode@@@")),
            "{v}"
        );
        assert!(v["expires_in"].as_u64().is_some());
    }
    let none = post(
        &sb,
        "/cgi-bin/component/api_create_preauthcode",
        &json!({"component_appid": CAPPID}),
    )
    .await;
    assert_err(&none, 41001);
}

#[tokio::test]
async fn query_auth_returns_grant_and_code_is_single_use() {
    let sb = Sandbox::start().await.expect("start");
    let cat = component_token(&sb).await;
    let code = sb.authorize(MERCHANT, &[1, 26]);
    let path = format!("/cgi-bin/component/api_query_auth?component_access_token={cat}");
    let body = json!({"component_appid": CAPPID, "authorization_code": code});
    let v = post(&sb, &path, &body).await;
    let info = &v["authorization_info"];
    assert_eq!(info["authorizer_appid"], MERCHANT);
    assert_eq!(info["expires_in"], 7200);
    assert_eq!(
        info["func_info"],
        json!([{"funcscope_category": {"id": 1}}, {"funcscope_category": {"id": 26}}])
    );
    let refresh = info["authorizer_refresh_token"].as_str().expect("refresh");
    assert_eq!(sb.current_refresh_token(MERCHANT).as_deref(), Some(refresh));
    assert_err(&post(&sb, &path, &body).await, 61009);
    let unknown = json!({"component_appid": CAPPID, "authorization_code": "queryauthcode@@@x"});
    assert_err(&post(&sb, &path, &unknown).await, 61009);
}

#[tokio::test]
async fn expired_auth_code_gives_61010() {
    let sb = Sandbox::builder()
        .auth_code_ttl(Duration::from_millis(50))
        .start()
        .await
        .expect("start");
    let cat = component_token(&sb).await;
    let code = sb.authorize(MERCHANT, &[26]);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let v = post(
        &sb,
        &format!("/cgi-bin/component/api_query_auth?component_access_token={cat}"),
        &json!({"component_appid": CAPPID, "authorization_code": code}),
    )
    .await;
    assert_err(&v, 61010);
}

async fn refresh(sb: &Sandbox, cat: &str, refresh: &str) -> serde_json::Value {
    post(
        sb,
        &format!("/cgi-bin/component/api_authorizer_token?component_access_token={cat}"),
        &json!({"component_appid": CAPPID, "authorizer_appid": MERCHANT, "authorizer_refresh_token": refresh}),
    )
    .await
}

#[tokio::test]
async fn authorizer_token_echoes_refresh_token_by_default() {
    let sb = Sandbox::start().await.expect("start");
    let (_, rt) = authorizer(&sb, MERCHANT, &[26]).await;
    let cat = component_token(&sb).await;
    let v = refresh(&sb, &cat, &rt).await;
    assert!(v.get("errcode").is_none(), "{v}");
    assert_eq!(v["authorizer_refresh_token"], rt.as_str());
    assert!(v["authorizer_access_token"].is_string());
    assert_eq!(refresh(&sb, &cat, &rt).await["authorizer_refresh_token"], rt.as_str());
    assert_err(&refresh(&sb, &cat, "refreshtoken@@@wrong").await, 61023);
}

#[tokio::test]
async fn rotation_invalidates_the_previous_refresh_token() {
    let sb = Sandbox::builder()
        .rotate_refresh_tokens(true)
        .start()
        .await
        .expect("start");
    let (_, rt1) = authorizer(&sb, MERCHANT, &[26]).await;
    let cat = component_token(&sb).await;
    let v = refresh(&sb, &cat, &rt1).await;
    let rt2 = v["authorizer_refresh_token"].as_str().expect("rt2").to_owned();
    assert_ne!(rt1, rt2);
    assert_eq!(sb.current_refresh_token(MERCHANT), Some(rt2.clone()));
    assert_err(&refresh(&sb, &cat, &rt1).await, 61023);
    assert!(refresh(&sb, &cat, &rt2).await["authorizer_access_token"].is_string());
}

#[tokio::test]
async fn reauthorization_issues_a_new_refresh_token() {
    let sb = Sandbox::start().await.expect("start");
    let (_, rt1) = authorizer(&sb, MERCHANT, &[26]).await;
    let (_, rt2) = authorizer(&sb, MERCHANT, &[8, 26]).await;
    assert_ne!(rt1, rt2);
    let cat = component_token(&sb).await;
    assert_err(&refresh(&sb, &cat, &rt1).await, 61023);
}

#[tokio::test]
async fn unauthorize_kills_tokens_and_refresh() {
    let sb = Sandbox::start().await.expect("start");
    let (at, rt) = authorizer(&sb, MERCHANT, &[26]).await;
    sb.unauthorize(MERCHANT);
    assert_eq!(sb.current_refresh_token(MERCHANT), None);
    let cat = component_token(&sb).await;
    assert_err(&refresh(&sb, &cat, &rt).await, 61003);
    let v = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={at}"),
        &json!({"action": "get_url", "s_media_id": "1"}),
    )
    .await;
    assert_err(&v, 40001);
}

#[tokio::test]
async fn authorizer_info_and_list() {
    let sb = Sandbox::start().await.expect("start");
    let (_, rt_m) = authorizer(&sb, MERCHANT, &[26]).await;
    let (_, rt_p) = authorizer(&sb, PLATFORM, &[8, 26]).await;
    let cat = component_token(&sb).await;
    let info = post(
        &sb,
        &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={cat}"),
        &json!({"component_appid": CAPPID, "authorizer_appid": MERCHANT}),
    )
    .await;
    assert_eq!(info["errcode"], 0);
    assert_eq!(info["authorization_info"]["authorizer_refresh_token"], rt_m.as_str());
    assert!(
        info["authorizer_info"]["user_name"]
            .as_str()
            .is_some_and(|u| u.starts_with("gh_"))
    );
    let unknown = post(
        &sb,
        &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={cat}"),
        &json!({"component_appid": CAPPID, "authorizer_appid": "wxnobody"}),
    )
    .await;
    assert_err(&unknown, 61003);

    let list_path = format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={cat}");
    let page1 = post(
        &sb,
        &list_path,
        &json!({"component_appid": CAPPID, "offset": 0, "count": 1}),
    )
    .await;
    assert_eq!(page1["total_count"], 2);
    assert_eq!(page1["list"].as_array().map(Vec::len), Some(1));
    let page2 = post(
        &sb,
        &list_path,
        &json!({"component_appid": CAPPID, "offset": 1, "count": 500}),
    )
    .await;
    let all = [&page1["list"][0], &page2["list"][0]];
    let tokens: Vec<&str> = all.iter().filter_map(|e| e["refresh_token"].as_str()).collect();
    assert!(
        tokens.contains(&rt_m.as_str()) && tokens.contains(&rt_p.as_str()),
        "{all:?}"
    );
    assert!(all[0]["auth_time"].as_i64().is_some());
    let too_many = post(
        &sb,
        &list_path,
        &json!({"component_appid": CAPPID, "offset": 0, "count": 501}),
    )
    .await;
    assert_err(&too_many, 40097);
}

#[tokio::test]
async fn authorizer_token_rejected_on_component_apis() {
    let sb = Sandbox::start().await.expect("start");
    let (at, _) = authorizer(&sb, MERCHANT, &[26]).await;
    let v = post(
        &sb,
        &format!("/cgi-bin/component/api_create_preauthcode?component_access_token={at}"),
        &json!({"component_appid": CAPPID}),
    )
    .await;
    assert_err(&v, 40001);
}
