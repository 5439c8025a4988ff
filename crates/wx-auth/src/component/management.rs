//! The platform's management calls (spec invoice-api-more §4): the list of authorizers as a
//! paged stream, authorizer options, quota resets and lookups, and failed calls by rid.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use secrecy::{ExposeSecret, SecretString};
use wx_invoice_types::openapi::{
    AUTHORIZER_LIST_MAX_COUNT, ApiQuota, AuthorizerListRequest, AuthorizerListResponse, AuthorizerOptionName,
    AuthorizerOptionResponse, ClearQuotaRequest, ComponentClearQuotaRequest, GetAuthorizerOptionRequest,
    QuotaGetRequest, Rid, RidGetRequest, RidInfo, SetAuthorizerOptionRequest,
};

use super::{Component, ComponentToken};
use crate::error::AuthError;
use crate::openapi;
use crate::transport::{ApiCall, Caller, Credential};

/// One account of the platform's authorizer list. `Debug` hides the refresh token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ListedAuthorizer {
    /// The authorizer's appid.
    pub authorizer_appid: String,
    /// Its refresh token, when WeChat listed one (some items come without; then
    /// `api_get_authorizer_info` has it). Hand it to
    /// [`import_authorizer`](Component::import_authorizer) to recover a lost record.
    pub refresh_token: Option<SecretString>,
    /// When it authorized, Unix seconds.
    pub auth_time: i64,
}

type PageFuture = Pin<Box<dyn Future<Output = Result<AuthorizerListResponse, AuthError>> + Send>>;

/// Every authorizer of the platform, fetched page by page as it is read
/// (`api_get_authorizer_list`, `offset += count` until `total_count`): a [`Stream`] of
/// [`ListedAuthorizer`]s, also readable without a stream library through
/// [`next`](Self::next). An error ends it. Get one from [`Component::authorizers`].
///
/// ```no_run
/// # async fn run(component: wx_auth::Component) -> Result<(), wx_auth::AuthError> {
/// let mut authorizers = component.authorizers().page_size(100);
/// while let Some(authorizer) = authorizers.next().await {
///     let authorizer = authorizer?;
///     println!("{} since {}", authorizer.authorizer_appid, authorizer.auth_time);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing until it is read"]
pub struct AuthorizerStream {
    component: Component,
    page_size: u32,
    offset: u32,
    buffer: VecDeque<ListedAuthorizer>,
    pending: Option<PageFuture>,
    done: bool,
}

impl fmt::Debug for AuthorizerStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizerStream")
            .field("page_size", &self.page_size)
            .field("offset", &self.offset)
            .field("buffered", &self.buffer.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl AuthorizerStream {
    /// Authorizers fetched per call (1 to 500, default 500, WeChat's maximum).
    pub fn page_size(mut self, count: u32) -> Self {
        self.page_size = count.clamp(1, AUTHORIZER_LIST_MAX_COUNT);
        self
    }

    /// The next authorizer, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<ListedAuthorizer, AuthError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    fn take_page(&mut self, page: AuthorizerListResponse) {
        let fetched = u32::try_from(page.list.len()).unwrap_or(u32::MAX);
        self.offset = self.offset.saturating_add(fetched);
        let total = u32::try_from(page.total_count.max(0)).unwrap_or(u32::MAX);
        if fetched == 0 || self.offset >= total {
            self.done = true;
        }
        self.buffer.extend(page.list.into_iter().map(|item| ListedAuthorizer {
            authorizer_appid: item.authorizer_appid,
            refresh_token: item.refresh_token.filter(|t| !t.is_empty()).map(SecretString::from),
            auth_time: item.auth_time,
        }));
    }
}

