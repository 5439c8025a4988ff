//! [`Lifetime`]: how long WeChat says a credential lives (`expires_in`), read leniently and
//! kept within a sane range, so that a hostile or broken answer can neither panic the process
//! nor pin a credential in the cache for ever.
//!
//! - Accepted on the wire: a JSON integer of any size, a float, or a numeric string.
//! - `0` or negative: refused with [`AuthError::Decode`] — no credential is cached.
//! - Above [`Lifetime::MAX`] (24 hours; WeChat's tokens and tickets live 2 hours): clamped to
//!   it, with a warning.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};

use crate::error::AuthError;

/// An `expires_in` as WeChat sent it, not yet checked (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lifetime(Raw);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Raw {
    Seconds(i128),
    Fraction(f64),
    Unreadable,
}

impl Lifetime {
    /// The longest lifetime the SDK believes: 24 hours.
    pub const MAX: Duration = Duration::from_secs(24 * 3600);

    /// A lifetime of `secs` seconds, as if WeChat had sent it.
    pub fn from_secs(secs: i128) -> Self {
        Self(Raw::Seconds(secs))
    }

    /// The checked lifetime: an error naming `path` for 0, negative or unreadable values;
    /// values above [`Lifetime::MAX`] become `MAX`.
    pub fn checked(self, path: &str) -> Result<Duration, AuthError> {
        let refuse = |what: &str| AuthError::Decode {
            path: path.to_owned(),
            detail: format!("expires_in is {what}; no credential was cached"),
        };
        let lifetime = match self.0 {
            Raw::Seconds(s) if s <= 0 => return Err(refuse("zero or negative")),
            Raw::Seconds(s) => Duration::from_secs(u64::try_from(s).unwrap_or(u64::MAX)),
            Raw::Fraction(f) if f.is_nan() || f < 1.0 => return Err(refuse("zero, negative or not a number")),
            // WeChat counts whole seconds; a value too large for a Duration is clamped below.
            Raw::Fraction(f) => Duration::from_secs(Duration::try_from_secs_f64(f).unwrap_or(Duration::MAX).as_secs()),
            Raw::Unreadable => return Err(refuse("not a number")),
        };
        if lifetime > Self::MAX {
            tracing::warn!(
                path,
                expires_in = lifetime.as_secs(),
                max_secs = Self::MAX.as_secs(),
                "WeChat announced an implausible lifetime; clamped"
            );
            return Ok(Self::MAX);
        }
        Ok(lifetime)
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Raw::Seconds(s) => write!(f, "{s}"),
            Raw::Fraction(x) => write!(f, "{x}"),
            Raw::Unreadable => f.write_str("?"),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Lifetime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LifetimeVisitor;

        impl Visitor<'_> for LifetimeVisitor {
            type Value = Lifetime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Lifetime, E> {
                Ok(Lifetime(Raw::Seconds(i128::from(v))))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Lifetime, E> {
                Ok(Lifetime(Raw::Seconds(i128::from(v))))
            }

            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Lifetime, E> {
                Ok(Lifetime(Raw::Seconds(v)))
            }

            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Lifetime, E> {
                Ok(Lifetime(Raw::Seconds(i128::try_from(v).unwrap_or(i128::MAX))))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Lifetime, E> {
                Ok(Lifetime(Raw::Fraction(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Lifetime, E> {
                let v = v.trim();
                Ok(Lifetime(match v.parse::<i128>() {
                    Ok(s) => Raw::Seconds(s),
                    Err(_) => v.parse::<f64>().map_or(Raw::Unreadable, Raw::Fraction),
                }))
            }
        }

        deserializer.deserialize_any(LifetimeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Lifetime {
        serde_json::from_str(json).expect("any number parses")
    }

    #[test]
    fn plausible_values_pass_and_huge_ones_are_clamped() {
        assert_eq!(parse("7200").checked("/p").expect("ok"), Duration::from_secs(7200));
        assert_eq!(parse("\"7200\"").checked("/p").expect("ok"), Duration::from_secs(7200));
        for huge in [
            "18446744073709551615",
            "9223372036854775807",
            "1e300",
            "340282366920938463463374607431768211455",
            "\"99999999999999999999999999\"",
        ] {
            assert_eq!(parse(huge).checked("/p").expect("clamped"), Lifetime::MAX, "{huge}");
        }
    }

    #[test]
    fn zero_negative_and_garbage_are_typed_errors() {
        for bad in ["0", "-1", "-9223372036854775808", "0.5", "-1e300", "\"soon\"", "\"\""] {
            let e = parse(bad).checked("/cgi-bin/x").expect_err(bad);
            assert!(matches!(e, AuthError::Decode { .. }), "{bad}: {e:?}");
            assert!(e.to_string().contains("expires_in"), "{e}");
        }
    }
}
