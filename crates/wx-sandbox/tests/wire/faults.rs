//! Fault injection and call counting.

use std::time::{Duration, Instant};

use serde_json::json;
use wx_sandbox::{Fault, Sandbox};

use crate::support::{PLATFORM, assert_err, direct_token, http, insert, insert_body, upload_pdf};

const INSERT: &str = "/card/invoice/insert";

#[tokio::test]
async fn errcode_fault_applies_times_then_normal_handling_resumes() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    sb.inject_fault(Fault::errcode(INSERT, -1, "system error").times(2));
    let body = insert_body("o-1", &media, "1");
    assert_err(&insert(&sb, &t, &body).await, -1);
    assert_err(&insert(&sb, &t, &body).await, -1);
    assert_eq!(insert(&sb, &t, &body).await["errcode"], 0);
    assert_eq!(sb.count(INSERT), 3);
}

async fn raw(sb: &Sandbox) -> reqwest::Response {
    http()
        .post(format!("{}{INSERT}", sb.base_url()))
        .json(&json!({}))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn transport_level_faults() {
    let sb = Sandbox::start().await.expect("start");
    sb.inject_fault(Fault::http_status(INSERT, 502));
    sb.inject_fault(Fault::html(INSERT));
    sb.inject_fault(Fault::garbage(INSERT));
    sb.inject_fault(Fault::huge_body(INSERT, 100_000));

    assert_eq!(raw(&sb).await.status(), 502);
    let html = raw(&sb).await;
    assert_eq!(html.status(), 200);
    assert!(html.text().await.expect("text").starts_with("<html>"));
    let garbage = raw(&sb).await.bytes().await.expect("bytes");
    assert!(serde_json::from_slice::<serde_json::Value>(&garbage).is_err());
    let huge = raw(&sb).await.bytes().await.expect("bytes");
    assert!(huge.len() >= 100_000, "{}", huge.len());
    assert!(serde_json::from_slice::<serde_json::Value>(&huge).is_ok());
    // Faults used up: normal handling (no token → 40001).
    let normal: serde_json::Value = raw(&sb).await.json().await.expect("json");
    assert_err(&normal, 40001);
}

#[tokio::test]
async fn delay_fault_delays_then_handles() {
    let sb = Sandbox::start().await.expect("start");
    sb.inject_fault(Fault::delay(INSERT, Duration::from_millis(300)));
    let started = Instant::now();
    let v: serde_json::Value = raw(&sb).await.json().await.expect("json");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_err(&v, 40001);
}

#[tokio::test]
async fn counts_per_path_without_query_and_reset() {
    let sb = Sandbox::start().await.expect("start");
    let _ = direct_token(&sb, PLATFORM).await;
    let _ = raw(&sb).await;
    let _ = http()
        .post(format!("{}{INSERT}?access_token=x", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(sb.count(INSERT), 2);
    assert_eq!(sb.count("/cgi-bin/stable_token"), 1);
    assert_eq!(sb.counts().get(INSERT), Some(&2));
    let _ = http()
        .get(format!("{}/sandbox/counts", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(sb.counts().len(), 2, "admin calls are not counted: {:?}", sb.counts());
    sb.reset_counts();
    assert_eq!(sb.count(INSERT), 0);
    assert!(sb.counts().is_empty());
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_wechat_style() {
    let sb = Sandbox::start().await.expect("start");
    let resp = http()
        .post(format!("{}/card/invoice/nope", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 404);
    assert_err(&resp.json().await.expect("json"), 40066);
    let resp = http()
        .get(format!("{}{INSERT}", sb.base_url()))
        .send()
        .await
        .expect("req");
    assert_err(&resp.json().await.expect("json"), 43002);
}

#[tokio::test]
async fn oversized_bodies_get_47001() {
    let sb = Sandbox::builder().body_limit(1024).start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let big = "x".repeat(4096);
    let v: serde_json::Value = http()
        .post(format!("{}{INSERT}?access_token={t}", sb.base_url()))
        .body(big)
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    assert_err(&v, 47001);
}
