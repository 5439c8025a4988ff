//! The platform's management calls through the public API against the sandbox: the authorizer
//! list as a paged stream, authorizer options, `clear_quota` in its three forms and the
//! monthly budget, `openapi/quota/get`, and failed calls looked up by the rid of their error.

use secrecy::SecretString;
use wx_auth::{AuthError, OfficialAccountTokens};
use wx_invoice_api::InvoiceError;
use wx_invoice_e2e::{MERCHANT, PLATFORM_OA, Platform, assert_no_secrets};
use wx_invoice_types::openapi::{AuthorizerOptionName, QUOTA_RESETS_PER_MONTH};
use wx_sandbox::Fault;

const LIST: &str = "/cgi-bin/component/api_get_authorizer_list";
const SETURL: &str = "/card/invoice/seturl";

#[tokio::test]
async fn the_authorizer_list_is_read_page_by_page_and_an_error_ends_it() {
    let p = Platform::start().await;
    let appids = [
        "wxa000000000000001",
        "wxa000000000000002",
        "wxa000000000000003",
        "wxa000000000000004",
    ];
    for appid in appids {
        p.authorize(appid, &[26]).await;
    }
    let _unexchanged = p.sandbox.authorize("wxa000000000000005", &[26]);
    p.sandbox.reset_counts();
    let mut stream = p.component.authorizers().page_size(2);
    let mut seen = Vec::new();
    while let Some(item) = stream.next().await {
        seen.push(item.expect("authorizer"));
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(p.sandbox.count(LIST), 3, "pages of 2, 2 and 1");
    for item in &seen[..4] {
        assert!(item.refresh_token.is_some(), "{item:?}");
        assert!(
            !format!("{item:?}").contains("refreshtoken@@@"),
            "Debug hides the refresh token"
        );
    }
    assert!(
        seen[4].refresh_token.is_none(),
        "a grant never exchanged lists no refresh token"
    );
    assert!(seen.iter().all(|i| i.auth_time > 0));

    let mut failing = p.component.authorizers().page_size(2);
    assert!(failing.next().await.is_some_and(|r| r.is_ok()));
    assert!(failing.next().await.is_some_and(|r| r.is_ok()));
    p.sandbox.inject_fault(Fault::errcode(LIST, 61011, "invalid component"));
    let err = failing.next().await.expect("an item").expect_err("the failed page");
    assert_eq!(err.errcode(), Some(61011));
    assert!(failing.next().await.is_none(), "an error ends the stream");
    let page = p.component.authorizer_list_page(4, 500).await.expect("one page");
    assert_eq!((page.total_count, page.list.len()), (5, 1));
    assert!(matches!(
        p.component.authorizer_list_page(0, 501).await,
        Err(AuthError::Config(_))
    ));
}

#[tokio::test]
async fn authorizer_options_are_read_and_set() {
    let p = Platform::start().await;
    p.authorize(MERCHANT, &[26]).await;
    let read = p
        .component
        .authorizer_option(MERCHANT, AuthorizerOptionName::VoiceRecognize)
        .await
        .expect("get");
    assert_eq!(read.option_value, "0");
    p.component
        .set_authorizer_option(MERCHANT, AuthorizerOptionName::VoiceRecognize, "1")
        .await
        .expect("set");
    let read = p
        .component
        .authorizer_option(MERCHANT, AuthorizerOptionName::VoiceRecognize)
        .await
        .expect("get");
    assert_eq!(
        (read.option_name.as_str(), read.option_value.as_str()),
        ("voice_recognize", "1")
    );
    p.sandbox.reset_counts();
    let err = p
        .component
        .set_authorizer_option(MERCHANT, AuthorizerOptionName::CustomerService, "2")
        .await
        .expect_err("out of range");
    assert!(
        matches!(&err, AuthError::Config(m) if m.contains("option_value")),
        "{err}"
    );
    assert_eq!(p.sandbox.count("/cgi-bin/component/api_set_authorizer_option"), 0);
    let err = p
        .component
        .authorizer_option("wxnotauthorized001", AuthorizerOptionName::LocationReport)
        .await
        .expect_err("not an authorizer");
    assert_eq!(err.errcode(), Some(61003));
    // The failed call is found again by its rid, with the component's token.
    let rid = err.rid().expect("a rid");
    let info = p.component.rid_info(&rid).await.expect("rid/get");
    assert_eq!(info.request.response_status().map(|s| s.errcode), Some(61003));
    assert!(info.request.redacted_url().contains("<redacted>"));
    assert_no_secrets(
        &format!("{info:?}"),
        &[p.component
            .component_access_token()
            .await
            .expect("token")
            .expose_secret()],
    );
}

#[tokio::test]
async fn quotas_are_reset_in_every_form_within_the_monthly_budget() {
    let p = Platform::start().await;
    p.authorize(MERCHANT, &[26]).await;
    p.sandbox.set_daily_limit(SETURL, 1);
    p.sandbox.set_daily_limit(LIST, 1);
    let merchant = p.client.platform(MERCHANT);
    let exhaust = || async {
        merchant.set_url().await.expect("within the quota");
        let err = merchant.set_url().await.expect_err("quota used up");
        assert_eq!(err.errcode(), Some(45009));
        assert!(err.quota_clears_at().is_some());
    };
    // C3 with the authorizer's token, on the merchant's behalf.
    exhaust().await;
    p.client.openapi(MERCHANT).clear_quota().await.expect("clear_quota");
    // C5 for the merchant, with the component AppSecret and no token.
    exhaust().await;
    p.component
        .clear_quota_by_secret(Some(MERCHANT))
        .await
        .expect("component clear_quota/v2");
    exhaust().await;
    // The platform's own quotas: C3 with the component token, C5 without an appid.
    p.component.authorizer_list_page(0, 10).await.expect("within the quota");
    assert!(p.component.authorizer_list_page(0, 10).await.is_err());
    p.component.clear_quota().await.expect("component clear_quota");
    p.component.authorizer_list_page(0, 10).await.expect("reset");
    p.component
        .clear_quota_by_secret(None)
        .await
        .expect("clear_quota/v2 without appid");
    p.component.authorizer_list_page(0, 10).await.expect("reset again");
    // The merchant has spent 2 of its monthly resets; the 11th is refused.
    for _ in 2..QUOTA_RESETS_PER_MONTH {
        p.client
            .openapi(MERCHANT)
            .clear_quota()
            .await
            .expect("within the budget");
    }
    let err = p
        .client
        .openapi(MERCHANT)
        .clear_quota()
        .await
        .expect_err("budget used up");
    assert_eq!(err.errcode(), Some(48006), "{err}");
    assert!(p.sandbox.count("/cgi-bin/clear_quota") >= 10);

    // C4: a self-built account with its AppSecret.
    let own = "wxse1fbu11t000001";
    p.sandbox.register_account(own, "own-secret-0123456789");
    let tokens = OfficialAccountTokens::builder()
        .account(own, SecretString::from("own-secret-0123456789"))
        .api_base(p.sandbox.base_url())
        .build()
        .expect("tokens");
    tokens.clear_quota_by_secret(own).await.expect("clear_quota/v2");
    let err = tokens
        .clear_quota_by_secret("wxunknown00000001")
        .await
        .expect_err("no secret");
    assert!(matches!(err, AuthError::UnknownAccount { .. }));
}

#[tokio::test]
async fn quota_and_rid_lookups_answer_for_their_own_account_only() {
    let p = Platform::start().await;
    p.authorize(MERCHANT, &[26]).await;
    p.authorize(PLATFORM_OA, &[26]).await;
    p.client.platform(MERCHANT).set_url().await.expect("seturl");
    let quota = p.client.openapi(MERCHANT).api_quota(SETURL).await.expect("quota/get");
    assert_eq!(quota.quota.used, 1);
    assert_eq!(quota.quota.remain, quota.quota.daily_limit - 1);
    assert!(quota.rate_limit.is_some());
    let component = p.component.api_quota(LIST).await.expect("component quota/get");
    assert!(component.quota.daily_limit > 0);
    let err = p
        .client
        .openapi(MERCHANT)
        .api_quota(LIST)
        .await
        .expect_err("not its API");
    assert_eq!(err.errcode(), Some(76022));
    p.sandbox.reset_counts();
    let err = p
        .client
        .openapi(MERCHANT)
        .api_quota("/sns/oauth2/access_token")
        .await
        .expect_err("sns");
    assert!(matches!(err, InvoiceError::Validation(_)));
    assert_eq!(p.sandbox.count("/cgi-bin/openapi/quota/get"), 0);

    let failed = p
        .client
        .get_pdf(MERCHANT, "1234567890123456789")
        .await
        .expect_err("no such PDF");
    let rid = failed.rid().expect("the error carries a rid");
    let info = p.client.openapi(MERCHANT).rid_info(&rid).await.expect("rid/get");
    assert!(
        info.request
            .redacted_url()
            .starts_with("/card/invoice/platform/getpdf?access_token=<redacted>")
    );
    assert!(info.request.request_body.contains("1234567890123456789"));
    assert_eq!(info.request.response_status().map(|s| s.errcode), failed.errcode());
    let err = p
        .client
        .openapi(PLATFORM_OA)
        .rid_info(&rid)
        .await
        .expect_err("another account's");
    assert_eq!(err.errcode(), Some(76003));
    let unknown = wx_invoice_types::openapi::Rid::new("00000000-00000000-00000000");
    assert_eq!(
        p.client
            .openapi(MERCHANT)
            .rid_info(&unknown)
            .await
            .expect_err("unknown")
            .errcode(),
        Some(76001)
    );
    let malformed = wx_invoice_types::openapi::Rid::new("not-a-rid");
    assert!(matches!(
        p.client.openapi(MERCHANT).rid_info(&malformed).await,
        Err(InvoiceError::Validation(_))
    ));
}
