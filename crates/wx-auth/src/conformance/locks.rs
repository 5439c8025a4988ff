//! The refresh lock: exclusive, owner-checked, expiring, extended only by its owner, fencing
//! token writes, and reported truthfully.

use std::time::{Duration, SystemTime};

use super::{Run, key, millis_apart};
use crate::{AccessToken, TokenKind, TokenStore};

pub(super) async fn locks_are_exclusive_owner_checked_and_expire(run: &Run, store: &dyn TokenStore) {
    let k = key(run.c("wxc_lock"), "wxm_1", TokenKind::AuthorizerAccessToken);
    let other = key(run.c("wxc_lock"), "wxm_2", TokenKind::AuthorizerAccessToken);
    let ttl = Duration::from_secs(10);

    assert!(store.try_lock(&k, "owner-a", ttl).await.expect("lock"));
    assert!(!store.try_lock(&k, "owner-b", ttl).await.expect("lock"), "exclusive");
    assert!(
        !store.try_lock(&k, "owner-a", ttl).await.expect("lock"),
        "not re-entrant"
    );
    assert!(store.try_lock(&other, "owner-b", ttl).await.expect("lock"), "per key");

    store
        .unlock(&k, "owner-b")
        .await
        .expect("unlock by a non-owner is a no-op");
    assert!(
        !store.try_lock(&k, "owner-c", ttl).await.expect("lock"),
        "still held by owner-a"
    );

    store.unlock(&k, "owner-a").await.expect("unlock");
    assert!(
        store.try_lock(&k, "owner-c", ttl).await.expect("lock"),
        "released by its owner"
    );
    store.unlock(&k, "owner-c").await.expect("unlock");
    store.unlock(&other, "owner-b").await.expect("unlock");
    store
        .unlock(&other, "owner-b")
        .await
        .expect("unlocking a free lock is fine");

    // A lock never touches the token of the same key.
    assert!(store.get_token(&k).await.expect("get").is_none());

    // A holder that dies loses the lock when its TTL passes.
    let dead = key(run.c("wxc_lock"), "wxm_dead", TokenKind::ComponentAccessToken);
    assert!(
        store
            .try_lock(&dead, "dies", Duration::from_millis(200))
            .await
            .expect("lock")
    );
    assert!(!store.try_lock(&dead, "waiter", ttl).await.expect("lock"));
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(
        store.try_lock(&dead, "waiter", ttl).await.expect("lock"),
        "TTL expiry frees it"
    );
    store
        .unlock(&dead, "dies")
        .await
        .expect("a late unlock by the dead holder");
    assert!(
        !store.try_lock(&dead, "third", ttl).await.expect("lock"),
        "and cannot free the new holder's lock"
    );
    store.unlock(&dead, "waiter").await.expect("unlock");
}

pub(super) async fn locks_are_extended_only_by_their_owner(run: &Run, store: &dyn TokenStore) {
    let k = key(run.c("wxc_extend"), "wxm_1", TokenKind::AuthorizerAccessToken);
    let short = Duration::from_millis(300);
    let long = Duration::from_secs(10);

    assert!(
        !store.extend_lock(&k, "owner-a", long).await.expect("extend"),
        "a free lock is not extended"
    );
    assert!(store.try_lock(&k, "owner-a", short).await.expect("lock"));
    assert!(
        !store.extend_lock(&k, "owner-b", long).await.expect("extend"),
        "a non-owner cannot extend"
    );
    assert!(store.extend_lock(&k, "owner-a", long).await.expect("extend"));
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(
        !store.try_lock(&k, "owner-b", long).await.expect("lock"),
        "extended past its first TTL: still held"
    );
    store.unlock(&k, "owner-a").await.expect("unlock");
    assert!(
        !store.extend_lock(&k, "owner-a", long).await.expect("extend"),
        "released: not revived"
    );

    // A lock that expired is not revived by its former holder.
    assert!(store.try_lock(&k, "owner-c", short).await.expect("lock"));
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(!store.extend_lock(&k, "owner-c", long).await.expect("extend"));
    assert!(
        store.try_lock(&k, "owner-d", long).await.expect("lock"),
        "free for the next one"
    );
    store.unlock(&k, "owner-d").await.expect("unlock");
}

