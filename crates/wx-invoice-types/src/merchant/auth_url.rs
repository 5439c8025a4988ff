//! `cgi-bin/ticket/getticket?type=wx_card` (M1) and `card/invoice/getauthurl` (M2).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::OrderId;
use crate::lenient;
use crate::money::Fen;
use crate::validation::{Findings, ValidationErrors};

/// Response of `GET cgi-bin/ticket/getticket?type=wx_card`. `Debug` hides the ticket.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TicketResponse {
    /// The `wx_card` api_ticket; cache it and refresh before it expires.
    pub ticket: String,
    /// Seconds it stays valid (normally 7200).
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub expires_in: i64,
}

impl fmt::Debug for TicketResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketResponse")
            .field("ticket", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// `source`: where the user opens the authorization page.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AuthSource {
    /// `app`: an external app.
    App,
    /// `web`: an H5 page inside WeChat or an Official Account.
    Web,
    /// `wxa`: a Mini Program (the response then carries the `appid` to open).
    Wxa,
    /// `wap`: an ordinary web page outside WeChat.
    Wap,
}

impl AuthSource {
    /// The wire value (`app`, `web`, `wxa`, `wap`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Web => "web",
            Self::Wxa => "wxa",
            Self::Wap => "wap",
        }
    }
}

/// `type` of `getauthurl`: what the authorization page asks of the user. Sent as `0`/`1`/`2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthUrlType {
    /// `0`: apply for an invoice whose title the merchant already knows.
    MerchantTitle,
    /// `1`: the user fills in or picks the title (the only type allowed for post-payment
    /// invoicing; needs `set_auth_field`).
    UserTitle,
    /// `2`: collect an invoice that was already issued.
    CollectIssued,
}

impl AuthUrlType {
    /// The wire value.
    pub fn as_i64(self) -> i64 {
        match self {
            Self::MerchantTitle => 0,
            Self::UserTitle => 1,
            Self::CollectIssued => 2,
        }
    }
}

impl Serialize for AuthUrlType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for AuthUrlType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match lenient::i64_or_numeric_string(deserializer)? {
            0 => Ok(Self::MerchantTitle),
            1 => Ok(Self::UserTitle),
            2 => Ok(Self::CollectIssued),
            other => Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Signed(other),
                &"0, 1 or 2",
            )),
        }
    }
}

/// Body of `card/invoice/getauthurl`. `Debug` hides the ticket.
///
/// ```
/// use wx_invoice_types::{AuthSource, AuthUrlType, Fen, GetAuthUrlRequest, OrderId};
///
/// let request = GetAuthUrlRequest::new(OrderId::new("order-1"), Fen(10_600), AuthSource::Web, AuthUrlType::UserTitle)
///     .with_s_pappid("d3g=")
///     .with_timestamp(1_700_000_000)
///     .with_redirect_url("https://merchant.example/done");
/// // The ticket may stay empty: the client fills it in with the merchant's wx_card ticket.
/// assert_eq!(request.validate().unwrap_err().problems().len(), 1);
/// ```
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct GetAuthUrlRequest {
    /// Platform id from the invoicing platform (its `seturl` result).
    pub s_pappid: String,
    /// Merchant-unique id of this invoicing request; never reuse it.
    pub order_id: OrderId,
    /// Order amount.
    pub money: Fen,
    /// Unix seconds.
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub timestamp: i64,
    /// Where the page is opened.
    pub source: AuthSource,
    /// Where to go after success; meaningful for `web` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The `wx_card` api_ticket (M1).
    pub ticket: String,
    /// What the page asks of the user (JSON key `type`).
    #[serde(rename = "type")]
    pub auth_type: AuthUrlType,
}

impl fmt::Debug for GetAuthUrlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetAuthUrlRequest")
            .field("s_pappid", &self.s_pappid)
            .field("order_id", &self.order_id)
            .field("money", &self.money)
            .field("timestamp", &self.timestamp)
            .field("source", &self.source)
            .field("redirect_url", &self.redirect_url)
            .field("ticket", &"<redacted>")
            .field("auth_type", &self.auth_type)
            .finish()
    }
}

