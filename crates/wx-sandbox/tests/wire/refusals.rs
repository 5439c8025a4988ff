//! Answers that follow the spec where a looser emulator would accept: missing secrets and
//! tokens, the kind of api_ticket, auth fields before type=1 pages, flag values, logo hosts,
//! methods; and what it accepts where real clients differ (getpdf's action in the query,
//! inserts without check_code).

use serde_json::{Value, json};
use wx_sandbox::{DEFAULT_COMPONENT_APPID as CAPPID, Sandbox};

use crate::flow::setup;
use crate::support::{MERCHANT, PLATFORM, assert_err, direct_token, http, insert, insert_body, post, upload_pdf};

#[tokio::test]
async fn component_token_without_appsecret_is_41004() {
    let sb = Sandbox::start().await.expect("start");
    let ticket = sb.mint_verify_ticket();
    let v = post(
        &sb,
        "/cgi-bin/component/api_component_token",
        &json!({"component_appid": CAPPID, "component_verify_ticket": ticket}),
    )
    .await;
    assert_err(&v, 41004);
}

#[tokio::test]
async fn missing_and_malformed_tokens() {
    let sb = Sandbox::start().await.expect("start");
    assert_err(&post(&sb, "/card/invoice/seturl", &json!({})).await, 41001);
    assert_err(
        &post(&sb, "/card/invoice/seturl?access_token=", &json!({})).await,
        41001,
    );
    assert_err(
        &post(&sb, "/card/invoice/seturl?access_token=bad%20token!", &json!({})).await,
        40014,
    );
    let unknown = "12_".to_owned() + &"a".repeat(96);
    assert_err(
        &post(&sb, &format!("/card/invoice/seturl?access_token={unknown}"), &json!({})).await,
        40001,
    );
}

#[tokio::test]
async fn getauthurl_needs_the_wx_card_ticket() {
    let f = setup(false).await;
    let jsapi: Value = http()
        .get(format!(
            "{}/cgi-bin/ticket/getticket?access_token={}&type=jsapi",
            f.sb.base_url(),
            f.merchant
        ))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    let mut body = f.auth_url_body("o-1");
    body["ticket"] = jsapi["ticket"].clone();
    let v = post(
        &f.sb,
        &format!("/card/invoice/getauthurl?access_token={}", f.merchant),
        &body,
    )
    .await;
    assert_err(&v, 72031);
    assert!(v["errmsg"].as_str().expect("msg").contains("ticket"));
    assert_eq!(f.open_order("o-1").await["errcode"], 0, "the wx_card ticket works");
}

#[tokio::test]
async fn type_1_pages_need_set_auth_field_first() {
    let f = setup(false).await;
    let fresh = direct_token(&f.sb, "wxfreshmerchant01").await;
    let attr = |action: &str| format!("/card/invoice/setbizattr?action={action}&access_token={fresh}");
    post(
        &f.sb,
        &attr("set_contact"),
        &json!({"contact": {"phone": "1", "time_out": 1}}),
    )
    .await;
    let ticket: Value = http()
        .get(format!(
            "{}/cgi-bin/ticket/getticket?access_token={fresh}&type=wx_card",
            f.sb.base_url()
        ))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    let mut body = f.auth_url_body("o-1");
    body["ticket"] = ticket["ticket"].clone();
    let url = format!("/card/invoice/getauthurl?access_token={fresh}");
    assert_err(&post(&f.sb, &url, &body).await, 72029);
    body["type"] = json!(0);
    assert_eq!(
        post(&f.sb, &url, &body).await["errcode"],
        0,
        "type 0 needs no auth field"
    );
    let fields = json!({"auth_field": {"user_field": {"show_title": 1}, "biz_field": {}}});
    assert_eq!(post(&f.sb, &attr("set_auth_field"), &fields).await["errcode"], 0);
    body["type"] = json!(1);
    body["order_id"] = json!("o-2");
    assert_eq!(post(&f.sb, &url, &body).await["errcode"], 0);
}

