//! Exact decimal text for the unified-invoicing calls: [`Yuan`] for amounts, [`Decimal`] for
//! quantities and tax rates. Never a float: the value is kept as the digits WeChat receives.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::Fen;

/// Why a text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a decimal number: {why}")]
pub struct DecimalError {
    text: String,
    why: &'static str,
}

/// More digits than any amount or rate needs; keeps the exact arithmetic within `i128`.
const MAX_DIGITS: usize = 30;

/// Checks `text` is `-?digits(.digits)?` and returns it trimmed.
fn check(text: &str) -> Result<&str, DecimalError> {
    let fail = |why| DecimalError {
        text: text.chars().take(40).collect(),
        why,
    };
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail("write digits before an optional decimal point, e.g. \"159.00\""));
    }
    if let Some(frac) = frac
        && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(fail("write at least one digit after the decimal point"));
    }
    if int.len() + frac.map_or(0, str::len) > MAX_DIGITS {
        return Err(fail("too many digits"));
    }
    Ok(trimmed)
}

/// `(mantissa, scale)` of checked text: `"-1.50"` is `(-150, 2)`.
fn parts(text: &str) -> (i128, u32) {
    let negative = text.starts_with('-');
    let unsigned = text.trim_start_matches('-');
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut mantissa: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        // At most MAX_DIGITS digits: no overflow.
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    let scale = u32::try_from(frac.len()).unwrap_or(u32::MAX);
    (if negative { -mantissa } else { mantissa }, scale)
}

fn compare(a: &str, b: &str) -> Ordering {
    let ((ma, sa), (mb, sb)) = (parts(a), parts(b));
    let scale = sa.max(sb);
    let widen = |m: i128, s: u32| m * 10_i128.pow(scale - s);
    widen(ma, sa).cmp(&widen(mb, sb))
}

/// The number of digits after the decimal point that are not trailing zeros.
fn significant_decimals(text: &str) -> usize {
    text.split_once('.')
        .map_or(0, |(_, frac)| frac.trim_end_matches('0').len())
}

macro_rules! decimal_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Reads `text` (`-?digits(.digits)?`, surrounding spaces ignored), keeping its
            /// digits exactly.
            pub fn parse(text: &str) -> Result<Self, DecimalError> {
                check(text).map(|t| Self(t.to_owned()))
            }

            /// The text sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the value is below zero.
            pub fn is_negative(&self) -> bool {
                parts(&self.0).0 < 0
            }

            /// Digits after the point, trailing zeros left out (`"1.50"` has 1).
            pub fn decimals(&self) -> usize {
                significant_decimals(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        /// Equal by value: `"1.5"` equals `"1.50"`.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                compare(&self.0, &other.0) == Ordering::Equal
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                compare(&self.0, &other.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = DecimalError;
            fn from_str(text: &str) -> Result<Self, DecimalError> {
                Self::parse(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = DecimalError;
            fn try_from(text: &str) -> Result<Self, DecimalError> {
                Self::parse(text)
            }
        }

        /// Written as a JSON string, as WeChat's sample sends every value.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        /// Read from a decimal string or a JSON integer; a JSON float is refused, since its
        /// digits may already be rounded.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(TextVisitor).map(Self)
            }
        }
    };
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number written as a string, e.g. \"159.00\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        check(v).map(str::to_owned).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(E::custom(
            "write decimal amounts as strings (\"12.30\"): a JSON float may be rounded",
        ))
    }
}

decimal_text! {
    /// An amount in yuan (元) as a decimal string — the money of the unified-invoicing calls
    /// (`jshj`, `hjje`, `hjse`, `xmje`, `se`, `xmdj`), which, unlike every other invoice call,
    /// do not count in fen.
    ///
    /// Kept as exact text, never an `f64`: `"159.0"` goes out as `"159.0"`. Build one from fen
    /// to get two decimals, or parse the text:
    ///
    /// ```
    /// use wx_invoice_types::Fen;
    /// use wx_invoice_types::unified::Yuan;
    ///
    /// assert_eq!(Yuan::from_fen(Fen(15_900)).as_str(), "159.00");
    /// let tax = Yuan::parse("9.00").unwrap();
    /// assert_eq!(tax.to_fen(), Some(Fen(900)));
    /// assert_eq!(Yuan::parse("159.0").unwrap(), Yuan::from_fen(Fen(15_900)));
    /// assert!(Yuan::parse("1e3").is_err());
    /// assert!(serde_json::from_str::<Yuan>("12.5").is_err(), "floats are refused");
    /// ```
    Yuan
}

