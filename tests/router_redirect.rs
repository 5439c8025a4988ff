//! The authorization redirect of `wx_auth::axum::PushRouter`: the browser lands on it with the
//! sandbox's authorization code; the code is exchanged, the grant stored, and the user's callback
//! gets the grant and the redirect's own parameters. A missing or unknown code is answered 400.

use std::sync::{Arc, Mutex, PoisonError};

use wx_auth::axum::{AuthorizedRedirect, PushRouter};
use wx_auth::{Component, Durability, MemoryStore, TokenSource as _};
use wx_invoice_e2e::{MERCHANT, sandbox_config};
use wx_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redirect_stores_the_grant_and_hands_it_to_the_callback() {
    // No push URL: the redirect is the only way the code reaches the platform.
    let sandbox = Sandbox::start().await.expect("sandbox");
    let component = Component::builder(sandbox_config())
        .store(Arc::new(MemoryStore::new()))
        .api_base(sandbox.base_url())
        .build()
        .expect("component");
    component
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let seen = Arc::new(Mutex::new(Vec::<AuthorizedRedirect>::new()));
    let sink = seen.clone();
    let router = PushRouter::new(component.clone())
        .redirect_path("/onboarding/wechat-done")
        .on_authorized(move |redirect: AuthorizedRedirect| {
            let page = format!(
                "tenant {} connected {}",
                redirect.param("tenant").unwrap_or("?"),
                redirect.authorization.authorizer_appid
            );
            sink.lock().unwrap_or_else(PoisonError::into_inner).push(redirect);
            async move { page }
        })
        .build()
        .expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/onboarding/wechat-done", listener.local_addr().expect("addr"));
    tokio::spawn(axum::serve(listener, router).into_future());
    let http = reqwest::Client::new();
    let get = |query: String| {
        let http = http.clone();
        let url = format!("{base}{query}");
        async move {
            let resp = http.get(url).send().await.expect("sent");
            (resp.status().as_u16(), resp.text().await.expect("body"))
        }
    };

    let code = sandbox.authorize(MERCHANT, &[8, 26]);
    assert!(component.authorizer(MERCHANT).await.expect("read").is_none());
    let (status, page) = get(format!("?tenant=42&auth_code={code}&expires_in=3600")).await;
    assert_eq!(
        (status, page.as_str()),
        (200, format!("tenant 42 connected {MERCHANT}").as_str())
    );

    let stored = component
        .authorizer(MERCHANT)
        .await
        .expect("read")
        .expect("the grant is stored");
    assert_eq!(stored.permission_sets, Some(vec![8, 26]));
    assert_eq!(
        sandbox.current_refresh_token(MERCHANT).as_deref(),
        Some(wx_auth::ExposeSecret::expose_secret(&stored.refresh_token))
    );
    component
        .authorizer_tokens()
        .access_token(MERCHANT)
        .await
        .expect("the merchant's token is usable");
    {
        let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].authorization.durability, Durability::Stored);
        assert_eq!(
            seen[0].params,
            vec![("tenant".to_owned(), "42".to_owned())],
            "auth_code and expires_in left out"
        );
    }

    // The browser reloads the page: the same grant, without a second exchange at WeChat.
    sandbox.reset_counts();
    assert_eq!(get(format!("?tenant=42&auth_code={code}&expires_in=3600")).await.0, 200);
    assert_eq!(sandbox.count("/cgi-bin/component/api_query_auth"), 0);

    // A missing, empty or unknown code: 400, and the callback is not called.
    for query in [
        "?tenant=42".to_owned(),
        "?auth_code=".to_owned(),
        "?auth_code=queryauthcode@@@forged".to_owned(),
    ] {
        let (status, page) = get(query.clone()).await;
        assert_eq!(status, 400, "{query}: {page}");
        assert!(!page.contains("forged"), "the code is not echoed: {page}");
    }
    assert_eq!(seen.lock().unwrap_or_else(PoisonError::into_inner).len(), 2);
}

#[tokio::test]
async fn without_a_callback_the_redirect_answers_a_plain_confirmation() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let component = Component::builder(sandbox_config())
        .api_base(sandbox.base_url())
        .build()
        .expect("component");
    component
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(axum::serve(listener, PushRouter::new(component.clone()).build().expect("router")).into_future());
    let code = sandbox.authorize(MERCHANT, &[26]);
    let resp = reqwest::get(format!(
        "http://{addr}/wechat/authorized?auth_code={code}&expires_in=3600"
    ))
    .await
    .expect("sent");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(component.authorizer(MERCHANT).await.expect("read").is_some());
}
