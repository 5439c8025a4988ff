//! Authorizer records that never lose a grant or take an older copy: replayed revocations,
//! a store rolled back under a newer refresh token, concurrent writers.

use std::sync::Arc;

use secrecy::ExposeSecret;
use wx_auth::{AuthorizerStatus, Component, MemoryStore, TokenSource, TokenStore};
use wx_sandbox::{Sandbox, SandboxBuilder};

use crate::support::{APPID, MERCHANT, authorized_xml, config, push_at, unauthorized_xml, unix_now};

const AUTHORIZER_LIST: &str = "/cgi-bin/component/api_get_authorizer_list";

async fn start(builder: SandboxBuilder) -> (Sandbox, Arc<MemoryStore>, Component) {
    let sandbox = builder.start().await.expect("sandbox");
    let store = Arc::new(MemoryStore::new());
    let c = sharing(&store, &sandbox);
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    (sandbox, store, c)
}

fn sharing(store: &Arc<MemoryStore>, sandbox: &Sandbox) -> Component {
    Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("builds")
}

/// Drops the cached token and fetches a fresh one: one `api_authorizer_token` call.
async fn refresh(c: &Component) {
    let tokens = c.authorizer_tokens();
    let token = tokens.access_token(MERCHANT).await.expect("token");
    tokens.invalidate(MERCHANT, &token).await.expect("invalidate");
    tokens.access_token(MERCHANT).await.expect("refreshed");
}

async fn stored_refresh_token(store: &dyn TokenStore) -> String {
    let record = store
        .get_authorizer(APPID, MERCHANT)
        .await
        .expect("store")
        .expect("record");
    record.refresh_token.expose_secret().to_owned()
}

#[tokio::test]
async fn a_replayed_unauthorized_after_reauthorization_is_ignored() {
    let (sandbox, store, c) = start(Sandbox::builder()).await;
    let now = unix_now();
    let first = push_at(
        &c,
        &authorized_xml(&sandbox.authorize(MERCHANT, &[26]), now - 120),
        now,
        "1",
    );
    c.handle_push(&first.0, &first.1).await.expect("authorized");
    sandbox.unauthorize(MERCHANT);
    let revoked = push_at(&c, &unauthorized_xml(now - 60), now, "2");
    c.handle_push(&revoked.0, &revoked.1).await.expect("unauthorized");
    let again = push_at(&c, &authorized_xml(&sandbox.authorize(MERCHANT, &[26]), now), now, "3");
    c.handle_push(&again.0, &again.1).await.expect("authorized again");

    // The captured revocation, replayed to this process and to another one.
    c.handle_push(&revoked.0, &revoked.1).await.expect("acknowledged");
    let other = sharing(&store, &sandbox);
    other.handle_push(&revoked.0, &revoked.1).await.expect("acknowledged");
    let record = store
        .get_authorizer(APPID, MERCHANT)
        .await
        .expect("store")
        .expect("record");
    assert_eq!(record.status, AuthorizerStatus::Authorized, "{record:?}");
    refresh(&other).await;
}

#[tokio::test]
async fn a_redirect_reauthorization_outranks_an_older_revocation_push() {
    let (sandbox, store, c) = start(Sandbox::builder()).await;
    c.query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("authorized");
    let now = unix_now();
    sandbox.unauthorize(MERCHANT);
    let revoked = push_at(&c, &unauthorized_xml(now - 30), now, "4");
    c.handle_push(&revoked.0, &revoked.1).await.expect("unauthorized");
    c.query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("authorized again by redirect");
    let other = sharing(&store, &sandbox);
    other.handle_push(&revoked.0, &revoked.1).await.expect("acknowledged");
    refresh(&other).await;
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn a_store_rolled_back_to_an_older_refresh_token_is_repaired_from_memory() {
    use crate::redis_support::{TestPrefix, test_redis};
    let sandbox = Sandbox::builder()
        .rotate_refresh_tokens(true)
        .start()
        .await
        .expect("sandbox");
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store: Arc<dyn TokenStore> = Arc::new(
        wx_auth::RedisStore::connect(redis.url())
            .await
            .expect("redis")
            .with_prefix(prefix.as_str()),
    );
    let c = Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("builds");
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    c.query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("authorized");
    let before = store
        .get_authorizer(APPID, MERCHANT)
        .await
        .expect("store")
        .expect("record");
    refresh(&c).await;
    assert_ne!(
        stored_refresh_token(&*store).await,
        before.refresh_token.expose_secret()
    );

    // Redis restarted from an older AOF: the store holds the record as it was before rotation.
    store.put_authorizer(APPID, &before).await.expect("roll back");
    sandbox.reset_counts();
    refresh(&c).await;
    assert_eq!(
        Some(stored_refresh_token(&*store).await),
        sandbox.current_refresh_token(MERCHANT),
        "the newer refresh token won"
    );
    assert_eq!(sandbox.count(AUTHORIZER_LIST), 0, "no 61023 recovery was needed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_updates_racing_rotations_never_write_back_an_old_refresh_token() {
    let (sandbox, store, c) = start(Sandbox::builder().rotate_refresh_tokens(true)).await;
    c.query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("authorized");
    let other = sharing(&store, &sandbox);
    for _ in 0..30 {
        let (a, b) = (c.clone(), other.clone());
        let info = tokio::spawn(async move { a.authorizer_info(MERCHANT).await.map(|_| ()) });
        let rotate = tokio::spawn(async move { refresh(&b).await });
        info.await.expect("task").expect("authorizer_info");
        rotate.await.expect("task");
    }
    assert_eq!(
        Some(stored_refresh_token(&*store).await),
        sandbox.current_refresh_token(MERCHANT)
    );
    assert_eq!(sandbox.count(AUTHORIZER_LIST), 0, "no 61023 recovery was needed");
}
