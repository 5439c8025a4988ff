//! The fleet's refresh lock under cancelled callers and slow refreshes: released on every exit
//! path, kept alive while a refresh runs, and fencing the final write.

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use wx_auth::{AccessToken, Component, MemoryStore, TokenKey, TokenKind, TokenSource, TokenStore};
use wx_sandbox::{Fault, Sandbox};

use crate::support::{APPID, MERCHANT, config};

const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const AUTHORIZER_LIST: &str = "/cgi-bin/component/api_get_authorizer_list";

/// Two "processes" (components with their own memory) sharing one store, with `MERCHANT`
/// authorized and no access token cached anywhere.
async fn two_processes(sandbox: &Sandbox, lock_ttl: Duration) -> (Component, Component, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let build = || {
        Component::builder(config())
            .store(store.clone())
            .api_base(sandbox.base_url())
            .lock_ttl(lock_ttl)
            .build()
            .expect("builds")
    };
    let (first, second) = (build(), build());
    first
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    first
        .query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("authorized");
    let tokens = first.authorizer_tokens();
    let cached = tokens.access_token(MERCHANT).await.expect("token from query_auth");
    tokens.invalidate(MERCHANT, &cached).await.expect("dropped");
    (first, second, store)
}

fn key() -> TokenKey {
    TokenKey::new(APPID, MERCHANT, TokenKind::AuthorizerAccessToken)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_caller_neither_holds_the_lock_nor_loses_a_rotated_refresh_token() {
    let sandbox = Sandbox::builder()
        .rotate_refresh_tokens(true)
        .start()
        .await
        .expect("sandbox");
    let (first, second, store) = two_processes(&sandbox, Duration::from_secs(20)).await;
    sandbox.reset_counts();
    // WeChat rotates the refresh token at once but answers only after 1.5 s.
    sandbox.inject_fault(Fault::apply_then_delay(AUTHORIZER_TOKEN, Duration::from_millis(1500)));
    let gave_up = tokio::time::timeout(
        Duration::from_millis(200),
        first.authorizer_tokens().access_token(MERCHANT),
    )
    .await;
    assert!(gave_up.is_err(), "the caller went away mid-refresh");

    let started = Instant::now();
    second
        .authorizer_tokens()
        .access_token(MERCHANT)
        .await
        .expect("the other process gets the token");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "waited {:?}: the abandoned lock was held to its TTL",
        started.elapsed()
    );
    assert_eq!(sandbox.count(AUTHORIZER_TOKEN), 1, "one refresh for the fleet");
    let stored = store
        .get_authorizer(APPID, MERCHANT)
        .await
        .expect("store")
        .expect("record");
    assert_eq!(
        Some(stored.refresh_token.expose_secret().to_owned()),
        sandbox.current_refresh_token(MERCHANT),
        "the rotated refresh token was stored although its caller went away"
    );
    assert_eq!(sandbox.count(AUTHORIZER_LIST), 0, "no recovery was needed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_slower_than_the_lock_ttl_keeps_its_lock() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (first, second, _store) = two_processes(&sandbox, Duration::from_millis(600)).await;
    sandbox.reset_counts();
    sandbox.inject_fault(Fault::apply_then_delay(AUTHORIZER_TOKEN, Duration::from_secs(2)));
    let slow = tokio::spawn(async move { first.authorizer_tokens().access_token(MERCHANT).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waited = second.authorizer_tokens().access_token(MERCHANT).await.expect("token");
    let refreshed = slow.await.expect("task").expect("token");
    assert_eq!(waited, refreshed, "the waiter took the slow refresher's token");
    assert_eq!(
        sandbox.count(AUTHORIZER_TOKEN),
        1,
        "the lock did not expire under a live refresh"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_that_lost_its_lock_does_not_overwrite_the_new_holders_token() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (first, _second, store) = two_processes(&sandbox, Duration::from_secs(20)).await;
    sandbox.inject_fault(Fault::apply_then_delay(AUTHORIZER_TOKEN, Duration::from_secs(1)));
    let slow = tokio::spawn(async move { first.authorizer_tokens().access_token(MERCHANT).await });
    // Meanwhile the lock passes to someone else (as after an expiry), who writes a newer token.
    let holder = loop {
        if let Some((owner, _)) = store.lock_holder(&key()).await.expect("store") {
            break owner;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    store.unlock(&key(), &holder).await.expect("unlock");
    assert!(
        store
            .try_lock(&key(), "another-process", Duration::from_secs(20))
            .await
            .expect("lock")
    );
    let newer = AccessToken::new("the-new-holders-token", Duration::from_secs(7200));
    store.put_token(&key(), &newer).await.expect("write");

    slow.await
        .expect("task")
        .expect("the late refresher still answers its caller");
    let shared = store.get_token(&key()).await.expect("store").expect("token");
    assert_eq!(shared, newer, "the late refresher's write was fenced off");
}
