//! Decrypted component pushes (授权事件) as typed events.

use std::fmt;

use super::PushError;
use crate::crypto::envelope::XmlFields;

/// A decrypted push to the authorization event receive URL, by its `InfoType`.
///
/// The `Debug` output redacts the verify ticket and the authorization codes, so events
/// can be logged.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum ComponentEvent {
    /// `component_verify_ticket`: the ticket WeChat pushes every 10 minutes. Keep the newest;
    /// it mints component access tokens.
    VerifyTicket {
        /// The component appid (`AppId`).
        component_appid: String,
        /// The ticket (`ComponentVerifyTicket`). A credential: store it, do not log it.
        ticket: String,
        /// When WeChat created the push (`CreateTime`, Unix seconds).
        create_time: i64,
    },
    /// `authorized`: a merchant granted permissions; exchange the code with `api_query_auth`.
    Authorized(AuthorizationChange),
    /// `updateauthorized`: a merchant changed the granted permission sets.
    UpdateAuthorized(AuthorizationChange),
    /// `unauthorized`: a merchant revoked the grant; its refresh token is dead.
    Unauthorized {
        /// The merchant's appid (`AuthorizerAppid`).
        authorizer_appid: String,
        /// When WeChat created the push (`CreateTime`, Unix seconds).
        create_time: i64,
    },
    /// Any other `InfoType` (for example `notify_third_fasteregister`), passed through.
    Other {
        /// The `InfoType` as received.
        info_type: String,
        /// `CreateTime`, if present and an integer.
        create_time: Option<i64>,
    },
}

/// The payload of `authorized` and `updateauthorized` pushes.
///
/// The `Debug` output redacts the authorization and pre-authorization codes.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationChange {
    /// The merchant's appid (`AuthorizerAppid`).
    pub authorizer_appid: String,
    /// The code to exchange with `api_query_auth` (`AuthorizationCode`), single use.
    pub authorization_code: String,
    /// `AuthorizationCodeExpiredTime` (a Unix timestamp in practice). `None` when absent or
    /// not an integer: exchange the code right away rather than relying on it.
    pub authorization_code_expired_time: Option<i64>,
    /// The pre-authorization code the grant used (`PreAuthCode`), if present.
    pub pre_auth_code: Option<String>,
    /// When WeChat created the push (`CreateTime`, Unix seconds).
    pub create_time: i64,
}

impl ComponentEvent {
    /// Parses a decrypted push (the plaintext [`MsgCrypt::decrypt`](crate::crypto::MsgCrypt::decrypt)
    /// returns).
    ///
    /// `InfoType` is compared case-insensitively. Values are trimmed of surrounding
    /// whitespace; unknown elements are ignored. An element a known `InfoType` requires
    /// that is missing or empty gives [`PushError::MissingElement`] naming it.
    ///
    /// ```
    /// use wx_auth::push::ComponentEvent;
    ///
    /// let event = ComponentEvent::from_xml(
    ///     "<xml><AppId>wx_component</AppId><CreateTime>1413192605</CreateTime>\
    ///      <InfoType>component_verify_ticket</InfoType>\
    ///      <ComponentVerifyTicket>ticket@@@abc</ComponentVerifyTicket></xml>",
    /// )?;
    /// assert!(matches!(event, ComponentEvent::VerifyTicket { create_time: 1413192605, .. }));
    /// # Ok::<(), wx_auth::push::PushError>(())
    /// ```
    pub fn from_xml(plaintext: &str) -> Result<Self, PushError> {
        let fields = XmlFields::parse(plaintext).map_err(|e| PushError::MalformedXml { detail: e.0 })?;
        let fields = Fields(&fields);
        let info_type = fields.required("InfoType")?;
        let event = if info_type.eq_ignore_ascii_case("component_verify_ticket") {
            Self::VerifyTicket {
                component_appid: fields.required("AppId")?.to_owned(),
                ticket: fields.required("ComponentVerifyTicket")?.to_owned(),
                create_time: fields.required_i64("CreateTime")?,
            }
        } else if info_type.eq_ignore_ascii_case("authorized") {
            Self::Authorized(AuthorizationChange::from_fields(&fields)?)
        } else if info_type.eq_ignore_ascii_case("updateauthorized") {
            Self::UpdateAuthorized(AuthorizationChange::from_fields(&fields)?)
        } else if info_type.eq_ignore_ascii_case("unauthorized") {
            Self::Unauthorized {
                authorizer_appid: fields.required("AuthorizerAppid")?.to_owned(),
                create_time: fields.required_i64("CreateTime")?,
            }
        } else {
            Self::Other {
                info_type: info_type.to_owned(),
                create_time: fields.lenient_i64("CreateTime"),
            }
        };
        Ok(event)
    }
}

impl AuthorizationChange {
    fn from_fields(fields: &Fields<'_>) -> Result<Self, PushError> {
        Ok(Self {
            authorizer_appid: fields.required("AuthorizerAppid")?.to_owned(),
            authorization_code: fields.required("AuthorizationCode")?.to_owned(),
            authorization_code_expired_time: fields.lenient_i64("AuthorizationCodeExpiredTime"),
            pre_auth_code: fields.optional("PreAuthCode").map(str::to_owned),
            create_time: fields.required_i64("CreateTime")?,
        })
    }
}

/// Typed, trimmed access to the children of `<xml>`.
struct Fields<'a>(&'a XmlFields);

impl Fields<'_> {
    /// The trimmed value, `None` when absent or empty.
    fn optional(&self, element: &str) -> Option<&str> {
        self.0.get(element).map(str::trim).filter(|value| !value.is_empty())
    }

    fn required(&self, element: &'static str) -> Result<&str, PushError> {
        self.optional(element).ok_or(PushError::MissingElement { element })
    }

    fn required_i64(&self, element: &'static str) -> Result<i64, PushError> {
        self.required(element)?
            .parse()
            .map_err(|_| PushError::InvalidNumber { element })
    }

    fn lenient_i64(&self, element: &str) -> Option<i64> {
        self.optional(element).and_then(|value| value.parse().ok())
    }
}

/// Stands in for a credential in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Debug for ComponentEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::VerifyTicket {
                component_appid,
                ticket: _,
                create_time,
            } => f
                .debug_struct("VerifyTicket")
                .field("component_appid", component_appid)
                .field("ticket", &Redacted)
                .field("create_time", create_time)
                .finish(),
            Self::Authorized(change) => f.debug_tuple("Authorized").field(change).finish(),
            Self::UpdateAuthorized(change) => f.debug_tuple("UpdateAuthorized").field(change).finish(),
            Self::Unauthorized {
                authorizer_appid,
                create_time,
            } => f
                .debug_struct("Unauthorized")
                .field("authorizer_appid", authorizer_appid)
                .field("create_time", create_time)
                .finish(),
            Self::Other { info_type, create_time } => f
                .debug_struct("Other")
                .field("info_type", info_type)
                .field("create_time", create_time)
                .finish(),
        }
    }
}

impl fmt::Debug for AuthorizationChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationChange")
            .field("authorizer_appid", &self.authorizer_appid)
            .field("authorization_code", &Redacted)
            .field("authorization_code_expired_time", &self.authorization_code_expired_time)
            .field("pre_auth_code", &self.pre_auth_code.as_ref().map(|_| Redacted))
            .field("create_time", &self.create_time)
            .finish()
    }
}
