//! The soak's own `redis-server`, with AOF persistence, that can be killed and restarted —
//! keeping its data, or with the data directory wiped (a Redis without persistence).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SoakRedis {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl SoakRedis {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let dir = std::env::temp_dir().join(format!("wx-soak-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("data directory");
        let mut redis = Self { port, dir, child: None };
        redis.ensure_up();
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server at once (no shutdown save); with `wipe`, its data is gone as well.
    pub fn kill(&mut self, wipe: bool) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if wipe {
            let _ = std::fs::remove_dir_all(&self.dir);
            std::fs::create_dir_all(&self.dir).expect("data directory");
        }
    }

    /// Starts the server if it is not running, and waits until it answers.
    pub fn ensure_up(&mut self) {
        if self.child.is_some() {
            return;
        }
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the fault soak needs `redis-server` on PATH ({e}): install it with `apt-get install redis-server`"
                )
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SoakRedis {
    fn drop(&mut self) {
        self.kill(false);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
