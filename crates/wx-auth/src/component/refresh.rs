//! Reading and writing an authorizer's durable record (with the in-process mirror as the
//! fallback), and refreshing its access token with its refresh token: rotation written by
//! compare-and-set, recovery from 61023 through `api_get_authorizer_list`.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{Component, wire};
use crate::error::AuthError;
use crate::store::{AuthorizerRecord, AuthorizerStatus};
use crate::token::AccessToken;

impl Component {
    pub(crate) async fn load_record(&self, authorizer_appid: &str) -> Result<Option<AuthorizerRecord>, AuthError> {
        match self
            .durable()
            .get_authorizer(self.component_appid(), authorizer_appid)
            .await
        {
            Ok(Some(record)) => {
                self.records().remember_authorizer(&record);
                Ok(Some(record))
            }
            // The store lost a record this process holds (e.g. a Redis restarted without
            // persistence): durable data must not vanish, so write it back.
            Ok(None) => match self.records().authorizer(authorizer_appid) {
                Some(mirrored) => {
                    tracing::warn!(
                        authorizer_appid,
                        "the durable store lost this authorizer's record; restoring it from memory"
                    );
                    if let Err(e) = self.durable().put_authorizer(self.component_appid(), &mirrored).await {
                        tracing::warn!(authorizer_appid, error = %e, "could not restore the authorizer record");
                    }
                    Ok(Some(mirrored))
                }
                None => Ok(None),
            },
            Err(e) if e.is_unavailable() => match self.records().authorizer(authorizer_appid) {
                Some(r) => {
                    tracing::warn!(authorizer_appid, error = %e, "durable store unavailable; using the authorizer record held in memory");
                    Ok(Some(r))
                }
                None => Err(e.into()),
            },
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn save_record(&self, record: &AuthorizerRecord) -> Result<(), AuthError> {
        self.records().remember_authorizer(record);
        self.durable()
            .put_authorizer(self.component_appid(), record)
            .await
            .map_err(Into::into)
    }

    /// Refreshes an authorizer's access token with its stored refresh token, persisting a
    /// rotated refresh token and recovering once from 61023 through `api_get_authorizer_list`.
    pub(crate) async fn refresh_authorizer_token(&self, authorizer_appid: &str) -> Result<AccessToken, AuthError> {
        let record = self
            .load_record(authorizer_appid)
            .await?
            .ok_or_else(|| AuthError::UnknownAuthorizer {
                appid: authorizer_appid.to_owned(),
            })?;
        if record.status == AuthorizerStatus::Revoked {
            return Err(AuthError::AuthorizationRevoked {
                appid: authorizer_appid.to_owned(),
            });
        }
        let refresh = record.refresh_token.clone();
        match self.exchange_refresh_token(authorizer_appid, &refresh).await {
            Err(e) if e.errcode() == Some(61023) => {
                tracing::warn!(
                    authorizer_appid,
                    "refresh token rejected (61023); trying recovery through api_get_authorizer_list"
                );
                let Some(recovered) = self.recover_refresh_token(authorizer_appid, &refresh).await? else {
                    return Err(AuthError::ReauthorizationRequired {
                        appid: authorizer_appid.to_owned(),
                    });
                };
                match self.exchange_refresh_token(authorizer_appid, &recovered).await {
                    Err(e) if e.errcode() == Some(61023) => Err(AuthError::ReauthorizationRequired {
                        appid: authorizer_appid.to_owned(),
                    }),
                    other => other,
                }
            }
            other => other,
        }
    }

    async fn exchange_refresh_token(
        &self,
        authorizer_appid: &str,
        refresh: &SecretString,
    ) -> Result<AccessToken, AuthError> {
        let call = wire::AuthorizerTokenBody {
            component_appid: self.component_appid(),
            authorizer_appid,
            authorizer_refresh_token: refresh.expose_secret(),
        };
        let resp = self.send_component(&call).await?;
        if let Some(next) = resp
            .authorizer_refresh_token
            .filter(|t| !t.is_empty() && t != refresh.expose_secret())
        {
            self.store_rotated(authorizer_appid, refresh, SecretString::from(next))
                .await;
        }
        tracing::info!(
            authorizer_appid,
            expires_in = resp.expires_in,
            "refreshed an authorizer_access_token"
        );
        Ok(AccessToken::new(
            resp.authorizer_access_token,
            Duration::from_secs(resp.expires_in),
        ))
    }

    /// Writes a rotated refresh token: compare-and-set against the one we used, so a slower
    /// process can never put back an older token.
    async fn store_rotated(&self, authorizer_appid: &str, previous: &SecretString, next: SecretString) {
        if let Some(mut mirrored) = self.records().authorizer(authorizer_appid)
            && mirrored.refresh_token.expose_secret() == previous.expose_secret()
        {
            mirrored.refresh_token = next.clone();
            self.records().remember_authorizer(&mirrored);
        }
        match self
            .durable()
            .rotate_refresh_token(self.component_appid(), authorizer_appid, previous, &next)
            .await
        {
            Ok(true) => tracing::info!(authorizer_appid, "stored a rotated refresh token"),
            Ok(false) => tracing::warn!(
                authorizer_appid,
                "refresh token changed in the store meanwhile; kept the stored one"
            ),
            Err(e) => {
                tracing::error!(authorizer_appid, error = %e, "could not store a rotated refresh token; it is held in memory, and the next refresh after the outage recovers it through api_get_authorizer_list");
            }
        }
    }

    /// Looks the merchant up in `api_get_authorizer_list`; returns its refresh token there if it
    /// differs from the one that failed (and stores it).
    async fn recover_refresh_token(
        &self,
        authorizer_appid: &str,
        failed: &SecretString,
    ) -> Result<Option<SecretString>, AuthError> {
        const PAGE: u32 = 500;
        let mut offset = 0;
        loop {
            let call = wire::AuthorizerListBody {
                component_appid: self.component_appid(),
                offset,
                count: PAGE,
            };
            let page = self.send_component(&call).await?;
            if let Some(entry) = page.list.iter().find(|e| e.authorizer_appid == authorizer_appid) {
                let Some(token) = entry
                    .refresh_token
                    .clone()
                    .filter(|t| !t.is_empty() && t != failed.expose_secret())
                else {
                    return Ok(None);
                };
                let token = SecretString::from(token);
                self.store_rotated(authorizer_appid, failed, token.clone()).await;
                tracing::info!(
                    authorizer_appid,
                    "recovered the refresh token from api_get_authorizer_list"
                );
                return Ok(Some(token));
            }
            offset += PAGE;
            if page.list.is_empty() || offset >= page.total_count {
                return Ok(None);
            }
        }
    }
}
