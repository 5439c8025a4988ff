//! The fleet harness: a sandbox playing WeChat, a Redis of one topology (one node, a 3-master
//! Cluster, or a master+replica under Sentinel) seeded with durable data only, and
//! `fleet_worker` processes that share it.

#[path = "../../crates/wx-auth/tests/support/mod.rs"]
#[allow(dead_code, clippy::all)]
pub mod stores;

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use wx_auth::{AuthorizerRecord, DurableWrites, MemoryStore, RedisStore, TokenStore, VerifyTicket};
use wx_invoice_e2e::{PLATFORM_OA, Platform};
use wx_sandbox::{Sandbox, SandboxBuilder};

use stores::redis::{TestPrefix, TestRedis, test_redis};
use stores::redis_cluster::TestCluster;
use stores::redis_sentinel::{MASTER_NAME, TestSentinel};

/// The component appid the sandbox knows.
pub const COMPONENT: &str = wx_sandbox::DEFAULT_COMPONENT_APPID;

/// Which Redis the fleet shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// One Redis node (the shared test Redis, under a random prefix).
    Node,
    /// A throwaway 3-master Redis Cluster.
    Cluster,
    /// A throwaway master and replica under one Sentinel, with durable writes waiting for the
    /// replica.
    Sentinel,
}

/// A running Redis of some topology.
#[derive(Debug)]
pub enum Backend {
    /// One node and this test's prefix on it.
    Node(TestRedis, TestPrefix),
    /// A cluster of the test's own.
    Cluster(TestCluster),
    /// A Sentinel-managed pair of the test's own.
    Sentinel(TestSentinel),
}

impl Backend {
    /// Starts (or, for a node, finds) a Redis of `topology`.
    pub fn start(topology: Topology) -> Self {
        match topology {
            Topology::Node => {
                let redis = test_redis();
                let prefix = TestPrefix::new(&redis);
                Backend::Node(redis, prefix)
            }
            Topology::Cluster => Backend::Cluster(TestCluster::start()),
            Topology::Sentinel => Backend::Sentinel(TestSentinel::start()),
        }
    }

    /// A store on this Redis, as every process of the fleet opens it.
    pub async fn store(&self) -> RedisStore {
        match self {
            Backend::Node(redis, prefix) => RedisStore::connect(redis.url())
                .await
                .expect("redis")
                .with_prefix(prefix.as_str()),
            Backend::Cluster(cluster) => {
                let urls = cluster.urls();
                RedisStore::connect_cluster(&TestCluster::url_refs(&urls))
                    .await
                    .expect("cluster")
            }
            Backend::Sentinel(group) => RedisStore::connect_sentinel(&[&group.sentinel_url()], MASTER_NAME)
                .await
                .expect("sentinel")
                .with_durable_writes(DurableWrites::new(1)),
        }
    }

    /// The `fleet_worker` arguments that open the same store.
    pub fn worker_args(&self) -> Vec<String> {
        let (topology, urls, prefix) = match self {
            Backend::Node(redis, prefix) => ("node", redis.url().to_owned(), prefix.as_str().to_owned()),
            Backend::Cluster(cluster) => (
                "cluster",
                cluster.urls().join(","),
                RedisStore::DEFAULT_PREFIX.to_owned(),
            ),
            Backend::Sentinel(group) => ("sentinel", group.sentinel_url(), RedisStore::DEFAULT_PREFIX.to_owned()),
        };
        [
            "--topology",
            topology,
            "--redis",
            &urls,
            "--prefix",
            &prefix,
            "--master",
            MASTER_NAME,
        ]
        .map(str::to_owned)
        .to_vec()
    }
}

/// A sandbox, a Redis seeded with durable data only (verify ticket and the platform OA's
/// refresh token — no cached token: the cache is cold), and an uploaded PDF.
#[derive(Debug)]
pub struct Fleet {
    /// The emulated WeChat.
    pub sandbox: Sandbox,
    /// The shared Redis.
    pub backend: Backend,
    /// The uploaded PDF's media id.
    pub media: String,
}

