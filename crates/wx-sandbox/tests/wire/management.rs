//! The platform's management calls: authorizer options in both forms, the authorizer list's
//! items without a refresh token, quota/get's rate limits, and openapi/rid/get over the log of
//! failed calls.

use serde_json::{Value, json};
use wx_sandbox::{DEFAULT_COMPONENT_APPID as CAPPID, Sandbox};

use crate::support::{MERCHANT, PLATFORM, assert_err, authorizer, component_token, direct_token, http, post};

fn rid_of(v: &Value) -> String {
    let msg = v["errmsg"].as_str().expect("errmsg");
    msg.rsplit_once(" rid: ").expect("rid").1.to_owned()
}

#[tokio::test]
async fn authorizer_options_in_the_component_and_the_authorizer_form() {
    let sb = Sandbox::start().await.expect("start");
    let (authorizer_token, _) = authorizer(&sb, MERCHANT, &[1]).await;
    let cat = component_token(&sb).await;
    let get = format!("/cgi-bin/component/api_get_authorizer_option?component_access_token={cat}");
    let set = format!("/cgi-bin/component/api_set_authorizer_option?component_access_token={cat}");
    let body = |name: &str| json!({"component_appid": CAPPID, "authorizer_appid": MERCHANT, "option_name": name});
    let first = post(&sb, &get, &body("voice_recognize")).await;
    assert_eq!(first["option_value"], "0", "{first}");
    assert_eq!(first["authorizer_appid"], MERCHANT);
    let mut on = body("voice_recognize");
    on["option_value"] = json!("1");
    assert_eq!(post(&sb, &set, &on).await["errcode"], 0);
    assert_eq!(post(&sb, &get, &body("voice_recognize")).await["option_value"], "1");
    on["option_value"] = json!("2");
    assert_err(&post(&sb, &set, &on).await, 40097);
    assert_err(&post(&sb, &get, &body("dark_mode")).await, 40097);
    let mut other = body("voice_recognize");
    other["authorizer_appid"] = json!("wxnotauthorized01");
    assert_err(&post(&sb, &get, &other).await, 61003);
    other["component_appid"] = json!("wxnotthecomponent");
    assert_err(&post(&sb, &get, &other).await, 61011);
    // The newer form: the authorizer's own token, only the option in the body.
    let current = format!("/cgi-bin/component/get_authorizer_option?access_token={authorizer_token}");
    let v = post(&sb, &current, &json!({"option_name": "voice_recognize"})).await;
    assert_eq!(v["option_value"], "1", "{v}");
    let set_current = format!("/cgi-bin/component/set_authorizer_option?access_token={authorizer_token}");
    let v = post(
        &sb,
        &set_current,
        &json!({"option_name": "location_report", "option_value": 2}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(post(&sb, &get, &body("location_report")).await["option_value"], "2");
    let with_component = format!("/cgi-bin/component/get_authorizer_option?access_token={cat}");
    assert_err(
        &post(&sb, &with_component, &json!({"option_name": "voice_recognize"})).await,
        40001,
    );
}

#[tokio::test]
async fn list_items_of_unexchanged_grants_have_no_refresh_token() {
    let sb = Sandbox::start().await.expect("start");
    authorizer(&sb, MERCHANT, &[26]).await;
    let _code = sb.authorize(PLATFORM, &[26]); // confirmed, never exchanged
    let cat = component_token(&sb).await;
    let page = post(
        &sb,
        &format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={cat}"),
        &json!({"component_appid": CAPPID, "offset": 0, "count": 500}),
    )
    .await;
    let list = page["list"].as_array().expect("list");
    let by = |appid: &str| list.iter().find(|e| e["authorizer_appid"] == appid).expect("item");
    assert!(by(MERCHANT)["refresh_token"].is_string());
    assert!(by(PLATFORM).get("refresh_token").is_none(), "{page}");
    assert!(by(PLATFORM)["auth_time"].is_number());
}

#[tokio::test]
async fn quota_get_reports_rate_limits_and_knows_the_new_paths() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let path = format!("/cgi-bin/openapi/quota/get?access_token={t}");
    for cgi_path in [
        "/nontax/insertbill",
        "/card/invoice/makeoutinvoice",
        "/cgi-bin/openapi/rid/get",
    ] {
        let v = post(&sb, &path, &json!({"cgi_path": cgi_path})).await;
        assert_eq!(v["errcode"], 0, "{cgi_path}: {v}");
        assert_eq!(v["rate_limit"]["refresh_second"], 60);
        assert!(v["component_rate_limit"]["call_count"].is_number());
    }
    let cat = component_token(&sb).await;
    let legacy = post(
        &sb,
        &format!("/cgi-bin/openapi/quota/get?access_token={cat}"),
        &json!({"cgi_path": "/cgi-bin/component/api_get_authorizer_option"}),
    )
    .await;
    assert_eq!(legacy["errcode"], 0, "{legacy}");
    let current = post(
        &sb,
        &format!("/cgi-bin/openapi/quota/get?access_token={cat}"),
        &json!({"cgi_path": "/cgi-bin/component/get_authorizer_option"}),
    )
    .await;
    assert_err(&current, 76022);
}

#[tokio::test]
async fn rid_get_finds_failed_calls_of_the_same_account() {
    let sb = Sandbox::builder().log_capacity(6).start().await.expect("start");
    let a = direct_token(&sb, PLATFORM).await;
    let b = direct_token(&sb, "wxotherplatform01").await;
    let failed = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={a}"),
        &json!({"action": "get_url", "s_media_id": "123"}),
    )
    .await;
    assert_err(&failed, 72040);
    let rid = rid_of(&failed);
    let lookup = |token: &str, rid: &str| {
        let (sb, path, body) = (
            &sb,
            format!("/cgi-bin/openapi/rid/get?access_token={token}"),
            json!({"rid": rid}),
        );
        async move { post(sb, &path, &body).await }
    };
    let found = lookup(&a, &rid).await;
    assert_eq!(found["errcode"], 0, "{found}");
    let request = &found["request"];
    assert!(
        request["request_url"]
            .as_str()
            .expect("url")
            .starts_with("/card/invoice/platform/getpdf?access_token=")
    );
    assert_eq!(request["request_body"], r#"{"action":"get_url","s_media_id":"123"}"#);
    let answer: Value = serde_json::from_str(request["response_body"].as_str().expect("body")).expect("json");
    assert_eq!(answer["errcode"], 72040);
    assert!(request["invoke_time"].is_number() && request["cost_in_ms"].is_number());
    assert_err(&lookup(&b, &rid).await, 76003);
    assert_err(&lookup(&a, "not-a-rid").await, 76002);
    assert_err(&lookup(&a, "00000000-00000000-00000000").await, 76001);
    // Calls without a token are recorded too; the log keeps the newest `log_capacity` only.
    let no_token = post(&sb, "/cgi-bin/clear_quota/v2", &json!({"appid": PLATFORM})).await;
    assert_err(&no_token, 41004);
    assert_eq!(lookup(&b, &rid_of(&no_token)).await["errcode"], 0);
    assert_eq!(lookup(&a, &rid).await["errcode"], 0, "five failures kept so far");
    for _ in 0..6 {
        post(&sb, "/cgi-bin/clear_quota/v2", &json!({})).await;
    }
    assert_err(&lookup(&a, &rid).await, 76001);
    // Successes carry no rid and are not recorded; the admin API is not either.
    let resp = http()
        .get(format!("{}/sandbox/counts", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_family_admin_actions_over_http() {
    let sb = Sandbox::start().await.expect("start");
    let admin = |path: &str, body: Value| {
        let url = format!("{}/sandbox/{path}", sb.base_url());
        async move { http().post(url).json(&body).send().await.expect("req") }
    };
    let ok = admin(
        "wecom/corps",
        json!({"corpid": "wwhttp", "corpsecret": "s3cret", "active_members": 5}),
    )
    .await;
    assert_eq!(ok.status(), 200);
    let token: Value = http()
        .get(format!(
            "{}/cgi-bin/gettoken?corpid=wwhttp&corpsecret=s3cret",
            sb.wecom_base_url()
        ))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    assert_eq!(token["errcode"], 0, "{token}");
    let missing = admin(
        "wecom/submit",
        json!({"code": "nope", "corpid": "wwhttp", "userid": "u"}),
    )
    .await;
    assert_eq!(missing.status(), 404);
    let bad = admin("unified/hold", json!({"hold": "yes"})).await;
    assert_eq!(bad.status(), 400);
    assert_eq!(admin("unified/hold", json!({"hold": true})).await.status(), 200);
    let none = admin("unified/complete", json!({"fpqqlsh": "s", "success": true})).await;
    assert_eq!(none.status(), 404);
    let openid: Value = http()
        .get(format!("{}/sandbox/openid/{MERCHANT}/june", sb.base_url()))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    assert_eq!(openid["openid"], sb.openid(MERCHANT, "june"));
}
