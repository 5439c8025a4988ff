//! Unified invoicing (统一开票接口, spec invoice-api-more §1) — **legacy**: WeChat's current
//! merchant API list no longer shows these calls and developers report `makeoutinvoice`
//! answering "address does not exist"; use them only where they are known to work.

use wx_invoice_types::unified::{
    ClearOutInvoiceRequest, MakeOutInvoiceRequest, QueryInvoiceInfoRequest, QueryInvoiceInfoResponse,
};

use crate::calls;
use crate::client::InvoiceClient;
use crate::error::InvoiceError;

/// The unified-invoicing calls, made with the token of `appid` (the merchant's Official
/// Account). Get one from [`InvoiceClient::unified_invoicing`].
///
/// Each request is keyed on its `fpqqlsh`: the SDK repeats `makeoutinvoice` and
/// `clearoutinvoice` after a transient failure with the same one, as WeChat asks (73105). The
/// outcome arrives by the `cloud_invoice_invoiceresult_event` push and by
/// [`query`](Self::query); 73100, 73105 and 73107 may hide a success, so query before treating
/// them as failures.
#[derive(Debug, Clone, Copy)]
pub struct UnifiedInvoicingCalls<'a> {
    client: &'a InvoiceClient,
    appid: &'a str,
}

impl InvoiceClient {
    /// The unified-invoicing calls (legacy), as `appid`.
    pub fn unified_invoicing<'a>(&'a self, appid: &'a str) -> UnifiedInvoicingCalls<'a> {
        UnifiedInvoicingCalls { client: self, appid }
    }
}

impl UnifiedInvoicingCalls<'_> {
    /// U1 `makeoutinvoice`: asks for a blue invoice. Validated first (required fields, yuan
    /// amounts with at most 2 decimals, 19-digit tax codes); totals that do not add up are
    /// logged as warnings. Accepted is not issued: wait for the push or query.
    pub async fn make_out(&self, request: &MakeOutInvoiceRequest) -> Result<(), InvoiceError> {
        for warning in request.validate()? {
            tracing::warn!(field = %warning.field, fpqqlsh = %request.invoiceinfo.fpqqlsh, "{}", warning.message);
        }
        self.client.send(self.appid, &calls::MakeOutInvoice(request)).await?;
        Ok(())
    }

    /// U2 `clearoutinvoice`: asks to red-flush an invoice issued by [`make_out`](Self::make_out),
    /// under a serial number of its own.
    pub async fn clear_out(&self, request: &ClearOutInvoiceRequest) -> Result<(), InvoiceError> {
        request.validate()?;
        self.client.send(self.appid, &calls::ClearOutInvoice(request)).await?;
        Ok(())
    }

    /// U3 `queryinvoceinfo`: the invoice request `fpqqlsh` of the seller `nsrsbh` produced.
    pub async fn query(&self, fpqqlsh: &str, nsrsbh: &str) -> Result<QueryInvoiceInfoResponse, InvoiceError> {
        let body = QueryInvoiceInfoRequest::new(fpqqlsh, nsrsbh);
        body.validate()?;
        self.client.send(self.appid, &calls::QueryInvoiceInfo(&body)).await
    }
}
