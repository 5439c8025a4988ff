//! The guide to WeChat's error codes: the catalogue of [`error_code`](crate::error_code), each
//! code's class and what to do about it.
//!
//! The same page is in the `docs/` directory of the repository.

#[doc = "[platform.md]: https://docs.rs/wx-invoice-api/latest/wx_invoice_api/guide/platform/index.html"]
#[doc = include_str!("../docs/errors.md")]
pub mod errors {}
