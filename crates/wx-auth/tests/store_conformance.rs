//! One conformance suite for every `TokenStore`: the in-memory store and the Redis store must
//! behave the same way, because the token cache relies on exactly these semantics.
//!
//! The Redis run uses a real Redis (see `support/redis.rs`); it never skips.

mod support;

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use wx_auth::store::DIRECT_NAMESPACE;
use wx_auth::{
    AccessToken, AuthorizerRecord, AuthorizerStatus, MemoryStore, TokenKey, TokenKind, TokenStore, VerifyTicket,
};

/// The whole contract, section by section. Each section uses its own component appid, so the
/// sections cannot see each other's data.
async fn conformance(store: &dyn TokenStore) {
    tokens_round_trip_and_expire(store).await;
    compare_and_delete_drops_only_the_rejected_token(store).await;
    authorizer_records_are_durable(store).await;
    rotation_is_compare_and_set(store).await;
    record_writes_are_compare_and_set_on_the_version(store).await;
    rotation_adds_one_to_the_version(store).await;
    authorizers_are_listed_per_component(store).await;
    verify_tickets_keep_the_newest(store).await;
    locks_are_exclusive_owner_checked_and_expire(store).await;
    locks_are_extended_only_by_their_owner(store).await;
    fenced_token_writes_need_the_lock(store).await;
    lock_holders_are_reported_truthfully(store).await;
    namespaces_do_not_collide(store).await;
}

#[tokio::test]
async fn memory_store_conforms() {
    let store = MemoryStore::new();
    conformance(&store).await;
    reports_lock_holders(&store).await;
}

/// Our stores implement the optional `lock_holder`.
async fn reports_lock_holders(store: &dyn TokenStore) {
    let k = key("wxc_holder_reported", "wxm_1", TokenKind::AuthorizerAccessToken);
    assert!(
        store
            .try_lock(&k, "owner-a", Duration::from_secs(10))
            .await
            .expect("lock")
    );
    let (owner, left) = store.lock_holder(&k).await.expect("holder").expect("reported");
    assert_eq!(owner, "owner-a");
    assert!(
        left > Duration::from_secs(5) && left <= Duration::from_secs(10),
        "{left:?}"
    );
    store.unlock(&k, "owner-a").await.expect("unlock");
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_store_conforms() {
    use support::redis::{TestPrefix, test_redis};
    use wx_auth::RedisStore;

    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = RedisStore::connect(redis.url())
        .await
        .expect("connects to the test Redis")
        .with_prefix(prefix.as_str());
    conformance(&store).await;
    reports_lock_holders(&store).await;
}

fn key(component: &str, appid: &str, kind: TokenKind) -> TokenKey {
    TokenKey::new(component, appid, kind)
}

fn millis_apart(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b).unwrap_or_else(|e| e.duration())
}

async fn tokens_round_trip_and_expire(store: &dyn TokenStore) {
    let k = key("wxc_tokens", "wxm_1", TokenKind::AuthorizerAccessToken);
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
    let ticket_key = key("wxc_tokens", "wxm_1", TokenKind::WxCardTicket);
    assert!(store.get_token(&ticket_key).await.expect("get").is_none());

    // A short-lived token disappears once it expires.
    let short_key = key("wxc_tokens", "wxm_short", TokenKind::AuthorizerAccessToken);
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
    let dead_key = key("wxc_tokens", "wxm_dead", TokenKind::AuthorizerAccessToken);
    store
        .put_token(&dead_key, &dead)
        .await
        .expect("put of an expired token is not an error");
    assert!(store.get_token(&dead_key).await.expect("get").is_none());
}

