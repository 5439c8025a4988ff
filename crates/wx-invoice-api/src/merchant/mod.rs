//! The merchant's calls (spec invoice-api §4, M1–M5, and the title APIs of §6, T1–T3): the
//! `wx_card` ticket, the user authorization page, querying or rejecting an authorization, the
//! authorization-page settings, and invoice titles.

mod biz_attr;
mod title;

use std::time::Duration;

use wx_auth::transport::ApiCall;
use wx_auth::{AccessToken, RefreshJob, RefreshReport, TokenKey, TokenKind};
use wx_invoice_types::{
    GetAuthDataRequest, GetAuthDataResponse, GetAuthUrlRequest, GetAuthUrlResponse, RejectInsertRequest,
    ValidationErrors,
};

use crate::calls;
use crate::client::InvoiceClient;
use crate::error::InvoiceError;
use crate::permission;

/// The namespace of `wx_card` tickets in the token store (a ticket belongs to the merchant
/// account, whichever platform asks for it).
const TICKET_NAMESPACE: &str = "wx_card";

fn ticket_key(appid: &str) -> TokenKey {
    TokenKey::new(TICKET_NAMESPACE, appid, TokenKind::WxCardTicket)
}

/// A request's validation, except that an empty `ticket` is no finding when it is filled with
/// the `wx_card` ticket before sending.
pub(crate) fn unless_unfilled_ticket(
    validation: Result<(), ValidationErrors>,
    fill_ticket: bool,
) -> Result<(), ValidationErrors> {
    match validation {
        Err(errors) if fill_ticket => ValidationErrors::check(
            errors
                .into_problems()
                .into_iter()
                .filter(|p| p.field != "ticket")
                .collect(),
        ),
        other => other,
    }
}

async fn fetch_ticket(client: &InvoiceClient, appid: &str) -> Result<AccessToken, wx_auth::AuthError> {
    let out = client.send_unchecked(appid, &calls::GetTicket).await?;
    let now = client.clock().now();
    AccessToken::from_answer(
        out.ticket,
        wx_auth::Lifetime::from_secs(out.expires_in.into()),
        calls::GetTicket.path(),
        now,
    )
}

/// The refresh of `appid`'s ticket, as the cache runs it (in a task of its own).
fn ticket_fetch(
    client: &InvoiceClient,
    appid: &str,
) -> impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<AccessToken, wx_auth::AuthError>> + Send>>
+ Send
+ 'static {
    let (client, appid) = (client.clone(), appid.to_owned());
    move || Box::pin(async move { fetch_ticket(&client, &appid).await })
}

/// A [`RefreshJob`] keeping some merchants' `wx_card` tickets fresh from a
/// [`Refresher`](wx_auth::Refresher); build it with [`InvoiceClient::wx_card_ticket_job`].
#[derive(Debug, Clone)]
pub struct WxCardTicketJob {
    client: InvoiceClient,
    appids: Vec<String>,
}

impl InvoiceClient {
    /// A refresher job for the `wx_card` tickets of `appids`, so read-only nodes (built with
    /// `.read_only(true)`) find them fresh in the shared ticket store.
    pub fn wx_card_ticket_job(&self, appids: Vec<String>) -> WxCardTicketJob {
        WxCardTicketJob {
            client: self.clone(),
            appids,
        }
    }
}

#[async_trait::async_trait]
impl RefreshJob for WxCardTicketJob {
    async fn refresh_ahead(&self, ahead: Duration) -> RefreshReport {
        let mut report = RefreshReport::default();
        for appid in &self.appids {
            report.checked += 1;
            let refreshed = self
                .client
                .tickets()
                .refresh_ahead(&ticket_key(appid), ahead, ticket_fetch(&self.client, appid))
                .await;
            if let Err(e) = refreshed {
                tracing::warn!(appid = %appid, error = %e, "refresher: wx_card ticket");
                report.failed.push((appid.clone(), e));
            }
        }
        report
    }
}

/// The merchant's calls, made with the token of `appid` (the merchant's account). Get one from
/// [`InvoiceClient::merchant`].
#[derive(Debug, Clone, Copy)]
pub struct MerchantCalls<'a> {
    pub(crate) client: &'a InvoiceClient,
    pub(crate) appid: &'a str,
}

impl InvoiceClient {
    /// The merchant's calls, as `appid`.
    pub fn merchant<'a>(&'a self, appid: &'a str) -> MerchantCalls<'a> {
        MerchantCalls { client: self, appid }
    }
}

impl MerchantCalls<'_> {
    /// M1: the merchant's `wx_card` api ticket (no permission set is listed for it), cached like a token (one fetch per expiry across
    /// everyone sharing the builder's `ticket_store`). The value is a secret: see
    /// [`AccessToken::expose_secret`].
    pub async fn wx_card_ticket(&self) -> Result<AccessToken, InvoiceError> {
        let key = ticket_key(self.appid);
        Ok(self
            .client
            .tickets()
            .get(&key, ticket_fetch(self.client, self.appid))
            .await?)
    }

    /// Writes the `wx_card` ticket into a request's `ticket` field.
    pub(crate) async fn fill_ticket(&self, ticket: &mut String) -> Result<(), InvoiceError> {
        self.wx_card_ticket().await?.expose_secret().clone_into(ticket);
        Ok(())
    }

    /// M2 `getauthurl`: the page where the user authorizes invoicing for `order_id`. An empty
    /// `ticket` is filled with [`wx_card_ticket`](Self::wx_card_ticket).
    ///
    /// The request is validated and the permission set checked *before* the ticket is fetched,
    /// so a request that cannot be sent costs no call at all. Requires `set_contact` to have
    /// been done (else WeChat answers 72063).
    pub async fn auth_url(&self, request: &GetAuthUrlRequest) -> Result<GetAuthUrlResponse, InvoiceError> {
        let fill_ticket = request.ticket.is_empty();
        unless_unfilled_ticket(request.validate(), fill_ticket)?;
        let unfilled = calls::GetAuthUrl(request);
        permission::check(
            &**self.client.tokens(),
            self.appid,
            unfilled.path(),
            unfilled.requirement(),
        )
        .await?;
        let mut request = request.clone();
        if fill_ticket {
            self.fill_ticket(&mut request.ticket).await?;
        }
        self.client.send(self.appid, &calls::GetAuthUrl(&request)).await
    }

    /// M3 `getauthdata`: whether (and with what title) the user authorized `order_id`.
    pub async fn auth_data(&self, s_pappid: &str, order_id: &str) -> Result<GetAuthDataResponse, InvoiceError> {
        let body = GetAuthDataRequest::new(s_pappid, order_id.into());
        body.validate()?;
        self.client.send(self.appid, &calls::GetAuthData(&body)).await
    }

    /// M4 `rejectinsert`: refuses to invoice an authorized order (the user is told `reason`).
    /// Permanent: the order can never be inserted (later inserts fail with 72035).
    pub async fn reject_insert(&self, request: &RejectInsertRequest) -> Result<(), InvoiceError> {
        request.validate()?;
        self.client.send(self.appid, &calls::RejectInsert(request)).await?;
        Ok(())
    }
}
