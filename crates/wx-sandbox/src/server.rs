//! Serving connections: one hyper HTTP/1.1 task per socket. Every request carries a
//! [`ConnectionCloser`] for its connection, so a fault can end the connection before a single
//! byte of the answer is written — what a client sees when WeChat's answer is lost.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Closes the connection a request came on (found in the request's extensions).
#[derive(Debug, Clone)]
pub(crate) struct ConnectionCloser(Arc<Notify>);

impl ConnectionCloser {
    /// The connection task drops the connection — with the request in flight and its unsent
    /// answer — at its next turn; the peer sees the socket closed without a response.
    pub(crate) fn close(&self) {
        self.0.notify_one();
    }
}

/// Accepts connections until `stop` resolves, then stops accepting, lets open connections
/// finish their current request (idle keep-alive connections close at once) and returns when
/// all are closed.
pub(crate) async fn serve(listener: TcpListener, router: Router, stop: impl Future<Output = ()>) {
    let (draining_tx, draining) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone(), draining.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "wx-sandbox could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = draining_tx.send(true);
    while connections.join_next().await.is_some() {}
}

async fn serve_connection(stream: TcpStream, router: Router, mut draining: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let closer = ConnectionCloser(Arc::new(Notify::new()));
    let for_requests = closer.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(for_requests.clone());
        router.clone().oneshot(req)
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(error = %e, "wx-sandbox connection ended with an error");
                }
                return;
            }
            // Dropping `conn` closes the socket with nothing more written.
            () = closer.0.notified() => return,
            _ = draining.changed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
