//! The push routes of `wx_auth::axum::PushRouter`, fed by the sandbox over loopback HTTP with
//! real signed, encrypted pushes: a forged push is answered 400 and calls nobody; a valid one is
//! answered `success` after the callback ran once; a redelivery (byte for byte, or re-encrypted)
//! is answered `success` without calling it again; a failing callback gets the push delivered
//! again; a slow one is answered in time, never run twice at once, and not cut short.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::sync::Semaphore;
use wx_auth::axum::{InvoicePush, PushRouter};
use wx_auth::{AuthError, Component, MemoryStore};
use wx_invoice_e2e::{MERCHANT, sandbox_config};
use wx_invoice_types::InvoiceEvent;
use wx_sandbox::{Fault, Sandbox, SandboxBuilder, SandboxEvent};

/// Every request the router received, as `(path and query, body)`, so a test can deliver one
/// again exactly as WeChat would.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<(String, Bytes)>>>);

impl Captured {
    fn to(&self, path_prefix: &str) -> Vec<(String, Bytes)> {
        let all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        all.iter()
            .filter(|(uri, _)| uri.starts_with(path_prefix))
            .cloned()
            .collect()
    }
}

async fn capture(State(captured): State<Captured>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body read");
    captured
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((parts.uri.to_string(), bytes.clone()));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

struct Harness {
    sandbox: Sandbox,
    component: Component,
    base: String,
    captured: Captured,
    http: reqwest::Client,
}

impl Harness {
    /// A sandbox pushing to a `PushRouter` built by `configure` (on a fresh component), with the
    /// merchant authorized through the authorization-event URL.
    async fn start(sandbox: SandboxBuilder, configure: impl FnOnce(PushRouter) -> PushRouter) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let sandbox = sandbox
            .push_url(format!("{base}/wechat/component"))
            .message_push_url(format!("{base}/wechat/message/$APPID$"))
            .start()
            .await
            .expect("sandbox");
        let component = Component::builder(sandbox_config())
            .store(Arc::new(MemoryStore::new()))
            .api_base(sandbox.base_url())
            .build()
            .expect("component");
        let captured = Captured::default();
        let router = configure(PushRouter::new(component.clone()))
            .build()
            .expect("router")
            .layer(middleware::from_fn_with_state(captured.clone(), capture));
        tokio::spawn(axum::serve(listener, router).into_future());
        let h = Self {
            sandbox,
            component,
            base,
            captured,
            http: reqwest::Client::new(),
        };
        h.sandbox.push_verify_ticket();
        h.sandbox.authorize(MERCHANT, &[26]);
        assert!(h.flush().await);
        assert!(
            h.component.authorizer(MERCHANT).await.expect("read").is_some(),
            "the authorized push was acted on: {:?}",
            h.sandbox.deliveries()
        );
        h
    }

    async fn flush(&self) -> bool {
        self.sandbox.flush_pushes(Duration::from_secs(20)).await
    }

    fn push_invoice_authorization(&self, order_id: &str) {
        self.sandbox.push_event(SandboxEvent::UserAuthorizeInvoice {
            merchant_appid: MERCHANT.into(),
            order_id: order_id.into(),
            s_pappid: "s-pappid".into(),
            source: "web".into(),
            openid: "o-user-1".into(),
        });
    }

    /// Sends `(uri, body)` to the router again; returns the status and body of the answer.
    async fn deliver(&self, uri: &str, body: Bytes) -> (u16, String) {
        let resp = self
            .http
            .post(format!("{}{uri}", self.base))
            .body(body)
            .send()
            .await
            .expect("sent");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    }

    /// The last message push's plaintext, encrypted anew with a fresh timestamp and nonce (what
    /// WeChat sends when it redelivers), as `(uri, body)`.
    fn reencrypted_last_message(&self) -> (String, Bytes) {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            .to_string();
        self.reencrypted_last_message_at(&timestamp)
    }

    /// As [`reencrypted_last_message`](Self::reencrypted_last_message), signed at `timestamp`.
    fn reencrypted_last_message_at(&self, timestamp: &str) -> (String, Bytes) {
        let delivery = self
            .sandbox
            .deliveries()
            .into_iter()
            .rev()
            .find(|d| d.url.contains("/wechat/message/"))
            .expect("a message push");
        let envelope = self
            .component
            .msg_crypt()
            .encrypt(&delivery.plaintext, timestamp, "271828")
            .expect("encrypt");
        let signature = between(&envelope, "<MsgSignature><![CDATA[", "]]>");
        let uri = format!(
            "/wechat/message/{MERCHANT}?timestamp={timestamp}&nonce=271828&openid=o-user-1&encrypt_type=aes&msg_signature={signature}"
        );
        (uri, Bytes::from(envelope))
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect("start marker") + start.len();
    let len = text[from..].find(end).expect("end marker");
    &text[from..from + len]
}

fn order_of(push: &InvoicePush) -> Option<String> {
    match &push.event {
        InvoiceEvent::UserAuthorizeInvoice(u) => u.authorized_order_id().map(str::to_owned),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_push_is_answered_400_and_calls_nobody() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let h = Harness::start(Sandbox::builder(), move |r| {
        r.on_invoice_event(move |_push: InvoicePush| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, std::io::Error>(()) }
        })
    })
    .await;
    let forged = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[AAAA]]></Encrypt></xml>";
    let now = wx_invoice_e2e::now();
    let query = format!("timestamp={now}&nonce=2&encrypt_type=aes&msg_signature=abc");
    for path in ["/wechat/component", &format!("/wechat/message/{MERCHANT}")] {
        for (uri, body) in [
            (format!("{path}?{query}"), Bytes::from(forged)),
            (path.to_owned(), Bytes::from(forged)),
            (format!("{path}?{query}"), Bytes::from_static(&[0xff, 0xfe, 0x00])),
        ] {
            let (status, text) = h.deliver(&uri, body).await;
            assert_eq!(status, 400, "{uri}");
            assert_ne!(text, "success");
        }
    }
    assert!(
        h.sandbox
            .deliveries()
            .iter()
            .all(|d| !d.url.contains("/wechat/message/"))
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no forged push reached the callback");

    // A genuine message, correctly signed but at a time outside the replay window, is refused.
    h.push_invoice_authorization("order-forged-1");
    assert!(h.flush().await);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let (uri, body) = h.reencrypted_last_message_at("1000");
    assert_eq!(h.deliver(&uri, body).await.0, 400);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the stale replay called nobody");
    let err = AuthError::Push(wx_auth::push::PushError::MissingMsgSignature);
    assert!(err.is_invalid_push());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_push_calls_the_callback_once_and_redeliveries_do_not() {
    let received = Arc::new(Mutex::new(Vec::<InvoicePush>::new()));
    let sink = received.clone();
    let h = Harness::start(Sandbox::builder(), move |r| {
        r.on_invoice_event(move |push: InvoicePush| {
            sink.lock().unwrap_or_else(PoisonError::into_inner).push(push);
            async { Ok::<_, std::io::Error>(()) }
        })
    })
    .await;
    // The authorization-event URL answered `success` to the ticket and the authorization.
    let deliveries = h.sandbox.deliveries();
    assert!(
        deliveries
            .iter()
            .all(|d| d.delivered && d.reply.as_deref() == Some("success")),
        "{deliveries:?}"
    );

    h.push_invoice_authorization("order-once-1");
    assert!(h.flush().await);
    let last = h.sandbox.deliveries().pop().expect("delivery");
    assert!(last.delivered && last.reply.as_deref() == Some("success"), "{last:?}");
    {
        let got = received.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].authorizer_appid, MERCHANT);
        assert_eq!(got[0].openid.as_deref(), Some("o-user-1"));
        assert_eq!(order_of(&got[0]).as_deref(), Some("order-once-1"));
    }

    // WeChat did not get the answer and delivers the very same request again…
    let (uri, body) = h.captured.to("/wechat/message/").pop().expect("captured");
    assert_eq!(h.deliver(&uri, body).await, (200, "success".to_owned()));
    // …or the same message encrypted anew.
    let (uri, body) = h.reencrypted_last_message();
    assert_eq!(h.deliver(&uri, body).await, (200, "success".to_owned()));
    assert_eq!(
        received.lock().unwrap_or_else(PoisonError::into_inner).len(),
        1,
        "not called again"
    );

    // A different event is handed on.
    h.push_invoice_authorization("order-once-2");
    assert!(h.flush().await);
    let got = received.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(got.len(), 2);
    assert_eq!(order_of(&got[1]).as_deref(), Some("order-once-2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_callback_gets_the_push_delivered_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let h = Harness::start(
        Sandbox::builder().push_retry_delay(Duration::from_millis(50)),
        move |r| {
            r.on_invoice_event(move |_push: InvoicePush| {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Err(std::io::Error::other("database unavailable"))
                    } else {
                        Ok(())
                    }
                }
            })
        },
    )
    .await;
    h.push_invoice_authorization("order-retry-1");
    assert!(h.flush().await);
    let attempts: Vec<_> = h
        .sandbox
        .deliveries()
        .into_iter()
        .filter(|d| d.url.contains("/wechat/message/"))
        .collect();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!((attempts[0].status, attempts[0].delivered), (Some(500), false));
    assert!(attempts[1].delivered, "{:?}", attempts[1]);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "called again for WeChat's redelivery");
    let (uri, body) = h.captured.to("/wechat/message/").pop().expect("captured");
    assert_eq!(h.deliver(&uri, body).await.0, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "handled now: not called a third time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_callback_is_answered_in_time_never_run_twice_at_once_and_not_cut_short() {
    let gate = Arc::new(Semaphore::new(0));
    let (calls, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (g, c, f) = (gate.clone(), calls.clone(), finished.clone());
    let h = Harness::start(Sandbox::builder().push_retries(0), move |r| {
        r.answer_within(Duration::from_millis(200))
            .on_invoice_event(move |_push: InvoicePush| {
                c.fetch_add(1, Ordering::SeqCst);
                let (g, f) = (g.clone(), f.clone());
                async move {
                    // Runs until the test opens the gate, however long that takes.
                    g.acquire().await.expect("gate").forget();
                    f.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, std::io::Error>(())
                }
            })
    })
    .await;
    h.push_invoice_authorization("order-slow-1");
    assert!(h.flush().await);
    let first = h.sandbox.deliveries().pop().expect("delivery");
    assert_eq!(
        first.status,
        Some(503),
        "answered before the callback could finish: {first:?}"
    );
    assert_eq!(finished.load(Ordering::SeqCst), 0);

    // WeChat redelivers while the callback still runs: not started a second time.
    let (uri, body) = h.captured.to("/wechat/message/").pop().expect("captured");
    assert_eq!(h.deliver(&uri, body.clone()).await.0, 503);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // The callback finishes on its own (the answer did not cancel it); the next redelivery is
    // acknowledged without another call.
    gate.add_permits(1);
    for _ in 0..200 {
        if finished.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    let mut answer = (0, String::new());
    for _ in 0..50 {
        answer = h.deliver(&uri, body.clone()).await;
        if answer.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(answer, (200, "success".to_owned()));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authorization_push_that_takes_too_long_is_answered_503_and_still_acted_on() {
    const SLOW: &str = "wxbeef000000000077";
    let h = Harness::start(Sandbox::builder().push_retries(0), |r| {
        r.answer_within(Duration::from_millis(200))
    })
    .await;
    h.sandbox.inject_fault(Fault::delay(
        "/cgi-bin/component/api_query_auth",
        Duration::from_secs(2),
    ));
    h.sandbox.authorize(SLOW, &[8, 26]);
    assert!(h.flush().await);
    let push = h.sandbox.deliveries().pop().expect("delivery");
    assert_eq!(push.status, Some(503), "{push:?}");
    assert!(
        h.component.authorizer(SLOW).await.expect("read").is_none(),
        "still being exchanged"
    );
    let mut stored = None;
    for _ in 0..100 {
        stored = h.component.authorizer(SLOW).await.expect("read");
        if stored.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stored = stored.expect("the exchange went on after the answer and stored the grant");
    assert_eq!(stored.permission_sets, Some(vec![8, 26]));
}
