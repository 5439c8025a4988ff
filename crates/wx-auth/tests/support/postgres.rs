//! A real PostgreSQL for tests: the one at `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), or a throwaway server (`initdb` + `pg_ctl`) on a
//! free loopback port when nothing answers at the default; and one fresh schema per test,
//! dropped afterwards.
//!
//! Tests never skip silently: without a database and without the server binaries, they panic
//! and say how to get one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const HOW_TO_GET_ONE: &str = "install PostgreSQL (`apt-get install postgresql`, which provides initdb and pg_ctl) \
                              or set DATABASE_URL to a database the tests may create schemas in";

/// A pool on the test database and a schema of this test's own.
#[derive(Debug)]
pub struct TestSchema {
    pool: PgPool,
    url: String,
    name: String,
}

impl TestSchema {
    /// A fresh schema name on the test database (created by the store's `migrate`).
    pub async fn new() -> Self {
        let url = database_url();
        let pool = pool(&url).await;
        Self {
            pool,
            url,
            name: format!("wxinv_test_{:016x}", rand::random::<u64>()),
        }
    }

    /// The pool.
    pub fn pool(&self) -> PgPool {
        self.pool.clone()
    }

    /// The schema name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be shutting down: use a runtime of its own.
        let (url, name) = (self.url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async {
                if let Ok(pool) = PgPoolOptions::new().max_connections(1).connect(&url).await {
                    let _ = sqlx::query(&format!(r#"DROP SCHEMA IF EXISTS "{name}" CASCADE"#))
                        .execute(&pool)
                        .await;
                }
            });
        })
        .join();
    }
}

async fn pool(url: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("the test database at {url} does not answer ({e}): {HOW_TO_GET_ONE}"))
}

/// `DATABASE_URL`, or the default when a database answers there, or a throwaway server.
pub fn database_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("DATABASE_URL") {
            return url;
        }
        if answers(DEFAULT_URL) {
            return DEFAULT_URL.to_owned();
        }
        throwaway_server()
    })
    .clone()
}

/// Whether something accepts TCP connections at the URL's host and port.
fn answers(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or("127.0.0.1").to_owned();
    let port = parsed.port().unwrap_or(5432);
    std::net::TcpStream::connect_timeout(
        &match format!("{host}:{port}").parse() {
            Ok(addr) => addr,
            Err(_) => return false,
        },
        Duration::from_secs(1),
    )
    .is_ok()
}

/// Starts a PostgreSQL of the tests' own (trust auth, loopback, a free port) that lives as long
/// as the test process; returns its URL. As root, the server runs as the `postgres` user.
fn throwaway_server() -> String {
    let initdb = find_binary("initdb");
    let pg_ctl = find_binary("pg_ctl");
    let port = super::redis::free_port();
    let dir = std::env::temp_dir().join(format!("wxinv-pg-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("a temporary directory for PostgreSQL");
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if as_root {
        let _ = Command::new("chown").arg("postgres").arg(&dir).status();
    }
    let run = |program: &Path, args: &[&str]| {
        let mut cmd = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        let status = cmd
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{} could not run ({e}): {HOW_TO_GET_ONE}", program.display()));
        assert!(
            status.success(),
            "{} {args:?} failed: {HOW_TO_GET_ONE}",
            program.display()
        );
    };
    let data = dir.join("data");
    let data_s = data.display().to_string();
    run(
        &initdb,
        &["-D", &data_s, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
    );
    let options = format!("-p {port} -c listen_addresses=127.0.0.1 -k {}", dir.display());
    run(
        &pg_ctl,
        &[
            "-D",
            &data_s,
            "-o",
            &options,
            "-w",
            "-l",
            &format!("{}/log", dir.display()),
            "start",
        ],
    );
    let admin = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    // This may run inside a test's runtime: create the database from a thread of its own.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect(&admin)
                .await
                .expect("throwaway PostgreSQL answers");
            sqlx::query("CREATE DATABASE test")
                .execute(&pool)
                .await
                .expect("CREATE DATABASE test");
        });
    })
    .join()
    .expect("the database is created");
    // The server outlives no test process: a watchdog stops it and removes its files once this
    // process is gone (statics are never dropped, so nothing else would).
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {run_as}{pg_ctl} -D {data_s} stop -m immediate; rm -rf {dir}",
        pid = std::process::id(),
        run_as = if as_root { "runuser -u postgres -- " } else { "" },
        pg_ctl = pg_ctl.display(),
        dir = dir.display(),
    );
    let _ = Command::new("sh")
        .args(["-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    format!("postgres://postgres@127.0.0.1:{port}/test")
}

fn find_binary(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name));
    let versioned = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin").join(name));
    on_path.chain(versioned).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("no PostgreSQL answers at {DEFAULT_URL} and `{name}` was not found: {HOW_TO_GET_ONE}")
    })
}
