//! card/invoice/insert: success, strict validation and uniqueness rules.

use serde_json::{Value, json};
use wx_sandbox::{CardStatus, Sandbox};

use crate::support::{
    MERCHANT, PLATFORM, assert_err, authorizer, direct_token, insert, insert_body, post_raw, upload_pdf,
};

async fn setup() -> (Sandbox, String, String) {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    (sb, t, media)
}

#[tokio::test]
async fn insert_official_sample_succeeds_and_stores_card() {
    let (sb, t, media) = setup().await;
    let body = insert_body("111163", &media, "4545145712");
    let v = insert(&sb, &t, &body).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["errmsg"], "ok");
    let code = v["code"].as_str().expect("code");
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let openid = v["openid"].as_str().expect("openid");
    let card = sb.card(code).expect("stored");
    assert_eq!(card.order_id, "111163");
    assert_eq!(card.appid, MERCHANT);
    assert_eq!(card.platform_appid, PLATFORM);
    assert_eq!(card.openid, openid);
    assert_eq!(card.status, CardStatus::Init);
    assert_eq!(card.fields["title"], "灌哥发票");
    // Same user under the same platform → same openid.
    let media2 = upload_pdf(&sb, &t).await;
    let v2 = insert(&sb, &t, &insert_body("111164", &media2, "4545145713")).await;
    assert_eq!(v2["openid"], openid);
    assert_ne!(v2["code"], v["code"]);
}

#[tokio::test]
async fn insert_with_authorizer_token_of_platform() {
    let sb = Sandbox::start().await.expect("start");
    let (t, _) = authorizer(&sb, PLATFORM, &[26]).await;
    let media = upload_pdf(&sb, &t).await;
    let v = insert(&sb, &t, &insert_body("o-1", &media, "1")).await;
    assert_eq!(v["errcode"], 0, "{v}");
}

#[tokio::test]
async fn repeated_order_and_billing() {
    let (sb, t, media) = setup().await;
    assert_eq!(insert(&sb, &t, &insert_body("o-1", &media, "100")).await["errcode"], 0);
    // Same order with other data.
    assert_err(&insert(&sb, &t, &insert_body("o-1", &media, "101")).await, 72056);
    // Same invoice code + number under another order.
    assert_err(&insert(&sb, &t, &insert_body("o-2", &media, "100")).await, 72042);
}

#[tokio::test]
async fn unknown_media_and_foreign_media() {
    let (sb, t, media) = setup().await;
    assert_err(&insert(&sb, &t, &insert_body("o-1", "424242", "1")).await, 72040);
    let other = direct_token(&sb, "wxotherplatform01").await;
    assert_err(&insert(&sb, &other, &insert_body("o-1", &media, "1")).await, 72040);
    let mut body = insert_body("o-1", &media, "1");
    body["card_ext"]["user_card"]["invoice_user_data"]["s_trip_pdf_media_id"] = json!("999");
    assert_err(&insert(&sb, &t, &body).await, 72040);
}

/// An edit of `invoice_user_data`.
type Edit = Box<dyn FnOnce(&mut serde_json::Map<String, Value>)>;

fn with_data(media: &str, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut body = insert_body("o-1", media, "1");
    if let Some(Value::Object(data)) = body.pointer_mut("/card_ext/user_card/invoice_user_data") {
        f(data);
    }
    body
}

async fn expect_invalid(sb: &Sandbox, t: &str, body: &Value, field: &str) {
    let v = insert(sb, t, body).await;
    assert_err(&v, 72031);
    let msg = v["errmsg"].as_str().expect("errmsg");
    assert!(msg.contains(field), "errmsg {msg:?} should name {field}");
}

#[tokio::test]
async fn insert_validation_names_the_field() {
    let (sb, t, media) = setup().await;
    assert_err(
        &post_raw(&sb, &format!("/card/invoice/insert?access_token={t}"), "{not json").await,
        47001,
    );
    assert_err(
        &post_raw(&sb, &format!("/card/invoice/insert?access_token={t}"), "[1,2]").await,
        47001,
    );

    let mut no_order = insert_body("o-1", &media, "1");
    no_order.as_object_mut().expect("obj").remove("order_id");
    expect_invalid(&sb, &t, &no_order, "order_id").await;
    let mut numeric_order = insert_body("o-1", &media, "1");
    numeric_order["order_id"] = json!(111_163);
    expect_invalid(&sb, &t, &numeric_order, "order_id").await;
    let mut no_nonce = insert_body("o-1", &media, "1");
    no_nonce["card_ext"]["nonce_str"] = json!("");
    expect_invalid(&sb, &t, &no_nonce, "nonce_str").await;
    let mut typo = insert_body("o-1", &media, "1");
    typo["card_ext"]["user_cards"] = json!({});
    expect_invalid(&sb, &t, &typo, "card_ext.user_cards").await;

    let cases: Vec<(&str, Edit)> = vec![
        (
            "fee",
            Box::new(|d| {
                d.insert("fee".into(), json!("123"));
            }),
        ),
        (
            "fee",
            Box::new(|d| {
                d.insert("fee".into(), json!(-1));
            }),
        ),
        (
            "tax",
            Box::new(|d| {
                d.insert("tax".into(), json!(1.5));
            }),
        ),
        (
            "fee_without_tax",
            Box::new(|d| {
                d.remove("fee_without_tax");
            }),
        ),
        (
            "title",
            Box::new(|d| {
                d.remove("title");
            }),
        ),
        (
            "billing_time",
            Box::new(|d| {
                d.insert("billing_time".into(), json!("2016-07-12"));
            }),
        ),
        (
            "billing_time",
            Box::new(|d| {
                d.insert("billing_time".into(), json!(1_468_306_058_000_i64));
            }),
        ),
        (
            "billing_no",
            Box::new(|d| {
                d.insert("billing_no".into(), json!(4_545_145_712_i64));
            }),
        ),
        (
            "billing_code",
            Box::new(|d| {
                d.remove("billing_code");
            }),
        ),
        (
            "check_code",
            Box::new(|d| {
                d.insert("check_code".into(), json!(12345));
            }),
        ),
        (
            "info[0].price",
            Box::new(|d| {
                d.insert("info".into(), json!([{"name": "x"}]));
            }),
        ),
        (
            "info[0].name",
            Box::new(|d| {
                d.insert("info".into(), json!([{"price": 1}]));
            }),
        ),
        (
            "info",
            Box::new(|d| {
                d.insert("info".into(), json!({"name": "x"}));
            }),
        ),
        (
            "s_pdf_media_id",
            Box::new(|d| {
                d.remove("s_pdf_media_id");
            }),
        ),
        (
            "trip_pdf_media_id",
            Box::new(|d| {
                d.insert("trip_pdf_media_id".into(), json!("1"));
            }),
        ),
        (
            "buyer_number",
            Box::new(|d| {
                d.insert("buyer_number".into(), json!(123));
            }),
        ),
    ];
    for (field, edit) in cases {
        expect_invalid(&sb, &t, &with_data(&media, edit), field).await;
    }
}

#[tokio::test]
async fn insert_accepts_numeric_billing_time_empty_code_and_null_optionals() {
    let (sb, t, media) = setup().await;
    let body = with_data(&media, |d| {
        d.insert("billing_time".into(), json!(1_700_000_000));
        d.insert("billing_code".into(), json!(""));
        d.insert("check_code".into(), json!(""));
        d.insert("billing_no".into(), json!("24442000000012345678"));
        d.insert("remarks".into(), Value::Null);
    });
    let v = insert(&sb, &t, &body).await;
    assert_eq!(v["errcode"], 0, "{v}");
}
