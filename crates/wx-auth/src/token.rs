//! [`AccessToken`]: a credential for calling WeChat, with the time it stops working.

use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

/// A WeChat credential (an `access_token`, `component_access_token`, `authorizer_access_token`
/// or a `wx_card` ticket) together with when it was issued and when it expires.
///
/// The value is held in a [`SecretString`]: `Debug` prints a placeholder, and the only way to
/// read it is [`AccessToken::expose_secret`], which the transport calls when it builds a request.
///
/// Two tokens are equal when their values are equal; the times are not compared. That is what
/// compare-and-delete needs: "drop the cached token only if it is still the one WeChat rejected".
#[derive(Clone)]
pub struct AccessToken {
    value: SecretString,
    issued_at: SystemTime,
    expires_at: SystemTime,
}

impl AccessToken {
    /// A token issued now that WeChat says lives for `expires_in`.
    pub fn new(value: impl Into<String>, expires_in: Duration) -> Self {
        let now = SystemTime::now();
        Self::with_times(value, now, now + expires_in)
    }

    /// A token with explicit issue and expiry times (used by stores that read a token back).
    pub fn with_times(value: impl Into<String>, issued_at: SystemTime, expires_at: SystemTime) -> Self {
        Self {
            value: SecretString::from(value.into()),
            issued_at,
            expires_at,
        }
    }

    /// A token that never expires in practice (for [`StaticToken`](crate::StaticToken)).
    pub fn non_expiring(value: impl Into<String>) -> Self {
        let now = SystemTime::now();
        // A century is "forever" for a credential and still far from SystemTime's limits.
        Self::with_times(value, now, now + Duration::from_secs(100 * 365 * 24 * 3600))
    }

    /// The secret value. Call this only to put it on the wire.
    pub fn expose_secret(&self) -> &str {
        self.value.expose_secret()
    }

    /// When WeChat issued the token (as far as this process knows).
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }

    /// When the token stops working.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Time left until expiry, zero if already expired.
    pub fn remaining(&self) -> Duration {
        self.expires_at
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    }

    /// Whether the token should be refreshed now, given an early-refresh `margin`.
    ///
    /// The margin is capped at half the token's lifetime, so a token that WeChat issued with a
    /// short life (as the sandbox can) is still used for a while instead of being refreshed on
    /// every call.
    pub fn needs_refresh(&self, margin: Duration) -> bool {
        let lifetime = self.expires_at.duration_since(self.issued_at).unwrap_or(Duration::ZERO);
        let margin = margin.min(lifetime / 2);
        match self.expires_at.checked_sub(margin) {
            Some(refresh_at) => SystemTime::now() >= refresh_at,
            None => true,
        }
    }

    /// Whether the token has expired outright.
    pub fn is_expired(&self) -> bool {
        SystemTime::now() >= self.expires_at
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[redacted]")
            .field("remaining_secs", &self.remaining().as_secs())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let token = AccessToken::new("super-secret-token", Duration::from_secs(7200));
        let printed = format!("{token:?}");
        assert!(!printed.contains("super-secret"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn refresh_margin_is_capped_by_half_the_lifetime() {
        let long = AccessToken::new("a", Duration::from_secs(7200));
        assert!(!long.needs_refresh(Duration::from_secs(300)));
        // A margin longer than the lifetime is capped at half of it: still fresh at birth.
        assert!(!long.needs_refresh(Duration::from_secs(7300)));
        let short = AccessToken::new("b", Duration::from_secs(10));
        // A 300 s margin would make a 10 s token stale at birth; capped at 5 s it is fresh.
        assert!(!short.needs_refresh(Duration::from_secs(300)));
        let now = SystemTime::now();
        let stale = AccessToken::with_times("c", now - Duration::from_secs(100), now + Duration::from_secs(10));
        assert!(stale.needs_refresh(Duration::from_secs(60)));
        let expired = AccessToken::with_times("d", now - Duration::from_secs(100), now - Duration::from_secs(1));
        assert!(expired.is_expired());
        assert!(expired.needs_refresh(Duration::ZERO));
    }

    #[test]
    fn equality_compares_values_only() {
        let a = AccessToken::new("same", Duration::from_secs(1));
        let b = AccessToken::new("same", Duration::from_secs(9));
        let c = AccessToken::new("other", Duration::from_secs(1));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
