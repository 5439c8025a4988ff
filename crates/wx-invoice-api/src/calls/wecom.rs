//! WeCom reimbursement endpoints (spec invoice-api-more §2, W1–W4) on `qyapi.weixin.qq.com`,
//! sent by [`WecomInvoiceClient`](crate::WecomInvoiceClient) with a WeCom corp token. No
//! permission set governs them (WeCom gates by account state).

use wx_auth::transport::{Repeat, Requirement};
use wx_invoice_types::wecom::{
    ConvertToOpenidRequest, ConvertToOpenidResponse, WecomInvoice, WecomInvoiceBatchResponse,
    WecomUpdateInvoiceStatusRequest, WecomUpdateStatusBatchRequest,
};
use wx_invoice_types::{EmptyBody, GetInvoiceBatchRequest, InvoiceCardRef};

json_call! {
    /// W1 `cgi-bin/card/invoice/reimburse/getinvoiceinfo`: one invoice. A read.
    WecomGetInvoiceInfo(InvoiceCardRef) -> WecomInvoice {
        path: "/cgi-bin/card/invoice/reimburse/getinvoiceinfo",
        requires: Requirement::Unchecked,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// W2 `cgi-bin/card/invoice/reimburse/getinvoiceinfobatch` (not `getinvoicebatch`): several
    /// invoices. A read.
    WecomGetInvoiceInfoBatch(GetInvoiceBatchRequest) -> WecomInvoiceBatchResponse {
        path: "/cgi-bin/card/invoice/reimburse/getinvoiceinfobatch",
        requires: Requirement::Unchecked,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// W3 `cgi-bin/card/invoice/reimburse/updateinvoicestatus`. A state change: never repeated.
    WecomUpdateInvoiceStatus(WecomUpdateInvoiceStatusRequest) -> EmptyBody {
        path: "/cgi-bin/card/invoice/reimburse/updateinvoicestatus",
        requires: Requirement::Unchecked,
        repeat: Repeat::Never,
    }
}

json_call! {
    /// W4 `cgi-bin/card/invoice/reimburse/updatestatusbatch`: all or nothing. Never repeated.
    WecomUpdateStatusBatch(WecomUpdateStatusBatchRequest) -> EmptyBody {
        path: "/cgi-bin/card/invoice/reimburse/updatestatusbatch",
        requires: Requirement::Unchecked,
        repeat: Repeat::Never,
    }
}

json_call! {
    /// `cgi-bin/user/convert_to_openid`: a member's openid, which W4 needs. A read.
    ConvertToOpenid(ConvertToOpenidRequest) -> ConvertToOpenidResponse {
        path: "/cgi-bin/user/convert_to_openid",
        requires: Requirement::Unchecked,
        repeat: Repeat::Safe,
    }
}
