//! Every invoice endpoint as a value implementing [`ApiCall`]: its path, body, answer, the
//! permission sets it needs from a third-party platform's authorizer, and whether the transport
//! may send it again after a transient failure ([`Repeat`]).
//!
//! The role handles ([`PlatformCalls`](crate::PlatformCalls),
//! [`MerchantCalls`](crate::MerchantCalls), [`ReimburserCalls`](crate::ReimburserCalls)) build
//! these and send them through [`InvoiceClient::send`](crate::InvoiceClient::send); so can you,
//! for an endpoint of your own. Adding an endpoint is a type here and a one-line method there.
//!
//! Which calls are repeated, and why:
//!
//! | call | repeat | why |
//! |---|---|---|
//! | reads (`getpdf`, `getauthdata`, `getinvoiceinfo`, `getinvoicebatch`, `getticket`, `scantitle`, `getselecttitleurl`, `card/code/decrypt`) | [`Safe`](Repeat::Safe) | nothing changes |
//! | `seturl` | `Safe` | answers the platform's one stable URL |
//! | `setpdf` | `Safe` | a repeat only leaves an unused upload, which expires after 3 days |
//! | `getauthurl`, `biz/getusertitleurl` | `Safe` | a repeat only makes another link for the same order or title |
//! | `setbizattr` (all six actions) | `Safe` | `get_*` read; `set_*` overwrite with the same value |
//! | `insert` | [`Detected`](Repeat::Detected) | WeChat answers a repeated order id with 72056/72018, so a repeat after a lost answer is recognised (see [`InvoiceError::InsertedByEarlierAttempt`](crate::InvoiceError::InsertedByEarlierAttempt)) |
//! | `platform/createcard`, `nontax/createbillcard` | [`Never`](Repeat::Never) | a repeat creates a second template |
//! | WeCom W1/W2, `convert_to_openid`, `nontax/getbillauthurl`, `queryinvoceinfo`, `quota/get`, `rid/get` | `Safe` | reads, or another link for the same order |
//! | `makeoutinvoice`, `clearoutinvoice` | `Safe` | `fpqqlsh` is their idempotency key: WeChat asks for a retry with the same one |
//! | WeCom W3/W4, `nontax/insertbill`, `clear_quota` | `Never` | state changes; a repeated `clear_quota` spends another of the 10 monthly resets |
//! | `platform/updatestatus`, `reimburse/updateinvoicestatus`, `reimburse/updatestatusbatch`, `rejectinsert` | `Never` | state changes: WeChat's answer to a repeat is not documented, so a repeat could not be told from a conflict |
//!
//! Every call, whatever its repeat, is sent to the next host when the connection could not even
//! be opened (nothing was sent), and once more with a fresh token when WeChat rejects the token.

pub use merchant::{
    GetAuthData, GetAuthUrl, GetSelectTitleUrl, GetTicket, GetUserTitleUrl, RejectInsert, ScanTitle, SetBizAttr,
};
pub use nontax::{CreateBillCard, GetBillAuthUrl, InsertBill};
pub use platform::{CreateCard, DecryptCode, GetPdf, Insert, SetPdf, SetUrl, UpdateStatus};
pub use reimburser::{GetInvoiceBatch, GetInvoiceInfo, UpdateInvoiceStatus, UpdateStatusBatch};
pub use unified::{ClearOutInvoice, MakeOutInvoice, QueryInvoiceInfo};
pub use wecom::{
    ConvertToOpenid, WecomGetInvoiceInfo, WecomGetInvoiceInfoBatch, WecomUpdateInvoiceStatus, WecomUpdateStatusBatch,
};
pub use wx_auth::openapi::{ClearQuota, QuotaGet, RidGet};
pub use wx_auth::transport::{ApiCall, Repeat, Requirement};

/// Defines a call that `POST`s a borrowed request as JSON: the struct, its `PATH` and its
/// [`ApiCall`] implementation. `Debug` prints the call's name only (bodies may hold tickets).
macro_rules! json_call {
    (
        $(#[$doc:meta])*
        $name:ident($request:ty) -> $output:ty {
            path: $path:literal,
            requires: $requires:expr,
            repeat: $repeat:expr $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a>(pub &'a $request);

        impl $name<'_> {
            /// The API path.
            pub const PATH: &'static str = $path;
        }

        impl std::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        impl wx_auth::transport::ApiCall for $name<'_> {
            type Output = $output;
            fn path(&self) -> &'static str {
                $path
            }
            fn body(&self) -> Result<wx_auth::transport::CallBody, serde_json::Error> {
                wx_auth::transport::CallBody::json(self.0)
            }
            fn repeat(&self) -> wx_auth::transport::Repeat {
                $repeat
            }
            fn requirement(&self) -> wx_auth::transport::Requirement {
                $requires
            }
        }
    };
}

mod merchant;
mod nontax;
mod platform;
mod reimburser;
mod unified;
mod wecom;

/// The e-invoice permission set (26).
pub(crate) const E_INVOICE: Requirement = Requirement::AnyOf(crate::permission::E_INVOICE_ONLY);
/// The card set (8) or the e-invoice set (26).
pub(crate) const CARDS_OR_E_INVOICE: Requirement = Requirement::AnyOf(crate::permission::CARDS_OR_E_INVOICE);
