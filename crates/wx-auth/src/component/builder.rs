//! [`ComponentBuilder`]: optional settings of a [`Component`].

use std::sync::Arc;

use std::time::Duration;

use super::{Component, ComponentConfig, Inner, records::RecordMirror, replay};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::MsgCrypt;
use crate::error::AuthError;
use crate::store::{MemoryStore, TokenKey, TokenKind, TokenStore};
use crate::token_cache::{CacheSettings, TokenCache};
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
    replay_window: Duration,
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
            replay_window: replay::DEFAULT_WINDOW,
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

    crate::transport_setters!();
    crate::cache_setters!();

    /// The EncodingAESKey in use before the current one, during a key change: pushes that fail
    /// with the current key are tried with this one (WeChat's advice).
    pub fn previous_encoding_aes_key(mut self, key: SecretString) -> Self {
        self.previous_aes_key = Some(key);
        self
    }

    /// How far a push's signed timestamp may be from this host's clock, either side, before
    /// the push is refused as a possible replay (default 10 minutes). Pushes already acted on
    /// within twice this window are acknowledged without acting again.
    pub fn push_replay_window(mut self, window: Duration) -> Self {
        self.replay_window = window;
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
        let records = if durable.as_memory_store().is_some() {
            RecordMirror::pending_only()
        } else {
            RecordMirror::default()
        };
        let mut cache = self.cache;
        cache.clock = self.transport.clock.clone();
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
                component_key: TokenKey::new(
                    self.config.component_appid.as_str(),
                    self.config.component_appid.as_str(),
                    TokenKind::ComponentAccessToken,
                ),
                config: self.config,
                transport,
                cache: TokenCache::new(store, cache),
                durable,
                records,
                crypt,
                replay: replay::ReplayGuard::new(self.replay_window),
                exchanged: super::exchanged::ExchangedCodes::default(),
            }),
        })
    }
}
