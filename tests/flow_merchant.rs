//! The merchant's authorization of an order (M1–M4) through the public API against the sandbox
//! over loopback HTTP: the `wx_card` ticket and its cache, the authorization page, the
//! simulated user's authorization, querying and rejecting it, and the permission check (set
//! 26). The page settings and the title calls: `flow_merchant_settings.rs`.

use std::sync::Arc;

use wx_auth::{MemoryStore, TokenSource, TokenStore};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::flow::{MerchantSide as Merchant, assert_permission_missing, contact, wechat_code};
use wx_invoice_e2e::{MERCHANT, PLATFORM_OA, insert_request, now};
use wx_invoice_types::{AuthSource, Fen, GetSelectTitleUrlRequest, GetUserTitleUrlRequest, RejectInsertRequest};

use wx_sandbox::{Fault, SandboxEvent, UserAuthorization};

const GET_TICKET: &str = "/cgi-bin/ticket/getticket";
const GET_AUTH_URL: &str = "/card/invoice/getauthurl";
const GET_AUTH_DATA: &str = "/card/invoice/getauthdata";
const REJECT_INSERT: &str = "/card/invoice/rejectinsert";
const SET_BIZ_ATTR: &str = "/card/invoice/setbizattr";
const USER_TITLE_URL: &str = "/card/invoice/biz/getusertitleurl";
const SELECT_TITLE_URL: &str = "/card/invoice/biz/getselecttitleurl";

fn assert_validation(err: &InvoiceError, fields: &[&str]) {
    let InvoiceError::Validation(problems) = err else {
        panic!("expected a validation error, got {err:?}")
    };
    for field in fields {
        assert!(problems.mentions(field), "{field} missing from {err}");
    }
}

#[tokio::test]
async fn wx_card_ticket_is_fetched_once_then_cached_for_every_auth_url() {
    let m = Merchant::with_contact().await;
    let merchant = m.p.client.merchant(MERCHANT);
    for i in 0..4 {
        let out = merchant
            .auth_url(&m.auth_request(&format!("order-ticket-{i}")))
            .await
            .expect("getauthurl with a filled ticket");
        assert!(
            out.auth_url.contains(&format!("order_id=order-ticket-{i}")),
            "{}",
            out.auth_url
        );
    }
    let first = merchant.wx_card_ticket().await.expect("ticket");
    let again = merchant.wx_card_ticket().await.expect("ticket");
    assert_eq!(first.expose_secret(), again.expose_secret());
    assert!(first.expose_secret().len() > 20);
    assert_eq!(m.p.sandbox.count(GET_TICKET), 1, "one getticket for all calls");
    assert_eq!(m.p.sandbox.count(GET_AUTH_URL), 4);

    // A ticket given by the caller is used as is.
    let mut own = m.auth_request("order-ticket-own");
    own.ticket = first.expose_secret().to_owned();
    merchant.auth_url(&own).await.expect("own ticket");
    assert_eq!(m.p.sandbox.count(GET_TICKET), 1);
}

#[tokio::test]
async fn wx_card_ticket_is_shared_through_the_ticket_store() {
    let m = Merchant::with_contact().await;
    let shared: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let build = || {
        let tokens: Arc<dyn TokenSource> = Arc::new(m.p.tokens());
        InvoiceClient::builder(tokens)
            .api_base(m.p.sandbox.base_url())
            .ticket_store(shared.clone())
            .build()
            .expect("client")
    };
    let (one, two) = (build(), build());
    let a = one.merchant(MERCHANT).wx_card_ticket().await.expect("first process");
    let b = two.merchant(MERCHANT).wx_card_ticket().await.expect("second process");
    assert_eq!(a.expose_secret(), b.expose_secret());
    assert_eq!(m.p.sandbox.count(GET_TICKET), 1, "the second client read the store");
}

