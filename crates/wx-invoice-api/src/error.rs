//! [`InvoiceError`]: what can go wrong with an invoice call.

use wx_auth::AuthError;
use wx_invoice_types::ValidationErrors;
use wx_invoice_types::error_code::ErrorClass;

/// The error type of the invoice calls.
///
/// WeChat's own error codes stay numbers ([`InvoiceError::errcode`]) and are explained from the
/// catalogue in `wx-invoice-types`. No variant ever holds a token or secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvoiceError {
    /// The request failed client-side validation; nothing was sent. Every problem is listed,
    /// and the message (that of [`ValidationErrors`]) says so once: `request not sent, fix 1
    /// invalid field and send it again: order_id: must not be empty`.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// The authorizer did not grant a permission set this call needs; nothing was sent.
    #[error("{appid} has not granted permission set {} needed by {path} (granted: {}); ask the merchant to authorize it again with that set", needs(.required), list(.granted))]
    PermissionMissing {
        /// The authorizer appid.
        appid: String,
        /// The API path.
        path: &'static str,
        /// Any one of these sets suffices.
        required: &'static [u32],
        /// What the authorizer granted.
        granted: Vec<u32>,
    },
    /// This call cannot be made by a third-party platform at all (e.g. `scantitle`).
    #[error(
        "{path} cannot be called by a third-party platform on behalf of a merchant; the merchant's own account must call it"
    )]
    NotForThirdParty {
        /// The API path.
        path: &'static str,
    },
    /// WeChat says this order or invoice was already inserted (72056, 72018, 72042). The first
    /// success's `code`/`openid` are not repeated: keep them from the first answer.
    #[error(
        "order {order_id} was already inserted into the user's card wallet (errcode {errcode}: {errmsg}); use the code stored from the first insert — a new invoice needs a new order_id and authorization"
    )]
    AlreadyInserted {
        /// The order id of the request.
        order_id: String,
        /// WeChat's code (72056, 72018 or 72042).
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
    },
    /// The bytes given to `upload_pdf` are not a PDF; nothing was sent.
    #[error("{filename} does not start with %PDF- and is not a PDF; nothing was sent")]
    NotPdf {
        /// The file name given.
        filename: String,
    },
    /// The PDF is larger than the configured limit; nothing was sent.
    #[error(
        "{filename} is {size} bytes, over the {limit}-byte limit; compress it or raise max_pdf_bytes on the builder"
    )]
    PdfTooLarge {
        /// The file name given.
        filename: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Obtaining a token or calling WeChat failed (includes WeChat's own error codes).
    #[error(transparent)]
    Wechat(#[from] AuthError),
}

fn needs(required: &[u32]) -> String {
    required.iter().map(u32::to_string).collect::<Vec<_>>().join(" or ")
}

fn list(granted: &[u32]) -> String {
    if granted.is_empty() {
        "none".into()
    } else {
        granted.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
    }
}

impl InvoiceError {
    /// WeChat's error code, where WeChat answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            InvoiceError::AlreadyInserted { errcode, .. } => Some(*errcode),
            InvoiceError::Wechat(e) => e.errcode(),
            _ => None,
        }
    }

    /// The catalogue class of WeChat's code, where known.
    pub fn class(&self) -> Option<ErrorClass> {
        self.errcode()
            .and_then(wx_invoice_types::error_code::lookup)
            .map(|i| i.class)
    }

    /// Whether the order or invoice was already inserted.
    pub fn is_already_inserted(&self) -> bool {
        matches!(self, InvoiceError::AlreadyInserted { .. })
    }

    /// Whether WeChat rejected the token (after the SDK's one retry).
    pub fn is_token_invalid(&self) -> bool {
        matches!(self, InvoiceError::Wechat(e) if e.is_token_invalid())
    }

    /// Whether the same call may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, InvoiceError::Wechat(e) if e.is_retryable())
    }
}