async fn compare_and_delete_drops_only_the_rejected_token(store: &dyn TokenStore) {
    let k = key("wxc_cad", "wxm_1", TokenKind::AuthorizerAccessToken);
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

fn record(appid: &str, refresh: &str, sets: Option<Vec<u32>>) -> AuthorizerRecord {
    AuthorizerRecord::new(appid, SecretString::from(refresh.to_owned()), sets)
}

async fn authorizer_records_are_durable(store: &dyn TokenStore) {
    let c = "wxc_records";
    assert!(store.get_authorizer(c, "wxm_1").await.expect("get").is_none());

    let written = record("wxm_1", "refresh@@@1", Some(vec![8, 26]));
    store.put_authorizer(c, &written).await.expect("put");
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.authorizer_appid, "wxm_1");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@1");
    assert_eq!(read.permission_sets, Some(vec![8, 26]));
    assert_eq!(read.status, AuthorizerStatus::Authorized);
    assert!(millis_apart(read.updated_at, written.updated_at) < Duration::from_millis(1));

    // A put replaces the whole record; unknown and empty permission lists survive as such.
    let mut revoked = record("wxm_1", "refresh@@@2", None);
    revoked.status = AuthorizerStatus::Revoked;
    store.put_authorizer(c, &revoked).await.expect("put");
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@2");
    assert_eq!(read.permission_sets, None);
    assert_eq!(read.status, AuthorizerStatus::Revoked);

    store
        .put_authorizer(c, &record("wxm_2", "refresh@@@3", Some(vec![])))
        .await
        .expect("put");
    let read = store.get_authorizer(c, "wxm_2").await.expect("get").expect("present");
    assert_eq!(read.permission_sets, Some(vec![]));

    // Records outlive every cache entry: after a token written with them has expired, they stay.
    let k = key(c, "wxm_1", TokenKind::AuthorizerAccessToken);
    store
        .put_token(&k, &AccessToken::new("short", Duration::from_millis(200)))
        .await
        .expect("put");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(store.get_token(&k).await.expect("get").is_none());
    let still = store
        .get_authorizer(c, "wxm_1")
        .await
        .expect("get")
        .expect("records never expire");
    assert_eq!(still.refresh_token.expose_secret(), "refresh@@@2");
}

async fn rotation_is_compare_and_set(store: &dyn TokenStore) {
    let c = "wxc_rotate";
    let first = SecretString::from("refresh@@@first");
    let second = SecretString::from("refresh@@@second");
    let wrong = SecretString::from("refresh@@@wrong");

    assert!(
        !store
            .rotate_refresh_token(c, "wxm_absent", &first, &second)
            .await
            .expect("rotate"),
        "no record, nothing to rotate"
    );
    assert!(
        store.get_authorizer(c, "wxm_absent").await.expect("get").is_none(),
        "rotation never creates"
    );

    let mut original = record("wxm_1", "refresh@@@first", Some(vec![]));
    original.updated_at = SystemTime::now() - Duration::from_secs(3600);
    store.put_authorizer(c, &original).await.expect("put");

    assert!(
        !store
            .rotate_refresh_token(c, "wxm_1", &wrong, &second)
            .await
            .expect("rotate")
    );
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(
        read.refresh_token.expose_secret(),
        "refresh@@@first",
        "a failed CAS writes nothing"
    );

    assert!(
        store
            .rotate_refresh_token(c, "wxm_1", &first, &second)
            .await
            .expect("rotate")
    );
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@second");
    assert_eq!(read.permission_sets, Some(vec![]), "rotation keeps the other fields");
    assert_eq!(read.status, AuthorizerStatus::Authorized);
    assert!(read.updated_at > original.updated_at, "rotation stamps the record");

    // A slower process that still holds the first token can never put it back.
    let third = SecretString::from("refresh@@@third");
    assert!(
        !store
            .rotate_refresh_token(c, "wxm_1", &first, &third)
            .await
            .expect("rotate")
    );
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@second");

    // Racing rotations from the same token: exactly one wins.
    let next: Vec<SecretString> = (0..5)
        .map(|i| SecretString::from(format!("refresh@@@race{i}")))
        .collect();
    let outcomes = tokio::join!(
        store.rotate_refresh_token(c, "wxm_1", &second, &next[0]),
        store.rotate_refresh_token(c, "wxm_1", &second, &next[1]),
        store.rotate_refresh_token(c, "wxm_1", &second, &next[2]),
        store.rotate_refresh_token(c, "wxm_1", &second, &next[3]),
        store.rotate_refresh_token(c, "wxm_1", &second, &next[4]),
    );
    let outcomes = [outcomes.0, outcomes.1, outcomes.2, outcomes.3, outcomes.4].map(|r| r.expect("rotate"));
    assert_eq!(outcomes.iter().filter(|won| **won).count(), 1, "{outcomes:?}");
    let winner = outcomes.iter().position(|won| *won).expect("one winner");
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.refresh_token.expose_secret(), next[winner].expose_secret());
}

async fn authorizers_are_listed_per_component(store: &dyn TokenStore) {
    assert!(store.list_authorizers("wxc_list_empty").await.expect("list").is_empty());
    for appid in ["wxm_c", "wxm_a", "wxm_b"] {
        store
            .put_authorizer("wxc_list", &record(appid, "r", None))
            .await
            .expect("put");
    }
    store
        .put_authorizer("wxc_list", &record("wxm_a", "r2", Some(vec![8])))
        .await
        .expect("re-put");
    store
        .put_authorizer("wxc_list_other", &record("wxm_z", "r", None))
        .await
        .expect("put");
    assert_eq!(
        store.list_authorizers("wxc_list").await.expect("list"),
        ["wxm_a", "wxm_b", "wxm_c"],
        "sorted, once each, only this component's"
    );
    assert_eq!(store.list_authorizers("wxc_list_other").await.expect("list"), ["wxm_z"]);
}

