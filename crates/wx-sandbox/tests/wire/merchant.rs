//! setbizattr, card code decryption and permission sets on the merchant side.

use serde_json::json;
use wx_sandbox::Sandbox;

use crate::flow::setup;
use crate::support::{MERCHANT, PLATFORM, assert_err, authorizer, direct_token, post};

#[tokio::test]
async fn setbizattr_six_actions() {
    let f = setup(false).await;
    let path = |action: &str| format!("/card/invoice/setbizattr?action={action}&access_token={}", f.merchant);
    let fresh = direct_token(&f.sb, "wxmerchantfresh01").await;
    let fresh_path = format!("/card/invoice/setbizattr?action=get_auth_field&access_token={fresh}");
    assert_err(&post(&f.sb, &fresh_path, &json!({})).await, 72029);
    assert_err(&post(&f.sb, &path("get_pay_mch"), &json!({})).await, 72028);
    let field =
        json!({"user_field": {"show_title": 1, "show_phone": 1}, "biz_field": {"show_title": 1, "show_tax_no": 1}});
    assert_eq!(
        post(&f.sb, &path("set_auth_field"), &json!({"auth_field": field})).await["errcode"],
        0
    );
    assert_eq!(
        post(&f.sb, &path("get_auth_field"), &json!({})).await["auth_field"],
        field
    );
    assert_err(
        &post(
            &f.sb,
            &path("set_auth_field"),
            &json!({"auth_field": {"user_field": {}}}),
        )
        .await,
        72031,
    );
    assert_err(
        &post(
            &f.sb,
            &path("set_pay_mch"),
            &json!({"paymch_info": {"mchid": "abc", "s_pappid": f.s_pappid}}),
        )
        .await,
        72030,
    );
    let mch = json!({"mchid": "1234567", "s_pappid": f.s_pappid});
    assert_eq!(
        post(&f.sb, &path("set_pay_mch"), &json!({"paymch_info": mch})).await["errcode"],
        0
    );
    assert_eq!(post(&f.sb, &path("get_pay_mch"), &json!({})).await["paymch_info"], mch);
    assert_eq!(
        post(&f.sb, &path("get_contact"), &json!({})).await["contact"],
        json!({"phone": "0755-1234", "time_out": 12345})
    );
    assert_err(
        &post(&f.sb, &path("set_contact"), &json!({"contact": {"phone": "1"}})).await,
        72031,
    );
    assert_err(&post(&f.sb, &path("explode"), &json!({})).await, 72027);
}

#[tokio::test]
async fn decrypt_code_for_platform_and_merchant_only() {
    let f = setup(false).await;
    let (code, encrypt_code, _) = f.issued_card("o-1", "1", "dave").await;
    for token in [&f.platform, &f.merchant] {
        let v = post(
            &f.sb,
            &format!("/card/code/decrypt?access_token={token}"),
            &json!({"encrypt_code": encrypt_code}),
        )
        .await;
        assert_eq!(v["code"], code.as_str());
    }
    let stranger = direct_token(&f.sb, "wxstranger0000001").await;
    let v = post(
        &f.sb,
        &format!("/card/code/decrypt?access_token={stranger}"),
        &json!({"encrypt_code": encrypt_code}),
    )
    .await;
    assert_err(&v, 40056);
}

#[tokio::test]
async fn third_party_merchant_flow_with_authorizer_tokens() {
    let sb = Sandbox::start().await.expect("start");
    let (platform, _) = authorizer(&sb, PLATFORM, &[8, 26]).await;
    let (merchant, _) = authorizer(&sb, MERCHANT, &[26]).await;
    let url = post(
        &sb,
        &format!("/card/invoice/seturl?access_token={platform}"),
        &json!({}),
    )
    .await;
    assert_eq!(url["errcode"], 0);
    let set = post(
        &sb,
        &format!("/card/invoice/setbizattr?action=set_contact&access_token={merchant}"),
        &json!({"contact": {"phone": "1", "time_out": 1}}),
    )
    .await;
    assert_eq!(set["errcode"], 0);
    let (only_cards, _) = authorizer(&sb, "wxcardsonly000001", &[8]).await;
    let v = post(
        &sb,
        &format!("/card/invoice/seturl?access_token={only_cards}"),
        &json!({}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "seturl accepts set 8");
    let v = post(
        &sb,
        &format!("/card/invoice/getauthdata?access_token={only_cards}"),
        &json!({}),
    )
    .await;
    assert_err(&v, 48001);
}
