//! [`AccessToken`]: a credential for calling WeChat, with the time it stops working.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use secrecy::zeroize::Zeroize;

use crate::error::AuthError;
use crate::lifetime::Lifetime;
use crate::packed_time::{self, TIME_BYTES};

/// "For ever" for a credential, still far from `SystemTime`'s limits.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A WeChat credential (an `access_token`, `component_access_token`, `authorizer_access_token`
/// or a `wx_card` ticket) together with when it was issued and when it expires.
///
/// The value is private: `Debug` prints a placeholder, and the only way to read it is
/// [`AccessToken::expose_secret`], which the transport calls when it builds a request.
///
/// Two tokens are equal when their values are equal; the times are not compared. That is what
/// compare-and-delete needs: "drop the cached token only if it is still the one WeChat rejected".
///
/// Clones share one copy of the value (an `Arc`): handing a cached token to a caller, or keeping
/// it both in the in-process cache and in a [`MemoryStore`](crate::MemoryStore), copies no
/// secret. The value and its two times are one allocation, so a process caching the tokens of
/// many merchants pays little beyond the tokens' own bytes; the value is zeroed when the last
/// holder drops it.
#[derive(Clone)]
pub struct AccessToken {
    /// `issued_at` and `expires_at` ([`TIME_BYTES`] each), then the value's UTF-8 bytes.
    held: Arc<[u8]>,
}

const ISSUED_AT: usize = 0;
const EXPIRES_AT: usize = TIME_BYTES;
const VALUE: usize = 2 * TIME_BYTES;

impl AccessToken {
    /// A token issued now that WeChat says lives for `expires_in`. A lifetime beyond what
    /// `SystemTime` can represent is treated as "a century" instead of overflowing.
    pub fn new(value: impl Into<String>, expires_in: Duration) -> Self {
        Self::issued_at_time(value, SystemTime::now(), expires_in)
    }

    /// A token issued at `now` (as read from a [`Clock`](crate::clock::Clock)) that lives for
    /// `expires_in`.
    pub fn issued_at_time(value: impl Into<String>, now: SystemTime, expires_in: Duration) -> Self {
        let expires_at = now
            .checked_add(expires_in.min(CENTURY))
            .unwrap_or_else(|| now.checked_add(CENTURY).unwrap_or(now));
        Self::with_times(value, now, expires_at)
    }

    /// A token a token endpoint at `path` just answered, checked: an empty value or an
    /// implausible lifetime is refused (see [`Lifetime`]) so nothing unusable is cached.
    pub fn from_answer(
        value: impl Into<String>,
        expires_in: Lifetime,
        path: &str,
        now: SystemTime,
    ) -> Result<Self, AuthError> {
        let value = value.into();
        if value.trim().is_empty() {
            return Err(AuthError::Decode {
                path: path.to_owned(),
                detail: "the token in the answer is empty; no credential was cached".into(),
            });
        }
        Ok(Self::issued_at_time(value, now, expires_in.checked(path)?))
    }

    /// A token with explicit issue and expiry times (used by stores that read a token back).
    pub fn with_times(value: impl Into<String>, issued_at: SystemTime, expires_at: SystemTime) -> Self {
        let mut value = value.into();
        // Laid out in a buffer on the stack (tokens are ~160 bytes), then copied into the `Arc`
        // in one allocation.
        let mut stack = [0; 256];
        let mut heap = Vec::new();
        let buffer = if VALUE + value.len() <= stack.len() {
            &mut stack[..VALUE + value.len()]
        } else {
            heap.resize(VALUE + value.len(), 0);
            &mut heap[..]
        };
        buffer[ISSUED_AT..EXPIRES_AT].copy_from_slice(&packed_time::pack(issued_at));
        buffer[EXPIRES_AT..VALUE].copy_from_slice(&packed_time::pack(expires_at));
        buffer[VALUE..].copy_from_slice(value.as_bytes());
        let held: Arc<[u8]> = Arc::from(&*buffer);
        buffer.zeroize();
        let token = Self { held };
        value.zeroize();
        token
    }

