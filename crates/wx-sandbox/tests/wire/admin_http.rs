//! The `/sandbox/...` admin API and the server lifecycle.

use serde_json::{Value, json};
use wx_sandbox::{DEFAULT_COMPONENT_APPID as CAPPID, DEFAULT_COMPONENT_SECRET as CSECRET, Sandbox};

use crate::support::{MERCHANT, PLATFORM, assert_err, http, insert, insert_body, post, upload_pdf};

async fn admin(sb: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let resp = http()
        .post(format!("{}{path}", sb.base_url()))
        .json(body)
        .send()
        .await
        .expect("req");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

async fn admin_get(sb: &Sandbox, path: &str) -> (u16, Value) {
    let resp = http()
        .get(format!("{}{path}", sb.base_url()))
        .send()
        .await
        .expect("req");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

#[tokio::test]
async fn full_third_party_flow_over_admin_http() {
    let sb = Sandbox::start().await.expect("start");
    let (_, v) = admin(&sb, "/sandbox/verify_ticket", &json!({})).await;
    let ticket = v["ticket"].as_str().expect("ticket").to_owned();
    let cat = post(
        &sb,
        "/cgi-bin/component/api_component_token",
        &json!({
            "component_appid": CAPPID, "component_appsecret": CSECRET, "component_verify_ticket": ticket,
        }),
    )
    .await["component_access_token"]
        .as_str()
        .expect("cat")
        .to_owned();
    let (_, v) = admin(
        &sb,
        "/sandbox/authorize",
        &json!({"authorizer_appid": PLATFORM, "func_ids": [8, 26]}),
    )
    .await;
    let code = v["authorization_code"].as_str().expect("code").to_owned();
    let auth = post(
        &sb,
        &format!("/cgi-bin/component/api_query_auth?component_access_token={cat}"),
        &json!({"component_appid": CAPPID, "authorization_code": code}),
    )
    .await;
    let token = auth["authorization_info"]["authorizer_access_token"]
        .as_str()
        .expect("at")
        .to_owned();
    let refresh = auth["authorization_info"]["authorizer_refresh_token"].clone();

    let (status, v) = admin_get(&sb, &format!("/sandbox/refresh_token/{PLATFORM}")).await;
    assert_eq!((status, &v["refresh_token"]), (200, &refresh));
    let (status, _) = admin_get(&sb, "/sandbox/refresh_token/wxnobody").await;
    assert_eq!(status, 404);

    let media = upload_pdf(&sb, &token).await;
    let code = insert(&sb, &token, &insert_body("o-1", &media, "1")).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let (status, card) = admin_get(&sb, &format!("/sandbox/cards/{code}")).await;
    assert_eq!(status, 200);
    assert_eq!(card["status"], "INVOICE_REIMBURSE_INIT");
    assert_eq!(card["appid"], MERCHANT);
    assert_eq!(admin_get(&sb, "/sandbox/cards/000").await.0, 404);

    let (_, counts) = admin_get(&sb, "/sandbox/counts").await;
    assert_eq!(counts["/card/invoice/insert"], 1);
    assert_eq!(admin(&sb, "/sandbox/counts/reset", &json!({})).await.0, 200);
    assert_eq!(admin_get(&sb, "/sandbox/counts").await.1, json!({}));

    admin(&sb, "/sandbox/tokens/expire", &json!({"appid": PLATFORM})).await;
    assert_err(&insert(&sb, &token, &insert_body("o-2", &media, "2")).await, 42001);
    admin(&sb, "/sandbox/unauthorize", &json!({"authorizer_appid": PLATFORM})).await;
    assert_eq!(sb.current_refresh_token(PLATFORM), None);
}

#[tokio::test]
async fn admin_accounts_revoke_and_faults() {
    let sb = Sandbox::start().await.expect("start");
    assert_eq!(
        admin(&sb, "/sandbox/accounts", &json!({"appid": PLATFORM, "appsecret": "s"}))
            .await
            .0,
        200
    );
    let t = post(
        &sb,
        "/cgi-bin/stable_token",
        &json!({"grant_type": "client_credential", "appid": PLATFORM, "secret": "s"}),
    )
    .await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let (status, _) = admin(&sb, "/sandbox/faults",
        &json!({"path": "/card/invoice/insert", "kind": "errcode", "errcode": 45009, "errmsg": "reach max api daily quota limit", "times": 1})).await;
    assert_eq!(status, 200);
    assert_err(&insert(&sb, &t, &json!({})).await, 45009);
    admin(
        &sb,
        "/sandbox/faults",
        &json!({"path": "/card/invoice/insert", "kind": "http_status", "status": 503}),
    )
    .await;
    let resp = http()
        .post(format!("{}/card/invoice/insert", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 503);
    let (status, err) = admin(&sb, "/sandbox/faults", &json!({"path": "/x", "kind": "explode"})).await;
    assert_eq!(status, 400);
    assert!(err["error"].is_string());

    admin(&sb, "/sandbox/tokens/revoke", &json!({"appid": PLATFORM})).await;
    assert_err(&insert(&sb, &t, &json!({})).await, 40001);
}

#[tokio::test]
async fn dropping_the_last_clone_stops_the_server() {
    let sb = Sandbox::start().await.expect("start");
    let url = format!("{}/sandbox/counts", sb.base_url());
    let clone = sb.clone();
    drop(sb);
    assert!(http().get(&url).send().await.is_ok(), "a live clone keeps serving");
    drop(clone);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let fresh = reqwest::Client::new();
    assert!(fresh.get(&url).send().await.is_err(), "server should be gone");
}

#[tokio::test]
async fn shutdown_stops_even_with_clones() {
    let sb = Sandbox::start().await.expect("start");
    let url = format!("{}/sandbox/counts", sb.base_url());
    let _keep = sb.clone();
    sb.shutdown().await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}

#[tokio::test]
async fn debug_output_hides_secrets() {
    let builder = Sandbox::builder()
        .component("wxdebugcomponent1", "super-secret-value")
        .push_credentials("push-token-value", "SandboxEncodingAesKey0123456789abcdefghijkl");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("super-secret-value") && !shown.contains("push-token-value"),
        "{shown}"
    );
    assert!(!shown.contains("SandboxEncodingAesKey"), "{shown}");
    let sb = builder.start().await.expect("start");
    let ticket = sb.mint_verify_ticket();
    let shown = format!("{sb:?}");
    assert!(
        !shown.contains("super-secret-value") && !shown.contains(&ticket),
        "{shown}"
    );
    assert!(shown.contains(&sb.base_url()));
}

#[tokio::test]
async fn reset_returns_to_a_clean_state() {
    let sb = Sandbox::start().await.expect("start");
    let t = crate::support::direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    let code = insert(&sb, &t, &insert_body("o-1", &media, "1")).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    sb.push_verify_ticket();
    sb.inject_fault(wx_sandbox::Fault::errcode("/card/invoice/seturl", -1, "system error"));
    sb.reset();
    assert!(sb.card(&code).is_none());
    assert!(sb.counts().is_empty() && sb.events().is_empty());
    assert_err(&insert(&sb, &t, &insert_body("o-1", &media, "1")).await, 40001);
    let t = crate::support::direct_token(&sb, PLATFORM).await;
    let v = post(&sb, &format!("/card/invoice/seturl?access_token={t}"), &json!({})).await;
    assert_eq!(v["errcode"], 0, "the fault is gone: {v}");
    assert_eq!(admin(&sb, "/sandbox/reset", &json!({})).await.0, 200);
    assert!(sb.counts().is_empty());
}

#[tokio::test]
async fn event_and_delivery_logs_keep_the_newest_entries() {
    let sb = Sandbox::builder().log_capacity(3).start().await.expect("start");
    let tickets: Vec<String> = (0..5).map(|_| sb.push_verify_ticket()).collect();
    let kept: Vec<String> = sb
        .events()
        .into_iter()
        .map(|e| match e {
            wx_sandbox::SandboxEvent::ComponentVerifyTicket { ticket } => ticket,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(kept, tickets[2..]);
    assert!(Sandbox::builder().log_capacity(0).start().await.is_err());
}
