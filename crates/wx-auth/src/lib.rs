//! Who the SDK calls WeChat as.
//!
//! - [`TokenSource`] is the joint the API client calls through; pick [`AuthorizerTokens`]
//!   (third-party platform), [`StaticToken`], or implement it for your own token service.
//! - [`TokenStore`] is where credentials live: [`MemoryStore`] (default), `RedisStore`
//!   (feature `redis`, on by default) shared by a fleet on one node, a Redis Cluster or under
//!   Sentinel, or `PostgresStore` (feature `postgres`) as the durable store. Feature
//!   `conformance` adds `wx_auth::conformance`, the checks a store of your own must pass.
//! - [`Component`] is a third-party platform: verify ticket, component token, merchant
//!   authorization, authorizer tokens.
//! - [`crypto::MsgCrypt`] verifies and decrypts WeChat's pushes and encrypts replies.
//! - [`transport`] is the shared HTTP layer (timeouts, size bound, `errcode` → [`AuthError`],
//!   no secret ever in an error or a log line).
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use secrecy::SecretString;
//! use wx_auth::{Component, ComponentConfig, MemoryStore, TokenSource, TokenStore};
//!
//! # async fn run() -> Result<(), wx_auth::AuthError> {
//! let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
//! let component = Component::builder(ComponentConfig {
//!     component_appid: "wx0123456789abcdef".into(),
//!     component_appsecret: SecretString::from("secret"),
//!     token: SecretString::from("push-token"),
//!     encoding_aes_key: SecretString::from("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
//! })
//! .store(store)
//! .build()?;
//! component.set_verify_ticket("ticket@@@...").await?;
//! let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
//! let token = tokens.access_token("wxMERCHANT").await?;
//! # let _ = token; Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod authorizer_tokens;
mod builder_setters;
pub mod clock;
mod component;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod crypto;
mod error;
mod official_account;
pub mod push;
mod refresher;
mod source;
pub mod store;
mod token;
mod token_cache;
pub mod transport;

pub use authorizer_tokens::AuthorizerTokens;
pub use component::{
    AuthPage, Authorization, AuthorizationUrl, AuthorizerInfo, AuthorizerProfile, Component, ComponentBuilder,
    ComponentConfig, PreAuthCode,
};
pub use error::AuthError;
pub use official_account::{OfficialAccountTokens, OfficialAccountTokensBuilder};
pub use refresher::{RefreshJob, RefreshReport, Refresher, RefresherHandle};
pub use source::{StaticToken, TokenSource};
#[cfg(feature = "postgres")]
pub use store::PostgresStore;
pub use store::{
    AuthorizerRecord, AuthorizerStatus, MemoryStore, StoreError, TokenKey, TokenKind, TokenStore, VerifyTicket,
};
#[cfg(feature = "redis")]
pub use store::{DurableWrites, RedisStore};
pub use token::AccessToken;
pub use token_cache::{CacheSettings, RefreshMode, TokenCache};

/// Permission-set ids (`funcscope_category.id`) the invoice APIs need.
pub mod permissions {
    /// 微信卡券 — WeChat Cards & Offers.
    pub const CARDS: u32 = 8;
    /// 微信电子发票 — WeChat e-invoice.
    pub const E_INVOICE: u32 = 26;
}