    /// A token that never expires in practice (for [`StaticToken`](crate::StaticToken)).
    pub fn non_expiring(value: impl Into<String>) -> Self {
        Self::issued_at_time(value, SystemTime::now(), CENTURY)
    }

    /// The secret value. Call this only to put it on the wire.
    pub fn expose_secret(&self) -> &str {
        // Built from a `String`, so always UTF-8.
        std::str::from_utf8(&self.held[VALUE..]).unwrap_or_default()
    }

    /// When WeChat issued the token (as far as this process knows).
    pub fn issued_at(&self) -> SystemTime {
        packed_time::unpack(&self.held[ISSUED_AT..])
    }

    /// When the token stops working.
    pub fn expires_at(&self) -> SystemTime {
        packed_time::unpack(&self.held[EXPIRES_AT..])
    }

    /// Time left until expiry, zero if already expired.
    pub fn remaining(&self) -> Duration {
        self.remaining_at(SystemTime::now())
    }

    /// Time left at `now` until expiry, zero if already expired.
    pub fn remaining_at(&self, now: SystemTime) -> Duration {
        self.expires_at().duration_since(now).unwrap_or(Duration::ZERO)
    }

    /// Whether the token should be refreshed now, given an early-refresh `margin`.
    ///
    /// The margin is capped at half the token's lifetime, so a token that WeChat issued with a
    /// short life (as the sandbox can) is still used for a while instead of being refreshed on
    /// every call.
    pub fn needs_refresh(&self, margin: Duration) -> bool {
        self.needs_refresh_at(SystemTime::now(), margin)
    }

    /// [`needs_refresh`](Self::needs_refresh) at `now`.
    pub fn needs_refresh_at(&self, now: SystemTime, margin: Duration) -> bool {
        let expires_at = self.expires_at();
        let lifetime = expires_at.duration_since(self.issued_at()).unwrap_or(Duration::ZERO);
        let margin = margin.min(lifetime / 2);
        match expires_at.checked_sub(margin) {
            Some(refresh_at) => now >= refresh_at,
            None => true,
        }
    }

    /// Whether the token has expired outright.
    pub fn is_expired(&self) -> bool {
        self.is_expired_at(SystemTime::now())
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        now >= self.expires_at()
    }
}

impl Drop for AccessToken {
    fn drop(&mut self) {
        // The last holder zeroes the value before it is freed.
        if let Some(held) = Arc::get_mut(&mut self.held) {
            held.zeroize();
        }
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.held, &other.held) || self.expose_secret() == other.expose_secret()
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
    fn the_value_and_both_times_are_kept_exactly() {
        let issued = SystemTime::now();
        let expires = issued + Duration::new(7_199, 123_456_789);
        let token = AccessToken::with_times("89_ABC-é", issued, expires);
        assert_eq!(token.expose_secret(), "89_ABC-é");
        assert_eq!((token.issued_at(), token.expires_at()), (issued, expires));
        let copy = token.clone();
        drop(token);
        assert_eq!(copy.expose_secret(), "89_ABC-é");
        assert_eq!(copy, AccessToken::new("89_ABC-é", Duration::from_secs(1)));
    }

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
    fn any_lifetime_is_safe() {
        let forever = AccessToken::new("a", Duration::MAX);
        assert!(!forever.is_expired());
        assert!(!forever.needs_refresh(Duration::MAX));
        let far = AccessToken::issued_at_time("b", SystemTime::UNIX_EPOCH, Duration::MAX);
        assert!(far.expires_at() > SystemTime::UNIX_EPOCH);
    }

    #[test]
    fn answers_with_empty_tokens_or_bad_lifetimes_are_refused() {
        let now = SystemTime::now();
        let e = AccessToken::from_answer("  ", Lifetime::from_secs(7200), "/t", now).expect_err("empty");
        assert!(e.to_string().contains("empty"), "{e}");
        assert!(AccessToken::from_answer("tok", Lifetime::from_secs(0), "/t", now).is_err());
        let clamped = AccessToken::from_answer("tok", Lifetime::from_secs(i128::MAX), "/t", now).expect("clamped");
        assert_eq!(clamped.remaining_at(now), Lifetime::MAX);
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
