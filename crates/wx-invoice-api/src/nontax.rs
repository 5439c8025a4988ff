//! Fiscal non-tax e-receipts (财政电子票据, spec invoice-api-more §3): the calls with field sets
//! of their own. The finance bureau (the platform side) and the collecting unit (the merchant
//! side) use the e-invoice handles for everything else: `platform(appid)` for `set_url`,
//! `upload_pdf`, `get_pdf`, `update_status`; `merchant(appid)` for the `wx_card` ticket,
//! `auth_data`, `reject_insert`; `reimburser(appid)` for reading and closing receipts.

use wx_invoice_types::nontax::{
    CreateBillCardRequest, GetBillAuthUrlRequest, GetBillAuthUrlResponse, InsertBillRequest, InsertBillResponse,
};

use crate::calls::{self, ApiCall};
use crate::client::InvoiceClient;
use crate::error::InvoiceError;
use crate::merchant::unless_unfilled_ticket;
use crate::permission;
use crate::platform::insert_error;

/// The `nontax/*` calls, made with the **own** token of `appid` (a third-party platform's
/// authorizer token is refused before anything is sent: WeChat's pages say these calls are not
/// for third parties, permission set 47 notwithstanding). Get one from
/// [`InvoiceClient::nontax`].
#[derive(Debug, Clone, Copy)]
pub struct NontaxCalls<'a> {
    client: &'a InvoiceClient,
    appid: &'a str,
}

impl InvoiceClient {
    /// The fiscal e-receipt calls, as `appid` (the collecting unit for
    /// [`bill_auth_url`](NontaxCalls::bill_auth_url), the finance bureau for the others).
    pub fn nontax<'a>(&'a self, appid: &'a str) -> NontaxCalls<'a> {
        NontaxCalls { client: self, appid }
    }
}

impl NontaxCalls<'_> {
    /// N1 `nontax/getbillauthurl` (the collecting unit): the page where the payer authorizes a
    /// receipt. An empty `ticket` is filled with the unit's `wx_card` ticket, after the request
    /// is validated and the token checked, so a request that cannot be sent costs no call.
    pub async fn bill_auth_url(&self, request: &GetBillAuthUrlRequest) -> Result<GetBillAuthUrlResponse, InvoiceError> {
        let fill_ticket = request.ticket.is_empty();
        unless_unfilled_ticket(request.validate(), fill_ticket)?;
        let unfilled = calls::GetBillAuthUrl(request);
        permission::check(
            &**self.client.tokens(),
            self.appid,
            unfilled.path(),
            unfilled.requirement(),
        )
        .await?;
        let mut request = request.clone();
        if fill_ticket {
            self.client
                .merchant(self.appid)
                .fill_ticket(&mut request.ticket)
                .await?;
        }
        self.client.send(self.appid, &calls::GetBillAuthUrl(&request)).await
    }

    /// N6 `nontax/createbillcard` (the finance bureau): a receipt template for one collecting
    /// unit; returns its `card_id`.
    pub async fn create_bill_card(&self, request: &CreateBillCardRequest) -> Result<String, InvoiceError> {
        request.validate()?;
        Ok(self
            .client
            .send(self.appid, &calls::CreateBillCard(request))
            .await?
            .card_id)
    }

    /// N8 `nontax/insertbill` (the finance bureau): the receipt into the payer's card wallet.
    /// WeChat's "already inserted" answers become [`InvoiceError::AlreadyInserted`] (or
    /// [`InvoiceError::InsertedByEarlierAttempt`] after a lost answer), as for `insert`.
    pub async fn insert_bill(&self, request: &InsertBillRequest) -> Result<InsertBillResponse, InvoiceError> {
        request.validate()?;
        let exchange = self.client.exchange(self.appid, &calls::InsertBill(request)).await?;
        exchange
            .result
            .map_err(|error| insert_error(error, request.order_id.as_str(), exchange.report))
    }
}
