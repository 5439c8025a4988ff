//! Who a call is made as: which credential goes into its query string, and where a fresh one
//! comes from when WeChat rejects it.

use crate::error::AuthError;
use crate::source::TokenSource;
use crate::token::AccessToken;

/// A fixed credential a call carries.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Credential<'a> {
    /// None (token endpoints themselves).
    None,
    /// `?component_access_token=…` (component APIs).
    Component(&'a AccessToken),
    /// `?access_token=…` (an account's or authorizer's token).
    Access(&'a AccessToken),
}

impl Credential<'_> {
    pub(crate) fn query_pair(&self) -> Option<(&'static str, &str)> {
        match self {
            Credential::None => None,
            Credential::Component(t) => Some(("component_access_token", t.expose_secret())),
            Credential::Access(t) => Some(("access_token", t.expose_secret())),
        }
    }
}

/// Who a call is made as, for [`Transport::execute`](super::Transport::execute).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Caller<'a> {
    /// A fixed credential (or none); a rejected token cannot be replaced.
    Fixed(Credential<'a>),
    /// `?access_token=` of `appid` from `tokens`; a token WeChat rejects is invalidated and the
    /// call sent once more with a fresh one.
    Account {
        /// Where the token comes from.
        tokens: &'a dyn TokenSource,
        /// The account the call is made as.
        appid: &'a str,
    },
    /// `?component_access_token=` from `tokens` (asked for `component_appid`); refreshed once
    /// when rejected, like [`Caller::Account`].
    Component {
        /// Where the component token comes from.
        tokens: &'a dyn TokenSource,
        /// The component's appid.
        component_appid: &'a str,
    },
}

impl std::fmt::Debug for Caller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::Fixed(c) => f.debug_tuple("Fixed").field(c).finish(),
            Caller::Account { appid, .. } => f.debug_struct("Account").field("appid", appid).finish_non_exhaustive(),
            Caller::Component { component_appid, .. } => f
                .debug_struct("Component")
                .field("component_appid", component_appid)
                .finish_non_exhaustive(),
        }
    }
}

/// The credential of one call as it goes: fixed, or a token from a source that may be
/// replaced once.
pub(crate) struct Signer<'a> {
    caller: Caller<'a>,
    token: Option<AccessToken>,
    replaced: bool,
}

impl<'a> Signer<'a> {
    /// Obtains the token of `caller` (from its source, if any).
    pub(crate) async fn new(caller: Caller<'a>) -> Result<Self, AuthError> {
        let token = match caller {
            Caller::Fixed(_) => None,
            Caller::Account { tokens, appid } => Some(tokens.access_token(appid).await?),
            Caller::Component {
                tokens,
                component_appid,
            } => Some(tokens.access_token(component_appid).await?),
        };
        Ok(Self {
            caller,
            token,
            replaced: false,
        })
    }

    /// The query parameter the current credential travels in.
    pub(crate) fn query_pair(&self) -> Option<(&'static str, &str)> {
        match (&self.caller, &self.token) {
            (Caller::Fixed(credential), _) => credential.query_pair(),
            (Caller::Account { .. }, Some(t)) => Some(("access_token", t.expose_secret())),
            (Caller::Component { .. }, Some(t)) => Some(("component_access_token", t.expose_secret())),
            (_, None) => None,
        }
    }

    /// The secret to scrub from anything WeChat answers.
    pub(crate) fn secret(&self) -> Option<&str> {
        self.query_pair().map(|(_, value)| value)
    }

    /// WeChat rejected the token: invalidate it and fetch a fresh one, once per call. `false`
    /// when there is nothing to replace (fixed credentials, or already replaced).
    pub(crate) async fn replace_rejected(&mut self) -> Result<bool, AuthError> {
        if self.replaced {
            return Ok(false);
        }
        let (tokens, appid) = match self.caller {
            Caller::Fixed(_) => return Ok(false),
            Caller::Account { tokens, appid } => (tokens, appid),
            Caller::Component {
                tokens,
                component_appid,
            } => (tokens, component_appid),
        };
        let Some(rejected) = self.token.take() else {
            return Ok(false);
        };
        self.replaced = true;
        tokens.invalidate(appid, &rejected).await?;
        self.token = Some(tokens.access_token(appid).await?);
        Ok(true)
    }
}
