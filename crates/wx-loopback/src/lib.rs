//! A minimal HTTP/1.1 server on loopback for the SDK's benchmarks and measurement programs.
//!
//! It answers every request with a fixed JSON body chosen by a part of its request line (the
//! first [`Routes`] entry the line contains, else the fallback), keeps connections open, and
//! does nothing else — so that what a benchmark measures is the client, not the server. Each
//! connection is a Tokio task; the server runs on threads of its own.
//!
//! ```no_run
//! let routes = wx_loopback::Routes::new(r#"{"errcode":0,"errmsg":"ok"}"#)
//!     .answer("api_component_token", r#"{"component_access_token":"t","expires_in":7200}"#);
//! let base = wx_loopback::spawn(routes, 1);
//! assert!(base.starts_with("http://127.0.0.1:"));
//! ```

use std::net::TcpListener;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Which body answers which request.
#[derive(Debug, Clone)]
pub struct Routes {
    /// `(part of the request line, whole response)`, tried in order.
    routes: Vec<(String, Arc<[u8]>)>,
    fallback: Arc<[u8]>,
}

/// A `200 OK` response carrying `json`.
fn response(json: &str) -> Arc<[u8]> {
    let mut bytes = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        json.len()
    )
    .into_bytes();
    bytes.extend_from_slice(json.as_bytes());
    bytes.into()
}

impl Routes {
    /// Every request is answered with `json`, unless a route added later matches.
    pub fn new(json: &str) -> Self {
        Self {
            routes: Vec::new(),
            fallback: response(json),
        }
    }

    /// Requests whose request line contains `part` (a path, say) are answered with `json`.
    #[must_use]
    pub fn answer(mut self, part: &str, json: &str) -> Self {
        self.routes.push((part.to_owned(), response(json)));
        self
    }

    fn for_line(&self, line: &str) -> &[u8] {
        self.routes
            .iter()
            .find(|(part, _)| line.contains(part.as_str()))
            .map_or(&self.fallback, |(_, response)| response)
    }
}

/// Serves `routes` on `listener` with `workers` threads, until the process exits.
///
/// # Panics
/// If the runtime cannot start or the listener cannot be handed to it (a set-up failure of the
/// measuring program, not of the code measured).
pub fn serve(listener: TcpListener, routes: Routes, workers: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_io()
        .build()
        .expect("the loopback server's runtime starts");
    let routes = Arc::new(routes);
    runtime.block_on(async move {
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let listener = tokio::net::TcpListener::from_std(listener).expect("the listener joins the runtime");
        while let Ok((stream, _)) = listener.accept().await {
            let routes = routes.clone();
            tokio::spawn(async move {
                let _ = answer_all(stream, &routes).await;
            });
        }
    });
}

/// Starts a server on a free loopback port, on threads of its own, and returns its base URL
/// (`http://127.0.0.1:port`).
///
/// # Panics
/// If no loopback port can be bound.
pub fn spawn(routes: Routes, workers: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let base = format!("http://{}", listener.local_addr().expect("a bound address"));
    std::thread::spawn(move || serve(listener, routes, workers));
    base
}

async fn answer_all(stream: tokio::net::TcpStream, routes: &Routes) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let response = routes.for_line(&line);
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body).await?;
        writer.write_all(response).await?;
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};

    use super::*;

    fn exchange(stream: &mut std::net::TcpStream, reader: &mut BufReader<std::net::TcpStream>, path: &str) -> String {
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{{}}"
        )
        .expect("request");
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("head");
            if line.trim_end().is_empty() {
                break;
            }
            if let Some(value) = line.trim_end().strip_prefix("content-length: ") {
                length = value.parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        String::from_utf8(body).expect("utf-8")
    }

    #[test]
    fn each_request_on_a_kept_connection_gets_the_body_of_its_route() {
        let base = spawn(Routes::new("fallback").answer("/token", "token"), 1);
        let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).expect("connect");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        assert_eq!(exchange(&mut stream, &mut reader, "/token?x=1"), "token");
        assert_eq!(exchange(&mut stream, &mut reader, "/other"), "fallback");
        assert_eq!(exchange(&mut stream, &mut reader, "/token"), "token");
    }
}