#[tokio::test]
async fn wx_card_ticket_failure_surfaces_and_is_not_cached() {
    let m = Merchant::start().await;
    // Busy for all three attempts the default retry policy makes.
    m.p.sandbox
        .inject_fault(Fault::errcode(GET_TICKET, -1, "system error").times(3));
    let merchant = m.p.client.merchant(MERCHANT);
    let err = merchant.wx_card_ticket().await.expect_err("WeChat busy");
    assert_eq!(wechat_code(&err), -1);
    assert_eq!(m.p.sandbox.count(GET_TICKET), 3);
    let ticket = merchant.wx_card_ticket().await.expect("next call fetches");
    assert!(!ticket.expose_secret().is_empty());
    assert_eq!(m.p.sandbox.count(GET_TICKET), 4);
}

#[tokio::test]
async fn auth_url_needs_set_contact_first() {
    let m = Merchant::start().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let err = merchant
        .auth_url(&m.auth_request("order-contact-1"))
        .await
        .expect_err("no contact yet");
    assert_eq!(wechat_code(&err), 72063);
    merchant.set_contact(contact()).await.expect("set_contact");
    // A type-1 page also needs the authorization-page fields.
    let err = merchant
        .auth_url(&m.auth_request("order-contact-1"))
        .await
        .expect_err("no auth field yet");
    assert_eq!(wechat_code(&err), 72029);
    merchant
        .set_auth_field(wx_invoice_types::AuthField::default())
        .await
        .expect("set_auth_field");
    let out = merchant
        .auth_url(&m.auth_request("order-contact-1"))
        .await
        .expect("now it works");
    assert!(
        out.auth_url.starts_with("https://mp.weixin.qq.com/"),
        "{}",
        out.auth_url
    );
    assert_eq!(out.appid, None, "appid only for wxa");

    let mut wxa = m.auth_request("order-contact-2");
    wxa.source = AuthSource::Wxa;
    wxa.redirect_url = None;
    let out = merchant.auth_url(&wxa).await.expect("wxa");
    assert!(
        out.appid.is_some_and(|a| a.starts_with("wx")),
        "wxa answers the Mini Program appid"
    );
}

#[tokio::test]
async fn auth_url_with_an_unknown_s_pappid_is_72031() {
    let m = Merchant::with_contact().await;
    let mut request = m.auth_request("order-bad-pappid");
    request.s_pappid = "bm90LWEtcGxhdGZvcm0=".into();
    let err =
        m.p.client
            .merchant(MERCHANT)
            .auth_url(&request)
            .await
            .expect_err("unknown platform");
    assert_eq!(wechat_code(&err), 72031);
}

#[tokio::test]
async fn auth_url_problems_are_reported_together_before_the_ticket_is_fetched() {
    let m = Merchant::with_contact().await;
    m.p.sandbox.reset_counts();
    let mut request = m.auth_request("");
    request.money = Fen(-5);
    request.timestamp = now() * 1000;
    request.redirect_url = Some("javascript:alert(1)".into());
    let err =
        m.p.client
            .merchant(MERCHANT)
            .auth_url(&request)
            .await
            .expect_err("invalid");
    assert_validation(&err, &["order_id", "money", "timestamp", "redirect_url"]);
    let InvoiceError::Validation(problems) = &err else {
        unreachable!()
    };
    assert!(
        !problems.mentions("ticket"),
        "an empty ticket is filled, not a problem: {err}"
    );
    assert_eq!(
        m.p.sandbox.count(GET_TICKET),
        0,
        "no ticket fetched for a request that cannot be sent"
    );
    assert_eq!(m.p.sandbox.count(GET_AUTH_URL), 0);
}

