//! Cached tokens: round trips, expiry, compare-and-delete, and namespaces that never collide.

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use super::{Run, key, millis_apart, record};
use crate::store::DIRECT_NAMESPACE;
use crate::{AccessToken, TokenKind, TokenStore, VerifyTicket};

pub(super) async fn tokens_round_trip_and_expire(run: &Run, store: &dyn TokenStore) {
    let k = key(run.c("wxc_tokens"), "wxm_1", TokenKind::AuthorizerAccessToken);
    assert!(
        store.get_token(&k).await.expect("get").is_none(),
        "a missing token reads as none"
    );

    let first = AccessToken::new("token-1", Duration::from_secs(7200));
    store.put_token(&k, &first).await.expect("put");
    let read = store.get_token(&k).await.expect("get").expect("present");
    assert_eq!(read, first);
    assert_eq!(read.expose_secret(), "token-1");
    assert!(millis_apart(read.expires_at(), first.expires_at()) < Duration::from_millis(1));
    assert!(millis_apart(read.issued_at(), first.issued_at()) < Duration::from_millis(1));

    let second = AccessToken::new("token-2", Duration::from_secs(7200));
    store.put_token(&k, &second).await.expect("put");
    assert_eq!(store.get_token(&k).await.expect("get"), Some(second), "a put replaces");

    // Kinds of one account are separate entries.
    let ticket_key = key(run.c("wxc_tokens"), "wxm_1", TokenKind::WxCardTicket);
    assert!(store.get_token(&ticket_key).await.expect("get").is_none());

    // A short-lived token disappears once it expires.
    let short_key = key(run.c("wxc_tokens"), "wxm_short", TokenKind::AuthorizerAccessToken);
    store
        .put_token(&short_key, &AccessToken::new("short", Duration::from_millis(300)))
        .await
        .expect("put");
    assert!(store.get_token(&short_key).await.expect("get").is_some());
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(
        store.get_token(&short_key).await.expect("get").is_none(),
        "an expired token must not be returned"
    );

    // A token that is already expired is never handed out.
    let now = SystemTime::now();
    let dead = AccessToken::with_times("dead", now - Duration::from_secs(7200), now - Duration::from_secs(1));
    let dead_key = key(run.c("wxc_tokens"), "wxm_dead", TokenKind::AuthorizerAccessToken);
    store
        .put_token(&dead_key, &dead)
        .await
        .expect("put of an expired token is not an error");
    assert!(store.get_token(&dead_key).await.expect("get").is_none());
}

pub(super) async fn compare_and_delete_drops_only_the_rejected_token(run: &Run, store: &dyn TokenStore) {
    let k = key(run.c("wxc_cad"), "wxm_1", TokenKind::AuthorizerAccessToken);
    let old = AccessToken::new("old-token", Duration::from_secs(7200));
    let newer = AccessToken::new("newer-token", Duration::from_secs(7200));

    assert!(
        !store.delete_token_if(&k, &old).await.expect("cad"),
        "nothing to delete"
    );

    store.put_token(&k, &old).await.expect("put");
    assert!(
        !store.delete_token_if(&k, &newer).await.expect("cad"),
        "another value is not deleted"
    );
    assert_eq!(store.get_token(&k).await.expect("get"), Some(old.clone()));

    // Another process refreshed meanwhile: the rejected token is gone, the newer one stays.
    store.put_token(&k, &newer).await.expect("put");
    assert!(!store.delete_token_if(&k, &old).await.expect("cad"));
    assert_eq!(store.get_token(&k).await.expect("get"), Some(newer.clone()));

    // The value decides, not the times: the same token read back elsewhere still matches.
    let now = SystemTime::now();
    let same_value_other_times = AccessToken::with_times("newer-token", now, now + Duration::from_secs(60));
    assert!(store.delete_token_if(&k, &same_value_other_times).await.expect("cad"));
    assert!(store.get_token(&k).await.expect("get").is_none());
    assert!(
        !store.delete_token_if(&k, &newer).await.expect("cad"),
        "already deleted"
    );
}

pub(super) async fn namespaces_do_not_collide(run: &Run, store: &dyn TokenStore) {
    let (c1, c2) = (&run.c("wxc_ns_one"), &run.c("wxc_ns_two"));
    let merchant = "wxm_shared";
    let k1 = key(c1, merchant, TokenKind::AuthorizerAccessToken);
    let k2 = key(c2, merchant, TokenKind::AuthorizerAccessToken);
    let direct = key(DIRECT_NAMESPACE, merchant, TokenKind::AccessToken);

    store
        .put_token(&k1, &AccessToken::new("from-one", Duration::from_secs(600)))
        .await
        .expect("put");
    store
        .put_token(&direct, &AccessToken::new("direct", Duration::from_secs(600)))
        .await
        .expect("put");
    assert!(store.get_token(&k2).await.expect("get").is_none());
    store
        .put_token(&k2, &AccessToken::new("from-two", Duration::from_secs(600)))
        .await
        .expect("put");
    assert_eq!(
        store.get_token(&k1).await.expect("get").expect("one").expose_secret(),
        "from-one"
    );
    assert_eq!(
        store.get_token(&k2).await.expect("get").expect("two").expose_secret(),
        "from-two"
    );
    assert_eq!(
        store
            .get_token(&direct)
            .await
            .expect("get")
            .expect("direct")
            .expose_secret(),
        "direct"
    );

    store
        .put_authorizer(c1, &record(merchant, "refresh-one", None))
        .await
        .expect("put");
    assert!(store.get_authorizer(c2, merchant).await.expect("get").is_none());
    store
        .put_authorizer(c2, &record(merchant, "refresh-two", None))
        .await
        .expect("put");
    assert!(
        store
            .rotate_refresh_token(
                c2,
                merchant,
                &SecretString::from("refresh-two"),
                &SecretString::from("two-b")
            )
            .await
            .expect("rotate")
    );
    let one = store.get_authorizer(c1, merchant).await.expect("get").expect("one");
    assert_eq!(
        one.refresh_token.expose_secret(),
        "refresh-one",
        "rotation under c2 leaves c1 alone"
    );

    store
        .put_verify_ticket(c1, &VerifyTicket::new("ticket-one"))
        .await
        .expect("put");
    assert!(store.get_verify_ticket(c2).await.expect("get").is_none());

    assert!(store.try_lock(&k1, "a", Duration::from_secs(10)).await.expect("lock"));
    assert!(store.try_lock(&k2, "b", Duration::from_secs(10)).await.expect("lock"));
    store.unlock(&k1, "a").await.expect("unlock");
    store.unlock(&k2, "b").await.expect("unlock");

    // Appids that only differ in where a separator falls are different keys.
    let tricky_a = key(run.c("wxc_ns:x"), "y", TokenKind::AccessToken);
    let tricky_b = key(run.c("wxc_ns"), "x:y", TokenKind::AccessToken);
    store
        .put_token(&tricky_a, &AccessToken::new("a", Duration::from_secs(600)))
        .await
        .expect("put");
    assert!(store.get_token(&tricky_b).await.expect("get").is_none());
}
