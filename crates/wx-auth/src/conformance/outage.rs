//! A store whose backend is down: every operation fails as unavailable, in bounded time.

use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::{AccessToken, AuthorizerRecord, StoreError, TokenKey, TokenKind, TokenStore, VerifyTicket};

/// Checks a store whose backend is down (stopped, unreachable): every operation must fail with
/// an [`is_unavailable`](StoreError::is_unavailable) error within `within`, and none may panic
/// or report success. Panics naming the first operation that did not.
pub async fn check_outage(store: &dyn TokenStore, within: Duration) {
    for (name, result, took) in every_operation(store).await {
        match result {
            Ok(()) => panic!("conformance: {name} reported success while the backend is down"),
            Err(e) => assert!(
                e.is_unavailable(),
                "conformance: {name} failed during an outage, but not as unavailable: {e}"
            ),
        }
        assert!(
            took <= within,
            "conformance: {name} took {took:?} during an outage (bound: {within:?})"
        );
    }
}

/// Runs every operation of the trait once against `store` (on keys of its own, under
/// `outage_component`), returning each operation's name, whether it failed and how long it
/// took: the raw material of [`check_outage`], for a test that checks a store before, during
/// and after an outage.
pub async fn every_operation(store: &dyn TokenStore) -> Vec<(&'static str, Result<(), StoreError>, Duration)> {
    let c = "outage_component";
    let k = TokenKey::new(c, "outage_merchant", TokenKind::AuthorizerAccessToken);
    let token = AccessToken::new("outage-token", Duration::from_secs(600));
    let mut record = AuthorizerRecord::new("outage_merchant", SecretString::from("r"), None);
    record.version = 1;
    let (a, b) = (SecretString::from("r"), SecretString::from("r2"));
    let ticket = VerifyTicket::new("t");
    let mut out = Vec::new();
    macro_rules! time {
        ($name:literal, $call:expr) => {{
            let started = Instant::now();
            let result = $call.await.map(|_| ());
            out.push(($name, result, started.elapsed()));
        }};
    }
    time!("get_token", store.get_token(&k));
    time!("put_token", store.put_token(&k, &token));
    time!("delete_token_if", store.delete_token_if(&k, &token));
    time!("get_authorizer", store.get_authorizer(c, "outage_merchant"));
    time!("put_authorizer", store.put_authorizer(c, &record));
    time!("put_authorizer_if", store.put_authorizer_if(c, &record, None));
    time!(
        "rotate_refresh_token",
        store.rotate_refresh_token(c, "outage_merchant", &a, &b)
    );
    time!("list_authorizers", store.list_authorizers(c));
    time!("get_verify_ticket", store.get_verify_ticket(c));
    time!("put_verify_ticket", store.put_verify_ticket(c, &ticket));
    time!("try_lock", store.try_lock(&k, "me", Duration::from_secs(5)));
    time!("extend_lock", store.extend_lock(&k, "me", Duration::from_secs(5)));
    time!("put_token_if_owner", store.put_token_if_owner(&k, &token, "me"));
    time!("unlock", store.unlock(&k, "me"));
    out
}
