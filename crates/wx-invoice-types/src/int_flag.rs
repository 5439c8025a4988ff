//! Yes/no settings that WeChat sends as the integers `0` and `1`.
//!
//! For `Option<bool>` fields: `#[serde(default, with = "crate::int_flag", skip_serializing_if = "Option::is_none")]`.
//! Writes `1`/`0`; reads `0`/`1` as integers or strings, JSON booleans, and `null` as `None`.
//! Any other number is an error, so a typo does not silently flip a setting.

use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer, Serializer};

/// Serialises `Some(true)` as `1`, `Some(false)` as `0` and `None` as `null`.
pub fn serialize<S: Serializer>(value: &Option<bool>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(flag) => serializer.serialize_u8(u8::from(*flag)),
        None => serializer.serialize_none(),
    }
}

/// Reads `0`/`1` (number or string), `true`/`false` or `null`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Raw::Bool(flag)) => Ok(Some(flag)),
        Some(Raw::Int(0)) => Ok(Some(false)),
        Some(Raw::Int(1)) => Ok(Some(true)),
        Some(Raw::Int(other)) => Err(D::Error::invalid_value(Unexpected::Signed(other), &"0 or 1")),
        Some(Raw::Text(text)) => match text.trim() {
            "0" => Ok(Some(false)),
            "1" => Ok(Some(true)),
            _ => Err(D::Error::invalid_value(Unexpected::Str(&text), &"0 or 1")),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Flags {
        #[serde(default, with = "super", skip_serializing_if = "Option::is_none")]
        show: Option<bool>,
    }

    fn read(json: &str) -> Result<Option<bool>, serde_json::Error> {
        serde_json::from_str::<Flags>(json).map(|f| f.show)
    }

    #[test]
    fn writes_integers() {
        let on = serde_json::to_string(&Flags { show: Some(true) }).unwrap();
        let off = serde_json::to_string(&Flags { show: Some(false) }).unwrap();
        let unset = serde_json::to_string(&Flags { show: None }).unwrap();
        assert_eq!(
            [on.as_str(), off.as_str(), unset.as_str()],
            [r#"{"show":1}"#, r#"{"show":0}"#, "{}"]
        );
    }

    #[test]
    fn reads_the_shapes_wechat_uses() {
        assert_eq!(read(r#"{"show":1}"#).unwrap(), Some(true));
        assert_eq!(read(r#"{"show":0}"#).unwrap(), Some(false));
        assert_eq!(read(r#"{"show":"1"}"#).unwrap(), Some(true));
        assert_eq!(read(r#"{"show":false}"#).unwrap(), Some(false));
        assert_eq!(read(r#"{"show":null}"#).unwrap(), None);
        assert_eq!(read("{}").unwrap(), None);
        assert!(read(r#"{"show":2}"#).is_err());
        assert!(read(r#"{"show":"yes"}"#).is_err());
    }
}
