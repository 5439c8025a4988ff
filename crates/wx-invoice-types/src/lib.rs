//! Request, response and push-event types of the WeChat e-invoice (微信电子发票) API.
//!
//! Pure data: no I/O, no async. The client (`wx-invoice-api`) and the emulator
//! (`wx-sandbox`) both build on these types. Modules follow the roles of the spec:
//!
//! - [`money`]: [`Fen`], amounts in 1/100 CNY.
//! - [`ids`]: [`OrderId`], [`BillingNo`], [`BillingCode`] — identifiers typed apart.
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
//! The other families have a module each, used through its path (`wx_invoice_types::wecom::…`):
//!
//! - [`wecom`]: WeCom (企业微信) reimbursement, W1–W4 on `qyapi.weixin.qq.com`.
//! - [`nontax`]: fiscal non-tax e-receipts (财政电子票据): `nontax/getbillauthurl`,
//!   `createbillcard`, `insertbill`.
//! - [`unified`]: unified invoicing (legacy): `makeoutinvoice`, `clearoutinvoice`,
//!   `queryinvoceinfo`, amounts as [`unified::Yuan`] decimal strings.
//! - [`openapi`]: the platform's and every account's management calls: the authorizer list,
//!   authorizer options, `clear_quota`, `openapi/quota/get`, `openapi/rid/get`.
//!
//! `validate()` methods check what the spec's §10 documents and report every problem at
//! once; they never stop WeChat from being the final judge. Checking a valid request
//! allocates nothing. Everything of the e-invoice family is also re-exported at the crate root.
//!
//! # Building requests
//!
//! Request structs have public fields, so a struct literal always works. Named constructors
//! and `with_*` setters are the shorter way, and they keep apart what positional strings would
//! let a caller swap: identifiers that must not be mixed up are types of their own
//! ([`OrderId`], [`BillingNo`], [`BillingCode`]), every other field is set by its name.
//!
//! ```
//! use wx_invoice_types::{BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};
//!
//! let data = InvoiceUserData::digital(BillingNo::new("24442000000123456789"))
//!     .with_title("某某科技有限公司")
//!     .with_billing_time(1_700_000_000)
//!     .with_pdf("s_media_id_from_setpdf")
//!     .with_amounts(Fen(10_000), Fen(600))
//!     .with_item(InvoiceItem::new("咨询服务", Fen(10_000)));
//! let request = InsertInvoiceRequest::new(OrderId::new("order-1"), data)
//!     .with_card_id("pjZ8Yt...")
//!     .with_appid("wxMERCHANT");
//! # let _ = request;
//! ```
//!
//! # Which types may grow
//!
//! - **What WeChat sends** — every response body ([`InsertInvoiceResponse`],
//!   [`ReimburseInvoice`], [`ApiStatus`] …) and every push event ([`UserAuthorizeInvoice`] …)
//!   — is `#[non_exhaustive]`: WeChat adds fields without notice, and this crate can follow
//!   without a breaking release. Read their fields; build them only by deserialising.
//! - **Public enums** ([`ReimburseStatus`], [`AuthSource`], [`InvoiceEvent`] …) are
//!   `#[non_exhaustive]` too: match them with a `_` arm.
//! - **What callers build** — request bodies and their parts ([`InsertInvoiceRequest`],
//!   [`InvoiceUserData`], [`Contact`], [`AuthField`] …) — stays exhaustive, so that struct
//!   literals and `..Default::default()` keep working. Parts that a `get_*` call also reads
//!   back (the `setbizattr` parts) follow the request side, since callers build them.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod envelope;
pub mod error_code;
pub mod events;
pub mod guide;
pub mod ids;
pub mod insert;
pub mod int_flag;
pub mod lenient;
pub mod merchant;
pub mod money;
pub mod nontax;
pub mod openapi;
pub mod pdf;
pub mod platform;
pub mod reimburse;
pub mod status;
pub mod title;
pub mod unified;
mod url_query;
pub mod validation;
pub mod wecom;

pub use envelope::{ApiStatus, EmptyBody};
pub use error_code::{CATALOGUE, ErrorClass, ErrorCodeInfo, lookup};
pub use events::{EventParseError, InvoiceEvent, SubmitInvoiceTitle, UpdateInvoiceStatus, UserAuthorizeInvoice};
pub use ids::{BillingCode, BillingNo, OrderId};
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
