//! The `rid` of a failed call, read from WeChat's `errmsg`, for `openapi/rid/get`.

use wx_invoice_types::openapi::Rid;

use crate::error::AuthError;

impl AuthError {
    /// The request id WeChat appended to its `errmsg` (`… rid: 617682e0-09059ac5-34a8e2ea`),
    /// where WeChat answered with one: look the call up with `openapi/rid/get` (within 7 days,
    /// with the token of the account that made it) or quote it to WeChat support.
    pub fn rid(&self) -> Option<Rid> {
        match self {
            AuthError::Api { errmsg, .. } | AuthError::QuotaExhausted { errmsg, .. } => Rid::find_in(errmsg),
            _ => None,
        }
    }
}
