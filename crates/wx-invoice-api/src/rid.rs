//! The `rid` of a failed invoice call.

use wx_invoice_types::openapi::Rid;

use crate::error::InvoiceError;

impl InvoiceError {
    /// The request id WeChat appended to its `errmsg`, where WeChat answered with one: look the
    /// call up with [`OpenApiCalls::rid_info`](crate::OpenApiCalls::rid_info) (as the same
    /// account, within 7 days) or quote it to WeChat support.
    pub fn rid(&self) -> Option<Rid> {
        match self {
            InvoiceError::Wechat(e) => e.rid(),
            InvoiceError::AlreadyInserted { errmsg, .. } | InvoiceError::InsertedByEarlierAttempt { errmsg, .. } => {
                Rid::find_in(errmsg)
            }
            _ => None,
        }
    }
}
