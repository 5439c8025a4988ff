//! `cgi-bin/clear_quota/v2` for a self-built account: its quotas reset with its AppSecret.

use secrecy::ExposeSecret;
use wx_invoice_types::openapi::ClearQuotaBySecretRequest;

use super::OfficialAccountTokens;
use crate::error::AuthError;
use crate::openapi;
use crate::transport::Credential;

impl OfficialAccountTokens {
    /// Resets the daily quotas of `appid` with its AppSecret, without a token
    /// (`cgi-bin/clear_quota/v2`) — for when `stable_token` itself is out of quota. Each reset
    /// spends one of the account's 10 a month (48006 beyond), shared with `clear_quota`.
    pub async fn clear_quota_by_secret(&self, appid: &str) -> Result<(), AuthError> {
        let secret = self
            .inner
            .accounts
            .get(appid)
            .ok_or_else(|| AuthError::UnknownAccount {
                appid: appid.to_owned(),
            })?;
        let body = ClearQuotaBySecretRequest {
            appid: appid.to_owned(),
            appsecret: secret.expose_secret().to_owned(),
        };
        self.inner
            .transport
            .send(&openapi::ClearQuotaBySecret(&body), Credential::None)
            .await
            .map(|_| ())
    }
}
