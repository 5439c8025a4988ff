//! Deserializers for the loose shapes WeChat really sends.
//!
//! Some pages type a number as a string (`"errcode": "0"`, `"billing_time": "1468306058"`)
//! and some ids arrive as JSON numbers. These functions are meant for
//! `#[serde(deserialize_with = "...")]` and are public so that other crates' response
//! types can use the same rules:
//!
//! ```
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Ticket {
//!     #[serde(deserialize_with = "wx_invoice_types::lenient::i64_or_numeric_string")]
//!     expires_in: i64,
//! }
//! let t: Ticket = serde_json::from_str(r#"{"expires_in":"7200"}"#).unwrap();
//! assert_eq!(t.expires_in, 7200);
//! ```
//!
//! They work with any self-describing format, including the XML of push events, where every
//! value is text.

use std::fmt;

use serde::de::{self, Deserializer, Unexpected, Visitor};

/// Reads an `i64` from a JSON integer or from a string holding a decimal integer
/// (surrounding whitespace allowed). Floats, empty strings and `null` are errors.
pub fn i64_or_numeric_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(I64Visitor)
}

/// Like [`i64_or_numeric_string`] for an optional field: `null` and an empty (or blank)
/// string read as `None`. Pair it with `#[serde(default)]` so a missing key is `None` too.
pub fn option_i64_or_numeric_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_any(OptionI64Visitor)
}

/// Reads a `String` from a JSON string or from an integer (kept as its decimal digits).
/// Used for ids such as `s_media_id` that the docs call "64-bit integers" but that must be
/// handled as opaque text.
pub fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(StringVisitor)
}

fn parse_i64<E: de::Error>(text: &str, expected: &dyn de::Expected) -> Result<i64, E> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| E::invalid_value(Unexpected::Str(text), expected))
}

struct I64Visitor;

impl Visitor<'_> for I64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_i64(v, &self)
    }
}

struct OptionI64Visitor;

impl<'de> Visitor<'de> for OptionI64Visitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, a string holding an integer, or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        I64Visitor.visit_u64(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            Ok(None)
        } else {
            parse_i64(v, &self).map(Some)
        }
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Num {
        #[serde(deserialize_with = "super::i64_or_numeric_string")]
        n: i64,
    }

    #[derive(Debug, Deserialize)]
    struct OptNum {
        #[serde(default, deserialize_with = "super::option_i64_or_numeric_string")]
        n: Option<i64>,
    }

    #[derive(Debug, Deserialize)]
    struct Id {
        #[serde(deserialize_with = "super::string_or_number")]
        id: String,
    }

    fn num(json: &str) -> Result<i64, serde_json::Error> {
        serde_json::from_str::<Num>(json).map(|v| v.n)
    }

    fn opt(json: &str) -> Result<Option<i64>, serde_json::Error> {
        serde_json::from_str::<OptNum>(json).map(|v| v.n)
    }

    #[test]
    fn i64_accepts_numbers_and_numeric_strings() {
        assert_eq!(num(r#"{"n":42}"#).unwrap(), 42);
        assert_eq!(num(r#"{"n":-42}"#).unwrap(), -42);
        assert_eq!(num(r#"{"n":"1468306058"}"#).unwrap(), 1_468_306_058);
        assert_eq!(num(r#"{"n":" 7 "}"#).unwrap(), 7);
    }

    #[test]
    fn i64_rejects_everything_else() {
        for bad in [
            r#"{"n":1.5}"#,
            r#"{"n":"x1"}"#,
            r#"{"n":""}"#,
            r#"{"n":null}"#,
            r#"{"n":true}"#,
            r#"{"n":18446744073709551615}"#,
            r#"{"n":"99999999999999999999"}"#,
            r"{}",
        ] {
            assert!(num(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn option_i64_maps_null_blank_and_missing_to_none() {
        assert_eq!(opt(r#"{"n":null}"#).unwrap(), None);
        assert_eq!(opt(r#"{"n":""}"#).unwrap(), None);
        assert_eq!(opt(r"{}").unwrap(), None);
        assert_eq!(opt(r#"{"n":"3"}"#).unwrap(), Some(3));
        assert_eq!(opt(r#"{"n":3}"#).unwrap(), Some(3));
        assert!(opt(r#"{"n":"three"}"#).is_err());
    }

    #[test]
    fn string_or_number_keeps_digits() {
        let from_num: Id = serde_json::from_str(r#"{"id":9223372036854775807}"#).unwrap();
        assert_eq!(from_num.id, "9223372036854775807");
        let from_big: Id = serde_json::from_str(r#"{"id":18446744073709551615}"#).unwrap();
        assert_eq!(from_big.id, "18446744073709551615");
        let from_str: Id = serde_json::from_str(r#"{"id":"abc"}"#).unwrap();
        assert_eq!(from_str.id, "abc");
        assert!(serde_json::from_str::<Id>(r#"{"id":1.5}"#).is_err());
        assert!(serde_json::from_str::<Id>(r#"{"id":null}"#).is_err());
    }
}
