//! The insert call end to end, through the public API against the sandbox over loopback HTTP:
//! upload and insert, WeChat's own example body, validation and permission refusals with
//! nothing sent, a revoked token refreshed once and the insert retried, a repeated order, fifty
//! concurrent inserts on a cold cache sharing one refresh, and no secret in any error.

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::{MemoryStore, TokenSource};
use wx_invoice_api::InvoiceError;
use wx_invoice_e2e::{
    AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, INSERT_PATH, MERCHANT, PLATFORM_OA, Platform, assert_no_secrets,
    insert_request, platform_secrets,
};
use wx_invoice_types::{Fen, InsertInvoiceRequest};

#[tokio::test]
async fn quickstart_flow_uploads_and_inserts() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[1, 8, 26]).await;
    let media = p.upload(PLATFORM_OA).await;
    let out = p
        .client
        .insert(PLATFORM_OA, &insert_request("order-quick-1", &media))
        .await
        .expect("insert");
    assert!(!out.code.is_empty() && !out.openid.is_empty());
    let card = p.sandbox.card(&out.code).expect("the sandbox holds the inserted card");
    assert_eq!(card.order_id, "order-quick-1");
    assert_eq!(card.appid, MERCHANT);
    let pdf = p.client.get_pdf(PLATFORM_OA, &media).await.expect("get_pdf");
    assert!(pdf.pdf_url.starts_with("http"), "{}", pdf.pdf_url);
}

#[tokio::test]
async fn wechat_seed_example_deserialises_and_is_accepted() {
    // WeChat's own example request (seed-insertinvoice.txt), with its missing comma restored.
    let json = include_str!("../crates/wx-invoice-types/tests/fixtures/card_invoice_insert.json");
    let mut request: InsertInvoiceRequest = serde_json::from_str(json).expect("the official example deserialises");
    let data = request.invoice_user_data().clone();
    assert_eq!(data.billing_time, 1_468_306_058, "billing_time arrives as a string");
    assert_eq!(data.check_code, "", "absent check_code reads as empty");
    assert_eq!(data.fee, Fen(123));
    let warnings = request.validate().expect("valid apart from warnings");
    assert!(
        warnings.iter().any(|w| w.field.ends_with("fee")),
        "fee != fee_without_tax + tax is a warning: {warnings:?}"
    );

    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[8, 26]).await;
    // The example's media id is a placeholder: upload a real PDF and use its id.
    request.card_ext.user_card.invoice_user_data.s_pdf_media_id = p.upload(PLATFORM_OA).await;
    let out = p
        .client
        .insert(PLATFORM_OA, &request)
        .await
        .expect("the sandbox accepts WeChat's own example");
    assert!(!out.code.is_empty());
}

#[tokio::test]
async fn validation_errors_are_listed_together_and_nothing_is_sent() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let mut request = insert_request("", "media");
    {
        let data = &mut request.card_ext.user_card.invoice_user_data;
        data.fee = Fen(-1);
        data.billing_no = "12345".into(); // 数电 (empty code) needs 20 digits
        data.billing_time = 123;
        data.title = String::new();
    }
    let err = p.client.insert(PLATFORM_OA, &request).await.expect_err("invalid");
    let InvoiceError::Validation(problems) = &err else {
        panic!("expected a validation error, got {err:?}")
    };
    for field in ["order_id", "fee", "billing_no", "billing_time", "title"] {
        assert!(
            problems.problems().iter().any(|pr| pr.field.ends_with(field)),
            "{field} missing from {err}"
        );
    }
    // One message, said once: what happened, how many fields, what to do, then each field.
    let text = err.to_string();
    assert!(
        text.starts_with("request not sent, fix 5 invalid fields and send it again: order_id: must not be empty; "),
        "{text}"
    );
    assert_eq!(text.matches("not sent").count(), 1, "{text}");
    assert_eq!(
        p.sandbox.count(INSERT_PATH),
        0,
        "nothing may be sent on a validation error"
    );
}

#[tokio::test]
async fn missing_permission_set_is_refused_without_a_call() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[1, 2]).await;
    let err = p
        .client
        .insert(PLATFORM_OA, &insert_request("order-perm-1", "123"))
        .await
        .expect_err("refused");
    match &err {
        InvoiceError::PermissionMissing { granted, required, .. } => {
            assert_eq!(granted, &vec![1, 2]);
            assert_eq!(required, &[8, 26]);
        }
        other => panic!("expected PermissionMissing, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("8 or 26") && text.contains("1, 2"), "{text}");
    assert_eq!(p.sandbox.count(INSERT_PATH), 0);
}

#[tokio::test]
async fn revoked_token_is_refreshed_once_and_the_insert_retried() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p.upload(PLATFORM_OA).await;
    p.sandbox.reset_counts();
    p.sandbox.revoke_token(PLATFORM_OA);
    let out = p
        .client
        .insert(PLATFORM_OA, &insert_request("order-revoke-1", &media))
        .await
        .expect("retried");
    assert!(!out.code.is_empty());
    assert_eq!(p.sandbox.count(AUTHORIZER_TOKEN_PATH), 1, "exactly one extra refresh");
    assert_eq!(
        p.sandbox.count(INSERT_PATH),
        2,
        "the rejected attempt plus exactly one retry"
    );
}