impl Fleet {
    /// Seeds a fleet on a Redis of `topology`.
    pub async fn seed(builder: SandboxBuilder, topology: Topology) -> Self {
        let sandbox = builder.start().await.expect("sandbox");
        let backend = Backend::start(topology);
        // A throwaway in-memory platform obtains the grant and uploads the PDF.
        let setup = Platform::on(sandbox.clone(), Arc::new(MemoryStore::new())).await;
        setup.authorize(PLATFORM_OA, &[26]).await;
        let media = setup.upload(PLATFORM_OA).await;
        let refresh = sandbox.current_refresh_token(PLATFORM_OA).expect("refresh token");
        let fleet = Self {
            sandbox,
            backend,
            media,
        };
        let store = fleet.store().await;
        store
            .put_verify_ticket(COMPONENT, &VerifyTicket::new(fleet.sandbox.mint_verify_ticket()))
            .await
            .expect("ticket");
        let mut record = AuthorizerRecord::new(PLATFORM_OA, SecretString::from(refresh), Some(vec![26]));
        record.version = 1;
        assert!(store.put_authorizer_if(COMPONENT, &record, None).await.expect("record"));
        fleet.sandbox.reset_counts();
        fleet
    }

    /// A store on the fleet's Redis.
    pub async fn store(&self) -> RedisStore {
        self.backend.store().await
    }

    /// Starts a `fleet_worker` in `mode` with `extra` arguments.
    pub fn worker(&self, mode: &str, extra: &[&str]) -> Worker {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleet_worker"));
        cmd.args(["--mode", mode, "--sandbox", &self.sandbox.base_url()])
            .args(self.backend.worker_args())
            .args(["--appid", PLATFORM_OA, "--media", &self.media])
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

/// One `fleet_worker` process, driven over its stdin and stdout.
#[derive(Debug)]
pub struct Worker {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Worker {
    /// Waits for the next line and checks it.
    pub async fn expect(&mut self, wanted: &str) {
        let line = tokio::time::timeout(Duration::from_secs(60), self.lines.next_line())
            .await
            .expect("worker answers within a minute")
            .expect("worker output")
            .expect("worker still running");
        assert_eq!(line, wanted);
    }

    /// Sends one line.
    pub async fn send(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .expect("write to worker");
    }

    /// Closes stdin, waits for `done ok=N err=M`; returns (ok, error lines).
    pub async fn finish(mut self) -> (usize, Vec<String>) {
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

/// Four processes × 100 inserts on a cold cache: one component token and one authorizer
/// refresh for the whole fleet.
pub async fn four_processes_on_a_cold_cache_fetch_each_token_once(topology: Topology) {
    use wx_invoice_e2e::{AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, INSERT_PATH};
    let fleet = Fleet::seed(Sandbox::builder(), topology).await;
    let workers: Vec<Worker> = (0..4)
        .map(|p| fleet.worker("insert", &["--count", "100", "--orders", &format!("cold-{p}")]))
        .collect();
    for w in workers {
        let (ok, errors) = w.finish().await;
        assert_eq!((ok, errors.len()), (100, 0), "{topology:?}: {errors:?}");
    }
    assert_eq!(
        fleet.sandbox.count(COMPONENT_TOKEN_PATH),
        1,
        "{topology:?}: one component token for the fleet"
    );
    assert_eq!(
        fleet.sandbox.count(AUTHORIZER_TOKEN_PATH),
        1,
        "{topology:?}: one authorizer refresh for the fleet"
    );
    assert_eq!(fleet.sandbox.count(INSERT_PATH), 400);
}

/// Four processes refresh `per_process` times each with rotation on: the stored refresh token
/// is the sandbox's current one at the end, and its version counted every rotation.
pub async fn rotated_refresh_tokens_survive_concurrent_refreshes(topology: Topology, per_process: usize) {
    use secrecy::ExposeSecret;
    use wx_invoice_e2e::AUTHORIZER_TOKEN_PATH;
    let fleet = Fleet::seed(Sandbox::builder().rotate_refresh_tokens(true), topology).await;
    let count = per_process.to_string();
    let workers: Vec<Worker> = (0..4).map(|_| fleet.worker("churn", &["--count", &count])).collect();
    for w in workers {
        let (ok, errors) = w.finish().await;
        assert_eq!((ok, errors.len()), (per_process, 0), "{topology:?}: {errors:?}");
    }
    let refreshes = fleet.sandbox.count(AUTHORIZER_TOKEN_PATH);
    assert!(
        refreshes >= u64::try_from(per_process * 4 * 5 / 6).unwrap_or(u64::MAX),
        "{topology:?}: only {refreshes} refreshes"
    );
    let stored = fleet
        .store()
        .await
        .get_authorizer(COMPONENT, PLATFORM_OA)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(
        Some(stored.refresh_token.expose_secret().to_owned()),
        fleet.sandbox.current_refresh_token(PLATFORM_OA),
        "{topology:?}: the stored refresh token is the current one"
    );
    assert!(
        stored.version >= refreshes,
        "{topology:?}: version {} after {refreshes} rotations (each adds 1)",
        stored.version
    );
}
