//! Every account's own management calls (spec invoice-api-more §4.4–4.6), made with the token
//! the client's source hands out for `appid`: the account's own (self-built) or its authorizer
//! token (a platform acting for a merchant, which spends the merchant's quotas and budget).
//! The platform's own calls are on [`wx_auth::Component`].

use wx_invoice_types::openapi::{ApiQuota, ClearQuotaRequest, QuotaGetRequest, Rid, RidGetRequest, RidInfo};

use crate::calls;
use crate::client::InvoiceClient;
use crate::error::InvoiceError;

/// Quota and rid calls as `appid`. Get one from [`InvoiceClient::openapi`].
#[derive(Debug, Clone, Copy)]
pub struct OpenApiCalls<'a> {
    client: &'a InvoiceClient,
    appid: &'a str,
}

impl InvoiceClient {
    /// The quota and rid calls, as `appid`.
    pub fn openapi<'a>(&'a self, appid: &'a str) -> OpenApiCalls<'a> {
        OpenApiCalls { client: self, appid }
    }
}

impl OpenApiCalls<'_> {
    /// `cgi-bin/clear_quota`: resets every daily quota of `appid` (45009 gone). Each reset
    /// spends one of the account's 10 a month (48006 beyond), shared with the `v2` forms; never
    /// repeated by the SDK.
    pub async fn clear_quota(&self) -> Result<(), InvoiceError> {
        let body = ClearQuotaRequest {
            appid: self.appid.to_owned(),
        };
        self.client.send(self.appid, &calls::ClearQuota(&body)).await?;
        Ok(())
    }

    /// `openapi/quota/get`: today's limit, use and rest of one API path of `appid`, e.g.
    /// `/card/invoice/insert`.
    pub async fn api_quota(&self, cgi_path: &str) -> Result<ApiQuota, InvoiceError> {
        let body = QuotaGetRequest::new(cgi_path);
        body.validate()?;
        self.client.send(self.appid, &calls::QuotaGet(&body)).await
    }

    /// `openapi/rid/get`: a call of `appid` that failed, by the rid of its error
    /// ([`InvoiceError::rid`]); WeChat keeps them 7 days.
    pub async fn rid_info(&self, rid: &Rid) -> Result<RidInfo, InvoiceError> {
        let body = RidGetRequest { rid: rid.clone() };
        body.validate()?;
        self.client.send(self.appid, &calls::RidGet(&body)).await
    }
}
