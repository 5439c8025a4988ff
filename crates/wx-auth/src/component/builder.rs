//! [`ComponentBuilder`]: optional settings of a [`Component`].

use std::sync::Arc;
use std::time::Duration;

use super::{Component, ComponentConfig, Inner, records::RecordMirror};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::MsgCrypt;
use crate::error::AuthError;
use crate::store::{MemoryStore, TokenStore};
use crate::token_cache::{CacheSettings, RefreshMode, TokenCache};
use crate::transport::{Transport, TransportSettings};

/// Builds a [`Component`]. Every setting has a default: an in-memory store, WeChat's API host
/// with its backups, 5 s connect / 20 s call timeouts, a 5-minute early-refresh margin.
#[derive(Debug)]
#[must_use]
pub struct ComponentBuilder {
    config: ComponentConfig,
    store: Option<Arc<dyn TokenStore>>,
    durable: Option<Arc<dyn TokenStore>>,
    transport: TransportSettings,
    cache: CacheSettings,
    previous_aes_key: Option<SecretString>,
}

impl ComponentBuilder {
    pub(super) fn new(config: ComponentConfig) -> Self {
        Self {
            config,
            store: None,
            durable: None,
            transport: TransportSettings::default(),
            cache: CacheSettings::default(),
            previous_aes_key: None,
        }
    }

    /// Where tokens are cached, and (unless [`durable_store`](Self::durable_store) is set)
    /// where refresh tokens and verify tickets are kept. Default: a new [`MemoryStore`].
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// A separate store for durable data (refresh tokens, permission sets, verify tickets),
    /// e.g. a database, while tokens stay in [`store`](Self::store).
    pub fn durable_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.durable = Some(store);
        self
    }

    /// Calls this base URL instead of `https://api.weixin.qq.com` (a sandbox or a proxy);
    /// disables fail-over to WeChat's backup hosts.
    pub fn api_base(mut self, base: impl Into<String>) -> Self {
        self.transport.set_api_base(base);
        self
    }

    /// Uses this `reqwest::Client` (its own settings apply; the call timeout still does).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport.http_client = Some(client);
        self
    }

    /// Time allowed to open a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// Time allowed for one call (default 20 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = timeout;
        self
    }

    /// Largest response body accepted (default 4 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.transport.max_response_bytes = limit;
        self
    }

    /// How long before expiry a token is refreshed (default 5 minutes; capped at half a
    /// token's lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.cache.margin = margin;
        self
    }

    /// How long a process may hold the cross-process refresh lock (default 20 s); a holder that
    /// dies is recovered from when it passes.
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.cache.lock_ttl = ttl;
        self
    }

    /// How long a caller waits for another process's refresh (or, read-only, for the
    /// refresher) before failing (default 30 s).
    pub fn wait_budget(mut self, budget: Duration) -> Self {
        self.cache.wait_budget = budget;
        self
    }

    /// How many tokens the in-process cache holds at most (default 10 000).
    pub fn l1_capacity(mut self, capacity: usize) -> Self {
        self.cache.l1_capacity = capacity.max(1);
        self
    }

    /// Read-only mode: never call a token endpoint, only read tokens a refresher wrote to the
    /// shared store (for nodes outside WeChat's IP whitelist).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.cache.mode = if read_only {
            RefreshMode::ReadOnly
        } else {
            RefreshMode::Refresh
        };
        self
    }

    /// The EncodingAESKey in use before the current one, during a key change: pushes that fail
    /// with the current key are tried with this one (WeChat's advice).
    pub fn previous_encoding_aes_key(mut self, key: SecretString) -> Self {
        self.previous_aes_key = Some(key);
        self
    }

    /// Builds the component. Fails on an empty appid or secret, or an unusable API base.
    pub fn build(self) -> Result<Component, AuthError> {
        if self.config.component_appid.trim().is_empty() {
            return Err(AuthError::Config("component_appid is empty".into()));
        }
        if self.config.component_appsecret.expose_secret().is_empty() {
            return Err(AuthError::Config("component_appsecret is empty".into()));
        }
        let store: Arc<dyn TokenStore> = self.store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
        let durable = self.durable.unwrap_or_else(|| store.clone());
        let transport = Transport::new(self.transport)?;
        let mut crypt = MsgCrypt::new(
            self.config.token.expose_secret(),
            self.config.encoding_aes_key.expose_secret(),
            &self.config.component_appid,
        )
        .map_err(|e| AuthError::Config(format!("push crypto settings: {e}")))?;
        if let Some(previous) = &self.previous_aes_key {
            crypt = crypt
                .with_previous_key(previous.expose_secret())
                .map_err(|e| AuthError::Config(format!("previous EncodingAESKey: {e}")))?;
        }
        Ok(Component {
            inner: Arc::new(Inner {
                config: self.config,
                transport,
                cache: TokenCache::new(store, self.cache),
                durable,
                records: RecordMirror::default(),
                crypt,
            }),
        })
    }
}
