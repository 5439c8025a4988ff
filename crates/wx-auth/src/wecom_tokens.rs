//! [`WecomTokens`]: the WeCom (企业微信) corp token of an enterprise's own app — `corpid` +
//! `corpsecret` → `GET /cgi-bin/gettoken` on `qyapi.weixin.qq.com` — cached through the same
//! [`TokenCache`] as every other token (single-flight in the process, the store's lock across
//! processes, a Redis store shared by a fleet).
//!
//! A WeCom **third-party** (or agent-developed) app does not hold a corpsecret: it obtains each
//! enterprise's corp token from its suite (`service/get_corp_token`). Such an app implements
//! [`TokenSource`] over the tokens it holds, keyed by corpid, and hands that to the WeCom client;
//! the trait is the whole contract:
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use wx_auth::{AccessToken, AuthError, TokenSource};
//!
//! /// Corp tokens a WeCom suite obtained, by corpid (refreshed elsewhere by the suite).
//! struct SuiteCorpTokens {
//!     tokens: Mutex<HashMap<String, AccessToken>>,
//! }
//!
//! #[async_trait::async_trait]
//! impl TokenSource for SuiteCorpTokens {
//!     async fn access_token(&self, corpid: &str) -> Result<AccessToken, AuthError> {
//!         let tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
//!         tokens.get(corpid).cloned().ok_or_else(|| AuthError::UnknownCorp { corpid: corpid.to_owned() })
//!     }
//!
//!     async fn invalidate(&self, corpid: &str, rejected: &AccessToken) -> Result<(), AuthError> {
//!         let mut tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
//!         if tokens.get(corpid) == Some(rejected) {
//!             tokens.remove(corpid); // the suite fetches a new one with get_corp_token
//!         }
//!         Ok(())
//!     }
//! }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::AuthError;
use crate::source::TokenSource;
use crate::store::{MemoryStore, TokenKey, TokenKind, TokenStore};
use crate::token::AccessToken;
use crate::token_cache::{CacheSettings, TokenCache};
use crate::transport::{
    ApiCall, CallBody, CallMethod, Credential, QueryPairs, Repeat, Requirement, Transport, TransportSettings,
};

/// WeCom's API host; WeChat's hosts and backups do not serve WeCom.
pub const WECOM_API_BASE: &str = "https://qyapi.weixin.qq.com";

/// The store namespace of WeCom corp tokens unless the builder names another.
pub const WECOM_NAMESPACE: &str = "wecom";

const GET_TOKEN_PATH: &str = "/cgi-bin/gettoken";

/// `GET /cgi-bin/gettoken?corpid=…&corpsecret=…`: a read (WeCom answers the same token while it
/// is valid).
struct GetToken<'a> {
    corpid: &'a str,
    corpsecret: &'a str,
}

impl ApiCall for GetToken<'_> {
    type Output = GetTokenResponse;
    fn path(&self) -> &'static str {
        GET_TOKEN_PATH
    }
    fn method(&self) -> CallMethod {
        CallMethod::Get
    }
    fn query(&self, pairs: &mut QueryPairs<'_>) {
        pairs.push("corpid", self.corpid);
        pairs.push("corpsecret", self.corpsecret);
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        Ok(CallBody::Empty)
    }
    fn repeat(&self) -> Repeat {
        Repeat::Safe
    }
    fn requirement(&self) -> Requirement {
        Requirement::Unchecked
    }
    fn body_secrets(&self) -> [&str; 2] {
        [self.corpsecret, ""]
    }
}

#[derive(Deserialize)]
struct GetTokenResponse {
    access_token: String,
    expires_in: crate::Lifetime,
}

/// A [`TokenSource`] of WeCom corp tokens, asked for by corpid. Cheap to clone.
///
/// Each enterprise has one secret per app; add the secret of the app that may read invoices
/// (the reimbursement app). Two apps of one enterprise need two sources, each with its own
/// [`namespace`](WecomTokensBuilder::namespace) when they share a store.
///
/// ```no_run
/// use std::sync::Arc;
/// use wx_auth::{SecretString, TokenSource, WecomTokens};
///
/// # async fn run() -> Result<(), wx_auth::AuthError> {
/// let tokens = WecomTokens::builder()
///     .corp("ww0123456789abcdef", SecretString::from("corp-secret"))
///     .build()?;
/// let token = tokens.access_token("ww0123456789abcdef").await?;
/// # let _ = token; Ok(()) }
/// ```
#[derive(Clone)]
pub struct WecomTokens {
    inner: Arc<Inner>,
}

