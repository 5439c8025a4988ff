//! A throwaway 3-master Redis Cluster on loopback: three `redis-server --cluster-enabled yes`
//! joined by `redis-cli --cluster create … --cluster-replicas 0`, killed when dropped.
//!
//! Panics with instructions when `redis-server` or `redis-cli` is missing: tests never skip.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::redis::{HOW_TO_GET_ONE, ServerProcess, url_for};

/// Three masters that own all 16 384 slots between them.
#[derive(Debug)]
pub struct TestCluster {
    ports: Vec<u16>,
    nodes: Vec<Option<ServerProcess>>,
    dir: PathBuf,
}

impl TestCluster {
    /// Starts the three nodes, creates the cluster and waits until every node reports
    /// `cluster_state:ok`.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("wxinv-cluster-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("a temporary directory for the cluster");
        let ports = cluster_ports(3);
        let mut cluster = Self {
            nodes: ports.iter().map(|_| None).collect(),
            ports,
            dir,
        };
        for i in 0..cluster.ports.len() {
            cluster.start_node(i);
        }
        let addrs: Vec<String> = cluster.ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let created = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addrs)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match created {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "redis-cli --cluster create failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => panic!("`redis-cli` could not be started ({e}): {HOW_TO_GET_ONE}"),
        }
        cluster.wait_until_ok(Duration::from_secs(20));
        cluster
    }

    fn start_node(&mut self, i: usize) {
        let port = self.ports[i];
        let conf = self.dir.join(format!("nodes-{port}.conf"));
        self.nodes[i] = Some(ServerProcess::start_with(
            port,
            &[
                "--cluster-enabled".into(),
                "yes".into(),
                "--cluster-config-file".into(),
                conf.display().to_string(),
                "--cluster-node-timeout".into(),
                "2000".into(),
                "--cluster-require-full-coverage".into(),
                "yes".into(),
                "--dir".into(),
                self.dir.display().to_string(),
            ],
        ));
    }

    /// The node URLs, for `RedisStore::connect_cluster`.
    pub fn urls(&self) -> Vec<String> {
        self.ports.iter().map(|p| url_for(*p)).collect()
    }

    /// The node URLs as `&str`s.
    pub fn url_refs(urls: &[String]) -> Vec<&str> {
        urls.iter().map(String::as_str).collect()
    }

    /// Kills every node (their data is gone; the cluster configuration files stay).
    pub fn stop_all(&mut self) {
        for node in &mut self.nodes {
            *node = None;
        }
    }

    /// Starts every node again on its port with its cluster configuration: the nodes find each
    /// other again and own the same slots (empty: they run without persistence).
    pub fn restart_all(&mut self) {
        for i in 0..self.ports.len() {
            self.start_node(i);
        }
        self.wait_until_ok(Duration::from_secs(30));
    }

    /// Waits until every node says `cluster_state:ok`.
    pub fn wait_until_ok(&self, within: Duration) {
        let deadline = Instant::now() + within;
        for url in self.urls() {
            loop {
                if cluster_state_ok(&url) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the test cluster did not become ready within {within:?}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// A cluster connection for inspecting keys behind the store's back.
    pub async fn raw(&self) -> redis::cluster_async::ClusterConnection {
        redis::cluster::ClusterClient::new(self.urls())
            .expect("valid node URLs")
            .get_async_connection()
            .await
            .expect("the test cluster answers")
    }
}

impl TestCluster {
    /// Moves the slot of `key` (with its keys) to another master, the way a resharding does:
    /// `SETSLOT IMPORTING/MIGRATING`, `MIGRATE` of each key, then `SETSLOT NODE` on every node.
    /// Clients that still route by the old slot map get `MOVED` (or `ASK` mid-move). Returns
    /// the ports of the old and the new owner.
    pub fn move_slot_of(&self, key: &str) -> (u16, u16) {
        let conn = |port: u16| {
            redis::Client::open(url_for(port))
                .expect("url")
                .get_connection_with_timeout(Duration::from_secs(1))
                .expect("node answers")
        };
        let mut any = conn(self.ports[0]);
        let slot: u16 = redis::cmd("CLUSTER")
            .arg("KEYSLOT")
            .arg(key)
            .query(&mut any)
            .expect("KEYSLOT");
        let ids: Vec<String> = self
            .ports
            .iter()
            .map(|p| redis::cmd("CLUSTER").arg("MYID").query(&mut conn(*p)).expect("MYID"))
            .collect();
        let owner = self
            .ports
            .iter()
            .position(|p| {
                let n: i64 = redis::cmd("CLUSTER")
                    .arg("COUNTKEYSINSLOT")
                    .arg(slot)
                    .query(&mut conn(*p))
                    .unwrap_or(0);
                let mine: String = redis::cmd("CLUSTER").arg("NODES").query(&mut conn(*p)).expect("NODES");
                n > 0 || mine.lines().any(|l| l.contains("myself") && owns(l, slot))
            })
            .expect("one node owns the slot");
        let target = (owner + 1) % self.ports.len();
        let (from, to) = (self.ports[owner], self.ports[target]);
        let (mut src, mut dst) = (conn(from), conn(to));
        let _: () = redis::cmd("CLUSTER")
            .arg(&["SETSLOT", &slot.to_string(), "IMPORTING", &ids[owner]])
            .query(&mut dst)
            .expect("IMPORTING");
        let _: () = redis::cmd("CLUSTER")
            .arg(&["SETSLOT", &slot.to_string(), "MIGRATING", &ids[target]])
            .query(&mut src)
            .expect("MIGRATING");
        loop {
            let keys: Vec<String> = redis::cmd("CLUSTER")
                .arg("GETKEYSINSLOT")
                .arg(slot)
                .arg(100)
                .query(&mut src)
                .expect("GETKEYSINSLOT");
            if keys.is_empty() {
                break;
            }
            let _: () = redis::cmd("MIGRATE")
                .arg(&["127.0.0.1", &to.to_string(), "", "0", "5000", "KEYS"])
                .arg(&keys)
                .query(&mut src)
                .expect("MIGRATE");
        }
        for port in &self.ports {
            let _: () = redis::cmd("CLUSTER")
                .arg(&["SETSLOT", &slot.to_string(), "NODE", &ids[target]])
                .query(&mut conn(*port))
                .expect("SETSLOT NODE");
        }
        (from, to)
    }
}

/// Whether a `CLUSTER NODES` line lists `slot` among its slot ranges.
fn owns(line: &str, slot: u16) -> bool {
    line.split(' ').skip(8).any(|range| match range.split_once('-') {
        Some((a, b)) => a.parse::<u16>().is_ok_and(|a| a <= slot) && b.parse::<u16>().is_ok_and(|b| slot <= b),
        None => range.parse::<u16>() == Ok(slot),
    })
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.stop_all();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn cluster_state_ok(url: &str) -> bool {
    let Ok(client) = redis::Client::open(url) else {
        return false;
    };
    let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
        return false;
    };
    redis::cmd("CLUSTER")
        .arg("INFO")
        .query::<String>(&mut conn)
        .is_ok_and(|info| info.contains("cluster_state:ok"))
}

/// `n` loopback ports that are free together with their cluster bus ports (port + 10 000).
fn cluster_ports(n: usize) -> Vec<u16> {
    let mut ports = Vec::new();
    while ports.len() < n {
        let port: u16 = rand::random_range(20_000..30_000);
        if ports.contains(&port) {
            continue;
        }
        let free = |p: u16| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok();
        if free(port) && free(port + 10_000) {
            ports.push(port);
        }
    }
    ports
}
