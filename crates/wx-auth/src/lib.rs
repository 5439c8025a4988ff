//! Who the SDK calls WeChat as.
//!
//! - [`TokenSource`] is the joint the API client calls through; pick [`AuthorizerTokens`]
//!   (third-party platform), [`OfficialAccountTokens`] (self-built), [`WecomTokens`] (a WeCom
//!   enterprise's corp token, on its own host [`WECOM_API_BASE`]), [`StaticToken`], or
//!   implement it for your own token service.
//! - [`TokenStore`] is where credentials live: [`MemoryStore`] (default), `RedisStore`
//!   (feature `redis`, on by default) shared by a fleet on one node, a Redis Cluster or under
//!   Sentinel, or `PostgresStore` (feature `postgres`) as the durable store. Feature
//!   `conformance` adds `wx_auth::conformance`, the checks a store of your own must pass.
//! - [`Component`] is a third-party platform: verify ticket, component token, merchant
//!   authorization, authorizer tokens.
//! - [`openapi`] holds the management calls (authorizer list and options, `clear_quota` in its
//!   three forms, `openapi/quota/get`, `openapi/rid/get`); [`AuthError::rid`] reads the rid of a
//!   failed call.
//! - [`crypto::MsgCrypt`] verifies and decrypts WeChat's pushes and encrypts replies.
//! - [`transport`] is the shared HTTP layer: every WeChat call is an
//!   [`ApiCall`](transport::ApiCall) value sent through one path (timeouts and a deadline, a
//!   size bound, `errcode` → [`AuthError`], [`RetryPolicy`] for calls safe to repeat, host
//!   health, no redirects, no secret ever in an error or a log line).
//! - `axum` (feature `axum`): the push URLs and the authorization redirect, served.
//! - [`guide`]: token lifecycle, Redis layout, push crypto, security and operations.
//!
//! # Features
//!
//! | feature | default | what it enables |
//! |---|---|---|
//! | `redis` | yes | `RedisStore`, the token store a fleet shares |
//! | `rustls` | yes | HTTPS to WeChat through rustls and the webpki root certificates |
//! | `native-tls` | no | HTTPS through the platform's TLS library and certificate store |
//! | `axum` | no | `axum::PushRouter`: the push URLs and the authorization redirect as an axum `Router` |
//! | `metrics` | no | [`metrics`]: calls, retries, token refreshes, lock waits, store errors and pushes through the `metrics` facade |
//!
//! Pick one TLS feature (`default-features = false, features = ["native-tls"]` for the
//! platform's). With neither, the transport speaks plain HTTP only — enough for a sandbox or
//! a TLS-terminating proxy, or pass your own client to `http_client` — and calls to
//! `https://api.weixin.qq.com` fail with [`AuthError::Network`].
//!
//! [`SecretString`] and [`ExposeSecret`] are re-exported (and the whole [`secrecy`] crate), as
//! are [`reqwest`] for the builders' `http_client` and [`macro@async_trait`] for implementing
//! [`TokenSource`] or [`TokenStore`] yourself.
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use wx_auth::SecretString;
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
#![cfg_attr(docsrs, feature(doc_cfg))]

mod authorizer_tokens;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod builder_setters;
pub mod clock;
mod component;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod crypto;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod guide;
mod lifetime;
pub mod metrics;
mod official_account;
pub mod openapi;
mod packed_time;
pub mod push;
mod refresher;
mod rid;
mod short_text;
mod source;
pub mod store;
mod token;
mod token_cache;
mod token_map;
pub mod transport;
mod wecom_tokens;

/// The attribute a [`TokenSource`] or [`TokenStore`] implementation goes under
/// (`#[wx_auth::async_trait]`), re-exported so that implementing one needs no other crate.
pub use async_trait::async_trait;
pub use authorizer_tokens::AuthorizerTokens;
pub use component::{
    AcceptedMessage, AuthPage, Authorization, AuthorizationUrl, AuthorizerInfo, AuthorizerProfile, AuthorizerStream,
    Component, ComponentBuilder, ComponentConfig, Durability, ListedAuthorizer, PreAuthCode,
};
pub use error::AuthError;
pub use lifetime::Lifetime;
pub use official_account::{OfficialAccountTokens, OfficialAccountTokensBuilder};
pub use refresher::{RefreshJob, RefreshReport, Refresher, RefresherHandle, RefresherSummary};
/// The HTTP client this crate calls WeChat with, re-exported for the builders' `http_client`
/// setters (a client of this same `reqwest` version).
pub use reqwest;
/// The secret-holding types of this API (`ComponentConfig`'s fields, refresh tokens, tickets),
/// re-exported so that building a configuration needs no direct dependency on `secrecy`.
pub use secrecy;
pub use secrecy::{ExposeSecret, SecretString};
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
pub use transport::RetryPolicy;
pub use wecom_tokens::{WECOM_API_BASE, WECOM_NAMESPACE, WecomTokens, WecomTokensBuilder};

/// Permission-set ids (`funcscope_category.id`) the invoice APIs need.
pub mod permissions {
    /// 微信卡券 — WeChat Cards & Offers.
    pub const CARDS: u32 = 8;
    /// 微信电子发票 — WeChat e-invoice.
    pub const E_INVOICE: u32 = 26;
    /// 微信财政电子票据 — WeChat fiscal non-tax e-receipts (Official Accounts). WeChat's pages of
    /// the three `nontax/*` calls nevertheless say third-party platforms may not call them.
    pub const FISCAL_RECEIPT: u32 = 47;
    /// The Mini-Program counterpart of [`FISCAL_RECEIPT`].
    pub const FISCAL_RECEIPT_MINI_PROGRAM: u32 = 48;
}
