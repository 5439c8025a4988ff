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

#[doc = "[reimburser.md]: crate::guide::reimburser"]
#[doc = include_str!("../docs/wecom.md")]
pub mod wecom {}

#[doc = "[platform.md]: crate::guide::platform"]
#[doc = "[merchant.md]: crate::guide::merchant"]
#[doc = "[reimburser.md]: crate::guide::reimburser"]
#[doc = "[errors.md]: wx_invoice_types::guide::errors"]
#[doc = include_str!("../docs/fiscal-receipts.md")]
pub mod fiscal_receipts {}

#[doc = "[platform.md]: crate::guide::platform"]
#[doc = include_str!("../docs/unified-invoicing.md")]
pub mod unified_invoicing {}

#[doc = include_str!("../docs/platform-management.md")]
pub mod platform_management {}

/// The repository's README, whose usage example is compiled as a doc-test too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
