//! [`TokenSource`]: the joint between "who we call WeChat as" and the API calls.

use std::fmt;

use async_trait::async_trait;

use crate::error::AuthError;
use crate::token::AccessToken;

/// Hands out access tokens for calling WeChat as a given appid.
///
/// The invoice client holds an `Arc<dyn TokenSource>` and never cares where tokens come from:
/// [`AuthorizerTokens`](crate::AuthorizerTokens) (third-party platform),
/// [`OfficialAccountTokens`](crate::OfficialAccountTokens) (direct mode), [`StaticToken`], or a
/// user's own company-wide token service.
#[async_trait]
pub trait TokenSource: Send + Sync {
    /// A token that is valid now for calling WeChat as `appid`.
    async fn access_token(&self, appid: &str) -> Result<AccessToken, AuthError>;

    /// WeChat rejected `rejected` (40001/40014/42001): never hand it out again.
    ///
    /// Implementations drop only that token (compare-and-delete), never a newer one.
    async fn invalidate(&self, appid: &str, rejected: &AccessToken) -> Result<(), AuthError>;

    /// The permission sets (`funcscope_category.id`) `appid` granted, when this source knows them.
    ///
    /// Third-party sources answer from the stored authorization, so a call the merchant did not
    /// grant can be refused without sending it. `None` (the default) means "not known here":
    /// the check is skipped and WeChat decides.
    async fn permission_sets(&self, appid: &str) -> Result<Option<Vec<u32>>, AuthError> {
        let _ = appid;
        Ok(None)
    }

    /// Whether `appid` granted at least one of the permission sets `any_of`; `None` when this
    /// source does not know grants (as with [`permission_sets`](Self::permission_sets)).
    ///
    /// The check made before every call. The default asks [`permission_sets`](Self::permission_sets);
    /// sources that hold the grant in memory answer without copying it.
    async fn grants_any(&self, appid: &str, any_of: &[u32]) -> Result<Option<bool>, AuthError> {
        Ok(self
            .permission_sets(appid)
            .await?
            .map(|granted| any_of.iter().any(|set| granted.contains(set))))
    }
}

/// A fixed token, for tests or for a central token service outside this SDK.
///
/// `invalidate` does nothing: a fixed token cannot be replaced, so a rejected one surfaces as
/// an error to the caller.
#[derive(Clone)]
pub struct StaticToken {
    token: AccessToken,
}

impl StaticToken {
    /// A source that always answers `token`, whatever the appid.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: AccessToken::non_expiring(token),
        }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken").field("token", &self.token).finish()
    }
}

#[async_trait]
impl TokenSource for StaticToken {
    async fn access_token(&self, _appid: &str) -> Result<AccessToken, AuthError> {
        Ok(self.token.clone())
    }

    async fn invalidate(&self, _appid: &str, _rejected: &AccessToken) -> Result<(), AuthError> {
        Ok(())
    }
}
