//! Request, response and push-event types of the WeChat e-invoice (微信电子发票) API.
//!
//! Pure data: no I/O, no async. The client (`wx-invoice-api`) and the emulator
//! (`wx-sandbox`) both build on these types. Modules follow the roles of the spec:
//!
//! - [`money`]: [`Fen`], amounts in 1/100 CNY.
//! - [`insert`]: `card/invoice/insert`, with [`InsertInvoiceRequest::validate`].
//! - [`pdf`]: uploading and fetching invoice PDFs.
//! - [`status`]: [`ReimburseStatus`] and `platform/updatestatus`.
//! - [`platform`]: the platform id (`seturl`), card templates (`createcard`), code decryption.
//! - [`merchant`]: the `wx_card` ticket, authorization URL and data, `rejectinsert`, `setbizattr`.
//! - [`reimburse`]: reading, locking and closing submitted invoices.
//! - [`title`]: invoice-title (抬头) links and QR parsing.
//! - [`events`]: push events ([`InvoiceEvent`]) read from and written to XML.
//! - [`envelope`]: the `errcode`/`errmsg` pair of every response, and the `{}` body.
//! - [`error_code`]: the catalogue of known error codes and how to react to each.
//! - [`validation`]: the error and warning types every `validate()` returns.
//! - [`lenient`]: deserializers for numbers sent as strings and ids sent as numbers.
//! - [`int_flag`]: 0/1 integers as `Option<bool>`.
//! - [`guide`]: every known error code, its class and what to do about it.
//!
//! `validate()` methods check what the spec's §10 documents and report every problem at
//! once; they never stop WeChat from being the final judge. Everything is also re-exported at
//! the crate root.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod envelope;
pub mod error_code;
pub mod events;
pub mod guide;
pub mod insert;
pub mod int_flag;
pub mod lenient;
pub mod merchant;
pub mod money;
pub mod pdf;
pub mod platform;
pub mod reimburse;
pub mod status;
pub mod title;
mod url_query;
pub mod validation;

pub use envelope::{ApiStatus, EmptyBody};
pub use error_code::{CATALOGUE, ErrorClass, ErrorCodeInfo, lookup};
pub use events::{EventParseError, InvoiceEvent, SubmitInvoiceTitle, UpdateInvoiceStatus, UserAuthorizeInvoice};
pub use insert::{CardExt, InsertInvoiceRequest, InsertInvoiceResponse, InsertUserCard, InvoiceItem, InvoiceUserData};
pub use merchant::{
    AuthField, AuthSource, AuthUrlType, BizAttrAction, BizAttrResponse, BizField, CompanyTitleInfo, Contact,
    CustomField, CustomFieldValue, GetAuthDataRequest, GetAuthDataResponse, GetAuthUrlRequest, GetAuthUrlResponse,
    PayMchInfo, PersonalTitleInfo, RejectInsertRequest, SetBizAttrRequest, TicketResponse, UserAuthInfo, UserField,
};
pub use money::Fen;
pub use pdf::{GetPdfRequest, GetPdfResponse, SetPdfResponse};
pub use platform::{
    BaseInfo, CreateCardRequest, CreateCardResponse, DecryptCodeRequest, DecryptCodeResponse, InvoiceInfo,
    SetUrlResponse,
};
pub use reimburse::{
    GetInvoiceBatchRequest, GetInvoiceBatchResponse, GetInvoiceInfoRequest, GetInvoiceInfoResponse, InvoiceCardRef,
    ReimburseInvoice, ReimburseUserInfo, UpdateInvoiceStatusRequest, UpdateStatusBatchRequest,
};
pub use status::{ReimburseStatus, UpdateStatusRequest};
pub use title::{
    GetSelectTitleUrlRequest, GetUserTitleUrlRequest, ScanTitleRequest, ScanTitleResponse, TitleUrlResponse,
};
pub use validation::{FieldProblem, ValidationErrors, ValidationWarning};
