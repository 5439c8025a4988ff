//! Replayed and redelivered pushes: ordered by `CreateTime`, refused outside the replay
//! window, acted on once.

use std::sync::Arc;

use secrecy::ExposeSecret;
use wx_auth::push::PushError;
use wx_auth::{AuthError, Component, MemoryStore, TokenStore};
use wx_sandbox::Sandbox;

use crate::support::{APPID, MERCHANT, authorized_xml, config, push_at, ticket_xml, unix_now};

fn sharing(store: &Arc<MemoryStore>, sandbox: &Sandbox) -> Component {
    Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("builds")
}

/// A sandbox and a component over a store of its own, holding a verify ticket.
async fn with_ticket() -> (Sandbox, Component) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let c = sharing(&Arc::new(MemoryStore::new()), &sandbox);
    c.set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    (sandbox, c)
}

async fn stored_ticket(store: &MemoryStore) -> String {
    store
        .get_verify_ticket(APPID)
        .await
        .expect("store")
        .expect("a ticket")
        .ticket
        .expose_secret()
        .to_owned()
}

#[tokio::test]
async fn a_replayed_older_ticket_never_replaces_a_newer_one() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let store = Arc::new(MemoryStore::new());
    let first = sharing(&store, &sandbox);
    let now = unix_now();
    let older = push_at(&first, &ticket_xml("ticket@@@older", now - 600), now - 60, "1");
    let newer = push_at(&first, &ticket_xml("ticket@@@newer", now), now, "2");
    first.handle_push(&older.0, &older.1).await.expect("older ticket");
    first.handle_push(&newer.0, &newer.1).await.expect("newer ticket");
    assert_eq!(stored_ticket(&store).await, "ticket@@@newer");

    // Another process (no memory of what the first one handled) receives the captured push.
    let second = sharing(&store, &sandbox);
    second.handle_push(&older.0, &older.1).await.expect("acknowledged");
    assert_eq!(stored_ticket(&store).await, "ticket@@@newer", "the replay did not win");
    // The same process also ignores it.
    first.handle_push(&older.0, &older.1).await.expect("acknowledged");
    assert_eq!(stored_ticket(&store).await, "ticket@@@newer");
}

#[tokio::test]
async fn a_push_signed_outside_the_window_is_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let store = Arc::new(MemoryStore::new());
    let c = sharing(&store, &sandbox);
    let now = unix_now();
    for sent in [now - 601 - 60, now + 601 + 60] {
        let (q, body) = push_at(&c, &ticket_xml("ticket@@@stale", now), sent, "3");
        let e = c.handle_push(&q, &body).await.expect_err("outside the window");
        assert!(
            matches!(e, AuthError::Push(PushError::OutsideReplayWindow { .. })),
            "{e:?}"
        );
    }
    assert!(
        store.get_verify_ticket(APPID).await.expect("store").is_none(),
        "nothing stored"
    );
    let (q, body) = push_at(&c, &ticket_xml("ticket@@@fresh", now), now - 30, "4");
    c.handle_push(&q, &body).await.expect("inside the window");
    let narrow = Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .push_replay_window(std::time::Duration::from_secs(10))
        .build()
        .expect("builds");
    assert!(narrow.handle_push(&q, &body).await.is_err(), "the window is a setting");
}

#[tokio::test]
async fn a_redelivered_push_is_acknowledged_and_acted_on_once() {
    let (sandbox, c) = with_ticket().await;
    let code = sandbox.authorize(MERCHANT, &[26]);
    let now = unix_now();
    let xml = authorized_xml(&code, now);
    // WeChat redelivers after a slow answer: the same message, maybe re-encrypted.
    let first = push_at(&c, &xml, now, "5");
    let again = push_at(&c, &xml, now + 5, "6");
    for (q, body) in [&first, &again, &first] {
        c.handle_push(q, body).await.expect("acknowledged");
    }
    assert_eq!(
        sandbox.count("/cgi-bin/component/api_query_auth"),
        1,
        "the code was exchanged once"
    );
}

#[tokio::test]
async fn the_redirect_and_the_push_exchanging_one_code_at_once_share_one_exchange() {
    let (sandbox, c) = with_ticket().await;
    let code = sandbox.authorize(MERCHANT, &[26]);
    // WeChat consumes the code at once but answers the redirect's exchange slowly, so the
    // push arrives while that exchange is still under way.
    sandbox.inject_fault(wx_sandbox::Fault::apply_then_delay(
        "/cgi-bin/component/api_query_auth",
        std::time::Duration::from_millis(400),
    ));
    let now = unix_now();
    let (q, body) = push_at(&c, &authorized_xml(&code, now), now, "7");
    let push = async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        c.handle_push(&q, &body).await
    };
    let (redirect, push) = tokio::join!(c.query_auth(&code), push);
    let grant = redirect.expect("the redirect's exchange");
    push.expect("the push is acknowledged");
    assert_eq!(grant.authorizer_appid, MERCHANT);
    assert_eq!(
        sandbox.count("/cgi-bin/component/api_query_auth"),
        1,
        "the push waited for the exchange under way instead of sending the used code again"
    );
    // Two redirects at once (a double click) also share one exchange.
    let code = sandbox.authorize(MERCHANT, &[26]);
    let (a, b) = tokio::join!(c.query_auth(&code), c.query_auth(&code));
    assert_eq!(a.expect("first").permission_sets, b.expect("second").permission_sets);
    assert_eq!(sandbox.count("/cgi-bin/component/api_query_auth"), 2);
}
