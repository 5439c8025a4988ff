//! Merchant authorization: pre-auth codes and the authorization page, exchanging the
//! authorization code, importing existing merchants, reading authorizer info, and refreshing
//! an authorizer's token with its refresh token (with 61023 recovery).

use std::fmt::Write as _;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{Component, wire};
use crate::error::AuthError;
use crate::store::{AuthorizerRecord, AuthorizerStatus, TokenKey, TokenKind};
use crate::token::AccessToken;

/// A single-use pre-authorization code for one authorization link.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PreAuthCode {
    /// The code (`preauthcode@@@…`).
    pub code: String,
    /// How long it stays valid.
    pub expires_in: Duration,
}

/// Which authorization page a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthPage {
    /// The PC page: the merchant admin scans a QR code. It must be opened by navigation from a
    /// page on the configured domain (WeChat checks the `Referer`).
    #[default]
    Pc,
    /// The mobile page, opened inside WeChat.
    Mobile,
}

/// Builds the authorization link a merchant admin opens (open-platform spec §4.3).
#[derive(Debug, Clone)]
#[must_use]
pub struct AuthorizationUrl {
    component_appid: String,
    pre_auth_code: String,
    redirect_uri: String,
    page: AuthPage,
    auth_type: Option<u8>,
    biz_appid: Option<String>,
}

impl AuthorizationUrl {
    /// The PC or mobile page.
    pub fn page(mut self, page: AuthPage) -> Self {
        self.page = page;
        self
    }

    /// `auth_type`: 1 Official Accounts only, 2 Mini Programs only, 3 both (absent: both).
    pub fn auth_type(mut self, auth_type: u8) -> Self {
        self.auth_type = Some(auth_type);
        self
    }

    /// Only this account's admin may authorize.
    pub fn biz_appid(mut self, appid: impl Into<String>) -> Self {
        self.biz_appid = Some(appid.into());
        self
    }

    /// The link.
    pub fn build(&self) -> String {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let mut query = format!(
            "component_appid={}&pre_auth_code={}&redirect_uri={}",
            enc(&self.component_appid),
            enc(&self.pre_auth_code),
            enc(&self.redirect_uri)
        );
        if let Some(t) = self.auth_type {
            let _ = write!(query, "&auth_type={t}");
        }
        if let Some(b) = &self.biz_appid {
            let _ = write!(query, "&biz_appid={}", enc(b));
        }
        match self.page {
            AuthPage::Pc => format!("https://mp.weixin.qq.com/cgi-bin/componentloginpage?{query}"),
            AuthPage::Mobile => format!(
                "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&{query}#wechat_redirect"
            ),
        }
    }
}

/// What `query_auth` learned about a new (or renewed) authorization.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Authorization {
    /// The merchant's appid.
    pub authorizer_appid: String,
    /// Permission sets the merchant granted (`funcscope_category.id`), sorted.
    pub permission_sets: Vec<u32>,
    /// Whether WeChat returned API tokens (accounts without API permissions get none).
    pub has_tokens: bool,
}

/// A merchant account's public profile (`authorizer_info`); every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct AuthorizerProfile {
    /// Nickname.
    #[serde(default)]
    pub nick_name: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub head_img: Option<String>,
    /// Original id (`gh_…`).
    #[serde(default)]
    pub user_name: Option<String>,
    /// WeChat id alias.
    #[serde(default)]
    pub alias: Option<String>,
    /// Legal entity name.
    #[serde(default)]
    pub principal_name: Option<String>,
    /// QR code URL.
    #[serde(default)]
    pub qrcode_url: Option<String>,
    /// Account status (1 normal, 14 deregistered, 16 banned, 18 warned, 19 frozen).
    #[serde(default)]
    pub account_status: Option<i64>,
}

/// `authorizer_info`: profile plus the current grant.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizerInfo {
    /// The merchant's appid.
    pub authorizer_appid: String,
    /// Public profile.
    pub profile: AuthorizerProfile,
    /// Permission sets currently granted, sorted.
    pub permission_sets: Vec<u32>,
}

impl Component {
    /// Mints a pre-authorization code (single use, one per link).
    pub async fn pre_auth_code(&self) -> Result<PreAuthCode, AuthError> {
        let call = wire::PreAuthCodeBody {
            component_appid: self.component_appid(),
        };
        let resp = self.send_component(&call).await?;
        Ok(PreAuthCode {
            code: resp.pre_auth_code,
            expires_in: Duration::from_secs(resp.expires_in),
        })
    }

