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

#[tokio::test]
async fn cleared_faults_are_returned_unused_and_no_longer_apply() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    sb.inject_fault(Fault::errcode(INSERT, -1, "system error").times(3));
    let body = insert_body("o-clear", &media, "1");
    assert_err(&insert(&sb, &t, &body).await, -1);
    let left = sb.clear_faults();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].times, 2, "two calls were still to be faulted");
    assert_eq!(insert(&sb, &t, &body).await["errcode"], 0);
    assert!(sb.clear_faults().is_empty());
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
    // Faults used up: normal handling (no token → 41001).
    let normal: serde_json::Value = raw(&sb).await.json().await.expect("json");
    assert_err(&normal, 41001);
}

#[tokio::test]
async fn delay_fault_delays_then_handles() {
    let sb = Sandbox::start().await.expect("start");
    sb.inject_fault(Fault::delay(INSERT, Duration::from_millis(300)));
    let started = Instant::now();
    let v: serde_json::Value = raw(&sb).await.json().await.expect("json");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_err(&v, 41001);
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

/// Sends one raw HTTP/1.1 request on a fresh socket and returns every byte the server wrote
/// before closing it.
async fn raw_exchange(sb: &Sandbox, path_and_query: &str, body: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(sb.local_addr()).await.expect("connect");
    let request = format!(
        "POST {path_and_query} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .expect("read");
    answer
}

/// A client that neither pools connections nor follows redirects.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn platform_with_pdf() -> (Sandbox, String, String) {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    (sb, t, media)
}

#[tokio::test]
async fn lose_answer_applies_the_call_and_closes_without_a_byte() {
    let (sb, t, media) = platform_with_pdf().await;
    sb.inject_fault(Fault::lose_answer(INSERT));
    let body = insert_body("o-lost", &media, "1");
    let written = raw_exchange(&sb, &format!("{INSERT}?access_token={t}"), &body.to_string()).await;
    assert!(
        written.is_empty(),
        "no byte of the answer: {}",
        String::from_utf8_lossy(&written)
    );
    // The insert happened: the same order now answers 72056.
    assert_err(&insert(&sb, &t, &body).await, 72056);

    // A reqwest client sees an error that is neither a status nor a timeout.
    sb.inject_fault(Fault::lose_answer(INSERT));
    let second = insert_body("o-lost-2", &media, "2");
    let err = bare_client()
        .post(format!("{}{INSERT}?access_token={t}", sb.base_url()))
        .json(&second)
        .send()
        .await
        .expect_err("the answer is lost");
    assert!(!err.is_timeout() && !err.is_status(), "{err:?}");
    assert_err(&insert(&sb, &t, &second).await, 72056);
    assert_eq!(sb.count(INSERT), 4);
}

#[tokio::test]
async fn apply_then_delay_applies_at_once_and_answers_late() {
    let (sb, t, media) = platform_with_pdf().await;
    sb.inject_fault(Fault::apply_then_delay(INSERT, Duration::from_millis(1500)));
    let body = insert_body("o-slow", &media, "1");
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = impatient
        .post(format!("{}{INSERT}?access_token={t}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
    assert_err(&insert(&sb, &t, &body).await, 72056);

    // A patient client gets the normal answer, after the delay.
    sb.inject_fault(Fault::apply_then_delay(INSERT, Duration::from_millis(300)));
    let started = Instant::now();
    let v = insert(&sb, &t, &insert_body("o-slow-2", &media, "2")).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(v["errcode"], 0, "{v}");
    assert!(sb.card(v["code"].as_str().expect("code")).is_some());
}

#[tokio::test]
async fn drop_connection_applies_nothing_and_answers_nothing() {
    let (sb, t, media) = platform_with_pdf().await;
    sb.inject_fault(Fault::drop_connection(INSERT).times(2));
    let body = insert_body("o-dropped", &media, "1");
    let written = raw_exchange(&sb, &format!("{INSERT}?access_token={t}"), &body.to_string()).await;
    assert!(written.is_empty(), "{}", String::from_utf8_lossy(&written));
    let err = bare_client()
        .post(format!("{}{INSERT}?access_token={t}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .expect_err("dropped");
    assert!(!err.is_timeout() && !err.is_status(), "{err:?}");
    // Nothing was applied: the same order inserts fine now.
    assert_eq!(insert(&sb, &t, &body).await["errcode"], 0);
}

#[tokio::test]
async fn redirect_and_body_faults_answer_exactly_and_apply_nothing() {
    let (sb, t, media) = platform_with_pdf().await;
    let body = insert_body("o-1", &media, "1");
    sb.inject_fault(Fault::redirect(
        INSERT,
        307,
        "https://elsewhere.invalid/card/invoice/insert",
    ));
    sb.inject_fault(Fault::redirect(INSERT, 200, "/x"));
    let hostile = r#"{"component_access_token":"x","expires_in":18446744073709551615}"#;
    sb.inject_fault(Fault::body(INSERT, hostile));
    let send = || {
        bare_client()
            .post(format!("{}{INSERT}?access_token={t}", sb.base_url()))
            .json(&body)
            .send()
    };
    let moved = send().await.expect("answer");
    assert_eq!(moved.status(), 307);
    assert_eq!(
        moved.headers()["location"],
        "https://elsewhere.invalid/card/invoice/insert"
    );
    assert_eq!(send().await.expect("answer").status(), 302, "non-3xx becomes 302");
    let answer = send().await.expect("answer");
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    assert_eq!(answer.text().await.expect("text"), hostile);
    assert_eq!(insert(&sb, &t, &body).await["errcode"], 0, "nothing was applied before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canned_faults_read_the_request_body_first() {
    // Answering before the upload is read makes the server close with unread bytes, which
    // resets the connection under the client most of the time for bodies this size.
    let sb = Sandbox::start().await.expect("start");
    let upload = "x".repeat(200 * 1024);
    sb.inject_fault(Fault::huge_body(INSERT, 1024 * 1024).times(15));
    sb.inject_fault(Fault::errcode(INSERT, -1, "system error").times(15));
    let client = reqwest::Client::new();
    for i in 0..30 {
        let answer = client
            .post(format!("{}{INSERT}", sb.base_url()))
            .body(upload.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("call {i}: connection reset ({e:?})"));
        let bytes = answer.bytes().await.unwrap_or_else(|e| panic!("call {i}: {e:?}"));
        assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok(), "call {i}");
    }
}

#[tokio::test]
async fn new_fault_kinds_over_the_admin_api() {
    let (sb, t, media) = platform_with_pdf().await;
    let admin = |fault: serde_json::Value| {
        let url = format!("{}/sandbox/faults", sb.base_url());
        async move {
            let resp = http().post(url).json(&fault).send().await.expect("admin");
            assert_eq!(resp.status(), 200, "{fault}");
        }
    };
    admin(json!({"path": INSERT, "kind": "lose_answer"})).await;
    admin(json!({"path": INSERT, "kind": "drop_connection"})).await;
    admin(json!({"path": INSERT, "kind": "redirect", "status": 302, "location": "/elsewhere"})).await;
    admin(json!({"path": INSERT, "kind": "body", "body": "{\"errcode\":0}"})).await;
    admin(json!({"path": INSERT, "kind": "apply_then_delay", "millis": 200})).await;
    let url = format!("{}{INSERT}?access_token={t}", sb.base_url());
    let call = |order: &str, no: &str| bare_client().post(&url).json(&insert_body(order, &media, no)).send();

    assert!(call("o-1", "1").await.is_err(), "lose_answer");
    assert!(call("o-2", "2").await.is_err(), "drop_connection");
    let moved = call("o-2", "2").await.expect("redirect");
    assert_eq!(
        (moved.status().as_u16(), &moved.headers()["location"]),
        (302, &"/elsewhere".parse().expect("hv"))
    );
    assert_eq!(
        call("o-2", "2").await.expect("body").text().await.expect("text"),
        "{\"errcode\":0}"
    );
    let started = Instant::now();
    let late: serde_json::Value = call("o-2", "2").await.expect("late").json().await.expect("json");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(late["errcode"], 0, "{late}");
    // The lost answer's insert was applied; the dropped, redirected and canned calls were not.
    assert_err(&insert(&sb, &t, &insert_body("o-1", &media, "9")).await, 72056);
    assert_eq!(sb.count(INSERT), 6);
}
