//! The platform's push endpoint in the soak: an HTTP server handing every push to
//! `Component::handle_push`, remembering each delivery so it can be replayed later.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use wx_auth::Component;
use wx_auth::push::PushQuery;

type Delivery = (String, String);

pub struct PushEndpoint {
    url: String,
    listener: Mutex<Option<tokio::net::TcpListener>>,
    delivered: Arc<Mutex<Vec<Delivery>>>,
    http: reqwest::Client,
}

impl PushEndpoint {
    pub async fn bind() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/push", listener.local_addr().expect("addr"));
        Self {
            url,
            listener: Mutex::new(Some(listener)),
            delivered: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Starts answering pushes with `component`.
    pub fn serve(&self, component: Component) {
        let listener = self.listener.lock().expect("listener").take().expect("served once");
        let delivered = self.delivered.clone();
        let app = axum::Router::new()
            .route("/push", post(handle))
            .with_state((component, delivered));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
    }

    pub fn deliveries(&self) -> usize {
        self.delivered.lock().expect("deliveries").len()
    }

    /// Sends delivery `index` again, exactly as it came (a captured push replayed).
    pub async fn replay(&self, index: usize) -> bool {
        let Some((query, body)) = self.delivered.lock().expect("deliveries").get(index).cloned() else {
            return false;
        };
        self.http
            .post(format!("{}?{query}", self.url))
            .body(body)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }
}

async fn handle(
    State((component, delivered)): State<(Component, Arc<Mutex<Vec<Delivery>>>)>,
    raw: axum::extract::RawQuery,
    Query(query): Query<PushQuery>,
    body: String,
) -> (StatusCode, &'static str) {
    match component.handle_push(&query, &body).await {
        Ok(_) => {
            delivered
                .lock()
                .expect("deliveries")
                .push((raw.0.unwrap_or_default(), body));
            (StatusCode::OK, "success")
        }
        Err(e) => {
            eprintln!("push refused: {e}");
            (StatusCode::BAD_REQUEST, "error")
        }
    }
}