pub(super) async fn fenced_token_writes_need_the_lock(run: &Run, store: &dyn TokenStore) {
    let k = key(run.c("wxc_fence"), "wxm_1", TokenKind::AuthorizerAccessToken);
    let token = AccessToken::new("fenced-1", Duration::from_secs(600));
    let ttl = Duration::from_secs(10);

    assert!(
        !store.put_token_if_owner(&k, &token, "owner-a").await.expect("fenced"),
        "no lock, no write"
    );
    assert!(store.get_token(&k).await.expect("get").is_none());

    assert!(store.try_lock(&k, "owner-a", ttl).await.expect("lock"));
    assert!(
        !store.put_token_if_owner(&k, &token, "owner-b").await.expect("fenced"),
        "a non-owner's write is refused"
    );
    assert!(store.get_token(&k).await.expect("get").is_none());
    assert!(store.put_token_if_owner(&k, &token, "owner-a").await.expect("fenced"));
    let read = store.get_token(&k).await.expect("get").expect("written");
    assert_eq!(read, token);
    assert!(millis_apart(read.expires_at(), token.expires_at()) < Duration::from_millis(1));
    assert!(
        !store.try_lock(&k, "owner-b", ttl).await.expect("lock"),
        "a fenced write keeps the lock"
    );

    // An expired token is not cached, even by the holder.
    let now = SystemTime::now();
    let dead = AccessToken::with_times("dead", now - Duration::from_secs(60), now - Duration::from_secs(1));
    let dead_key = key(run.c("wxc_fence"), "wxm_dead", TokenKind::AuthorizerAccessToken);
    assert!(store.try_lock(&dead_key, "owner-a", ttl).await.expect("lock"));
    assert!(
        store
            .put_token_if_owner(&dead_key, &dead, "owner-a")
            .await
            .expect("fenced")
    );
    assert!(store.get_token(&dead_key).await.expect("get").is_none());
    store.unlock(&dead_key, "owner-a").await.expect("unlock");

    // The late writer: its lock expired and another process took it; its write is refused.
    store.unlock(&k, "owner-a").await.expect("unlock");
    assert!(
        store
            .try_lock(&k, "slow", Duration::from_millis(200))
            .await
            .expect("lock")
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(store.try_lock(&k, "fast", ttl).await.expect("lock"));
    let fast = AccessToken::new("fenced-fast", Duration::from_secs(600));
    assert!(store.put_token_if_owner(&k, &fast, "fast").await.expect("fenced"));
    let stale = AccessToken::new("fenced-slow", Duration::from_secs(600));
    assert!(!store.put_token_if_owner(&k, &stale, "slow").await.expect("fenced"));
    assert_eq!(store.get_token(&k).await.expect("get"), Some(fast));
    store.unlock(&k, "fast").await.expect("unlock");
    assert!(
        !store.put_token_if_owner(&k, &stale, "fast").await.expect("fenced"),
        "released: no write"
    );
}

pub(super) async fn lock_holders_are_reported_truthfully(run: &Run, store: &dyn TokenStore) {
    let k = key(run.c("wxc_holder"), "wxm_1", TokenKind::AuthorizerAccessToken);
    assert!(store.lock_holder(&k).await.expect("holder").is_none(), "free");
    let ttl = Duration::from_secs(10);
    assert!(store.try_lock(&k, "owner-a", ttl).await.expect("lock"));
    // Reporting is optional (the default answers `None`); an answer must be right.
    if let Some((owner, left)) = store.lock_holder(&k).await.expect("holder") {
        assert_eq!(owner, "owner-a");
        assert!(left <= ttl && left > Duration::from_secs(5), "{left:?}");
    }
    store.unlock(&k, "owner-a").await.expect("unlock");
    assert!(store.lock_holder(&k).await.expect("holder").is_none(), "released");
}