impl Stream for AuthorizerStream {
    type Item = Result<ListedAuthorizer, AuthError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            let (component, offset, count) = (self.component.clone(), self.offset, self.page_size);
            let pending = self
                .pending
                .get_or_insert_with(|| Box::pin(async move { component.authorizer_list_page(offset, count).await }));
            let Poll::Ready(page) = pending.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            self.pending = None;
            match page {
                Ok(page) => self.take_page(page),
                Err(e) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

impl Component {
    /// Sends a management call with the component token as `?access_token=` (the form
    /// `clear_quota`, `quota/get` and `rid/get` document), replaced once if WeChat rejects it.
    async fn send_component_as_account<C: ApiCall>(&self, call: &C) -> Result<C::Output, AuthError> {
        let tokens = ComponentToken(self);
        let caller = Caller::Account {
            tokens: &tokens,
            appid: self.component_appid(),
        };
        self.transport().execute(call, caller).await.result
    }

    /// Every account that authorized this platform, page by page (see [`AuthorizerStream`]).
    pub fn authorizers(&self) -> AuthorizerStream {
        AuthorizerStream {
            component: self.clone(),
            page_size: AUTHORIZER_LIST_MAX_COUNT,
            offset: 0,
            buffer: VecDeque::new(),
            pending: None,
            done: false,
        }
    }

    /// One page of `api_get_authorizer_list`: `count` (1 to 500) authorizers from `offset`.
    pub async fn authorizer_list_page(&self, offset: u32, count: u32) -> Result<AuthorizerListResponse, AuthError> {
        let body = AuthorizerListRequest {
            component_appid: self.component_appid().to_owned(),
            offset,
            count,
        };
        body.validate().map_err(|e| AuthError::Config(e.to_string()))?;
        self.send_component(&openapi::AuthorizerList(&body)).await
    }

    /// An authorizer's option (`api_get_authorizer_option`, component token).
    pub async fn authorizer_option(
        &self,
        authorizer_appid: &str,
        name: AuthorizerOptionName,
    ) -> Result<AuthorizerOptionResponse, AuthError> {
        let body = GetAuthorizerOptionRequest {
            component_appid: self.component_appid().to_owned(),
            authorizer_appid: authorizer_appid.to_owned(),
            option_name: name,
        };
        self.send_component(&openapi::GetAuthorizerOption(&body)).await
    }

    /// Sets an authorizer's option (`api_set_authorizer_option`, component token); the value
    /// is checked against the values the option takes before anything is sent.
    pub async fn set_authorizer_option(
        &self,
        authorizer_appid: &str,
        name: AuthorizerOptionName,
        value: &str,
    ) -> Result<(), AuthError> {
        let body = SetAuthorizerOptionRequest {
            component_appid: self.component_appid().to_owned(),
            authorizer_appid: authorizer_appid.to_owned(),
            option_name: name,
            option_value: value.to_owned(),
        };
        body.validate().map_err(|e| AuthError::Config(e.to_string()))?;
        self.send_component(&openapi::SetAuthorizerOption(&body))
            .await
            .map(|_| ())
    }

    /// Resets the platform's own daily quotas with its component token (`cgi-bin/clear_quota`).
    /// Each reset spends one of the platform's 10 a month (48006 beyond).
    pub async fn clear_quota(&self) -> Result<(), AuthError> {
        let body = ClearQuotaRequest {
            appid: self.component_appid().to_owned(),
        };
        self.send_component_as_account(&openapi::ClearQuota(&body))
            .await
            .map(|_| ())
    }

    /// Resets daily quotas without a token, with the component AppSecret
    /// (`cgi-bin/component/clear_quota/v2`) — for when `api_component_token` itself is out of
    /// quota. `None`: the platform's own; `Some(appid)`: that authorizer's, which spends the
    /// authorizer's monthly budget of 10.
    pub async fn clear_quota_by_secret(&self, authorizer_appid: Option<&str>) -> Result<(), AuthError> {
        let body = ComponentClearQuotaRequest {
            component_appid: self.component_appid().to_owned(),
            appsecret: self.inner.config.component_appsecret.expose_secret().to_owned(),
            appid: authorizer_appid.map(str::to_owned),
        };
        self.transport()
            .send(&openapi::ComponentClearQuota(&body), Credential::None)
            .await
            .map(|_| ())
    }

    /// Today's quota of one component API (`openapi/quota/get` with the component token), e.g.
    /// `/cgi-bin/component/api_component_token`.
    pub async fn api_quota(&self, cgi_path: &str) -> Result<ApiQuota, AuthError> {
        let body = QuotaGetRequest::new(cgi_path);
        body.validate().map_err(|e| AuthError::Config(e.to_string()))?;
        self.send_component_as_account(&openapi::QuotaGet(&body)).await
    }

    /// A failed component call by its rid ([`AuthError::rid`]), with the component token
    /// (`openapi/rid/get`). A call made for a merchant is looked up with the merchant's token
    /// instead (the invoice client's `openapi(appid).rid_info`).
    pub async fn rid_info(&self, rid: &Rid) -> Result<RidInfo, AuthError> {
        let body = RidGetRequest { rid: rid.clone() };
        body.validate().map_err(|e| AuthError::Config(e.to_string()))?;
        self.send_component_as_account(&openapi::RidGet(&body)).await
    }
}