impl GetAuthUrlRequest {
    /// A request to authorize invoicing `money` for `order_id`, on a page opened from
    /// `source` that asks the user for `auth_type`.
    ///
    /// Also required: [`with_s_pappid`](Self::with_s_pappid) and
    /// [`with_timestamp`](Self::with_timestamp). The ticket may stay empty when the request
    /// goes through the client, which fills in the merchant's `wx_card` ticket.
    pub fn new(order_id: OrderId, money: Fen, source: AuthSource, auth_type: AuthUrlType) -> Self {
        Self {
            s_pappid: String::new(),
            order_id,
            money,
            timestamp: 0,
            source,
            redirect_url: None,
            ticket: String::new(),
            auth_type,
        }
    }

    /// Sets `s_pappid`: the platform id the invoicing platform handed out (from `seturl`).
    pub fn with_s_pappid(mut self, s_pappid: impl Into<String>) -> Self {
        self.s_pappid = s_pappid.into();
        self
    }

    /// Sets `timestamp`: now, in Unix seconds.
    pub fn with_timestamp(mut self, unix_seconds: i64) -> Self {
        self.timestamp = unix_seconds;
        self
    }

    /// Sets `redirect_url`: where a `web` page goes after the user authorized.
    pub fn with_redirect_url(mut self, redirect_url: impl Into<String>) -> Self {
        self.redirect_url = Some(redirect_url.into());
        self
    }

    /// Sets `ticket`: the merchant's `wx_card` api_ticket.
    pub fn with_ticket(mut self, ticket: impl Into<String>) -> Self {
        self.ticket = ticket.into();
        self
    }

    /// Checks required fields, a non-negative `money`, a 10-digit `timestamp` and an
    /// http(s) `redirect_url`, reporting every problem together.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("s_pappid", &self.s_pappid);
        f.require("order_id", self.order_id.as_str());
        f.non_negative("money", self.money.0);
        f.epoch_seconds("timestamp", self.timestamp);
        if let Some(url) = &self.redirect_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            f.problem("redirect_url", "must be an http:// or https:// URL");
        }
        f.require("ticket", &self.ticket);
        f.into_result()
    }
}

/// Response of `card/invoice/getauthurl`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetAuthUrlResponse {
    /// The authorization page (for `wxa`: the Mini Program path).
    pub auth_url: String,
    /// For `source = wxa`: the Mini Program to open with `auth_url` as path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{AuthSource, AuthUrlType, GetAuthUrlRequest, TicketResponse};
    use crate::ids::OrderId;
    use crate::money::Fen;

    fn request() -> GetAuthUrlRequest {
        GetAuthUrlRequest {
            s_pappid: "d3g=".into(),
            order_id: "order-1".into(),
            money: Fen(100),
            timestamp: 1_700_000_000,
            source: AuthSource::Web,
            redirect_url: Some("https://example.com/done".into()),
            ticket: "SECRET-TICKET".into(),
            auth_type: AuthUrlType::UserTitle,
        }
    }

    #[test]
    fn debug_hides_the_ticket() {
        let ticket = TicketResponse {
            ticket: "SECRET-TICKET".into(),
            expires_in: 7200,
        };
        assert!(!format!("{ticket:?}").contains("SECRET"));
        assert!(!format!("{:?}", request()).contains("SECRET"));
    }

    #[test]
    fn enums_use_wire_values() {
        let value = serde_json::to_value(request()).unwrap();
        assert_eq!(value["source"], "web");
        assert_eq!(value["type"], 1);
        assert_eq!(AuthSource::Wxa.as_str(), "wxa");
        assert_eq!(AuthUrlType::CollectIssued.as_i64(), 2);
        assert_eq!(
            serde_json::from_str::<AuthUrlType>("\"0\"").unwrap(),
            AuthUrlType::MerchantTitle
        );
        assert!(serde_json::from_str::<AuthUrlType>("3").is_err());
        assert!(serde_json::from_str::<AuthSource>("\"pc\"").is_err());
    }

    #[test]
    fn validate_reports_all_problems() {
        assert_eq!(request().validate(), Ok(()));
        let mut bad = request();
        bad.s_pappid = String::new();
        bad.order_id = OrderId::default();
        bad.money = Fen(-1);
        bad.timestamp = 1_700_000_000_000;
        bad.redirect_url = Some("javascript:alert(1)".into());
        bad.ticket = String::new();
        let err = bad.validate().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["s_pappid", "order_id", "money", "timestamp", "redirect_url", "ticket"]
        );
    }
}