impl Yuan {
    /// `fen` written in yuan with two decimals: `Fen(-5)` is `"-0.05"`.
    pub fn from_fen(fen: Fen) -> Self {
        let sign = if fen.0 < 0 { "-" } else { "" };
        let abs = fen.0.unsigned_abs();
        Self(format!("{sign}{}.{:02}", abs / 100, abs % 100))
    }

    /// The amount in fen, or `None` if it has digits below the fen or does not fit an `i64`.
    pub fn to_fen(&self) -> Option<Fen> {
        let (mantissa, scale) = parts(&self.0);
        let fen = match scale {
            0 => mantissa.checked_mul(100)?,
            1 => mantissa.checked_mul(10)?,
            2 => mantissa,
            s => {
                let divisor = 10_i128.checked_pow(s - 2)?;
                if mantissa % divisor != 0 {
                    return None;
                }
                mantissa / divisor
            }
        };
        i64::try_from(fen).ok().map(Fen)
    }
}

decimal_text! {
    /// A plain decimal number as a string: quantities (`xmsl`) and tax rates as fractions
    /// (`sl`, e.g. `"0.13"` for 13 %).
    ///
    /// ```
    /// use wx_invoice_types::unified::Decimal;
    /// let rate = Decimal::parse("0.13").unwrap();
    /// assert_eq!(rate.decimals(), 2);
    /// assert!(rate < Decimal::parse("1").unwrap());
    /// ```
    Decimal
}

impl Decimal {
    /// The number 1.
    pub(crate) fn one() -> Self {
        Self("1".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::{Decimal, Yuan};
    use crate::money::Fen;

    #[test]
    fn parses_exact_text_and_refuses_the_rest() {
        for good in ["0", "159.0", "12.34", "-0.05", "007.10", " 1.5 "] {
            assert!(Yuan::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "1,5",
            "1e3",
            "+1",
            "1.2.3",
            "NaN",
            "１２",
            &"9".repeat(31),
        ] {
            assert!(Yuan::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(Yuan::parse(" 1.5 ").unwrap().as_str(), "1.5");
    }

    #[test]
    fn fen_conversions_are_exact() {
        assert_eq!(Yuan::from_fen(Fen(0)).as_str(), "0.00");
        assert_eq!(Yuan::from_fen(Fen(-5)).as_str(), "-0.05");
        assert_eq!(Yuan::from_fen(Fen(i64::MIN)).to_fen(), Some(Fen(i64::MIN)));
        assert_eq!(Yuan::parse("159").unwrap().to_fen(), Some(Fen(15_900)));
        assert_eq!(Yuan::parse("1.5").unwrap().to_fen(), Some(Fen(150)));
        assert_eq!(Yuan::parse("1.2300").unwrap().to_fen(), Some(Fen(123)));
        assert_eq!(Yuan::parse("1.234").unwrap().to_fen(), None);
        assert_eq!(Yuan::parse("99999999999999999999").unwrap().to_fen(), None);
    }

    #[test]
    fn compares_by_value_and_keeps_the_wire_text() {
        assert_eq!(Yuan::parse("1.5").unwrap(), Yuan::parse("1.50").unwrap());
        assert!(Yuan::parse("-1").unwrap() < Yuan::parse("0.01").unwrap());
        assert!(Yuan::parse("-1").unwrap().is_negative());
        assert_eq!(
            serde_json::to_string(&Yuan::parse("159.0").unwrap()).unwrap(),
            r#""159.0""#
        );
        assert_eq!(serde_json::from_str::<Yuan>(r#""159.0""#).unwrap().as_str(), "159.0");
        assert_eq!(serde_json::from_str::<Decimal>("3").unwrap().as_str(), "3");
        assert!(serde_json::from_str::<Decimal>("0.17").is_err());
        assert!(serde_json::from_str::<Decimal>(r#""x""#).is_err());
        assert_eq!(Decimal::parse("0.170").unwrap().decimals(), 2);
    }
}
