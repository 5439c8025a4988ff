//! [`WecomInvoiceClient`]: WeCom (企业微信) reimbursement (spec invoice-api-more §2, W1–W4) on
//! WeCom's own host, with WeCom corp tokens — a client of its own, so one process calls WeChat
//! (with an [`InvoiceClient`](crate::InvoiceClient)) and WeCom side by side, each on its base.

use std::fmt;
use std::sync::Arc;

use tracing::Instrument;
use wx_auth::transport::{ApiCall, Transport, TransportSettings};
use wx_auth::{TokenSource, WECOM_API_BASE};
use wx_invoice_types::wecom::{
    ConvertToOpenidRequest, WecomInvoice, WecomUpdateInvoiceStatusRequest, WecomUpdateStatusBatchRequest,
};
use wx_invoice_types::{GetInvoiceBatchRequest, InvoiceCardRef, ReimburseStatus};

use crate::calls;
use crate::error::InvoiceError;

/// The WeCom reimbursement client. `Clone + Send + Sync`, cheap to clone.
///
/// Its tokens are WeCom corp tokens, asked for by corpid: [`wx_auth::WecomTokens`] for an
/// enterprise's own app, or a [`TokenSource`] of your own for a WeCom third-party app (see
/// `wx_auth::WecomTokens`' module docs). No permission set applies; WeCom refuses unverified
/// enterprises itself.
///
/// ```no_run
/// use std::sync::Arc;
/// use wx_auth::{SecretString, TokenSource, WecomTokens};
/// use wx_invoice_api::WecomInvoiceClient;
/// use wx_invoice_types::InvoiceCardRef;
///
/// # async fn run() -> Result<(), wx_invoice_api::InvoiceError> {
/// let tokens: Arc<dyn TokenSource> = Arc::new(
///     WecomTokens::builder().corp("ww0123456789abcdef", SecretString::from("corp-secret")).build()?,
/// );
/// let wecom = WecomInvoiceClient::builder(tokens).build()?; // https://qyapi.weixin.qq.com
/// let invoice = wecom
///     .reimburser("ww0123456789abcdef")
///     .invoice_info(&InvoiceCardRef::new("card_id", "encrypt_code"))
///     .await?;
/// # let _ = invoice; Ok(()) }
/// ```
#[derive(Clone)]
pub struct WecomInvoiceClient {
    inner: Arc<Inner>,
}

struct Inner {
    tokens: Arc<dyn TokenSource>,
    transport: Transport,
}

impl fmt::Debug for WecomInvoiceClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WecomInvoiceClient")
            .field("transport", &self.inner.transport)
            .finish_non_exhaustive()
    }
}

/// Builds a [`WecomInvoiceClient`]. Default base: [`WECOM_API_BASE`] only (WeChat's backup
/// hosts do not serve WeCom); the other transport defaults are the SDK's.
#[must_use]
pub struct WecomInvoiceClientBuilder {
    tokens: Arc<dyn TokenSource>,
    transport: TransportSettings,
}

impl fmt::Debug for WecomInvoiceClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WecomInvoiceClientBuilder")
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

impl WecomInvoiceClientBuilder {
    wx_auth::transport_setters!();

    /// Builds the client.
    pub fn build(self) -> Result<WecomInvoiceClient, InvoiceError> {
        Ok(WecomInvoiceClient {
            inner: Arc::new(Inner {
                tokens: self.tokens,
                transport: Transport::new(self.transport)?,
            }),
        })
    }
}

impl WecomInvoiceClient {
    /// Starts building a client that takes WeCom corp tokens from `tokens`.
    pub fn builder(tokens: Arc<dyn TokenSource>) -> WecomInvoiceClientBuilder {
        let mut transport = TransportSettings::default();
        transport.set_api_base(WECOM_API_BASE);
        WecomInvoiceClientBuilder { tokens, transport }
    }

    /// The reimbursement calls of the enterprise `corpid`.
    pub fn reimburser<'a>(&'a self, corpid: &'a str) -> WecomReimburserCalls<'a> {
        WecomReimburserCalls { client: self, corpid }
    }

    /// Sends any WeCom call as `corpid` (a rejected token is replaced once, transient failures
    /// retried per the builder's policy when the call is safe to repeat).
    pub async fn send<C: ApiCall>(&self, corpid: &str, call: &C) -> Result<C::Output, InvoiceError> {
        let span = tracing::info_span!("wecom_call", path = call.path(), corpid);
        async { Ok(self.inner.transport.send_as(&*self.inner.tokens, corpid, call).await?) }
            .instrument(span)
            .await
    }
}

/// WeCom reimbursement as one enterprise. Get one from [`WecomInvoiceClient::reimburser`].
#[derive(Debug, Clone, Copy)]
pub struct WecomReimburserCalls<'a> {
    client: &'a WecomInvoiceClient,
    corpid: &'a str,
}

impl WecomReimburserCalls<'_> {
    /// W1 `getinvoiceinfo`: one invoice an employee submitted (`ww.chooseInvoice`'s
    /// `{card_id, encrypt_code}`).
    pub async fn invoice_info(&self, card: &InvoiceCardRef) -> Result<WecomInvoice, InvoiceError> {
        card.validate()?;
        self.client.send(self.corpid, &calls::WecomGetInvoiceInfo(card)).await
    }

    /// W2 `getinvoiceinfobatch`: several invoices at once (items carry no `begin_time` /
    /// `end_time`). WeCom serves it to enterprises with more than 200 activated members only
    /// (48002 otherwise).
    pub async fn invoice_info_batch(&self, cards: Vec<InvoiceCardRef>) -> Result<Vec<WecomInvoice>, InvoiceError> {
        let body = GetInvoiceBatchRequest { item_list: cards };
        body.validate()?;
        Ok(self
            .client
            .send(self.corpid, &calls::WecomGetInvoiceInfoBatch(&body))
            .await?
            .item_list)
    }

    /// W3 `updateinvoicestatus`: `Lock` when an expense claim starts, `Init` to release it,
    /// `Closure` after payout (final). `Cancel` is the invoicing platform's and is refused
    /// before sending.
    pub async fn update_status(&self, card: InvoiceCardRef, status: ReimburseStatus) -> Result<(), InvoiceError> {
        let body = WecomUpdateInvoiceStatusRequest::new(card, status);
        body.validate()?;
        self.client
            .send(self.corpid, &calls::WecomUpdateInvoiceStatus(&body))
            .await?;
        Ok(())
    }

    /// W4 `updatestatusbatch`: the same for several invoices of one employee, all or nothing;
    /// `openid` comes from [`openid_of`](Self::openid_of).
    pub async fn update_status_batch(&self, request: &WecomUpdateStatusBatchRequest) -> Result<(), InvoiceError> {
        request.validate()?;
        self.client
            .send(self.corpid, &calls::WecomUpdateStatusBatch(request))
            .await?;
        Ok(())
    }

    /// `user/convert_to_openid`: the openid under the enterprise of the member `userid`.
    pub async fn openid_of(&self, userid: &str) -> Result<String, InvoiceError> {
        let body = ConvertToOpenidRequest::new(userid);
        body.validate()?;
        Ok(self
            .client
            .send(self.corpid, &calls::ConvertToOpenid(&body))
            .await?
            .openid)
    }
}
