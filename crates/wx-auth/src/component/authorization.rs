//! Merchant authorization: pre-auth codes and the authorization page, exchanging the
//! authorization code, importing existing merchants, reading authorizer info, and refreshing
//! an authorizer's token with its refresh token (with 61023 recovery).

use std::fmt::{self, Write as _};
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{Component, Durability, wire};
use crate::error::AuthError;
use crate::store::{AuthorizerRecord, AuthorizerStatus, TokenKey, TokenKind};
use crate::token::AccessToken;

/// A single-use pre-authorization code for one authorization link. `Debug` redacts the code.
#[derive(Clone)]
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

/// Builds the authorization link a merchant admin opens (open-platform spec §4.3). `Debug`
/// redacts the pre-authorization code (the link itself carries it: hand it to the merchant
/// admin only).
#[derive(Clone)]
#[must_use]
pub struct AuthorizationUrl {
    component_appid: String,
    pre_auth_code: String,
    redirect_uri: String,
    page: AuthPage,
    auth_type: Option<u8>,
    biz_appid: Option<String>,
}

impl fmt::Debug for PreAuthCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreAuthCode")
            .field("code", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl fmt::Debug for AuthorizationUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationUrl")
            .field("component_appid", &self.component_appid)
            .field("pre_auth_code", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .field("page", &self.page)
            .field("auth_type", &self.auth_type)
            .field("biz_appid", &self.biz_appid)
            .finish()
    }
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
    /// Where the grant's refresh token is: in the durable store, or (during a store outage)
    /// in memory until the background write-back lands.
    pub durability: Durability,
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
            expires_in: resp.expires_in.checked(wire::PRE_AUTH_CODE_PATH)?,
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
    ///
    /// The redirect and the push carry the same single-use code: a second `query_auth` of a
    /// code this process already exchanged answers the same grant without calling WeChat. When
    /// the durable store is down, the grant is kept in memory and written back as soon as the
    /// store answers; [`Authorization::durability`] says which happened.
    pub async fn query_auth(&self, authorization_code: &str) -> Result<Authorization, AuthError> {
        self.exchange_code(authorization_code, None).await
    }

    /// [`query_auth`](Self::query_auth), recording that an authorization push created at
    /// `push_at` was acted on.
    pub(super) async fn exchange_code(
        &self,
        authorization_code: &str,
        push_at: Option<SystemTime>,
    ) -> Result<Authorization, AuthError> {
        let _turn = match self.already_exchanged(authorization_code, push_at).await? {
            Some(grant) => return Ok(grant),
            None => self.exchanged().turn(authorization_code).await,
        };
        // Another exchange of the same code may have finished while this one waited.
        if let Some(grant) = self.already_exchanged(authorization_code, push_at).await? {
            return Ok(grant);
        }
        let call = wire::QueryAuthBody {
            component_appid: self.component_appid(),
            authorization_code,
        };
        let info = self.send_component(&call).await?.authorization_info;
        let permission_sets = info.permission_sets();
        let appid = info.authorizer_appid.clone();
        let has_tokens = info.authorizer_refresh_token.as_deref().is_some_and(|t| !t.is_empty());
        let mut durability = Durability::Stored;
        // A grant seen through the redirect counts as an authorization event of this moment:
        // an `unauthorized` push created before it (a replay, or one overtaken) is ignored.
        let event_at = push_at.unwrap_or_else(|| self.clock().now());
        if let Some(refresh) = info.authorizer_refresh_token.filter(|t| !t.is_empty()) {
            let refresh = SecretString::from(refresh);
            let written = self
                .update_record(&appid, |current| {
                    let mut record = AuthorizerRecord::new(&appid, refresh.clone(), Some(permission_sets.clone()));
                    record.last_push_at = later(current.and_then(|c| c.last_push_at), Some(event_at));
                    Some(record)
                })
                .await?;
            if let Some((_, d)) = written {
                durability = d;
            }
        }
        if let (Some(token), Some(expires_in)) =
            (info.authorizer_access_token.filter(|t| !t.is_empty()), info.expires_in)
        {
            // A token with an unusable lifetime is simply not cached: the first call refreshes.
            match AccessToken::from_answer(token, expires_in, wire::QUERY_AUTH_PATH, self.clock().now()) {
                Ok(token) => self.cache().put(&self.authorizer_token_key(&appid), &token).await,
                Err(e) => {
                    tracing::warn!(authorizer_appid = %appid, error = %e, "not caching the access token from api_query_auth");
                }
            }
        }
        tracing::info!(authorizer_appid = %appid, ?permission_sets, ?durability, "authorization stored");
        let grant = Authorization {
            authorizer_appid: appid,
            permission_sets,
            has_tokens,
            durability,
        };
        self.exchanged().remember(authorization_code, &grant);
        Ok(grant)
    }

    /// The grant of a code this process already exchanged, noting the push that carried it.
    async fn already_exchanged(
        &self,
        authorization_code: &str,
        push_at: Option<SystemTime>,
    ) -> Result<Option<Authorization>, AuthError> {
        let Some(grant) = self.exchanged().grant(authorization_code) else {
            return Ok(None);
        };
        tracing::info!(authorizer_appid = %grant.authorizer_appid, "authorization code already exchanged by this process; same grant");
        if let Some(at) = push_at {
            self.note_push(&grant.authorizer_appid, at).await?;
        }
        Ok(Some(grant))
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
        self.update_record(authorizer_appid, |current| {
            let mut record = AuthorizerRecord::new(authorizer_appid, refresh_token.clone(), None);
            record.last_push_at = current.and_then(|c| c.last_push_at);
            Some(record)
        })
        .await?;
        self.authorizer_info(authorizer_appid).await.map(|_| ())
    }

    /// Reads a merchant's profile and current grant from WeChat, updating the stored
    /// permission sets (and nothing else: a refresh token rotated meanwhile is kept).
    pub async fn authorizer_info(&self, authorizer_appid: &str) -> Result<AuthorizerInfo, AuthError> {
        let call = wire::AuthorizerInfoBody {
            component_appid: self.component_appid(),
            authorizer_appid,
        };
        let resp = self.send_component(&call).await?;
        let permission_sets = resp.authorization_info.permission_sets();
        self.update_record(authorizer_appid, |current| {
            let mut record = current?.clone();
            record.permission_sets = Some(permission_sets.clone());
            Some(record)
        })
        .await?;
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
        self.revoke(authorizer_appid, None).await.map(|_| ())
    }

    /// Revokes the grant unless an authorization push newer than `push_at` was already acted
    /// on (then the push is a replay or arrived late: ignored). Returns whether it revoked.
    pub(super) async fn revoke(&self, authorizer_appid: &str, push_at: Option<SystemTime>) -> Result<bool, AuthError> {
        let written = self
            .update_record(authorizer_appid, |current| {
                let current = current?;
                if push_at.is_some_and(|at| current.last_push_at.is_some_and(|last| last > at)) {
                    return None;
                }
                let mut record = current.clone();
                record.status = AuthorizerStatus::Revoked;
                record.last_push_at = later(current.last_push_at, push_at);
                Some(record)
            })
            .await?;
        if written.is_none() && push_at.is_some() && self.load_record(authorizer_appid).await?.is_some() {
            tracing::info!(
                authorizer_appid,
                "ignored an unauthorized push older than the last authorization event acted on"
            );
            return Ok(false);
        }
        let key = self.authorizer_token_key(authorizer_appid);
        self.cache().forget_local(&key);
        if let Ok(Some(token)) = self.cache().store().get_token(&key).await {
            self.cache().invalidate(&key, &token).await?;
        }
        tracing::info!(authorizer_appid, "authorization revoked");
        Ok(true)
    }

    /// Whether an authorization push created at `at` is older than the last authorization event
    /// acted on for `authorizer_appid` (a push, or a `query_auth` from the redirect).
    pub(super) async fn push_is_stale(&self, authorizer_appid: &str, at: SystemTime) -> Result<bool, AuthError> {
        Ok(self
            .load_record(authorizer_appid)
            .await?
            .and_then(|r| r.last_push_at)
            .is_some_and(|last| last > at))
    }

    /// Records that an authorization push created at `at` was acted on.
    pub(super) async fn note_push(&self, authorizer_appid: &str, at: SystemTime) -> Result<(), AuthError> {
        self.update_record(authorizer_appid, |current| {
            let current = current?;
            if current.last_push_at.is_some_and(|last| last >= at) {
                return None;
            }
            let mut record = current.clone();
            record.last_push_at = Some(at);
            Some(record)
        })
        .await
        .map(|_| ())
    }

    pub(crate) fn authorizer_token_key(&self, authorizer_appid: &str) -> TokenKey {
        TokenKey::in_namespace(
            self.inner.component_key.shared_namespace(),
            authorizer_appid,
            TokenKind::AuthorizerAccessToken,
        )
    }
}

fn later(a: Option<SystemTime>, b: Option<SystemTime>) -> Option<SystemTime> {
    a.max(b)
}
