//! Direct (self-built) mode: an account's own appid and AppSecret through
//! `/cgi-bin/stable_token`, usable anywhere a `TokenSource` is.

use std::sync::Arc;

use secrecy::SecretString;
use wx_auth::{AuthError, OfficialAccountTokens, TokenSource};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::{INSERT_PATH, insert_request, sample_pdf};
use wx_sandbox::Sandbox;

const SELF_BUILT: &str = "wxse1fb0117000000a";
const SECRET: &str = "self-built-app-secret-0123456789";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";

#[tokio::test]
async fn a_self_built_platform_inserts_with_its_own_token() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.register_account(SELF_BUILT, SECRET);
    let tokens: Arc<dyn TokenSource> = Arc::new(
        OfficialAccountTokens::builder()
            .account(SELF_BUILT, SecretString::from(SECRET))
            .api_base(sandbox.base_url())
            .build()
            .expect("source"),
    );
    let client = InvoiceClient::builder(tokens.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    let media = client
        .upload_pdf(SELF_BUILT, "invoice.pdf", sample_pdf())
        .await
        .expect("upload");
    let mut request = insert_request("direct-1", &media);
    request.appid = SELF_BUILT.into(); // self-built: the same account authorizes and inserts
    let out = client.insert(SELF_BUILT, &request).await.expect("insert");
    assert_eq!(sandbox.card(&out.code).expect("card").order_id, "direct-1");
    assert_eq!(sandbox.count(STABLE_TOKEN), 1, "one token fetch, then cached");

    // A rejected token: invalidated, a forced refresh, one retry.
    sandbox.revoke_token(SELF_BUILT);
    let mut request = insert_request("direct-2", &media);
    request.appid = SELF_BUILT.into();
    client
        .insert(SELF_BUILT, &request)
        .await
        .expect("retried with a fresh token");
    assert_eq!(sandbox.count(STABLE_TOKEN), 2);
    assert_eq!(sandbox.count(INSERT_PATH), 3);
}

#[tokio::test]
async fn wrong_secret_and_unknown_account_are_clear_errors() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.register_account(SELF_BUILT, SECRET);
    let tokens = OfficialAccountTokens::builder()
        .account(SELF_BUILT, SecretString::from("not-the-secret"))
        .api_base(sandbox.base_url())
        .build()
        .expect("source");
    let err = tokens.access_token(SELF_BUILT).await.expect_err("bad secret");
    assert!(err.errcode().is_some(), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("not-the-secret"));
    let err = tokens.access_token("wxsomeoneelse00000").await.expect_err("unknown");
    assert!(matches!(err, AuthError::UnknownAccount { .. }));
    let client = InvoiceClient::builder(Arc::new(tokens))
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    let err = client
        .upload_pdf("wxsomeoneelse00000", "a.pdf", sample_pdf())
        .await
        .expect_err("unknown");
    assert!(matches!(err, InvoiceError::Wechat(AuthError::UnknownAccount { .. })));
}
