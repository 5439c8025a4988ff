//! What the warm-up measurements share (`examples/warm_authorizers.rs`, `benches/warm_up.rs`):
//! a platform's authorizer records, the component over them, the warm-up by concurrent callers
//! through `AuthorizerTokens`, and the bare reqwest baseline sending the same token request.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use wx_auth::{
    AuthorizerRecord, AuthorizerTokens, Component, ComponentConfig, MemoryStore, SecretString, TokenSource, TokenStore,
};

pub const COMPONENT: &str = "wxcomponent0000001";

/// The appid of authorizer number `i`.
pub fn appid(i: usize) -> String {
    format!("wx{i:016x}")
}

/// A token as WeChat issues them: 157 characters.
pub fn token(prefix: &str) -> String {
    format!("{prefix}{}", "x".repeat(157 - prefix.len()))
}

/// What the loopback server answers: WeChat's two token calls, with 157-character tokens.
pub fn routes() -> wx_loopback::Routes {
    let component = format!(
        r#"{{"component_access_token":"{}","expires_in":7200}}"#,
        token("COMPONENT_")
    );
    let authorizer = format!(
        r#"{{"authorizer_access_token":"{}","expires_in":7200}}"#,
        token("89_AUTHORIZER_")
    );
    wx_loopback::Routes::new(&authorizer).answer("api_component_token", &component)
}

/// A `MemoryStore` holding `count` authorizer records (realistic refresh tokens, the permission
/// sets of an invoicing merchant). No list of appids is kept beside it: the records hold them.
pub async fn records(count: usize) -> Arc<dyn TokenStore> {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    for i in 0..count {
        let name = appid(i);
        let refresh = SecretString::from(format!("refreshtoken@@@{name}{}", "r".repeat(25)));
        let record = AuthorizerRecord::new(name, refresh, Some(vec![1, 2, 3, 4, 5, 8, 11, 26]));
        store.put_authorizer(COMPONENT, &record).await.expect("record");
    }
    store
}

/// A component with the default settings over `store`, calling the server at `base`, holding a
/// verify ticket.
pub async fn component(store: Arc<dyn TokenStore>, base: &str) -> Component {
    let component = Component::builder(ComponentConfig {
        component_appid: COMPONENT.into(),
        component_appsecret: SecretString::from("component-secret"),
        token: SecretString::from("push-token"),
        encoding_aes_key: SecretString::from("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
    })
    .store(store)
    .api_base(base)
    .build()
    .expect("component");
    component.set_verify_ticket("ticket@@@verify").await.expect("ticket");
    component
}

/// `tasks` tasks sharing `count` jobs, each task doing `job(i)` for the next free `i`; returns
/// how long all took.
async fn share<F, Fut>(count: usize, tasks: usize, job: F) -> Duration
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let (next, job) = (next.clone(), job.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return;
                    }
                    job(i).await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    started.elapsed()
}

/// Fetches the tokens of authorizers `0..count` through `tokens`, `callers` at a time.
pub async fn warm(tokens: &AuthorizerTokens, count: usize, callers: usize) -> Duration {
    let tokens = tokens.clone();
    share(count, callers, move |i| {
        let tokens = tokens.clone();
        async move {
            tokens.access_token(&appid(i)).await.expect("token");
        }
    })
    .await
}

/// A bare reqwest client (no redirects, a pre-built URL) sending the same
/// `api_authorizer_token` request `count` times, `callers` at a time, parsing each token.
pub async fn bare(base: &str, count: usize, callers: usize) -> Duration {
    #[derive(serde::Deserialize)]
    struct Answer {
        authorizer_access_token: String,
    }
    let client = wx_auth::reqwest::Client::builder()
        .redirect(wx_auth::reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = wx_auth::reqwest::Url::parse(&format!(
        "{base}/cgi-bin/component/api_authorizer_token?component_access_token={}",
        token("COMPONENT_")
    ))
    .expect("url");
    share(count, callers, move |i| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = format!(
                r#"{{"component_appid":"{COMPONENT}","authorizer_appid":"{}","authorizer_refresh_token":"refreshtoken@@@{}"}}"#,
                appid(i),
                "r".repeat(25)
            );
            let bytes = client
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("answer")
                .bytes()
                .await
                .expect("body");
            let answer: Answer = serde_json::from_slice(&bytes).expect("token answer");
            std::hint::black_box(answer.authorizer_access_token);
        }
    })
    .await
}
