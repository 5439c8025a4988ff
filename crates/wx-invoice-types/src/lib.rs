//! Request, response and push-event types of the WeChat e-invoice (微信电子发票) API.
//!
//! Pure data: no I/O, no async. The client (`wx-invoice-api`) and the emulator
//! (`wx-sandbox`) both build on these types.
//!
//! - [`money`]: [`Fen`], amounts in 1/100 CNY.
//! - [`insert`]: `card/invoice/insert`, with [`InsertInvoiceRequest::validate`].
//! - [`pdf`]: uploading and fetching invoice PDFs.
//! - [`status`]: [`ReimburseStatus`] and `platform/updatestatus`.
//! - [`events`]: push events ([`InvoiceEvent`]) read from and written to XML.
//! - [`envelope`]: the `errcode`/`errmsg` pair of every response.
//! - [`error_code`]: the catalogue of known error codes and how to react to each.
//! - [`validation`]: the error and warning types every `validate()` returns.
//! - [`lenient`]: deserializers for numbers sent as strings and ids sent as numbers.
//!
//! Everything is also re-exported at the crate root.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod envelope;
pub mod error_code;
pub mod events;
pub mod insert;
pub mod lenient;
pub mod money;
pub mod pdf;
pub mod status;
pub mod validation;

pub use envelope::ApiStatus;
pub use error_code::{CATALOGUE, ErrorClass, ErrorCodeInfo, lookup};
pub use events::{EventParseError, InvoiceEvent, SubmitInvoiceTitle, UpdateInvoiceStatus, UserAuthorizeInvoice};
pub use insert::{CardExt, InsertInvoiceRequest, InsertInvoiceResponse, InsertUserCard, InvoiceItem, InvoiceUserData};
pub use money::Fen;
pub use pdf::{GetPdfRequest, GetPdfResponse, SetPdfResponse};
pub use status::{ReimburseStatus, UpdateStatusRequest};
pub use validation::{FieldProblem, ValidationErrors, ValidationWarning};
