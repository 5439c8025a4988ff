//! Simulated WeChat users confirming invoice authorization pages.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::SandboxError;
use crate::events::SandboxEvent;
use crate::routes::DEFAULT_USER;
use crate::state::Shared;
use crate::state::merchant::OrderState;
use crate::wire::unix_now;

/// A user confirming the authorization page of one order (as if they tapped
/// "申请开票" on the `auth_url` of `getauthurl`).
///
/// ```
/// let auth = wx_sandbox::UserAuthorization::new("s_pappid", "order-1")
///     .user("alice")
///     .company_title("Example Co., Ltd.", "91440300MA5EXAMPLE");
/// # let _ = auth;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserAuthorization {
    /// The platform id the merchant passed to getauthurl.
    pub s_pappid: String,
    /// The order being authorized.
    pub order_id: String,
    /// Which simulated user confirms (default `sandbox-user`); decides the openids.
    #[serde(default = "default_user")]
    pub user: String,
    /// The buyer title the user entered or picked, if any.
    #[serde(default)]
    pub title: Option<String>,
    /// A company taxpayer id; with it the title is a company title (`biz_field`),
    /// without it a personal one (`user_field`).
    #[serde(default)]
    pub tax_no: Option<String>,
    /// Disambiguates when several merchants opened the same `order_id` with the same
    /// `s_pappid`.
    #[serde(default)]
    pub appid: Option<String>,
}

fn default_user() -> String {
    DEFAULT_USER.to_owned()
}

impl UserAuthorization {
    /// The default user confirms `order_id` of platform `s_pappid`, without a title.
    pub fn new(s_pappid: impl Into<String>, order_id: impl Into<String>) -> Self {
        Self {
            s_pappid: s_pappid.into(),
            order_id: order_id.into(),
            user: default_user(),
            title: None,
            tax_no: None,
            appid: None,
        }
    }

    /// Another simulated user (each has its own openids).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }

    /// A personal buyer title.
    pub fn personal_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self.tax_no = None;
        self
    }

    /// A company buyer title with its taxpayer id.
    pub fn company_title(mut self, title: impl Into<String>, tax_no: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self.tax_no = Some(tax_no.into());
        self
    }

    /// The merchant appid that opened the order (only needed to disambiguate).
    pub fn merchant(mut self, appid: impl Into<String>) -> Self {
        self.appid = Some(appid.into());
        self
    }

    /// `user_auth_info` as getauthdata returns it.
    fn title_info(&self) -> Option<Value> {
        let title = self.title.as_deref()?;
        Some(match self.tax_no.as_deref() {
            Some(tax_no) => json!({"biz_field": {
                "title": title, "tax_no": tax_no, "addr": "", "phone": "",
                "bank_type": "", "bank_no": "", "custom_field": []
            }}),
            None => json!({"user_field": {
                "title": title, "phone": "", "email": "", "custom_field": []
            }}),
        })
    }
}

impl Shared {
    /// Marks the order authorized and emits `user_authorize_invoice`; returns the user's
    /// openid under the merchant.
    pub(crate) fn user_authorize(&self, auth: &UserAuthorization) -> Result<String, SandboxError> {
        self.user_answers(auth, true)
    }

    /// The user's authorization fails: the order stays unauthorized and
    /// `user_authorize_invoice` carries the order in `FailOrderId`.
    pub(crate) fn fail_user_authorization(&self, auth: &UserAuthorization) -> Result<String, SandboxError> {
        self.user_answers(auth, false)
    }

    fn user_answers(&self, auth: &UserAuthorization, success: bool) -> Result<String, SandboxError> {
        let mut st = self.lock();
        let mut found = st.merchants.find(&auth.s_pappid, &auth.order_id);
        if let Some(appid) = &auth.appid {
            found.retain(|o| &o.merchant_appid == appid);
        }
        let order = match found.as_mut_slice() {
            [order] => order,
            [] => {
                return Err(SandboxError::NotFound(format!(
                    "no order {} for this s_pappid: the merchant must call getauthurl first",
                    auth.order_id
                )));
            }
            _ => {
                return Err(SandboxError::NotFound(format!(
                    "several merchants opened order {}: say which with .merchant(appid)",
                    auth.order_id
                )));
            }
        };
        if order.state == OrderState::Rejected {
            return Err(SandboxError::NotFound(format!(
                "order {} was rejected with rejectinsert; it cannot be authorized",
                auth.order_id
            )));
        }
        if success {
            order.state = OrderState::Authorized {
                user: auth.user.clone(),
                auth_time: unix_now(),
                title_info: auth.title_info(),
            };
        }
        let merchant = order.merchant_appid.clone();
        let source = order.source.clone();
        let openid = st.cards.openid(&merchant, &auth.user);
        let (merchant_appid, order_id, s_pappid) = (merchant, auth.order_id.clone(), auth.s_pappid.clone());
        st.emit(if success {
            SandboxEvent::UserAuthorizeInvoice {
                merchant_appid,
                order_id,
                s_pappid,
                source,
                openid: openid.clone(),
            }
        } else {
            SandboxEvent::UserAuthorizeInvoiceFailed {
                merchant_appid,
                order_id,
                s_pappid,
                source,
                openid: openid.clone(),
            }
        });
        Ok(openid)
    }
}
