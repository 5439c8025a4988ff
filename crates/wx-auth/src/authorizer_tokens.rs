//! [`AuthorizerTokens`]: third-party mode's [`TokenSource`] — one `authorizer_access_token`
//! per merchant, refreshed with its refresh token through the component token.

use async_trait::async_trait;

use crate::component::Component;
use crate::error::AuthError;
use crate::source::TokenSource;
use crate::store::AuthorizerStatus;
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
        // A recent copy saves a store round trip per call; otherwise read the store.
        let record = match self.component.records().recent_authorizer(appid) {
            Some(record) => record,
            None => self
                .component
                .load_record(appid)
                .await?
                .map(std::sync::Arc::new)
                .ok_or_else(|| AuthError::UnknownAuthorizer {
                    appid: appid.to_owned(),
                })?,
        };
        if record.status == AuthorizerStatus::Revoked {
            return Err(AuthError::AuthorizationRevoked {
                appid: appid.to_owned(),
            });
        }
        match &record.permission_sets {
            Some(sets) => Ok(Some(sets.clone())),
            None => Ok(Some(self.component.authorizer_info(appid).await?.permission_sets)),
        }
    }
}