#[tokio::test]
async fn auth_field_flags_are_0_or_1() {
    let f = setup(false).await;
    let url = format!(
        "/card/invoice/setbizattr?action=set_auth_field&access_token={}",
        f.merchant
    );
    for (field, bad) in [
        ("user_field", json!({"show_phone": 2})),
        ("biz_field", json!({"require_tax_no": -1})),
        ("biz_field", json!({"show_addr": "1"})),
        ("user_field", json!({"custom_field": [{"key": "k", "is_require": 3}]})),
    ] {
        let mut body = json!({"auth_field": {"user_field": {}, "biz_field": {}}});
        body["auth_field"][field] = bad.clone();
        let v = post(&f.sb, &url, &body).await;
        assert_err(&v, 72031);
        assert!(
            v["errmsg"].as_str().expect("msg").contains("must be 0 or 1"),
            "{bad}: {v}"
        );
    }
    let ok = json!({"auth_field": {"user_field": {"show_phone": 0, "require_phone": 1},
                                   "biz_field": {"custom_field": [{"key": "k", "is_require": 1, "notice": "n"}]}}});
    assert_eq!(post(&f.sb, &url, &ok).await["errcode"], 0);
}

#[tokio::test]
async fn card_logos_live_on_wechat_image_hosts() {
    let f = setup(false).await;
    let url = format!("/card/invoice/platform/createcard?access_token={}", f.platform);
    let card = |logo: &str| json!({"invoice_info": {"base_info": {"logo_url": logo, "title": "t"}, "payee": "p", "type": "t"}});
    for logo in [
        "https://example.com/logo.png",
        "ftp://mmbiz.qpic.cn/x",
        "mmbiz.qpic.cn/x",
        "https://mmbiz.qpic.cn.evil.com/x",
    ] {
        let v = post(&f.sb, &url, &card(logo)).await;
        assert_err(&v, 72031);
        assert!(v["errmsg"].as_str().expect("msg").contains("logo_url"), "{logo}: {v}");
    }
    for logo in [
        "http://mmbiz.qpic.cn/mmbiz/abc/0",
        "https://mmbiz.qpic.cn/mmbiz_png/abc/0?wx_fmt=png",
    ] {
        assert_eq!(post(&f.sb, &url, &card(logo)).await["errcode"], 0, "{logo}");
    }
}

#[tokio::test]
async fn post_to_get_only_endpoints_is_43001() {
    let sb = Sandbox::start().await.expect("start");
    for path in [
        "/cgi-bin/ticket/getticket?type=wx_card",
        "/cgi-bin/token?grant_type=client_credential",
    ] {
        let v: Value = http()
            .post(format!("{}{path}", sb.base_url()))
            .json(&json!({}))
            .send()
            .await
            .expect("req")
            .json()
            .await
            .expect("json");
        assert_err(&v, 43001);
        assert!(v["errmsg"].as_str().expect("msg").starts_with("require GET method"));
    }
    // POST-only endpoints still say 43002 to a GET.
    let v: Value = http()
        .get(format!("{}/card/invoice/insert", sb.base_url()))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    assert_err(&v, 43002);
}

#[tokio::test]
async fn getpdf_takes_action_from_the_body_or_the_query() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    let in_query = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?action=get_url&access_token={t}"),
        &json!({"s_media_id": media}),
    )
    .await;
    assert_eq!(in_query["errcode"], 0, "{in_query}");
    assert!(in_query["pdf_url"].as_str().is_some());
    let in_body = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?access_token={t}"),
        &json!({"action": "get_url", "s_media_id": media}),
    )
    .await;
    assert_eq!(in_body["errcode"], 0);
    let wrong = post(
        &sb,
        &format!("/card/invoice/platform/getpdf?action=get_pdf&access_token={t}"),
        &json!({"s_media_id": media}),
    )
    .await;
    assert_err(&wrong, 72027);
}

#[tokio::test]
async fn insert_without_check_code_is_accepted() {
    let sb = Sandbox::start().await.expect("start");
    let t = direct_token(&sb, PLATFORM).await;
    let media = upload_pdf(&sb, &t).await;
    let body = insert_body("o-1", &media, "1");
    assert!(
        body["card_ext"]["user_card"]["invoice_user_data"]
            .get("check_code")
            .is_none()
    );
    let v = insert(&sb, &t, &body).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(
        sb.card(v["code"].as_str().expect("code")).expect("card").appid,
        MERCHANT
    );
}
