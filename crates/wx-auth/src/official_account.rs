//! [`OfficialAccountTokens`]: direct mode for merchants that run their own invoicing platform
//! (self-built, 自建平台): appid + AppSecret → `/cgi-bin/stable_token`, cached through the same
//! [`TokenStore`] with the same guarantees as third-party tokens.

mod quota;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::AuthError;
use crate::source::TokenSource;
use crate::store::{DIRECT_NAMESPACE, MemoryStore, TokenKey, TokenKind, TokenStore};
use crate::token::AccessToken;
use crate::token_cache::{CacheSettings, TokenCache};
use crate::transport::{ApiCall, CallBody, Credential, Repeat, Requirement, Transport, TransportSettings};

const STABLE_TOKEN_PATH: &str = "/cgi-bin/stable_token";

#[derive(Serialize)]
struct StableTokenBody<'a> {
    grant_type: &'static str,
    appid: &'a str,
    secret: &'a str,
    force_refresh: bool,
}

/// A token fetch: safe to repeat (`stable_token` hands out the same token until it expires; a
/// forced refresh keeps the previous one valid for a while).
impl ApiCall for StableTokenBody<'_> {
    type Output = StableTokenResponse;
    fn path(&self) -> &'static str {
        STABLE_TOKEN_PATH
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        CallBody::json(self)
    }
    fn repeat(&self) -> Repeat {
        Repeat::Safe
    }
    fn requirement(&self) -> Requirement {
        Requirement::Unchecked
    }
    fn body_secrets(&self) -> [&str; 2] {
        [self.secret, ""]
    }
}

#[derive(Deserialize)]
struct StableTokenResponse {
    access_token: String,
    expires_in: crate::Lifetime,
}

/// A [`TokenSource`] for accounts that call WeChat with their own appid and AppSecret.
///
/// Tokens come from `/cgi-bin/stable_token` (which, unlike the legacy `/cgi-bin/token`, does
/// not invalidate the previous token on every fetch). After WeChat rejects a token, the next
/// fetch asks for a forced refresh. Cheap to clone.
#[derive(Clone)]
pub struct OfficialAccountTokens {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: HashMap<String, SecretString>,
    /// [`DIRECT_NAMESPACE`], shared by every key of these tokens.
    namespace: Arc<str>,
    transport: Transport,
    cache: TokenCache,
    force_next: Mutex<HashSet<String>>,
}

impl fmt::Debug for OfficialAccountTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut appids: Vec<&String> = self.inner.accounts.keys().collect();
        appids.sort();
        f.debug_struct("OfficialAccountTokens")
            .field("appids", &appids)
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

/// Builds [`OfficialAccountTokens`].
#[must_use]
pub struct OfficialAccountTokensBuilder {
    accounts: HashMap<String, SecretString>,
    store: Option<Arc<dyn TokenStore>>,
    transport: TransportSettings,
    cache: CacheSettings,
}

impl fmt::Debug for OfficialAccountTokensBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OfficialAccountTokensBuilder")
            .field("appids", &self.accounts.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl OfficialAccountTokensBuilder {
    /// Adds an account (call once per appid this process calls WeChat as).
    pub fn account(mut self, appid: impl Into<String>, appsecret: SecretString) -> Self {
        self.accounts.insert(appid.into(), appsecret);
        self
    }

    /// Where tokens are cached (default: a new [`MemoryStore`]); share a `RedisStore` across a
    /// fleet for one fetch per expiry.
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    crate::transport_setters!();
    crate::cache_setters!();

    /// Builds the source. Fails when no account was added or an AppSecret is empty.
    pub fn build(self) -> Result<OfficialAccountTokens, AuthError> {
        if self.accounts.is_empty() {
            return Err(AuthError::Config(
                "OfficialAccountTokens needs at least one account".into(),
            ));
        }
        if let Some((appid, _)) = self
            .accounts
            .iter()
            .find(|(a, s)| a.trim().is_empty() || s.expose_secret().is_empty())
        {
            return Err(AuthError::Config(format!(
                "account {appid:?} has an empty appid or AppSecret"
            )));
        }
        let store = self.store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
        let mut cache = self.cache;
        cache.clock = self.transport.clock.clone();
        Ok(OfficialAccountTokens {
            inner: Arc::new(Inner {
                accounts: self.accounts,
                namespace: DIRECT_NAMESPACE.into(),
                transport: Transport::new(self.transport)?,
                cache: TokenCache::new(store, cache),
                force_next: Mutex::new(HashSet::new()),
            }),
        })
    }
}

impl OfficialAccountTokens {
    /// Starts building a source; add accounts with [`OfficialAccountTokensBuilder::account`].
    pub fn builder() -> OfficialAccountTokensBuilder {
        OfficialAccountTokensBuilder {
            accounts: HashMap::new(),
            store: None,
            transport: TransportSettings::default(),
            cache: CacheSettings::default(),
        }
    }

    fn key(&self, appid: &str) -> TokenKey {
        TokenKey::in_namespace(&self.inner.namespace, appid, TokenKind::AccessToken)
    }

    async fn fetch(&self, appid: &str, secret: &SecretString) -> Result<AccessToken, AuthError> {
        let force_refresh = self
            .inner
            .force_next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(appid);
        let body = StableTokenBody {
            grant_type: "client_credential",
            appid,
            secret: secret.expose_secret(),
            force_refresh,
        };
        let resp = self.inner.transport.send(&body, Credential::None).await?;
        tracing::info!(
            appid,
            force_refresh,
            expires_in = %resp.expires_in,
            "fetched a stable access_token"
        );
        AccessToken::from_answer(
            resp.access_token,
            resp.expires_in,
            STABLE_TOKEN_PATH,
            self.inner.transport.clock().now(),
        )
    }
}

#[async_trait]
impl TokenSource for OfficialAccountTokens {
    async fn access_token(&self, appid: &str) -> Result<AccessToken, AuthError> {
        let secret = self
            .inner
            .accounts
            .get(appid)
            .ok_or_else(|| AuthError::UnknownAccount {
                appid: appid.to_owned(),
            })?
            .clone();
        let (this, account) = (self.clone(), appid.to_owned());
        self.inner
            .cache
            .get(
                &self.key(appid),
                move || async move { this.fetch(&account, &secret).await },
            )
            .await
    }

    async fn invalidate(&self, appid: &str, rejected: &AccessToken) -> Result<(), AuthError> {
        self.inner
            .force_next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(appid.to_owned());
        self.inner.cache.invalidate(&self.key(appid), rejected).await
    }
}
