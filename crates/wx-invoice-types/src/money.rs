//! Money as WeChat counts it: integer fen (分, 1/100 CNY).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::lenient;

/// An amount in fen (分), the hundredth part of one yuan (CNY).
///
/// Every amount in the e-invoice API (`fee`, `fee_without_tax`, `tax`, `info[].price`,
/// `money`) is an integer number of fen. `Fen` is serialised as a bare JSON integer and
/// accepts, on input, either an integer or a string holding one (`123` or `"123"`).
///
/// `Display` prints yuan with two decimals and the currency code, so `Fen(1234)` shows as
/// `12.34 CNY` and `Fen(-5)` as `-0.05 CNY`.
///
/// ```
/// use wx_invoice_types::Fen;
/// let total = Fen(1000).checked_add(Fen(234)).unwrap();
/// assert_eq!(total, Fen(1234));
/// assert_eq!(total.to_string(), "12.34 CNY");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// The sum, or `None` if it does not fit in an `i64`.
    pub const fn checked_add(self, other: Fen) -> Option<Fen> {
        match self.0.checked_add(other.0) {
            Some(sum) => Some(Fen(sum)),
            None => None,
        }
    }

    /// The difference, or `None` if it does not fit in an `i64`.
    pub const fn checked_sub(self, other: Fen) -> Option<Fen> {
        match self.0.checked_sub(other.0) {
            Some(diff) => Some(Fen(diff)),
            None => None,
        }
    }

    /// The amount times a quantity (e.g. unit price × `num`), or `None` on overflow.
    pub const fn checked_mul(self, quantity: i64) -> Option<Fen> {
        match self.0.checked_mul(quantity) {
            Some(product) => Some(Fen(product)),
            None => None,
        }
    }

    /// Whether the amount is below zero (WeChat rejects negative amounts).
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl From<i64> for Fen {
    fn from(fen: i64) -> Self {
        Fen(fen)
    }
}

impl From<Fen> for i64 {
    fn from(amount: Fen) -> Self {
        amount.0
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02} CNY", abs / 100, abs % 100)
    }
}

impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        lenient::i64_or_numeric_string(deserializer).map(Fen)
    }
}

#[cfg(test)]
mod tests {
    use super::Fen;

    #[test]
    fn serialises_as_a_bare_integer() {
        assert_eq!(serde_json::to_string(&Fen(12345)).unwrap(), "12345");
    }

    #[test]
    fn reads_an_integer_or_a_numeric_string() {
        assert_eq!(serde_json::from_str::<Fen>("123").unwrap(), Fen(123));
        assert_eq!(serde_json::from_str::<Fen>("\"123\"").unwrap(), Fen(123));
        assert_eq!(serde_json::from_str::<Fen>("\"-7\"").unwrap(), Fen(-7));
    }

    #[test]
    fn rejects_non_integers() {
        for bad in ["1.5", "\"1.5\"", "\"abc\"", "\"\"", "null", "true", "[1]"] {
            assert!(serde_json::from_str::<Fen>(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn displays_yuan_with_two_decimals() {
        assert_eq!(Fen(1234).to_string(), "12.34 CNY");
        assert_eq!(Fen(5).to_string(), "0.05 CNY");
        assert_eq!(Fen(-5).to_string(), "-0.05 CNY");
        assert_eq!(Fen(0).to_string(), "0.00 CNY");
        assert_eq!(Fen(i64::MIN).to_string(), "-92233720368547758.08 CNY");
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Fen(1).checked_add(Fen(2)), Some(Fen(3)));
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(1).checked_sub(Fen(3)), Some(Fen(-2)));
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(250).checked_mul(3), Some(Fen(750)));
        assert_eq!(Fen(i64::MAX).checked_mul(2), None);
        assert!(Fen(-1).is_negative());
        assert!(!Fen::ZERO.is_negative());
    }
}