    /// The authorization link for `pre_auth_code`, landing on `redirect_uri` (whose domain must
    /// be the one configured in the console). Set options on the returned builder.
    pub fn authorization_url(&self, pre_auth_code: &str, redirect_uri: &str) -> AuthorizationUrl {
        AuthorizationUrl {
            component_appid: self.component_appid().to_owned(),
            pre_auth_code: pre_auth_code.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            page: AuthPage::Pc,
            auth_type: None,
            biz_appid: None,
        }
    }

    /// Exchanges an authorization code (from the redirect or the `authorized` push) for the
    /// merchant's tokens, storing its refresh token and granted permission sets durably.
    pub async fn query_auth(&self, authorization_code: &str) -> Result<Authorization, AuthError> {
        let call = wire::QueryAuthBody {
            component_appid: self.component_appid(),
            authorization_code,
        };
        let info = self.send_component(&call).await?.authorization_info;
        let permission_sets = info.permission_sets();
        let appid = info.authorizer_appid.clone();
        let has_tokens = info.authorizer_refresh_token.as_deref().is_some_and(|t| !t.is_empty());
        if let Some(refresh) = info.authorizer_refresh_token.filter(|t| !t.is_empty()) {
            let record = AuthorizerRecord::new(&appid, SecretString::from(refresh), Some(permission_sets.clone()));
            self.save_record(&record).await?;
        }
        if let (Some(token), Some(expires_in)) =
            (info.authorizer_access_token.filter(|t| !t.is_empty()), info.expires_in)
        {
            let key = self.authorizer_token_key(&appid);
            self.cache()
                .put(&key, &AccessToken::new(token, Duration::from_secs(expires_in)))
                .await;
        }
        tracing::info!(authorizer_appid = %appid, ?permission_sets, "authorization stored");
        Ok(Authorization {
            authorizer_appid: appid,
            permission_sets,
            has_tokens,
        })
    }

    /// Registers a merchant that authorized this platform before this SDK was in use, from its
    /// refresh token, then reads its granted permission sets from WeChat.
    ///
    /// The refresh token is stored first, so it is kept even if the info call fails.
    pub async fn import_authorizer(
        &self,
        authorizer_appid: &str,
        refresh_token: SecretString,
    ) -> Result<(), AuthError> {
        if authorizer_appid.trim().is_empty() || refresh_token.expose_secret().trim().is_empty() {
            return Err(AuthError::Config(
                "import_authorizer needs a non-empty appid and refresh token".into(),
            ));
        }
        let record = AuthorizerRecord::new(authorizer_appid, refresh_token, None);
        self.save_record(&record).await?;
        self.authorizer_info(authorizer_appid).await.map(|_| ())
    }

    /// Reads a merchant's profile and current grant from WeChat, updating the stored
    /// permission sets.
    pub async fn authorizer_info(&self, authorizer_appid: &str) -> Result<AuthorizerInfo, AuthError> {
        let call = wire::AuthorizerInfoBody {
            component_appid: self.component_appid(),
            authorizer_appid,
        };
        let resp = self.send_component(&call).await?;
        let permission_sets = resp.authorization_info.permission_sets();
        if let Some(mut record) = self.load_record(authorizer_appid).await? {
            record.permission_sets = Some(permission_sets.clone());
            record.updated_at = std::time::SystemTime::now();
            self.save_record(&record).await?;
        }
        Ok(AuthorizerInfo {
            authorizer_appid: authorizer_appid.to_owned(),
            profile: resp.authorizer_info,
            permission_sets,
        })
    }

    /// The stored authorization of a merchant, if any.
    pub async fn authorizer(&self, authorizer_appid: &str) -> Result<Option<AuthorizerRecord>, AuthError> {
        self.load_record(authorizer_appid).await
    }

    /// Marks a merchant's authorization revoked (as the `unauthorized` push does): its cached
    /// token is dropped and its calls fail fast with [`AuthError::AuthorizationRevoked`]. The
    /// record itself is kept (marked), so a later re-authorization simply overwrites it.
    pub async fn mark_unauthorized(&self, authorizer_appid: &str) -> Result<(), AuthError> {
        if let Some(mut record) = self.load_record(authorizer_appid).await? {
            record.status = AuthorizerStatus::Revoked;
            record.updated_at = std::time::SystemTime::now();
            self.save_record(&record).await?;
        }
        let key = self.authorizer_token_key(authorizer_appid);
        self.cache().forget_local(&key);
        if let Ok(Some(token)) = self.cache().store().get_token(&key).await {
            self.cache().invalidate(&key, &token).await?;
        }
        tracing::info!(authorizer_appid, "authorization revoked");
        Ok(())
    }

    pub(crate) fn authorizer_token_key(&self, authorizer_appid: &str) -> TokenKey {
        TokenKey::new(
            self.component_appid(),
            authorizer_appid,
            TokenKind::AuthorizerAccessToken,
        )
    }
}
