//! The SDK's metrics through the `metrics` facade: a recorder installed by the test sees every
//! documented name, with the documented labels, for calls and their errcodes, retries (made and
//! refused), token refreshes, a lock wait, a stale token served, store errors and pushes
//! (handled, accepted, duplicate, refused) — and `docs/operations.md` documents exactly those
//! names.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use metrics::{
    Counter, CounterFn, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};
use wx_auth::axum::{InvoicePush, PushRouter};
use wx_auth::metrics::names;
use wx_auth::push::PushQuery;
use wx_auth::{
    AccessToken, AuthError, CacheSettings, Component, MemoryStore, RedisStore, RetryPolicy, TokenCache, TokenKey,
    TokenKind, TokenSource, TokenStore,
};
use wx_invoice_api::InvoiceClient;
use wx_invoice_e2e::{MERCHANT, sandbox_config};
use wx_sandbox::{Fault, Sandbox, SandboxEvent};

/// One recorded sample: the metric's name, its labels, and the increment or value.
type Sample = (String, Vec<(String, String)>, f64);

/// A recorder that keeps every sample.
#[derive(Debug, Default, Clone)]
struct Samples(Arc<Mutex<Vec<Sample>>>);

impl Samples {
    fn all(&self) -> Vec<Sample> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Whether a sample of `name` carries every label of `labels`.
    fn has(&self, name: &str, labels: &[(&str, &str)]) -> bool {
        self.all()
            .iter()
            .any(|(n, ls, _)| n == name && labels.iter().all(|(k, v)| ls.iter().any(|(lk, lv)| lk == k && lv == v)))
    }

    fn assert_has(&self, name: &str, labels: &[(&str, &str)]) {
        assert!(
            self.has(name, labels),
            "no {name} with {labels:?}; recorded: {:#?}",
            self.all().iter().filter(|(n, ..)| n == name).collect::<Vec<_>>()
        );
    }
}

struct Handle {
    key: Key,
    samples: Samples,
}

impl Handle {
    fn push(&self, value: f64) {
        let labels = self
            .key
            .labels()
            .map(|l| (l.key().to_owned(), l.value().to_owned()))
            .collect();
        self.samples
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((self.key.name().to_owned(), labels, value));
    }
}

impl CounterFn for Handle {
    #[allow(clippy::cast_precision_loss)]
    fn increment(&self, value: u64) {
        self.push(value as f64);
    }

    #[allow(clippy::cast_precision_loss)]
    fn absolute(&self, value: u64) {
        self.push(value as f64);
    }
}

impl HistogramFn for Handle {
    fn record(&self, value: f64) {
        self.push(value);
    }
}

impl Recorder for Samples {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(Arc::new(Handle {
            key: key.clone(),
            samples: self.clone(),
        }))
    }

    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(Arc::new(Handle {
            key: key.clone(),
            samples: self.clone(),
        }))
    }
}

fn unix_now() -> String {
    wx_invoice_e2e::now().to_string()
}

/// `plaintext` as WeChat would push it, signed at `timestamp`.
fn push_of(component: &Component, plaintext: &str, timestamp: &str) -> (PushQuery, String) {
    let envelope = component
        .msg_crypt()
        .encrypt(plaintext, timestamp, "1618")
        .expect("encrypt");
    let start = envelope.find("<MsgSignature><![CDATA[").expect("signature") + "<MsgSignature><![CDATA[".len();
    let signature = envelope[start..start + 40].to_owned();
    let query = PushQuery {
        signature: None,
        timestamp: timestamp.to_owned(),
        nonce: "1618".into(),
        encrypt_type: Some("aes".into()),
        msg_signature: Some(signature),
    };
    (query, envelope)
}

const TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";
const INFO_PATH: &str = "/cgi-bin/component/api_get_authorizer_info";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorder_sees_every_documented_metric() {
    let samples = Samples::default();
    metrics::set_global_recorder(samples.clone()).expect("the only recorder of this test binary");
    wx_auth::metrics::describe();

    // Pushes through the router: the ticket and an authorization (handled), an invoice event
    // (accepted).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let sandbox = Sandbox::builder()
        .push_url(format!("http://{addr}/wechat/component"))
        .message_push_url(format!("http://{addr}/wechat/message/$APPID$"))
        .start()
        .await
        .expect("sandbox");
    let store = Arc::new(MemoryStore::new());
    let component = Component::builder(sandbox_config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("component");
    let router = PushRouter::new(component.clone())
        .on_invoice_event(|_: InvoicePush| async { Ok::<_, std::io::Error>(()) })
        .build()
        .expect("router");
    tokio::spawn(axum::serve(listener, router).into_future());
    let flush = || sandbox.flush_pushes(Duration::from_secs(10));
    sandbox.push_verify_ticket();
    assert!(flush().await);
    sandbox.authorize(MERCHANT, &[8, 26]);
    assert!(flush().await);
    sandbox.push_event(SandboxEvent::UserAuthorizeInvoice {
        merchant_appid: MERCHANT.into(),
        order_id: "metrics-order-1".into(),
        s_pappid: "s-pappid".into(),
        source: "web".into(),
        openid: "o-metrics".into(),
    });
    assert!(flush().await);
    assert!(
        sandbox.deliveries().iter().all(|d| d.delivered),
        "{:?}",
        sandbox.deliveries()
    );
    samples.assert_has(
        names::PUSHES,
        &[
            ("url", "authorization"),
            ("kind", "component_verify_ticket"),
            ("outcome", "handled"),
        ],
    );
    samples.assert_has(
        names::PUSHES,
        &[("url", "authorization"), ("kind", "authorized"), ("outcome", "handled")],
    );
    samples.assert_has(
        names::PUSHES,
        &[
            ("url", "message"),
            ("kind", "user_authorize_invoice"),
            ("outcome", "accepted"),
        ],
    );

    // Redeliveries (duplicates), a replay outside the window, a forgery.
    let deliveries = sandbox.deliveries();
    let ticket_plain = &deliveries[0].plaintext;
    let message_plain = &deliveries.last().expect("message").plaintext;
    let (q, body) = push_of(&component, ticket_plain, &unix_now());
    component.handle_push(&q, &body).await.expect("a redelivery is fine");
    let (q, body) = push_of(&component, message_plain, &unix_now());
    assert!(component.accept_message(&q, &body).expect("fine").is_none());
    let (q, body) = push_of(&component, ticket_plain, "1000");
    assert!(
        component
            .handle_push(&q, &body)
            .await
            .expect_err("stale")
            .is_invalid_push()
    );
    let forged = PushQuery {
        msg_signature: Some("0".repeat(40)),
        ..q
    };
    assert!(
        component
            .handle_push(&forged, &body)
            .await
            .expect_err("forged")
            .is_invalid_push()
    );
    samples.assert_has(
        names::PUSHES,
        &[
            ("url", "authorization"),
            ("kind", "component_verify_ticket"),
            ("outcome", "duplicate"),
        ],
    );
    samples.assert_has(
        names::PUSHES,
        &[
            ("url", "message"),
            ("kind", "user_authorize_invoice"),
            ("outcome", "duplicate"),
        ],
    );
    samples.assert_has(
        names::PUSHES_REFUSED,
        &[("url", "authorization"), ("reason", "replay_window")],
    );
    samples.assert_has(
        names::PUSHES_REFUSED,
        &[("url", "authorization"), ("reason", "signature")],
    );

    // Calls: successes by path with errcode 0, their duration, token refreshes.
    samples.assert_has(
        names::CALLS,
        &[("path", TOKEN_PATH), ("errcode", "0"), ("error", "none")],
    );
    samples.assert_has(names::CALL_DURATION, &[("path", TOKEN_PATH), ("result", "ok")]);
    samples.assert_has(names::TOKEN_REFRESHES, &[("kind", "component_token"), ("result", "ok")]);
    // A transient errcode, retried.
    sandbox.inject_fault(Fault::errcode(INFO_PATH, -1, "system error"));
    component.authorizer_info(MERCHANT).await.expect("retried");
    samples.assert_has(names::CALLS, &[("path", INFO_PATH), ("errcode", "0")]);
    samples.assert_has(names::RETRIES, &[("path", INFO_PATH), ("reason", "transient")]);
    // A quota: not retried, counted with its code.
    sandbox.inject_fault(Fault::errcode(INFO_PATH, 45009, "reach max api daily quota limit"));
    let quota = component.authorizer_info(MERCHANT).await.expect_err("quota");
    assert!(matches!(quota, AuthError::QuotaExhausted { .. }), "{quota:?}");
    samples.assert_has(
        names::CALLS,
        &[("path", INFO_PATH), ("errcode", "45009"), ("error", "quota")],
    );
    samples.assert_has(names::CALL_DURATION, &[("path", INFO_PATH), ("result", "error")]);
    // A rejected token, replaced and sent again.
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    let client = InvoiceClient::builder(tokens)
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    client.platform(MERCHANT).set_url().await.expect("seturl");
    sandbox.revoke_token(MERCHANT);
    client
        .platform(MERCHANT)
        .set_url()
        .await
        .expect("seturl with a fresh token");
    samples.assert_has(
        names::RETRIES,
        &[("path", "/card/invoice/seturl"), ("reason", "token_rejected")],
    );
    samples.assert_has(
        names::TOKEN_REFRESHES,
        &[("kind", "authorizer_token"), ("result", "ok")],
    );
    // A retry the budget refuses (its smallest burst pays for one retry, not two).
    let stingy = Component::builder(sandbox_config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .retry(RetryPolicy::default().budget(0.0, 0, 0))
        .build()
        .expect("component");
    sandbox.inject_fault(Fault::errcode(INFO_PATH, -1, "system error").times(2));
    stingy.authorizer_info(MERCHANT).await.expect_err("not retried");
    samples.assert_has(names::RETRIES_REFUSED, &[("path", INFO_PATH), ("reason", "budget")]);
    samples.assert_has(
        names::CALLS,
        &[("path", INFO_PATH), ("errcode", "-1"), ("error", "errcode")],
    );

    // A wait for another process's refresh: its token appears while this one waits.
    let shared: Arc<dyn TokenStore> = store.clone();
    let cache = TokenCache::new(shared.clone(), CacheSettings::default());
    let key = TokenKey::new("wxmetrics", "wxwaiter", TokenKind::WxCardTicket);
    assert!(
        shared
            .try_lock(&key, "another-process", Duration::from_secs(10))
            .await
            .expect("lock")
    );
    let waiter = {
        let (cache, key) = (cache.clone(), key.clone());
        tokio::spawn(async move {
            cache
                .get(&key, || async {
                    Err(AuthError::Config("the other process refreshes".into()))
                })
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let theirs = AccessToken::new("ticket-from-the-other-process", Duration::from_secs(7200));
    shared.put_token(&key, &theirs).await.expect("their write");
    assert_eq!(waiter.await.expect("joined").expect("their token"), theirs);
    samples.assert_has(names::LOCK_WAIT, &[("kind", "wx_card_ticket"), ("outcome", "token")]);

    // A failed refresh while the cached token is still valid: served, and counted.
    let near = TokenKey::new("wxmetrics", "wxnear", TokenKind::WxCardTicket);
    let now = std::time::SystemTime::now();
    let nearly_expired = AccessToken::with_times(
        "nearly-expired",
        now - Duration::from_secs(3500),
        now + Duration::from_secs(100),
    );
    cache.put(&near, &nearly_expired).await;
    let served = cache
        .get(&near, || async {
            Err(AuthError::Timeout {
                path: "/cgi-bin/ticket/getticket".into(),
            })
        })
        .await
        .expect("the cached token");
    assert_eq!(served.expose_secret(), "nearly-expired");
    samples.assert_has(
        names::TOKEN_REFRESHES,
        &[("kind", "wx_card_ticket"), ("result", "error")],
    );
    samples.assert_has(names::STALE_TOKENS_SERVED, &[("kind", "wx_card_ticket")]);

    // A store that cannot be reached.
    let down: Arc<dyn TokenStore> = Arc::new(RedisStore::connect_lazy("redis://127.0.0.1:1/").expect("lazy"));
    let degraded = TokenCache::new(down, CacheSettings::default());
    degraded
        .get(&key, || async {
            Ok(AccessToken::new("local", Duration::from_secs(7200)))
        })
        .await
        .expect("refreshed locally");
    samples.assert_has(names::STORE_ERRORS, &[("backend", "redis"), ("kind", "unavailable")]);

    // Every documented name was seen; the operations guide documents exactly these names.
    let seen: BTreeSet<String> = samples.all().into_iter().map(|(n, ..)| n).collect();
    for name in names::ALL {
        assert!(seen.contains(name), "{name} never recorded; seen {seen:?}");
    }
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/operations.md")).expect("guide");
    let documented: BTreeSet<&str> = guide
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("wx_") && (w.ends_with("_total") || w.ends_with("_seconds")))
        .collect();
    let all: BTreeSet<&str> = names::ALL.into_iter().collect();
    assert_eq!(
        documented, all,
        "docs/operations.md and wx_auth::metrics::names disagree"
    );
    // No label value is a secret or an appid.
    for (name, labels, _) in samples.all() {
        for (_, value) in labels {
            assert!(
                !value.contains("ticket") || value == "component_verify_ticket" || value == "wx_card_ticket",
                "{name}: {value}"
            );
            assert!(
                !value.starts_with("wx") || value.starts_with("wx_"),
                "{name}: an appid as a label: {value}"
            );
        }
    }
}