async fn verify_tickets_keep_the_newest(store: &dyn TokenStore) {
    let c = "wxc_ticket";
    assert!(store.get_verify_ticket(c).await.expect("get").is_none());
    let first = VerifyTicket::new("ticket@@@1");
    store.put_verify_ticket(c, &first).await.expect("put");
    let read = store.get_verify_ticket(c).await.expect("get").expect("present");
    assert_eq!(read, first);
    assert_eq!(read.ticket.expose_secret(), "ticket@@@1");
    assert!(millis_apart(read.received_at, first.received_at) < Duration::from_millis(1));

    let second = VerifyTicket::new("ticket@@@2");
    store.put_verify_ticket(c, &second).await.expect("put");
    assert_eq!(store.get_verify_ticket(c).await.expect("get"), Some(second));

    // A stale ticket is still kept (the newest one is what WeChat wants), flagged by is_stale.
    let stale = VerifyTicket {
        ticket: SecretString::from("ticket@@@old"),
        received_at: SystemTime::now() - Duration::from_secs(13 * 3600),
    };
    store.put_verify_ticket(c, &stale).await.expect("put");
    let read = store.get_verify_ticket(c).await.expect("get").expect("kept");
    assert!(read.is_stale());
}

async fn locks_are_exclusive_owner_checked_and_expire(store: &dyn TokenStore) {
    let k = key("wxc_lock", "wxm_1", TokenKind::AuthorizerAccessToken);
    let other = key("wxc_lock", "wxm_2", TokenKind::AuthorizerAccessToken);
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
    let dead = key("wxc_lock", "wxm_dead", TokenKind::ComponentAccessToken);
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

async fn namespaces_do_not_collide(store: &dyn TokenStore) {
    let (c1, c2) = ("wxc_ns_one", "wxc_ns_two");
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
    let tricky_a = key("wxc_ns:x", "y", TokenKind::AccessToken);
    let tricky_b = key("wxc_ns", "x:y", TokenKind::AccessToken);
    store
        .put_token(&tricky_a, &AccessToken::new("a", Duration::from_secs(600)))
        .await
        .expect("put");
    assert!(store.get_token(&tricky_b).await.expect("get").is_none());
}

fn versioned(appid: &str, refresh: &str, version: u64) -> AuthorizerRecord {
    let mut r = record(appid, refresh, Some(vec![8]));
    r.version = version;
    r
}

async fn stored_version(store: &dyn TokenStore, c: &str, appid: &str) -> (String, u64) {
    let read = store.get_authorizer(c, appid).await.expect("get").expect("present");
    (read.refresh_token.expose_secret().to_owned(), read.version)
}

async fn record_writes_are_compare_and_set_on_the_version(store: &dyn TokenStore) {
    let c = "wxc_cas";
    assert_eq!(AuthorizerRecord::new("x", SecretString::from("r"), None).version, 0);

    // Absent: only `None` writes, and only a record with a version above 0.
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "r1", 1), Some(0))
            .await
            .expect("cas")
    );
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "r1", 1), Some(1))
            .await
            .expect("cas")
    );
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "r0", 0), None)
            .await
            .expect("cas")
    );
    assert!(
        store.get_authorizer(c, "wxm_1").await.expect("get").is_none(),
        "a refused CAS writes nothing"
    );
    assert!(
        store
            .put_authorizer_if(c, &versioned("wxm_1", "r1", 1), None)
            .await
            .expect("cas")
    );
    assert_eq!(stored_version(store, c, "wxm_1").await, ("r1".to_owned(), 1));
    assert_eq!(
        store.list_authorizers(c).await.expect("list"),
        ["wxm_1"],
        "a CAS write is listed"
    );

    // Present: `None` is refused; the stored version must match, the new one must be above it.
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "rX", 2), None)
            .await
            .expect("cas")
    );
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "rX", 1), Some(1))
            .await
            .expect("cas")
    );
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "rX", 3), Some(2))
            .await
            .expect("cas")
    );
    assert_eq!(stored_version(store, c, "wxm_1").await, ("r1".to_owned(), 1));
    assert!(
        store
            .put_authorizer_if(c, &versioned("wxm_1", "r2", 2), Some(1))
            .await
            .expect("cas")
    );
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!((read.refresh_token.expose_secret(), read.version), ("r2", 2));
    assert_eq!(read.permission_sets, Some(vec![8]), "written as given");

    // A copy read before that write is stale and can never replace it.
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "r1-stale", 2), Some(1))
            .await
            .expect("cas")
    );
    assert_eq!(stored_version(store, c, "wxm_1").await, ("r2".to_owned(), 2));

    // A version may jump ahead (a writer that merged several changes).
    assert!(
        store
            .put_authorizer_if(c, &versioned("wxm_1", "r9", 9), Some(2))
            .await
            .expect("cas")
    );
    assert_eq!(stored_version(store, c, "wxm_1").await, ("r9".to_owned(), 9));

    // Racing writers from the same version: exactly one wins.
    let racers: Vec<AuthorizerRecord> = (0..5).map(|i| versioned("wxm_1", &format!("race{i}"), 10)).collect();
    let outcomes = tokio::join!(
        store.put_authorizer_if(c, &racers[0], Some(9)),
        store.put_authorizer_if(c, &racers[1], Some(9)),
        store.put_authorizer_if(c, &racers[2], Some(9)),
        store.put_authorizer_if(c, &racers[3], Some(9)),
        store.put_authorizer_if(c, &racers[4], Some(9)),
    );
    let outcomes = [outcomes.0, outcomes.1, outcomes.2, outcomes.3, outcomes.4].map(|r| r.expect("cas"));
    assert_eq!(outcomes.iter().filter(|won| **won).count(), 1, "{outcomes:?}");
    let winner = outcomes.iter().position(|won| *won).expect("one winner");
    assert_eq!(stored_version(store, c, "wxm_1").await, (format!("race{winner}"), 10));

    // An unconditional put (a restored backup) is stored as given, version included, and a CAS
    // against that version works.
    store
        .put_authorizer(c, &versioned("wxm_2", "restored", 0))
        .await
        .expect("put");
    assert_eq!(stored_version(store, c, "wxm_2").await, ("restored".to_owned(), 0));
    assert!(
        store
            .put_authorizer_if(c, &versioned("wxm_2", "after", 1), Some(0))
            .await
            .expect("cas")
    );
    assert_eq!(stored_version(store, c, "wxm_2").await, ("after".to_owned(), 1));
}

