//! The reimburser's calls (spec invoice-api §5, R1–R4): read invoices users submitted, lock
//! them in an expense flow, close them after payout.

use wx_invoice_types::{
    GetInvoiceBatchRequest, InvoiceCardRef, ReimburseInvoice, ReimburseStatus, UpdateInvoiceStatusRequest,
    UpdateStatusBatchRequest,
};

use crate::calls;
use crate::client::InvoiceClient;
use crate::error::InvoiceError;

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
        self.client.send(self.appid, &calls::GetInvoiceInfo(card)).await
    }

    /// R2 `reimburse/getinvoicebatch`: several invoices at once (the list must not be empty).
    pub async fn invoice_batch(&self, cards: Vec<InvoiceCardRef>) -> Result<Vec<ReimburseInvoice>, InvoiceError> {
        let body = GetInvoiceBatchRequest { item_list: cards };
        body.validate()?;
        Ok(self
            .client
            .send(self.appid, &calls::GetInvoiceBatch(&body))
            .await?
            .item_list)
    }

    /// R3 `reimburse/updateinvoicestatus`: `Lock` when the invoice enters an expense flow,
    /// `Init` to release it, `Closure` after payout (irreversible; LOCK first, else 72039).
    pub async fn update_status(&self, card: InvoiceCardRef, status: ReimburseStatus) -> Result<(), InvoiceError> {
        let body = UpdateInvoiceStatusRequest::new(card, status);
        body.validate()?;
        self.client.send(self.appid, &calls::UpdateInvoiceStatus(&body)).await?;
        Ok(())
    }

    /// R4 `reimburse/updatestatusbatch`: the same for several invoices of one user,
    /// transactionally (if one fails, none changes).
    pub async fn update_status_batch(&self, request: &UpdateStatusBatchRequest) -> Result<(), InvoiceError> {
        request.validate()?;
        self.client.send(self.appid, &calls::UpdateStatusBatch(request)).await?;
        Ok(())
    }
}
