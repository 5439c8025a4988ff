//! The merchant's settings and title calls (M5 `setbizattr` with all six actions,
//! T1–T3) through the public API against the sandbox over loopback HTTP, including
//! `scantitle`, which third parties may not call and direct mode may.

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::OfficialAccountTokens;
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::flow::{MerchantSide as Merchant, contact, wechat_code};
use wx_invoice_e2e::{MERCHANT, Platform};
use wx_invoice_types::{
    AuthField, BizAttrAction, BizField, Contact, CustomField, GetSelectTitleUrlRequest, GetUserTitleUrlRequest,
    PayMchInfo, SetBizAttrRequest, UserField,
};

use wx_sandbox::Fault;

const SET_BIZ_ATTR: &str = "/card/invoice/setbizattr";
const USER_TITLE_URL: &str = "/card/invoice/biz/getusertitleurl";
const SELECT_TITLE_URL: &str = "/card/invoice/biz/getselecttitleurl";
const SCAN_TITLE: &str = "/card/invoice/scantitle";

/// Content of a user's "my invoice title" QR code.
const SCAN_TEXT: &str =
    "https://mp.weixin.qq.com/intp/invoice/usertitlewxa?action=list_auth&invoice_key=gOc0BcL4lEKgXpSyGJ3vBg";

fn assert_validation(err: &InvoiceError, fields: &[&str]) {
    let InvoiceError::Validation(problems) = err else {
        panic!("expected a validation error, got {err:?}")
    };
    for field in fields {
        assert!(problems.mentions(field), "{field} missing from {err}");
    }
}

#[tokio::test]
async fn set_biz_attr_auth_field_round_trips_and_is_72029_before() {
    let m = Merchant::start().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let err = merchant.get_auth_field().await.expect_err("never set");
    assert_eq!(wechat_code(&err), 72029);

    let field = AuthField {
        user_field: UserField {
            show_title: Some(true),
            show_phone: Some(true),
            require_phone: Some(false),
            custom_field: vec![CustomField {
                key: "工号".into(),
                is_require: Some(true),
                notice: Some("填写员工工号".into()),
            }],
            ..UserField::default()
        },
        biz_field: BizField {
            show_title: Some(true),
            show_tax_no: Some(true),
            require_tax_no: Some(true),
            ..BizField::default()
        },
    };
    merchant.set_auth_field(field.clone()).await.expect("set_auth_field");
    assert_eq!(merchant.get_auth_field().await.expect("get_auth_field"), Some(field));
}

#[tokio::test]
async fn set_biz_attr_pay_mch_round_trips_and_rejects_a_bad_mchid() {
    let m = Merchant::start().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let err = merchant.get_pay_mch().await.expect_err("never set");
    assert_eq!(wechat_code(&err), 72028);
    let err = merchant
        .set_pay_mch(PayMchInfo {
            mchid: "MCH-1230000109".into(),
            s_pappid: m.s_pappid.clone(),
        })
        .await
        .expect_err("mchid must be digits");
    assert_eq!(wechat_code(&err), 72030);
    let info = PayMchInfo {
        mchid: "1230000109".into(),
        s_pappid: m.s_pappid.clone(),
    };
    merchant.set_pay_mch(info.clone()).await.expect("set_pay_mch");
    assert_eq!(merchant.get_pay_mch().await.expect("get_pay_mch"), Some(info));
}

#[tokio::test]
async fn set_biz_attr_contact_round_trips_and_bad_bodies_are_not_sent() {
    let m = Merchant::start().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let err = merchant.get_contact().await.expect_err("never set");
    assert_eq!(wechat_code(&err), 72063);
    merchant.set_contact(contact()).await.expect("set_contact");
    assert_eq!(merchant.get_contact().await.expect("get_contact"), Some(contact()));

    m.p.sandbox.reset_counts();
    let err = merchant
        .set_contact(Contact {
            phone: "call us".into(),
            time_out: -1,
        })
        .await
        .expect_err("invalid contact");
    assert_validation(&err, &["contact.phone", "contact.time_out"]);
    // The generic entry point checks that the body fits the action.
    let err = merchant
        .biz_attr(BizAttrAction::GetContact, &SetBizAttrRequest::contact(contact()))
        .await
        .expect_err("a get action sends {}");
    assert_validation(&err, &["contact"]);
    let err = merchant
        .biz_attr(BizAttrAction::SetPayMch, &SetBizAttrRequest::default())
        .await
        .expect_err("set_pay_mch needs paymch_info");
    assert_validation(&err, &["paymch_info"]);
    assert_eq!(m.p.sandbox.count(SET_BIZ_ATTR), 0);
    assert_eq!(
        merchant.get_contact().await.expect("unchanged"),
        Some(contact()),
        "the stored contact is untouched"
    );
}

