//! [`AuthorizerTokens`]: third-party mode's [`TokenSource`] — one `authorizer_access_token`
//! per merchant, refreshed with its refresh token through the component token.

use std::sync::Arc;

use async_trait::async_trait;

use crate::component::Component;
use crate::error::AuthError;
use crate::source::TokenSource;
use crate::store::{AuthorizerRecord, AuthorizerStatus};
use crate::token::AccessToken;

/// Hands out each authorizer's access token: from the in-process cache, else the shared store,
/// else one refresh per expiry (single-flight in the process, the store's lock across
/// processes). Rotated refresh tokens are persisted. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AuthorizerTokens {
    component: Component,
}

impl AuthorizerTokens {
    pub(crate) fn new(component: Component) -> Self {
        Self { component }
    }

    /// The authorizer's record for the permission check: a recent shared copy (no store round
    /// trip), else the store's; a revoked grant is an error.
    async fn granting_record(&self, appid: &str) -> Result<Arc<AuthorizerRecord>, AuthError> {
        let record =
            match self.component.records().recent_authorizer(appid) {
                Some(record) => record,
                None => self.component.load_record(appid).await?.map(Arc::new).ok_or_else(|| {
                    AuthError::UnknownAuthorizer {
                        appid: appid.to_owned(),
                    }
                })?,
            };
        if record.status == AuthorizerStatus::Revoked {
            return Err(AuthError::AuthorizationRevoked {
                appid: appid.to_owned(),
            });
        }
        Ok(record)
    }

    /// The component these tokens belong to.
    pub fn component(&self) -> &Component {
        &self.component
    }
}

#[async_trait]
impl TokenSource for AuthorizerTokens {
    async fn access_token(&self, appid: &str) -> Result<AccessToken, AuthError> {
        let key = self.component.authorizer_token_key(appid);
        let (component, appid) = (self.component.clone(), appid.to_owned());
        self.component
            .cache()
            .get(
                &key,
                move || async move { component.refresh_authorizer_token(&appid).await },
            )
            .await
    }

    async fn invalidate(&self, appid: &str, rejected: &AccessToken) -> Result<(), AuthError> {
        let key = self.component.authorizer_token_key(appid);
        self.component.cache().invalidate(&key, rejected).await
    }

    async fn permission_sets(&self, appid: &str) -> Result<Option<Vec<u32>>, AuthError> {
        let record = self.granting_record(appid).await?;
        match &record.permission_sets {
            Some(sets) => Ok(Some(sets.clone())),
            None => Ok(Some(self.component.authorizer_info(appid).await?.permission_sets)),
        }
    }

    async fn grants_any(&self, appid: &str, any_of: &[u32]) -> Result<Option<bool>, AuthError> {
        // An in-process store's record is read in place, else a shared copy: nothing is
        // copied on the per-call path.
        let in_place = self
            .component
            .durable()
            .as_memory_store()
            .and_then(|store| store.grant_in_place(self.component.component_appid(), appid, any_of));
        let granted = match in_place {
            Some((AuthorizerStatus::Revoked, _)) => {
                return Err(AuthError::AuthorizationRevoked {
                    appid: appid.to_owned(),
                });
            }
            Some((_, granted)) => granted,
            None => {
                let record = self.granting_record(appid).await?;
                record
                    .permission_sets
                    .as_ref()
                    .map(|sets| any_of.iter().any(|set| sets.contains(set)))
            }
        };
        if granted.is_some() {
            return Ok(granted);
        }
        let sets = self.component.authorizer_info(appid).await?.permission_sets;
        Ok(Some(any_of.iter().any(|set| sets.contains(set))))
    }
}
