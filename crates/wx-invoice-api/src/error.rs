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
    /// WeChat says this order or invoice was already inserted (72056, 72018, 72042) by an
    /// earlier call, not by an unanswered attempt of this one. The first success's
    /// `code`/`openid` are not repeated: keep them from the first answer.
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
    /// The SDK sent this insert again after an attempt whose answer was lost (a timeout, a
    /// connection dropped after sending, an HTTP 5xx), and WeChat answered the repeat that the
    /// order id was already inserted (72056, 72018): the earlier attempt of *this* call most
    /// likely succeeded. Mark the order done. WeChat does not repeat the card `code`/`openid`.
    #[error(
        "order {order_id} is already in the user's card package: an earlier attempt of this insert most likely succeeded, but its answer was lost, and WeChat answered the repeat with errcode {errcode} ({errmsg}) after {attempts} attempts; mark the order done and do not insert it again — the card code is not repeated in this answer"
    )]
    InsertedByEarlierAttempt {
        /// The order id of the request.
        order_id: String,
        /// WeChat's code (72056 or 72018).
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
        /// Requests the call sent in all.
        attempts: u32,
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
            InvoiceError::AlreadyInserted { errcode, .. } | InvoiceError::InsertedByEarlierAttempt { errcode, .. } => {
                Some(*errcode)
            }
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

    /// Whether the order or invoice is already in a card package: by an earlier call
    /// ([`AlreadyInserted`](Self::AlreadyInserted)) or by an unanswered earlier attempt of this
    /// one ([`InsertedByEarlierAttempt`](Self::InsertedByEarlierAttempt)). Either way, do not
    /// insert it again.
    pub fn is_already_inserted(&self) -> bool {
        matches!(
            self,
            InvoiceError::AlreadyInserted { .. } | InvoiceError::InsertedByEarlierAttempt { .. }
        )
    }

    /// Whether an earlier attempt of this very insert most likely succeeded (its answer was
    /// lost; WeChat answered the repeat "order already inserted"), as opposed to a duplicate
    /// of an earlier call.
    pub fn is_inserted_by_earlier_attempt(&self) -> bool {
        matches!(self, InvoiceError::InsertedByEarlierAttempt { .. })
    }

    /// Whether WeChat rejected the token (class `RefreshToken`, after the SDK's one retry).
    pub fn is_token_invalid(&self) -> bool {
        matches!(self, InvoiceError::Wechat(e) if e.is_token_invalid())
    }

    /// Whether the same call may succeed later (the SDK already retried it if it is safe to
    /// repeat).
    pub fn is_retryable(&self) -> bool {
        matches!(self, InvoiceError::Wechat(e) if e.is_retryable())
    }

    /// When the daily quota WeChat said is used up clears (45009, 72057).
    pub fn quota_clears_at(&self) -> Option<std::time::SystemTime> {
        match self {
            InvoiceError::Wechat(e) => e.quota_clears_at(),
            _ => None,
        }
    }
}
