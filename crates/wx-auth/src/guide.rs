//! The guides to tokens, stores, pushes and running the SDK in production.
//!
//! The same pages are the `docs/` directory of the repository; their Rust examples are
//! compiled as this crate's doc-tests. Each link between pages is a reference link, defined
//! at the end of its page for the repository and here, first, for docs.rs.

#[doc = "[operations.md]: crate::guide::operations"]
#[doc = include_str!("../docs/token-lifecycle.md")]
pub mod token_lifecycle {}

#[doc = include_str!("../docs/redis.md")]
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis {}

#[doc = include_str!("../docs/push-crypto.md")]
pub mod push_crypto {}

#[doc = "[push-crypto.md]: crate::guide::push_crypto"]
#[doc = "[token-lifecycle.md]: crate::guide::token_lifecycle"]
#[doc = include_str!("../docs/security.md")]
pub mod security {}

#[cfg_attr(feature = "redis", doc = "[redis.md]: crate::guide::redis")]
#[doc = "[sandbox.md]: https://docs.rs/wx-sandbox/latest/wx_sandbox/guide/sandbox/index.html"]
#[doc = "[errors.md]: wx_invoice_types::guide::errors"]
#[doc = include_str!("../docs/operations.md")]
pub mod operations {}
