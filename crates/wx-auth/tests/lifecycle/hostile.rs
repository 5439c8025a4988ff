//! A tiny HTTP server that answers whatever a test tells it to, for answers no honest WeChat
//! (nor the sandbox) gives: absurd lifetimes, empty tokens, bodies echoing the request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub body: String,
}

type Answer = dyn Fn(&Seen) -> (u16, String) + Send + Sync;

/// A running hostile server; dropped with the test's runtime.
#[derive(Clone)]
pub struct Hostile {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    /// Starts a server answering every request with `answer(request)` as `(status, JSON body)`.
    pub async fn start(answer: impl Fn(&Seen) -> (u16, String) + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answer: Arc<Answer> = Arc::new(answer);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let answer = answer.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    log.lock().expect("log").push(request.clone());
                    let (status, body) = answer(&request);
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(body.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Hostile { base, seen }
    }

    /// A server answering each path from a table (unknown paths: `{"errcode":404}`).
    pub async fn table(answers: &[(&str, &str)]) -> Hostile {
        let table: HashMap<String, String> = answers
            .iter()
            .map(|(p, b)| ((*p).to_owned(), (*b).to_owned()))
            .collect();
        Self::start(move |seen| match table.get(&seen.path) {
            Some(body) => (200, body.clone()),
            None => (404, r#"{"errcode":404,"errmsg":"no such path"}"#.to_owned()),
        })
        .await
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }

    /// How many requests went to `path`.
    pub fn count(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let target = head.split_whitespace().nth(1)?.to_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Seen {
        path: path.to_owned(),
        query: query.to_owned(),
        body,
    })
}
