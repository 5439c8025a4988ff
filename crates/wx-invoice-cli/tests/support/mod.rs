//! What the CLI tests share: the binary run with a clean environment, a real Redis under a
//! key prefix of the test's own, and a platform on that store talking to the sandbox.

#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use wx_auth::{Component, ComponentConfig, RedisStore, SecretString, TokenStore};
use wx_sandbox::Sandbox;

/// The Redis the tests use: `REDIS_URL`, default `redis://127.0.0.1:6379`.
pub fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A key prefix no other test uses.
pub fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!("wxcli-{test}-{nanos}-{}", rand::random::<u32>())
}

/// A store on the test Redis under `prefix`. Panics saying how to get a Redis when none answers.
pub async fn store(prefix: &str) -> Arc<dyn TokenStore> {
    let url = redis_url();
    let store = RedisStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("the CLI tests need a Redis at {url} (set REDIS_URL, or start redis-server): {e}"));
    Arc::new(store.with_prefix(prefix))
}

/// Deletes every key under `prefix`.
pub async fn drop_prefix(prefix: &str) {
    let client = redis::Client::open(redis_url()).expect("redis url");
    let mut conn = client.get_multiplexed_async_connection().await.expect("redis");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await
        .expect("keys");
    for chunk in keys.chunks(500) {
        let _: () = redis::cmd("DEL").arg(chunk).query_async(&mut conn).await.expect("del");
    }
}

/// The sandbox's platform settings.
pub fn config() -> ComponentConfig {
    ComponentConfig {
        component_appid: wx_sandbox::DEFAULT_COMPONENT_APPID.into(),
        component_appsecret: SecretString::from(wx_sandbox::DEFAULT_COMPONENT_SECRET),
        token: SecretString::from(wx_sandbox::DEFAULT_PUSH_TOKEN),
        encoding_aes_key: SecretString::from(wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    }
}

/// The platform on `store`, talking to `sandbox`, holding a verify ticket.
pub async fn component(sandbox: &Sandbox, store: Arc<dyn TokenStore>) -> Component {
    let component = Component::builder(config())
        .store(store)
        .api_base(sandbox.base_url())
        .build()
        .expect("component");
    component
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    component
}

/// How one run of `wx-invoice` ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for asserting what was (never) printed.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.code, Some(0), "{self:#?}");
        self
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// `wx-invoice ARGS` with no `WX_*` variable but `env`, in `dir`.
pub async fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_wx-invoice"));
    for (name, _) in std::env::vars() {
        if name.starts_with("WX_") {
            command.env_remove(name);
        }
    }
    command.current_dir(dir).envs(env.iter().copied()).args(args);
    command.output().await.expect("wx-invoice runs").into()
}

/// The environment of a platform whose store is the test Redis under `prefix`.
pub fn platform_env(prefix: &str) -> Vec<(&'static str, String)> {
    vec![
        ("WX_REDIS_URL", redis_url()),
        ("WX_REDIS_PREFIX", prefix.to_owned()),
        ("WX_COMPONENT_APPID", wx_sandbox::DEFAULT_COMPONENT_APPID.to_owned()),
    ]
}

/// `platform_env` plus `extra`, as the `&str` pairs `run` takes.
pub fn env_pairs<'a>(base: &'a [(&'static str, String)], extra: &[(&'static str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    base.iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(extra.iter().copied())
        .collect()
}

/// A directory of the test's own, removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(unique_prefix(test));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
