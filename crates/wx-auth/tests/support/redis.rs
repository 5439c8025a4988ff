//! A real Redis for tests: the one at `REDIS_URL` (default `redis://127.0.0.1:6379`), or a
//! `redis-server` started on a free loopback port when nothing answers there; plus throwaway
//! servers for outage tests and per-test key prefixes that clean up after themselves.
//!
//! Tests never skip silently: without a Redis and without `redis-server`, they panic and say
//! how to get one.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;

const DEFAULT_URL: &str = "redis://127.0.0.1:6379";
pub const HOW_TO_GET_ONE: &str = "install redis-server (`apt-get install redis-server`) or set REDIS_URL to a Redis \
                              the tests may write to (they only touch keys under a random prefix)";

/// The Redis a test talks to. Keeps the `redis-server` it started (if any) alive until dropped.
#[derive(Debug)]
pub struct TestRedis {
    url: String,
    _server: Option<ServerProcess>,
}

impl TestRedis {
    /// The connection URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A raw connection, for inspecting keys behind the store's back.
    pub async fn raw(&self) -> MultiplexedConnection {
        raw_connection(&self.url).await
    }
}

/// The Redis at `REDIS_URL`, or the default URL, or a fresh `redis-server` when nothing answers
/// at the default URL. Panics with instructions when none of these works.
pub fn test_redis() -> TestRedis {
    if let Ok(url) = std::env::var("REDIS_URL") {
        assert!(
            answers(&url),
            "REDIS_URL is set but no Redis answers there; start it, or unset REDIS_URL to let the tests \
             start their own redis-server"
        );
        return TestRedis { url, _server: None };
    }
    if answers(DEFAULT_URL) {
        return TestRedis {
            url: DEFAULT_URL.to_owned(),
            _server: None,
        };
    }
    let server = ServerProcess::start(free_port());
    TestRedis {
        url: server.url(),
        _server: Some(server),
    }
}

/// A `redis-server` of the test's own, on a free loopback port, that the test may stop and
/// restart (on the same port) to simulate an outage.
#[derive(Debug)]
pub struct ThrowawayRedis {
    port: u16,
    server: Option<ServerProcess>,
}

impl ThrowawayRedis {
    /// Starts one. Panics with instructions when `redis-server` is not installed.
    pub fn start() -> Self {
        let port = free_port();
        Self {
            port,
            server: Some(ServerProcess::start(port)),
        }
    }

    /// A port nobody listens on yet, for a server started later with [`ThrowawayRedis::restart`].
    pub fn not_started() -> Self {
        Self {
            port: free_port(),
            server: None,
        }
    }

    /// The connection URL (the same across restarts).
    pub fn url(&self) -> String {
        url_for(self.port)
    }

    /// Kills the server (its data is gone: it runs without persistence).
    pub fn stop(&mut self) {
        self.server = None;
        assert!(
            !answers(&self.url()),
            "the throwaway redis-server still answers after being killed"
        );
    }

    /// Starts the server again on the same port.
    pub fn restart(&mut self) {
        self.server = None;
        self.server = Some(ServerProcess::start(self.port));
    }
}

/// A `redis-server` child process, killed on drop.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    port: u16,
}

impl ServerProcess {
    fn start(port: u16) -> Self {
        Self::start_with(port, &[])
    }

    /// Starts `redis-server` on `port` (no persistence) with `extra` options, and waits until
    /// it answers `PING`.
    pub fn start_with(port: u16, extra: &[String]) -> Self {
        let mut args: Vec<String> = ["--port", &port.to_string(), "--bind", "127.0.0.1"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        args.extend(["--save", "", "--appendonly", "no"].map(str::to_owned));
        args.extend_from_slice(extra);
        Self::spawn_exact(port, &args)
    }

    /// Runs `redis-server` with exactly `args` (e.g. a Sentinel config file and `--sentinel`),
    /// expecting it to listen on `port`, and waits until it answers `PING`.
    pub fn spawn_exact(port: u16, args: &[String]) -> Self {
        let spawned = Command::new("redis-server")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) => panic!("`redis-server` could not be started ({e}): {HOW_TO_GET_ONE}"),
        };
        let server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !answers(&server.url()) {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {port} did not answer within 10 s: {HOW_TO_GET_ONE}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// The connection URL.
    pub fn url(&self) -> String {
        url_for(self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL of a server on `port` on loopback.
pub fn url_for(port: u16) -> String {
    format!("redis://127.0.0.1:{port}/")
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("the OS hands out a free loopback port")
}

/// Whether a Redis answers `PING` at `url` within a second.
pub fn answers(url: &str) -> bool {
    let Ok(client) = redis::Client::open(url) else {
        return false;
    };
    let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
        return false;
    };
    redis::cmd("PING").query::<String>(&mut conn).is_ok()
}

/// A raw async connection to `url`.
pub async fn raw_connection(url: &str) -> MultiplexedConnection {
    redis::Client::open(url)
        .expect("a valid test URL")
        .get_multiplexed_async_connection()
        .await
        .expect("the test Redis answers")
}

/// A random key prefix for one test; its keys are deleted when this is dropped (even when the
/// test panics), so tests can share one Redis and run in parallel.
#[derive(Debug)]
pub struct TestPrefix {
    url: String,
    prefix: String,
}

impl TestPrefix {
    /// A fresh prefix on `redis`.
    pub fn new(redis: &TestRedis) -> Self {
        Self::on_url(redis.url())
    }

    /// A fresh prefix on the Redis at `url`.
    pub fn on_url(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            prefix: format!("wxinv-test-{:016x}", rand::random::<u64>()),
        }
    }

    /// The prefix.
    pub fn as_str(&self) -> &str {
        &self.prefix
    }

    /// Every key under this prefix, sorted.
    pub async fn keys(&self, conn: &mut MultiplexedConnection) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{}:*", self.prefix))
                .arg("COUNT")
                .arg(1000)
                .query_async(conn)
                .await
                .expect("SCAN answers");
            keys.extend(batch);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        keys.sort();
        keys.dedup();
        keys
    }
}

impl Drop for TestPrefix {
    fn drop(&mut self) {
        // Synchronous on purpose: Drop cannot await, and this must run even after a panic.
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
            return; // a throwaway server that is already gone
        };
        let mut cursor: u64 = 0;
        loop {
            let Ok((next, keys)) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{}:*", self.prefix))
                .arg("COUNT")
                .arg(1000)
                .query::<(u64, Vec<String>)>(&mut conn)
            else {
                return;
            };
            if !keys.is_empty() {
                let _ = redis::cmd("DEL").arg(&keys).query::<i64>(&mut conn);
            }
            if next == 0 {
                return;
            }
            cursor = next;
        }
    }
}
