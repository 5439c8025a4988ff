//! The guides, one page per role: every call in flow order, the permission set it needs, the
//! errors it can meet and what to do about each, and the sandbox facts to test it with.
//!
//! The same pages are the `docs/` directory of the repository; their Rust examples are
//! compiled as this crate's doc-tests. Each link between pages is a reference link, defined
//! at the end of its page for the repository and here, first, for docs.rs.

#[doc = "[errors.md]: wx_invoice_types::guide::errors"]
#[doc = "[sandbox.md]: https://docs.rs/wx-sandbox/latest/wx_sandbox/guide/sandbox/index.html"]
#[doc = include_str!("../docs/architecture.md")]
pub mod architecture {}

#[doc = "[errors.md]: wx_invoice_types::guide::errors"]
#[doc = "[push-crypto.md]: wx_auth::guide::push_crypto"]
#[doc = include_str!("../docs/platform.md")]
pub mod platform {}

#[doc = "[push-crypto.md]: wx_auth::guide::push_crypto"]
#[doc = include_str!("../docs/merchant.md")]
pub mod merchant {}

#[doc = "[errors.md]: wx_invoice_types::guide::errors"]
#[doc = include_str!("../docs/reimburser.md")]
pub mod reimburser {}

/// The repository's README, whose usage example is compiled as a doc-test too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
