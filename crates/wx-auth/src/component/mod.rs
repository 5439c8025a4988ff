//! The third-party platform ("component"): its configuration, its own token, and the
//! authorization of merchants ("authorizers").

mod authorization;
mod builder;
mod exchanged;
mod management;
mod pushes;
mod record_store;
mod records;
mod refresh;
mod replay;
mod ticket;
pub(crate) mod wire;

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

pub use authorization::{AuthPage, Authorization, AuthorizationUrl, AuthorizerInfo, AuthorizerProfile, PreAuthCode};
pub use builder::ComponentBuilder;
pub use management::{AuthorizerStream, ListedAuthorizer};
pub use pushes::AcceptedMessage;
pub use record_store::Durability;

use crate::AuthorizerTokens;
use crate::error::AuthError;
use crate::store::{TokenKey, TokenStore};
use crate::token::AccessToken;
use crate::token_cache::TokenCache;
use crate::transport::{ApiCall, Caller, Credential, Transport};

/// The four settings every third-party platform has, from the open platform console.
///
/// Optional settings (store, API base, timeouts…) go on [`ComponentBuilder`].
#[derive(Clone)]
pub struct ComponentConfig {
    /// The platform's appid (`component_appid`).
    pub component_appid: String,
    /// The platform's AppSecret.
    pub component_appsecret: SecretString,
    /// The message-verification Token configured for pushes.
    pub token: SecretString,
    /// The 43-character EncodingAESKey configured for pushes.
    pub encoding_aes_key: SecretString,
}

impl fmt::Debug for ComponentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentConfig")
            .field("component_appid", &self.component_appid)
            .field("component_appsecret", &"[redacted]")
            .field("token", &"[redacted]")
            .field("encoding_aes_key", &"[redacted]")
            .finish()
    }
}

/// A third-party platform client: mints its component token from the verify ticket, runs the
/// merchant authorization flow and hands out [`AuthorizerTokens`].
///
/// Cheap to clone (an `Arc` inside); share one per platform across the process.
#[derive(Clone)]
pub struct Component {
    inner: Arc<Inner>,
}

struct Inner {
    config: ComponentConfig,
    /// The component token's key; authorizer keys share its namespace.
    component_key: TokenKey,
    transport: Transport,
    cache: TokenCache,
    durable: Arc<dyn TokenStore>,
    records: records::RecordMirror,
    crypt: crate::crypto::MsgCrypt,
    replay: replay::ReplayGuard,
    exchanged: exchanged::ExchangedCodes,
}

impl fmt::Debug for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Component")
            .field("component_appid", &self.inner.config.component_appid)
            .field("transport", &self.inner.transport)
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

impl Component {
    /// Starts building a component from its console settings.
    pub fn builder(config: ComponentConfig) -> ComponentBuilder {
        ComponentBuilder::new(config)
    }

    /// The platform's appid.
    pub fn component_appid(&self) -> &str {
        &self.inner.config.component_appid
    }

    /// The shared transport (for callers that add their own component calls).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    fn component_token_key(&self) -> TokenKey {
        self.inner.component_key.clone()
    }

    /// A valid `component_access_token`, fetched with the stored verify ticket and cached until
    /// a margin before expiry (one fetch per expiry across everyone sharing the store).
    pub async fn component_access_token(&self) -> Result<AccessToken, AuthError> {
        let key = self.component_token_key();
        let this = self.clone();
        self.inner
            .cache
            .get(&key, move || async move { this.fetch_component_token().await })
            .await
    }

    /// The component token, refreshed if it expires within `ahead` (for the refresher).
    pub(crate) async fn component_token_ahead(&self, ahead: std::time::Duration) -> Result<AccessToken, AuthError> {
        let key = self.component_token_key();
        let this = self.clone();
        self.inner
            .cache
            .refresh_ahead(&key, ahead, move || async move { this.fetch_component_token().await })
            .await
    }

    async fn fetch_component_token(&self) -> Result<AccessToken, AuthError> {
        let ticket = self.verify_ticket().await?;
        let body = wire::ComponentTokenBody {
            component_appid: self.component_appid(),
            component_appsecret: self.inner.config.component_appsecret.expose_secret(),
            component_verify_ticket: ticket.ticket.expose_secret(),
        };
        let resp = self.inner.transport.send(&body, Credential::None).await?;
        tracing::info!(
            component_appid = self.component_appid(),
            expires_in = %resp.expires_in,
            "fetched a component_access_token"
        );
        AccessToken::from_answer(
            resp.component_access_token,
            resp.expires_in,
            wire::COMPONENT_TOKEN_PATH,
            self.inner.transport.clock().now(),
        )
    }

    /// Sends a component API call with the component token, through the transport's one path
    /// (a rejected token is replaced once, transient failures retried per the policy).
    pub(crate) async fn send_component<C: ApiCall>(&self, call: &C) -> Result<C::Output, AuthError> {
        let tokens = ComponentToken(self);
        let caller = Caller::Component {
            tokens: &tokens,
            component_appid: self.component_appid(),
        };
        self.inner.transport.execute(call, caller).await.result
    }

    /// Asks WeChat to (re)start pushing verify tickets (`api_start_push_ticket`).
    pub async fn start_push_ticket(&self) -> Result<(), AuthError> {
        let call = wire::StartPushTicketBody {
            component_appid: self.component_appid(),
            component_secret: self.inner.config.component_appsecret.expose_secret(),
        };
        self.inner.transport.send(&call, Credential::None).await.map(|_| ())
    }

    /// A [`TokenSource`](crate::TokenSource) of `authorizer_access_token`s for the merchants
    /// that authorized this platform.
    pub fn authorizer_tokens(&self) -> AuthorizerTokens {
        AuthorizerTokens::new(self.clone())
    }

    pub(crate) fn cache(&self) -> &TokenCache {
        &self.inner.cache
    }

    pub(crate) fn durable(&self) -> &Arc<dyn TokenStore> {
        &self.inner.durable
    }

    pub(crate) fn clock(&self) -> &crate::clock::SharedClock {
        self.inner.transport.clock()
    }

    pub(crate) fn exchanged(&self) -> &exchanged::ExchangedCodes {
        &self.inner.exchanged
    }

    pub(crate) fn replay(&self) -> &replay::ReplayGuard {
        &self.inner.replay
    }

    pub(crate) fn records(&self) -> &records::RecordMirror {
        &self.inner.records
    }
}

/// The component token as a [`TokenSource`](crate::TokenSource), so component calls take the
/// transport's one path (the appid asked for is always the component's own).
struct ComponentToken<'a>(&'a Component);

#[async_trait::async_trait]
impl crate::TokenSource for ComponentToken<'_> {
    async fn access_token(&self, _appid: &str) -> Result<AccessToken, AuthError> {
        self.0.component_access_token().await
    }

    async fn invalidate(&self, _appid: &str, rejected: &AccessToken) -> Result<(), AuthError> {
        self.0
            .inner
            .cache
            .invalidate(&self.0.component_token_key(), rejected)
            .await
    }
}
