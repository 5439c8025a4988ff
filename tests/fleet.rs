//! A fleet of OS processes sharing one real Redis, with the sandbox as WeChat.
//! Each process is a `fleet_worker`; the sandbox (in this test process) counts their calls.

#[path = "../crates/wx-auth/tests/support/redis.rs"]
#[allow(dead_code)]
mod redis_support;

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use redis_support::{TestPrefix, TestRedis, ThrowawayRedis, test_redis};
use secrecy::{ExposeSecret, SecretString};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use wx_auth::{AuthorizerRecord, MemoryStore, RedisStore, TokenSource, TokenStore, VerifyTicket};
use wx_invoice_e2e::{AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, INSERT_PATH, PLATFORM_OA, Platform, insert_request};
use wx_sandbox::{Sandbox, SandboxBuilder};

const COMPONENT: &str = wx_sandbox::DEFAULT_COMPONENT_APPID;

/// A sandbox, a Redis prefix seeded with durable data only (verify ticket and the platform
/// OA's refresh token — no cached token: the cache is cold), and an uploaded PDF.
struct Fleet {
    sandbox: Sandbox,
    redis: TestRedis,
    prefix: TestPrefix,
    media: String,
}

impl Fleet {
    async fn seed(builder: SandboxBuilder) -> Self {
        let sandbox = builder.start().await.expect("sandbox");
        let redis = test_redis();
        let prefix = TestPrefix::new(&redis);
        // A throwaway in-memory platform obtains the grant and uploads the PDF.
        let setup = Platform::on(sandbox.clone(), Arc::new(MemoryStore::new())).await;
        setup.authorize(PLATFORM_OA, &[26]).await;
        let media = setup.upload(PLATFORM_OA).await;
        let refresh = sandbox.current_refresh_token(PLATFORM_OA).expect("refresh token");
        let fleet = Self {
            sandbox,
            redis,
            prefix,
            media,
        };
        let store = fleet.store().await;
        store
            .put_verify_ticket(COMPONENT, &VerifyTicket::new(fleet.sandbox.mint_verify_ticket()))
            .await
            .expect("ticket");
        let record = AuthorizerRecord::new(PLATFORM_OA, SecretString::from(refresh), Some(vec![26]));
        store.put_authorizer(COMPONENT, &record).await.expect("record");
        fleet.sandbox.reset_counts();
        fleet
    }

    async fn store(&self) -> RedisStore {
        RedisStore::connect(self.redis.url())
            .await
            .expect("redis")
            .with_prefix(self.prefix.as_str())
    }

    fn worker(&self, mode: &str, extra: &[&str]) -> Worker {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleet_worker"));
        cmd.args([
            "--mode",
            mode,
            "--sandbox",
            &self.sandbox.base_url(),
            "--redis",
            self.redis.url(),
        ])
        .args([
            "--prefix",
            self.prefix.as_str(),
            "--appid",
            PLATFORM_OA,
            "--media",
            &self.media,
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true);
        let mut child = cmd.spawn().expect("fleet_worker starts");
        let stdout = child.stdout.take().expect("stdout");
        Worker {
            child,
            lines: BufReader::new(stdout).lines(),
        }
    }
}

struct Worker {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Worker {
    async fn expect(&mut self, wanted: &str) {
        let line = tokio::time::timeout(Duration::from_secs(60), self.lines.next_line())
            .await
            .expect("worker answers within a minute")
            .expect("worker output")
            .expect("worker still running");
        assert_eq!(line, wanted);
    }

    async fn send(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .expect("write to worker");
    }