#[tokio::test]
async fn user_title_url_gives_a_link_and_checks_the_tax_number_first() {
    let m = Merchant::start().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let url = merchant
        .user_title_url(&GetUserTitleUrlRequest {
            title: Some("示例科技有限公司".into()),
            tax_no: Some("91440300MA5EXAMPLE".into()),
            phone: Some("0755-12345678".into()),
            ..GetUserTitleUrlRequest::default()
        })
        .await
        .expect("getusertitleurl");
    assert!(url.starts_with("https://mp.weixin.qq.com/"), "{url}");
    let user_fills = merchant
        .user_title_url(&GetUserTitleUrlRequest {
            user_fill: Some(true),
            ..GetUserTitleUrlRequest::default()
        })
        .await
        .expect("the user fills the title");
    assert_ne!(user_fills, url, "each link is new");

    m.p.sandbox.reset_counts();
    let err = merchant
        .user_title_url(&GetUserTitleUrlRequest {
            tax_no: Some("9144-0300".into()),
            ..GetUserTitleUrlRequest::default()
        })
        .await
        .expect_err("invalid");
    assert_validation(&err, &["title", "tax_no"]);
    assert_eq!(m.p.sandbox.count(USER_TITLE_URL), 0);
}

#[tokio::test]
async fn select_title_url_gives_a_link_and_reports_wechat_errors() {
    let m = Merchant::start().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let request = GetSelectTitleUrlRequest {
        attach: Some("till-7".into()),
        biz_name: Some("示例便利店".into()),
    };
    let url = merchant.select_title_url(&request).await.expect("getselecttitleurl");
    assert!(url.starts_with("https://mp.weixin.qq.com/"), "{url}");
    m.p.sandbox
        .inject_fault(Fault::errcode(SELECT_TITLE_URL, 72015, "unauthorized create invoice"));
    let err = merchant.select_title_url(&request).await.expect_err("no permission");
    assert_eq!(wechat_code(&err), 72015);
}

#[tokio::test]
async fn scan_title_is_refused_for_third_parties_without_a_call() {
    let m = Merchant::start().await;
    let err =
        m.p.client
            .merchant(MERCHANT)
            .scan_title(SCAN_TEXT)
            .await
            .expect_err("third party");
    assert!(
        matches!(&err, InvoiceError::NotForThirdParty { path } if *path == SCAN_TITLE),
        "{err:?}"
    );
    assert!(err.to_string().contains("merchant's own account"), "{err}");
    assert_eq!(m.p.sandbox.count(SCAN_TITLE), 0);
}

#[tokio::test]
async fn scan_title_works_in_direct_mode() {
    const DIRECT: &str = "wxd1ec70000000000a";
    const SECRET: &str = "direct-mode-app-secret-0123456789";
    let p = Platform::start().await;
    p.sandbox.register_account(DIRECT, SECRET);
    let tokens = OfficialAccountTokens::builder()
        .account(DIRECT, SecretString::from(SECRET))
        .api_base(p.sandbox.base_url())
        .build()
        .expect("direct tokens");
    let client = InvoiceClient::builder(Arc::new(tokens))
        .api_base(p.sandbox.base_url())
        .build()
        .expect("client");
    let title = client.merchant(DIRECT).scan_title(SCAN_TEXT).await.expect("scantitle");
    assert!(!title.is_personal());
    assert_eq!(title.title, "Sandbox Trading Co., Ltd.");
    assert_eq!(title.tax_no, "91440300MA5SANDBOX");

    // Error paths: an expired (or foreign) QR text is 72044; an empty one is not sent.
    let err = client
        .merchant(DIRECT)
        .scan_title("https://example.com/not-a-title-qr")
        .await
        .expect_err("not a title QR");
    assert_eq!(wechat_code(&err), 72044);
    let sent = p.sandbox.count(SCAN_TITLE);
    let err = client.merchant(DIRECT).scan_title("").await.expect_err("empty");
    assert_validation(&err, &["scan_text"]);
    assert_eq!(p.sandbox.count(SCAN_TITLE), sent);
}