struct Inner {
    corps: HashMap<String, SecretString>,
    /// Shared by every key of these tokens.
    namespace: Arc<str>,
    transport: Transport,
    cache: TokenCache,
}

impl fmt::Debug for WecomTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut corpids: Vec<&String> = self.inner.corps.keys().collect();
        corpids.sort();
        f.debug_struct("WecomTokens")
            .field("corpids", &corpids)
            .field("namespace", &self.inner.namespace)
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

/// Builds [`WecomTokens`]. Defaults: WeCom's host, a new in-memory store, namespace
/// [`WECOM_NAMESPACE`].
#[must_use]
pub struct WecomTokensBuilder {
    corps: HashMap<String, SecretString>,
    namespace: String,
    store: Option<Arc<dyn TokenStore>>,
    transport: TransportSettings,
    cache: CacheSettings,
}

impl fmt::Debug for WecomTokensBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WecomTokensBuilder")
            .field("corpids", &self.corps.keys().collect::<Vec<_>>())
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl WecomTokensBuilder {
    /// Adds an enterprise (once per corpid this process calls WeCom as) with its app secret.
    pub fn corp(mut self, corpid: impl Into<String>, corpsecret: SecretString) -> Self {
        self.corps.insert(corpid.into(), corpsecret);
        self
    }

    /// Where tokens are cached (default: a new [`MemoryStore`]); share a `RedisStore` across a
    /// fleet for one `gettoken` per expiry.
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The store namespace of these tokens (default [`WECOM_NAMESPACE`]); give each app of one
    /// enterprise its own when several share a store.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    crate::transport_setters!();
    crate::cache_setters!();

    /// Builds the source. Fails when no enterprise was added, a corpid or secret is empty, or
    /// the namespace is empty.
    pub fn build(self) -> Result<WecomTokens, AuthError> {
        if self.corps.is_empty() {
            return Err(AuthError::Config("WecomTokens needs at least one corp".into()));
        }
        if let Some((corpid, _)) = self
            .corps
            .iter()
            .find(|(c, s)| c.trim().is_empty() || s.expose_secret().is_empty())
        {
            return Err(AuthError::Config(format!(
                "corp {corpid:?} has an empty corpid or corpsecret"
            )));
        }
        if self.namespace.trim().is_empty() {
            return Err(AuthError::Config("the WeCom token namespace must not be empty".into()));
        }
        let store = self.store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
        let mut cache = self.cache;
        cache.clock = self.transport.clock.clone();
        Ok(WecomTokens {
            inner: Arc::new(Inner {
                corps: self.corps,
                namespace: self.namespace.into(),
                transport: Transport::new(self.transport)?,
                cache: TokenCache::new(store, cache),
            }),
        })
    }
}

impl WecomTokens {
    /// Starts building a source; add enterprises with [`WecomTokensBuilder::corp`].
    pub fn builder() -> WecomTokensBuilder {
        let mut transport = TransportSettings::default();
        transport.set_api_base(WECOM_API_BASE);
        WecomTokensBuilder {
            corps: HashMap::new(),
            namespace: WECOM_NAMESPACE.to_owned(),
            store: None,
            transport,
            cache: CacheSettings::default(),
        }
    }

    fn key(&self, corpid: &str) -> TokenKey {
        TokenKey::in_namespace(&self.inner.namespace, corpid, TokenKind::AccessToken)
    }

    async fn fetch(&self, corpid: &str, secret: &SecretString) -> Result<AccessToken, AuthError> {
        let call = GetToken {
            corpid,
            corpsecret: secret.expose_secret(),
        };
        let resp = self.inner.transport.send(&call, Credential::None).await?;
        tracing::info!(corpid, expires_in = %resp.expires_in, "fetched a WeCom corp token");
        AccessToken::from_answer(
            resp.access_token,
            resp.expires_in,
            GET_TOKEN_PATH,
            self.inner.transport.clock().now(),
        )
    }
}

#[async_trait]
impl TokenSource for WecomTokens {
    async fn access_token(&self, corpid: &str) -> Result<AccessToken, AuthError> {
        let secret = self
            .inner
            .corps
            .get(corpid)
            .ok_or_else(|| AuthError::UnknownCorp {
                corpid: corpid.to_owned(),
            })?
            .clone();
        let (this, corp) = (self.clone(), corpid.to_owned());
        self.inner
            .cache
            .get(
                &self.key(corpid),
                move || async move { this.fetch(&corp, &secret).await },
            )
            .await
    }

    async fn invalidate(&self, corpid: &str, rejected: &AccessToken) -> Result<(), AuthError> {
        self.inner.cache.invalidate(&self.key(corpid), rejected).await
    }
}
