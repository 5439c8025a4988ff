//! The WeChat e-invoice calls, on top of [`wx_auth`].
//!
//! [`InvoiceClient`] takes its tokens from any [`wx_auth::TokenSource`] — a third-party
//! platform's [`AuthorizerTokens`](wx_auth::AuthorizerTokens), a direct-mode source, a fixed
//! token — so call sites never change when the token strategy does.
//!
//! Calls are grouped by the role that makes them: [`InvoiceClient::platform`] (the invoicing
//! platform: templates, PDFs, insert, status), [`InvoiceClient::merchant`] (authorization page,
//! authorization data, page settings, titles) and [`InvoiceClient::reimburser`] (read, lock,
//! close). The most used platform calls are also on the client directly (`insert`,
//! `upload_pdf`, `get_pdf`, `update_status`). [`permission`] lists which permission set each
//! call needs from a third-party platform's authorizer; a missing one is refused before sending.
//!
//! The [`guide`] walks through each role's calls in flow order ([`guide::platform`],
//! [`guide::merchant`], [`guide::reimburser`]) with the errors each can meet.
//!
//! # Features
//!
//! Each one turns on the [`wx_auth`] feature of the same name:
//!
//! | feature | default | what it enables |
//! |---|---|---|
//! | `redis` | yes | `wx_auth::RedisStore`, the token store a fleet shares |
//! | `rustls` | yes | HTTPS to WeChat through rustls |
//! | `native-tls` | no | HTTPS through the platform's TLS library |
//!
//! Without Redis and with the platform's TLS:
//! `wx-invoice-api = { version = "0.1", default-features = false, features = ["native-tls"] }`.
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use wx_auth::{StaticToken, TokenSource};
//! use wx_invoice_api::InvoiceClient;
//! use wx_invoice_types::{BillingCode, BillingNo, Fen, InsertInvoiceRequest, InvoiceUserData, OrderId};
//!
//! # async fn run(pdf: Vec<u8>) -> Result<(), wx_invoice_api::InvoiceError> {
//! let tokens: Arc<dyn TokenSource> = Arc::new(StaticToken::new("token-from-your-service"));
//! let client = InvoiceClient::builder(tokens).build()?;
//! let media = client.upload_pdf("wxPLATFORM", "invoice.pdf", pdf).await?;
//! let data = InvoiceUserData::tax_control(BillingCode::new("1234567890"), BillingNo::new("12345678"))
//!     .with_title("Buyer Ltd")
//!     .with_billing_time(1_700_000_000)
//!     .with_pdf(media)
//!     .with_amounts(Fen(10_000), Fen(600)); // excluding tax, tax; fee = their sum
//! let request = InsertInvoiceRequest::new(OrderId::new("order-1"), data)
//!     .with_card_id("card-template-id")
//!     .with_appid("wxMERCHANT"); // nonce_str left empty: filled with a random one
//! let out = client.insert("wxPLATFORM", &request).await?;
//! println!("card code {} for {}", out.code, out.openid);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod calls;
mod client;
mod error;
pub mod guide;
mod merchant;
mod nontax;
mod openapi;
pub mod permission;
mod platform;
mod reimburser;
mod rid;
mod unified;
mod wecom;

pub use client::{DEFAULT_MAX_PDF_BYTES, InvoiceClient, InvoiceClientBuilder};
pub use error::InvoiceError;
pub use merchant::{MerchantCalls, WxCardTicketJob};
pub use nontax::NontaxCalls;
pub use openapi::OpenApiCalls;
pub use platform::PlatformCalls;
pub use reimburser::ReimburserCalls;
pub use unified::UnifiedInvoicingCalls;
pub use wecom::{WecomInvoiceClient, WecomInvoiceClientBuilder, WecomReimburserCalls};
