//! A local, stateful emulator of the WeChat third-party-platform (component) and e-invoice
//! endpoints, for examples, tests and users' own integration tests.
//!
//! It speaks WeChat's wire format: same paths, query parameters (`access_token=`,
//! `component_access_token=`), JSON shapes and error envelopes (`HTTP 200` with
//! `{"errcode":N,"errmsg":"… rid: …"}`), so any WeChat client works against it by changing
//! its API base URL to [`Sandbox::base_url`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), wx_sandbox::SandboxError> {
//! let sandbox = wx_sandbox::Sandbox::start().await?;
//! let ticket = sandbox.mint_verify_ticket();           // as if WeChat pushed it
//! let code = sandbox.authorize("wxMERCHANT0000001", &[26]); // merchant confirmed
//! // … point a client at sandbox.base_url(), exchange `code` with api_query_auth …
//! # let _ = (ticket, code);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Every admin action is also reachable over HTTP under `/sandbox/...`; see
//! [`guide::sandbox`] for the endpoint list, the error codes each API answers and the invoice
//! card state machine.
//!
//! Dropping the last [`Sandbox`] clone stops the server.
//!
//! # Features
//!
//! * `cli` (default): the `wx-sandbox` binary, with `clap` for its arguments and
//!   `tracing-subscriber` for its log output. The library uses neither; depend on it with
//!   `default-features = false` to build neither.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod actions;
mod config;
mod error;
mod events;
mod family_actions;
mod fault;
pub mod guide;
mod handle;
mod ids;
mod insert_body;
mod push;
mod routes;
mod server;
mod state;
mod user;
mod wire;

pub use config::{DEFAULT_LOG_CAPACITY, DEFAULT_PUSH_RETRIES, SandboxBuilder};
pub use error::SandboxError;
pub use events::SandboxEvent;
pub use fault::{Fault, FaultKind};
pub use handle::Sandbox;
pub use push::PushDelivery;
pub use state::cards::{CardSnapshot, CardStatus};
pub use user::UserAuthorization;

/// Default component (third-party platform) appid.
pub const DEFAULT_COMPONENT_APPID: &str = "wx0123456789abcdef";
/// Default component appsecret.
pub const DEFAULT_COMPONENT_SECRET: &str = "sandboxcomponentsecret0123456789";
/// Default push token (the "Token" of the push configuration).
pub const DEFAULT_PUSH_TOKEN: &str = "sandboxpushtoken";
/// Default EncodingAESKey: 43 characters `[A-Za-z0-9]`. Like many real keys, its last
/// character carries non-zero trailing bits, so strict base64 decoders reject it — decode
/// leniently.
pub const DEFAULT_ENCODING_AES_KEY: &str = "SandboxEncodingAesKey0123456789abcdefghijkl";