#[tokio::test]
async fn the_user_authorization_is_pushed_and_read_back_with_auth_data() {
    let m = Merchant::with_contact().await;
    let merchant = m.p.client.merchant(MERCHANT);
    merchant
        .auth_url(&m.auth_request("order-auth-1"))
        .await
        .expect("getauthurl");
    let before = merchant
        .auth_data(&m.s_pappid, "order-auth-1")
        .await
        .expect("getauthdata");
    assert_eq!(before.invoice_status, "never auth");
    assert!(!before.is_authorized());

    let openid =
        m.p.sandbox
            .user_authorize(
                &UserAuthorization::new(&m.s_pappid, "order-auth-1")
                    .company_title("示例科技有限公司", "91440300MA5EXAMPLE"),
            )
            .expect("user confirms");
    let after = merchant
        .auth_data(&m.s_pappid, "order-auth-1")
        .await
        .expect("getauthdata");
    assert!(after.is_authorized(), "{after:?}");
    assert!(
        (now() - after.auth_time).abs() < 60,
        "auth_time is now: {}",
        after.auth_time
    );
    let company = after.user_auth_info.and_then(|i| i.biz_field).expect("a company title");
    assert_eq!(company.title, "示例科技有限公司");
    assert_eq!(company.tax_no, "91440300MA5EXAMPLE");

    let pushed = m.p.sandbox.events().into_iter().find_map(|e| match e {
        SandboxEvent::UserAuthorizeInvoice {
            merchant_appid,
            order_id,
            s_pappid,
            source,
            openid,
        } => Some((merchant_appid, order_id, s_pappid, source, openid)),
        _ => None,
    });
    assert_eq!(
        pushed,
        Some((
            MERCHANT.to_owned(),
            "order-auth-1".to_owned(),
            m.s_pappid.clone(),
            "web".to_owned(),
            openid
        ))
    );

    // A personal title comes back as user_field.
    merchant
        .auth_url(&m.auth_request("order-auth-2"))
        .await
        .expect("getauthurl");
    m.p.sandbox
        .user_authorize(&UserAuthorization::new(&m.s_pappid, "order-auth-2").personal_title("张三"))
        .expect("user confirms");
    let personal = merchant
        .auth_data(&m.s_pappid, "order-auth-2")
        .await
        .expect("getauthdata");
    assert_eq!(
        personal
            .user_auth_info
            .and_then(|i| i.user_field)
            .map(|f| f.title)
            .as_deref(),
        Some("张三")
    );
}

#[tokio::test]
async fn auth_data_needs_both_ids_and_unknown_orders_read_never_auth() {
    let m = Merchant::with_contact().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let unknown = merchant
        .auth_data(&m.s_pappid, "order-nobody-opened")
        .await
        .expect("getauthdata");
    assert_eq!(unknown.invoice_status, "never auth");
    assert_eq!(unknown.auth_time, 0);
    m.p.sandbox.reset_counts();
    let err = merchant.auth_data("", " ").await.expect_err("invalid");
    assert_validation(&err, &["s_pappid", "order_id"]);
    assert_eq!(m.p.sandbox.count(GET_AUTH_DATA), 0);
}

#[tokio::test]
async fn reject_insert_kills_the_order_for_good() {
    let m = Merchant::with_contact().await;
    let merchant = m.p.client.merchant(MERCHANT);
    merchant
        .auth_url(&m.auth_request("order-reject-1"))
        .await
        .expect("getauthurl");
    m.p.sandbox
        .user_authorize(&UserAuthorization::new(&m.s_pappid, "order-reject-1"))
        .expect("user confirms");
    merchant
        .reject_insert(&RejectInsertRequest {
            s_pappid: m.s_pappid.clone(),
            order_id: "order-reject-1".into(),
            reason: "订单已退款".into(),
            url: Some("https://shop.example.com/refund".into()),
        })
        .await
        .expect("rejectinsert");
    let data = merchant
        .auth_data(&m.s_pappid, "order-reject-1")
        .await
        .expect("getauthdata");
    assert_eq!(data.invoice_status, "reject insert");
    assert!(!data.is_authorized());

    let media = m.p.upload(PLATFORM_OA).await;
    let err =
        m.p.client
            .insert(PLATFORM_OA, &insert_request("order-reject-1", &media))
            .await
            .expect_err("rejected order");
    assert_eq!(wechat_code(&err), 72035);
    assert!(!err.is_already_inserted());
    assert!(
        m.p.sandbox
            .user_authorize(&UserAuthorization::new(&m.s_pappid, "order-reject-1"))
            .is_err(),
        "a rejected order cannot be authorized again"
    );
}

