//! Unified-invoicing endpoints (legacy, spec invoice-api-more §1). No page names their
//! permission set; by analogy with the family, the e-invoice set (26) is required of
//! third-party callers.

use wx_auth::transport::Repeat;
use wx_invoice_types::EmptyBody;
use wx_invoice_types::unified::{
    ClearOutInvoiceRequest, MakeOutInvoiceRequest, QueryInvoiceInfoRequest, QueryInvoiceInfoResponse,
};

use super::E_INVOICE;

json_call! {
    /// U1 `card/invoice/makeoutinvoice`. Safe to repeat: `fpqqlsh` is the idempotency key, and
    /// WeChat asks for a retry with the same one (73105).
    MakeOutInvoice(MakeOutInvoiceRequest) -> EmptyBody {
        path: "/card/invoice/makeoutinvoice",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// U2 `card/invoice/clearoutinvoice` (red-flush). Safe to repeat, keyed on its `fpqqlsh`.
    ClearOutInvoice(ClearOutInvoiceRequest) -> EmptyBody {
        path: "/card/invoice/clearoutinvoice",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// U3 `card/invoice/queryinvoceinfo` (WeChat's spelling). A read.
    QueryInvoiceInfo(QueryInvoiceInfoRequest) -> QueryInvoiceInfoResponse {
        path: "/card/invoice/queryinvoceinfo",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}
