//! Which credential goes into the query string of a call.

use crate::token::AccessToken;

/// The credential a call carries.
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
