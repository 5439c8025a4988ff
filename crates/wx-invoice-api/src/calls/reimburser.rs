//! The reimburser's endpoints (spec invoice-api §5, R1–R4).

use wx_auth::transport::Repeat;
use wx_invoice_types::{
    EmptyBody, GetInvoiceBatchRequest, GetInvoiceBatchResponse, InvoiceCardRef, ReimburseInvoice,
    UpdateInvoiceStatusRequest, UpdateStatusBatchRequest,
};

use super::E_INVOICE;

json_call! {
    /// R1 `card/invoice/reimburse/getinvoiceinfo`: one invoice's data and PDF URL. A read.
    GetInvoiceInfo(InvoiceCardRef) -> ReimburseInvoice {
        path: "/card/invoice/reimburse/getinvoiceinfo",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// R2 `card/invoice/reimburse/getinvoicebatch`: several invoices at once. A read.
    GetInvoiceBatch(GetInvoiceBatchRequest) -> GetInvoiceBatchResponse {
        path: "/card/invoice/reimburse/getinvoicebatch",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// R3 `card/invoice/reimburse/updateinvoicestatus`: lock, release or close one invoice.
    /// Never repeated: a repeated LOCK may be answered 72023 ("locked") and a repeated CLOSURE
    /// 72061 ("closed"), which could not be told from another reimburser's doing.
    UpdateInvoiceStatus(UpdateInvoiceStatusRequest) -> EmptyBody {
        path: "/card/invoice/reimburse/updateinvoicestatus",
        requires: E_INVOICE,
        repeat: Repeat::Never,
    }
}

json_call! {
    /// R4 `card/invoice/reimburse/updatestatusbatch`: the same for several invoices,
    /// all-or-nothing. Never repeated, for the same reason.
    UpdateStatusBatch(UpdateStatusBatchRequest) -> EmptyBody {
        path: "/card/invoice/reimburse/updatestatusbatch",
        requires: E_INVOICE,
        repeat: Repeat::Never,
    }
}