#[tokio::test]
async fn repeated_order_is_reported_as_already_inserted() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p.upload(PLATFORM_OA).await;
    p.client
        .insert(PLATFORM_OA, &insert_request("order-dup-1", &media))
        .await
        .expect("first insert");
    let err = p
        .client
        .insert(PLATFORM_OA, &insert_request("order-dup-1", &media))
        .await
        .expect_err("repeated");
    assert!(err.is_already_inserted(), "{err:?}");
    assert_eq!(err.errcode(), Some(72056));
    assert_no_secrets(
        &err,
        &platform_secrets(&p.sandbox, &[PLATFORM_OA])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_inserts_on_a_cold_cache_refresh_once() {
    let first = Platform::start().await;
    first.authorize(PLATFORM_OA, &[26]).await;
    let media = first.upload(PLATFORM_OA).await;
    let refresh = first
        .sandbox
        .current_refresh_token(PLATFORM_OA)
        .expect("the sandbox knows the refresh token");

    // A second process's view: a new, empty cache that only knows the refresh token.
    let cold = Platform::on(first.sandbox.clone(), Arc::new(MemoryStore::new())).await;
    cold.component
        .import_authorizer(PLATFORM_OA, SecretString::from(refresh))
        .await
        .expect("import");
    cold.sandbox.reset_counts();

    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = cold.client.clone();
        let media = media.clone();
        tasks.push(tokio::spawn(async move {
            client
                .insert(PLATFORM_OA, &insert_request(&format!("order-cold-{i}"), &media))
                .await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("insert");
    }
    assert_eq!(
        cold.sandbox.count(AUTHORIZER_TOKEN_PATH),
        1,
        "one authorizer refresh for 50 concurrent inserts"
    );
    assert!(cold.sandbox.count(COMPONENT_TOKEN_PATH) <= 1);
    assert_eq!(cold.sandbox.count(INSERT_PATH), 50);
}

#[tokio::test]
async fn errors_never_show_tokens_or_secrets() {
    let p = Platform::start().await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let token = p.tokens().access_token(PLATFORM_OA).await.expect("token");
    let mut secrets = platform_secrets(&p.sandbox, &[PLATFORM_OA]);
    secrets.push(token.expose_secret().to_owned());
    let component_token = p.component.component_access_token().await.expect("component token");
    secrets.push(component_token.expose_secret().to_owned());
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();

    // An expired token, rejected twice in a row: the error after the one retry.
    p.sandbox
        .inject_fault(wx_sandbox::Fault::errcode(INSERT_PATH, 40001, "invalid credential").times(2));
    let media = p.upload(PLATFORM_OA).await;
    let err = p
        .client
        .insert(PLATFORM_OA, &insert_request("order-secret-1", &media))
        .await
        .expect_err("40001 twice");
    assert!(err.is_token_invalid());
    assert_no_secrets(&err, &secrets);

    // Garbage, HTML and huge bodies from "WeChat".
    for fault in [
        wx_sandbox::Fault::html(INSERT_PATH),
        wx_sandbox::Fault::garbage(INSERT_PATH),
        wx_sandbox::Fault::huge_body(INSERT_PATH, 8 * 1024 * 1024),
        // Retried: failing all three attempts.
        wx_sandbox::Fault::http_status(INSERT_PATH, 502).times(3),
    ] {
        p.sandbox.inject_fault(fault);
        let err = p
            .client
            .insert(PLATFORM_OA, &insert_request("order-secret-2", &media))
            .await
            .expect_err("fault");
        assert_no_secrets(&err, &secrets);
    }
    // The Debug of the client, component and tokens.
    for shown in [
        format!("{:?}", p.client),
        format!("{:?}", p.component),
        format!("{token:?}"),
    ] {
        for s in &secrets {
            assert!(!shown.contains(s), "secret in Debug output: {shown}");
        }
    }
    // The refresh token survived all of it.
    let record = p
        .component
        .authorizer(PLATFORM_OA)
        .await
        .expect("read")
        .expect("still stored");
    assert_eq!(
        Some(secrecy::ExposeSecret::expose_secret(&record.refresh_token).to_owned()),
        p.sandbox.current_refresh_token(PLATFORM_OA)
    );
}
