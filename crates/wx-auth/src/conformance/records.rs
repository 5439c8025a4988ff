//! Durable data: authorizer records (unconditional and versioned writes), refresh-token
//! rotation, the per-component listing, verify tickets.

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use super::{Run, key, millis_apart, record};
use crate::{AccessToken, AuthorizerRecord, AuthorizerStatus, TokenKind, TokenStore, VerifyTicket};

fn versioned(appid: &str, refresh: &str, version: u64) -> AuthorizerRecord {
    let mut r = record(appid, refresh, Some(vec![8]));
    r.version = version;
    r
}

async fn stored_version(store: &dyn TokenStore, c: &str, appid: &str) -> (String, u64) {
    let read = store.get_authorizer(c, appid).await.expect("get").expect("present");
    (read.refresh_token.expose_secret().to_owned(), read.version)
}

pub(super) async fn authorizer_records_are_durable(run: &Run, store: &dyn TokenStore) {
    let component = run.c("wxc_records");
    let c = component.as_str();
    assert!(store.get_authorizer(c, "wxm_1").await.expect("get").is_none());

    let written = record("wxm_1", "refresh@@@1", Some(vec![8, 26]));
    store.put_authorizer(c, &written).await.expect("put");
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.authorizer_appid, "wxm_1");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@1");
    assert_eq!(read.permission_sets, Some(vec![8, 26]));
    assert_eq!(read.status, AuthorizerStatus::Authorized);
    assert!(millis_apart(read.updated_at, written.updated_at) < Duration::from_millis(1));
    assert_eq!(read.last_push_at, None, "no authorization event recorded yet");

    // A put replaces the whole record; unknown and empty permission lists survive as such.
    let mut revoked = record("wxm_1", "refresh@@@2", None);
    revoked.status = AuthorizerStatus::Revoked;
    let pushed_at = SystemTime::now() - Duration::from_secs(90);
    revoked.last_push_at = Some(pushed_at);
    store.put_authorizer(c, &revoked).await.expect("put");
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert_eq!(read.refresh_token.expose_secret(), "refresh@@@2");
    assert_eq!(read.permission_sets, None);
    assert_eq!(read.status, AuthorizerStatus::Revoked);
    let kept = read.last_push_at.expect("the last authorization event is kept");
    assert!(millis_apart(kept, pushed_at) < Duration::from_millis(1));

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

pub(super) async fn rotation_is_compare_and_set(run: &Run, store: &dyn TokenStore) {
    let component = run.c("wxc_rotate");
    let c = component.as_str();
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

pub(super) async fn record_writes_are_compare_and_set_on_the_version(run: &Run, store: &dyn TokenStore) {
    let component = run.c("wxc_cas");
    let c = component.as_str();
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

    // Every field is written as given, the last authorization event included.
    let mut with_event = versioned("wxm_1", "r2", 3);
    let at = SystemTime::now() - Duration::from_secs(30);
    with_event.last_push_at = Some(at);
    assert!(store.put_authorizer_if(c, &with_event, Some(2)).await.expect("cas"));
    let read = store.get_authorizer(c, "wxm_1").await.expect("get").expect("present");
    assert!(millis_apart(read.last_push_at.expect("kept"), at) < Duration::from_millis(1));
    let mut fresh = versioned("wxm_event", "r", 1);
    fresh.last_push_at = Some(at);
    assert!(store.put_authorizer_if(c, &fresh, None).await.expect("cas"));
    let read = store
        .get_authorizer(c, "wxm_event")
        .await
        .expect("get")
        .expect("present");
    assert!(millis_apart(read.last_push_at.expect("kept"), at) < Duration::from_millis(1));

    // A version may jump ahead (a writer that merged several changes).
    assert!(
        store
            .put_authorizer_if(c, &versioned("wxm_1", "r9", 9), Some(3))
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

pub(super) async fn rotation_adds_one_to_the_version(run: &Run, store: &dyn TokenStore) {
    let component = run.c("wxc_rotate_version");
    let c = component.as_str();
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

pub(super) async fn authorizers_are_listed_per_component(run: &Run, store: &dyn TokenStore) {
    assert!(
        store
            .list_authorizers(&run.c("wxc_list_empty"))
            .await
            .expect("list")
            .is_empty()
    );
    for appid in ["wxm_c", "wxm_a", "wxm_b"] {
        store
            .put_authorizer(&run.c("wxc_list"), &record(appid, "r", None))
            .await
            .expect("put");
    }
    store
        .put_authorizer(&run.c("wxc_list"), &record("wxm_a", "r2", Some(vec![8])))
        .await
        .expect("re-put");
    store
        .put_authorizer(&run.c("wxc_list_other"), &record("wxm_z", "r", None))
        .await
        .expect("put");
    assert_eq!(
        store.list_authorizers(&run.c("wxc_list")).await.expect("list"),
        ["wxm_a", "wxm_b", "wxm_c"],
        "sorted, once each, only this component's"
    );
    assert_eq!(
        store.list_authorizers(&run.c("wxc_list_other")).await.expect("list"),
        ["wxm_z"]
    );
}

pub(super) async fn verify_tickets_keep_the_newest(run: &Run, store: &dyn TokenStore) {
    let component = run.c("wxc_ticket");
    let c = component.as_str();
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
