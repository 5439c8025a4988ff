//! Refreshing an authorizer's access token with its refresh token: rotation written by
//! compare-and-set, recovery from 61023 through `api_get_authorizer_list`.

use secrecy::{ExposeSecret, SecretString};

use super::{Component, wire};
use crate::error::AuthError;
use crate::store::AuthorizerStatus;
use crate::token::AccessToken;

impl Component {
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
            expires_in = %resp.expires_in,
            "refreshed an authorizer_access_token"
        );
        AccessToken::from_answer(
            resp.authorizer_access_token,
            resp.expires_in,
            wire::AUTHORIZER_TOKEN_PATH,
            self.transport().clock().now(),
        )
    }

    /// Writes a rotated refresh token: compare-and-set against the one we used, so a slower
    /// process can never put back an older token.
    async fn store_rotated(&self, authorizer_appid: &str, previous: &SecretString, next: SecretString) {
        if let Some(held) = self.records().authorizer(authorizer_appid)
            && held.refresh_token.expose_secret() == previous.expose_secret()
        {
            // The store adds 1 to the version of a rotated record; the copy held here follows.
            let mut rotated = (*held).clone();
            rotated.refresh_token = next.clone();
            rotated.version += 1;
            self.records().remember_authorizer(&rotated, false);
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
        let started = std::time::Instant::now();
        let mut offset: u32 = 0;
        for _ in 0..RECOVERY_MAX_PAGES {
            let call = wire::AuthorizerListBody {
                component_appid: self.component_appid(),
                offset,
                count: RECOVERY_PAGE,
            };
            let page = match self.send_component(&call).await {
                Ok(page) => page,
                // A WeChat (or proxy) without the call, or refusing it: recovery is impossible,
                // not worth retrying.
                Err(e) if !e.is_retryable() || matches!(e, AuthError::HttpStatus { status, .. } if status < 500) => {
                    tracing::warn!(authorizer_appid, error = %e, "api_get_authorizer_list is not usable; no recovery");
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
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
            let Some(next) = offset.checked_add(RECOVERY_PAGE) else {
                return Ok(None);
            };
            offset = next;
            if page.list.is_empty() || offset >= page.total_count {
                return Ok(None);
            }
            if started.elapsed() > RECOVERY_TIME_LIMIT {
                tracing::warn!(
                    authorizer_appid,
                    pages = offset / RECOVERY_PAGE,
                    "api_get_authorizer_list recovery gave up after its time limit"
                );
                return Ok(None);
            }
        }
        tracing::warn!(
            authorizer_appid,
            "api_get_authorizer_list recovery gave up after its page limit"
        );
        Ok(None)
    }
}

/// Authorizers per `api_get_authorizer_list` page (WeChat's maximum).
const RECOVERY_PAGE: u32 = 500;
/// Pages read at most while recovering one refresh token: 200 000 merchants, whatever
/// `total_count` claims.
const RECOVERY_MAX_PAGES: u32 = 400;
/// Time spent at most while recovering one refresh token.
const RECOVERY_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);
