//! A throwaway Sentinel-managed pair on loopback: a master, a replica of it, and one Sentinel
//! (quorum 1) that fails over a second after the master stops answering.
//!
//! Panics with instructions when `redis-server` is missing: tests never skip.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::redis::{ServerProcess, free_port, url_for};

/// The name the Sentinel monitors the master under.
pub const MASTER_NAME: &str = "wxinv-test-master";

/// A master, a replica and a Sentinel.
#[derive(Debug)]
pub struct TestSentinel {
    master: Option<ServerProcess>,
    replica: Option<ServerProcess>,
    sentinel: ServerProcess,
    master_port: u16,
    replica_port: u16,
    dir: PathBuf,
}

impl TestSentinel {
    /// Starts all three and waits until the replica is in sync and the Sentinel knows it.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("wxinv-sentinel-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("a temporary directory for the sentinel");
        // Replication writes an RDB file on both sides: keep it in the temporary directory.
        let in_dir = |name: &str| {
            let node_dir = dir.join(name);
            std::fs::create_dir_all(&node_dir).expect("a directory per node");
            vec!["--dir".to_owned(), node_dir.display().to_string()]
        };
        let master = ServerProcess::start_with(free_port(), &in_dir("master"));
        let master_port = master.port();
        let mut replica_args = in_dir("replica");
        replica_args.extend(["--replicaof".into(), "127.0.0.1".into(), master_port.to_string()]);
        let replica = ServerProcess::start_with(free_port(), &replica_args);
        let replica_port = replica.port();
        wait_for(Duration::from_secs(10), "the replica to sync", || {
            info(&replica.url(), "replication").contains("master_link_status:up")
        });
        let sentinel_port = free_port();
        let conf = dir.join("sentinel.conf");
        std::fs::write(
            &conf,
            format!(
                "port {sentinel_port}\nbind 127.0.0.1\ndir {}\n\
                 sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 1\n\
                 sentinel down-after-milliseconds {MASTER_NAME} 1000\n\
                 sentinel failover-timeout {MASTER_NAME} 5000\n\
                 sentinel parallel-syncs {MASTER_NAME} 1\n",
                dir.display()
            ),
        )
        .expect("write sentinel.conf");
        let sentinel = ServerProcess::spawn_exact(sentinel_port, &[conf.display().to_string(), "--sentinel".into()]);
        let sentinel_url = sentinel.url();
        wait_for(Duration::from_secs(20), "the Sentinel to see the replica", || {
            sentinel_replicas(&sentinel_url) >= 1
        });
        Self {
            master: Some(master),
            replica: Some(replica),
            sentinel,
            master_port,
            replica_port,
            dir,
        }
    }

    /// The Sentinel's URL, for `RedisStore::connect_sentinel`.
    pub fn sentinel_url(&self) -> String {
        self.sentinel.url()
    }

    /// The master's URL (before any fail-over).
    pub fn master_url(&self) -> String {
        url_for(self.master_port)
    }

    /// The replica's URL (the master after a fail-over).
    pub fn replica_url(&self) -> String {
        url_for(self.replica_port)
    }

    /// Kills the master.
    pub fn kill_master(&mut self) {
        self.master = None;
    }

    /// The port the Sentinel names as master now.
    pub fn current_master_port(&self) -> Option<u16> {
        let client = redis::Client::open(self.sentinel_url()).ok()?;
        let mut conn = client.get_connection_with_timeout(Duration::from_secs(1)).ok()?;
        let (_, port): (String, u16) = redis::cmd("SENTINEL")
            .arg("get-master-addr-by-name")
            .arg(MASTER_NAME)
            .query(&mut conn)
            .ok()?;
        Some(port)
    }

    /// Waits until the Sentinel has promoted the replica and it answers as master.
    pub fn wait_for_failover(&self, within: Duration) {
        wait_for(within, "the Sentinel to promote the replica", || {
            self.current_master_port() == Some(self.replica_port)
                && info(&self.replica_url(), "replication").contains("role:master")
        });
    }

    /// Keeps the replica process alive (for tests that stop it on purpose: kills it).
    pub fn kill_replica(&mut self) {
        self.replica = None;
    }
}

impl Drop for TestSentinel {
    fn drop(&mut self) {
        self.master = None;
        self.replica = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn info(url: &str, section: &str) -> String {
    let Ok(client) = redis::Client::open(url) else {
        return String::new();
    };
    let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
        return String::new();
    };
    redis::cmd("INFO").arg(section).query(&mut conn).unwrap_or_default()
}

fn sentinel_replicas(url: &str) -> usize {
    let Ok(client) = redis::Client::open(url) else {
        return 0;
    };
    let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
        return 0;
    };
    redis::cmd("SENTINEL")
        .arg("replicas")
        .arg(MASTER_NAME)
        .query::<Vec<redis::Value>>(&mut conn)
        .map_or(0, |r| r.len())
}

fn wait_for(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "waited {within:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