async fn rotation_adds_one_to_the_version(store: &dyn TokenStore) {
    let c = "wxc_rotate_version";
    let (r1, r2, r3) = (
        SecretString::from("rv@@@1"),
        SecretString::from("rv@@@2"),
        SecretString::from("rv@@@3"),
    );
    store
        .put_authorizer(c, &versioned("wxm_1", "rv@@@1", 5))
        .await
        .expect("put");
    assert!(store.rotate_refresh_token(c, "wxm_1", &r1, &r2).await.expect("rotate"));
    assert_eq!(stored_version(store, c, "wxm_1").await, ("rv@@@2".to_owned(), 6));
    assert!(!store.rotate_refresh_token(c, "wxm_1", &r1, &r3).await.expect("rotate"));
    assert_eq!(
        stored_version(store, c, "wxm_1").await,
        ("rv@@@2".to_owned(), 6),
        "a failed rotation keeps the version"
    );

    // A writer that read version 5 before the rotation is refused; one that read 6 is not.
    assert!(
        !store
            .put_authorizer_if(c, &versioned("wxm_1", "rv@@@1", 6), Some(5))
            .await
            .expect("cas")
    );
    assert!(
        store
            .put_authorizer_if(c, &versioned("wxm_1", "rv@@@2", 7), Some(6))
            .await
            .expect("cas")
    );
    assert!(store.rotate_refresh_token(c, "wxm_1", &r2, &r3).await.expect("rotate"));
    assert_eq!(stored_version(store, c, "wxm_1").await, ("rv@@@3".to_owned(), 8));
}

async fn locks_are_extended_only_by_their_owner(store: &dyn TokenStore) {
    let k = key("wxc_extend", "wxm_1", TokenKind::AuthorizerAccessToken);
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

async fn fenced_token_writes_need_the_lock(store: &dyn TokenStore) {
    let k = key("wxc_fence", "wxm_1", TokenKind::AuthorizerAccessToken);
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
    let dead_key = key("wxc_fence", "wxm_dead", TokenKind::AuthorizerAccessToken);
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

async fn lock_holders_are_reported_truthfully(store: &dyn TokenStore) {
    let k = key("wxc_holder", "wxm_1", TokenKind::AuthorizerAccessToken);
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
