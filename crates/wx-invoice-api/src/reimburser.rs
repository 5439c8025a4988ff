//! The reimburser's calls (spec invoice-api §5, R1–R4): read invoices users submitted, lock
//! them in an expense flow, close them after payout.

use wx_invoice_types::{
    ApiStatus, GetInvoiceBatchRequest, GetInvoiceBatchResponse, InvoiceCardRef, ReimburseInvoice, ReimburseStatus,
    UpdateInvoiceStatusRequest, UpdateStatusBatchRequest,
};

use crate::client::InvoiceClient;
use crate::error::InvoiceError;
use crate::permission::{E_INVOICE_ONLY, Requirement};

const GET_INVOICE_INFO: &str = "/card/invoice/reimburse/getinvoiceinfo";
const GET_INVOICE_BATCH: &str = "/card/invoice/reimburse/getinvoicebatch";
const UPDATE_INVOICE_STATUS: &str = "/card/invoice/reimburse/updateinvoicestatus";
const UPDATE_STATUS_BATCH: &str = "/card/invoice/reimburse/updatestatusbatch";

const E_INVOICE: Requirement = Requirement::AnyOf(E_INVOICE_ONLY);

/// The reimburser's calls, made with the token of `appid` (the account the user submitted the
/// invoices to). Get one from [`InvoiceClient::reimburser`].
#[derive(Debug, Clone, Copy)]
pub struct ReimburserCalls<'a> {
    client: &'a InvoiceClient,
    appid: &'a str,
}

impl InvoiceClient {
    /// The reimburser's calls, as `appid`.
    pub fn reimburser<'a>(&'a self, appid: &'a str) -> ReimburserCalls<'a> {
        ReimburserCalls { client: self, appid }
    }
}

impl ReimburserCalls<'_> {
    /// R1 `reimburse/getinvoiceinfo`: one invoice's data and PDF URL.
    pub async fn invoice_info(&self, card: &InvoiceCardRef) -> Result<ReimburseInvoice, InvoiceError> {
        card.validate()?;
        self.client.post(self.appid, E_INVOICE, GET_INVOICE_INFO, card).await
    }

    /// R2 `reimburse/getinvoicebatch`: several invoices at once (the list must not be empty).
    pub async fn invoice_batch(&self, cards: Vec<InvoiceCardRef>) -> Result<Vec<ReimburseInvoice>, InvoiceError> {
        let body = GetInvoiceBatchRequest { item_list: cards };
        body.validate()?;
        let out: GetInvoiceBatchResponse = self
            .client
            .post(self.appid, E_INVOICE, GET_INVOICE_BATCH, &body)
            .await?;
        Ok(out.item_list)
    }

    /// R3 `reimburse/updateinvoicestatus`: `Lock` when the invoice enters an expense flow,
    /// `Init` to release it, `Closure` after payout (irreversible; LOCK first, else 72039).
    pub async fn update_status(&self, card: InvoiceCardRef, status: ReimburseStatus) -> Result<(), InvoiceError> {
        let body = UpdateInvoiceStatusRequest::new(card, status);
        body.validate()?;
        let _: ApiStatus = self
            .client
            .post(self.appid, E_INVOICE, UPDATE_INVOICE_STATUS, &body)
            .await?;
        Ok(())
    }

    /// R4 `reimburse/updatestatusbatch`: the same for several invoices of one user,
    /// transactionally (if one fails, none changes).
    pub async fn update_status_batch(&self, request: &UpdateStatusBatchRequest) -> Result<(), InvoiceError> {
        request.validate()?;
        let _: ApiStatus = self
            .client
            .post(self.appid, E_INVOICE, UPDATE_STATUS_BATCH, request)
            .await?;
        Ok(())
    }
}