    /// Closes stdin, waits for `done ok=N err=M`; returns (ok, error lines).
    async fn finish(mut self) -> (usize, Vec<String>) {
        drop(self.child.stdin.take());
        let mut ok = 0;
        let mut errors = Vec::new();
        while let Some(line) = tokio::time::timeout(Duration::from_secs(120), self.lines.next_line())
            .await
            .expect("worker finishes within two minutes")
            .expect("worker output")
        {
            if let Some(rest) = line.strip_prefix("done ok=") {
                ok = rest.split(' ').next().and_then(|n| n.parse().ok()).expect("count");
            } else if let Some(e) = line.strip_prefix("error: ") {
                errors.push(e.to_owned());
            }
        }
        let status = self.child.wait().await.expect("worker exits");
        assert!(status.success(), "worker failed: {status} {errors:?}");
        (ok, errors)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_on_a_cold_cache_fetch_each_token_once() {
    let fleet = Fleet::seed(Sandbox::builder()).await;
    let workers: Vec<Worker> = (0..4)
        .map(|p| fleet.worker("insert", &["--count", "100", "--orders", &format!("cold-{p}")]))
        .collect();
    for w in workers {
        let (ok, errors) = w.finish().await;
        assert_eq!((ok, errors.len()), (100, 0), "{errors:?}");
    }
    assert_eq!(
        fleet.sandbox.count(COMPONENT_TOKEN_PATH),
        1,
        "one component token for the fleet"
    );
    assert_eq!(
        fleet.sandbox.count(AUTHORIZER_TOKEN_PATH),
        1,
        "one authorizer refresh for the fleet"
    );
    assert_eq!(fleet.sandbox.count(INSERT_PATH), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_mid_run_costs_the_fleet_one_refresh() {
    let fleet = Fleet::seed(Sandbox::builder()).await;
    let mut workers: Vec<Worker> = (0..4)
        .map(|p| {
            fleet.worker(
                "insert",
                &["--count", "100", "--pause-after", "20", "--orders", &format!("rev-{p}")],
            )
        })
        .collect();
    for w in &mut workers {
        w.expect("warm").await;
    }
    fleet.sandbox.reset_counts();
    fleet.sandbox.revoke_token(PLATFORM_OA);
    for w in &mut workers {
        w.send("go").await;
    }
    for w in workers {
        let (ok, errors) = w.finish().await;
        assert_eq!((ok, errors.len()), (100, 0), "{errors:?}");
    }
    assert_eq!(
        fleet.sandbox.count(AUTHORIZER_TOKEN_PATH),
        1,
        "exactly one further refresh"
    );
    assert_eq!(fleet.sandbox.count(COMPONENT_TOKEN_PATH), 0);
    assert!(fleet.sandbox.count(INSERT_PATH) >= 320, "every insert went through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_refresh_tokens_survive_a_thousand_concurrent_refreshes() {
    let fleet = Fleet::seed(Sandbox::builder().rotate_refresh_tokens(true)).await;
    let workers: Vec<Worker> = (0..4).map(|_| fleet.worker("churn", &["--count", "300"])).collect();
    for w in workers {
        let (ok, errors) = w.finish().await;
        assert_eq!((ok, errors.len()), (300, 0), "{errors:?}");
    }
    let refreshes = fleet.sandbox.count(AUTHORIZER_TOKEN_PATH);
    assert!(refreshes >= 1000, "only {refreshes} refreshes");
    let stored = fleet
        .store()
        .await
        .get_authorizer(COMPONENT, PLATFORM_OA)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(
        Some(stored.refresh_token.expose_secret().to_owned()),
        fleet.sandbox.current_refresh_token(PLATFORM_OA)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_node_uses_the_refreshers_tokens_and_never_fetches_one() {
    let fleet = Fleet::seed(Sandbox::builder().token_ttl(Duration::from_secs(6))).await;
    let mut refresher = fleet.worker("refresher", &["--period-ms", "200", "--margin-ms", "3000"]);
    refresher.expect("started").await;
    // Let the refresher make its first round, then stop it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while fleet.sandbox.count(AUTHORIZER_TOKEN_PATH) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the refresher never refreshed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    refresher.finish().await;
    fleet.sandbox.reset_counts();

    let reader = fleet.worker(
        "insert",
        &["--read-only", "--count", "10", "--orders", "ro-1", "--margin-ms", "500"],
    );
    let (ok, errors) = reader.finish().await;
    assert_eq!((ok, errors.len()), (10, 0), "{errors:?}");

    // Past expiry with no refresher: the documented error, and still no token call.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let reader = fleet.worker(
        "insert",
        &[
            "--read-only",
            "--count",
            "3",
            "--orders",
            "ro-2",
            "--margin-ms",
            "500",
            "--wait-ms",
            "800",
        ],
    );
    let (ok, errors) = reader.finish().await;
    assert_eq!(ok, 0);
    assert!(errors.iter().all(|e| e.contains("refresher is running")), "{errors:?}");
    assert_eq!(
        fleet.sandbox.count(AUTHORIZER_TOKEN_PATH),
        0,
        "a read-only node never refreshes"
    );
    assert_eq!(fleet.sandbox.count(COMPONENT_TOKEN_PATH), 0);
    assert_eq!(fleet.sandbox.count(INSERT_PATH), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_go_on_from_memory_while_redis_is_down_and_after_it_returns() {
    let mut redis = ThrowawayRedis::start();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let store: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(&redis.url())
            .await
            .expect("redis")
            .with_op_timeout(Duration::from_millis(200)),
    );
    let p = Platform::on(sandbox.clone(), store).await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let media = p.upload(PLATFORM_OA).await;
    p.client
        .insert(PLATFORM_OA, &insert_request("outage-0", &media))
        .await
        .expect("insert with Redis up");

    redis.stop();
    for i in 1..=5 {
        p.client
            .insert(PLATFORM_OA, &insert_request(&format!("outage-{i}"), &media))
            .await
            .expect("insert with Redis down");
    }
    // A rejected token while Redis is down: refreshed locally from the in-memory copy of the grant.
    sandbox.revoke_token(PLATFORM_OA);
    p.client
        .insert(PLATFORM_OA, &insert_request("outage-6", &media))
        .await
        .expect("refresh during the outage");
    let refresh = sandbox.current_refresh_token(PLATFORM_OA).expect("grant stands");

    redis.restart();
    sandbox.reset_counts();
    for i in 7..=9 {
        p.client
            .insert(PLATFORM_OA, &insert_request(&format!("outage-{i}"), &media))
            .await
            .expect("insert after Redis returns");
    }
    let record = p
        .component
        .authorizer(PLATFORM_OA)
        .await
        .expect("read")
        .expect("grant still known");
    assert_eq!(record.refresh_token.expose_secret(), refresh);
    assert!(p.tokens().access_token(PLATFORM_OA).await.is_ok());
}