#[tokio::test]
async fn reject_insert_errors_unknown_order_inserted_order_and_missing_reason() {
    let m = Merchant::with_contact().await;
    let merchant = m.p.client.merchant(MERCHANT);
    let reject = |order_id: &str| RejectInsertRequest {
        s_pappid: m.s_pappid.clone(),
        order_id: order_id.into(),
        reason: "抬头有误".into(),
        url: None,
    };
    let err = merchant
        .reject_insert(&reject("order-never-opened"))
        .await
        .expect_err("unknown order");
    assert_eq!(wechat_code(&err), 72038);

    merchant
        .auth_url(&m.auth_request("order-reject-late"))
        .await
        .expect("getauthurl");
    m.p.sandbox
        .user_authorize(&UserAuthorization::new(&m.s_pappid, "order-reject-late"))
        .expect("user confirms");
    let media = m.p.upload(PLATFORM_OA).await;
    m.p.client
        .insert(PLATFORM_OA, &insert_request("order-reject-late", &media))
        .await
        .expect("insert");
    let err = merchant
        .reject_insert(&reject("order-reject-late"))
        .await
        .expect_err("already inserted");
    assert_eq!(wechat_code(&err), 72056);

    m.p.sandbox.reset_counts();
    let mut no_reason = reject("order-reject-late");
    no_reason.reason = String::new();
    let err = merchant.reject_insert(&no_reason).await.expect_err("invalid");
    assert_validation(&err, &["reason"]);
    assert_eq!(m.p.sandbox.count(REJECT_INSERT), 0);
}

#[tokio::test]
async fn a_merchant_with_only_the_card_set_is_refused_every_set_26_call_unsent() {
    let m = Merchant::start().await;
    m.p.authorize(MERCHANT, &[8]).await;
    m.p.sandbox.reset_counts();
    let merchant = m.p.client.merchant(MERCHANT);
    let reject = RejectInsertRequest {
        s_pappid: m.s_pappid.clone(),
        order_id: "order-perm".into(),
        reason: "退款".into(),
        url: None,
    };
    let title = GetUserTitleUrlRequest {
        title: Some("示例科技有限公司".into()),
        ..GetUserTitleUrlRequest::default()
    };
    let refused: Vec<(&str, InvoiceError)> = vec![
        (
            GET_AUTH_URL,
            merchant.auth_url(&m.auth_request("order-perm")).await.expect_err("26"),
        ),
        (
            GET_AUTH_DATA,
            merchant.auth_data(&m.s_pappid, "order-perm").await.expect_err("26"),
        ),
        (REJECT_INSERT, merchant.reject_insert(&reject).await.expect_err("26")),
        (SET_BIZ_ATTR, merchant.set_contact(contact()).await.expect_err("26")),
        (SET_BIZ_ATTR, merchant.get_contact().await.expect_err("26")),
        (SET_BIZ_ATTR, merchant.get_auth_field().await.expect_err("26")),
        (SET_BIZ_ATTR, merchant.get_pay_mch().await.expect_err("26")),
        (USER_TITLE_URL, merchant.user_title_url(&title).await.expect_err("26")),
        (
            SELECT_TITLE_URL,
            merchant
                .select_title_url(&GetSelectTitleUrlRequest::default())
                .await
                .expect_err("26"),
        ),
    ];
    for (path, err) in refused {
        assert_permission_missing(&err, MERCHANT, path, &[26], &[8]);
    }
    assert_eq!(
        m.p.sandbox.counts().values().sum::<u64>(),
        0,
        "nothing sent at all, not even getticket: {:?}",
        m.p.sandbox.counts()
    );
    // The ticket itself needs no set.
    merchant.wx_card_ticket().await.expect("getticket needs no set");
    assert_eq!(m.p.sandbox.count(GET_TICKET), 1);
}
