//! One-pass decoding of a WeChat answer: the typed output is deserialised straight from the
//! bytes while the `errcode` key of the envelope is read on the side and hidden from it.
//!
//! This is the fast path for successful answers. Anything else (a non-zero `errcode`, a body
//! that is not the expected object) returns `None`, and the caller decodes the body again the
//! careful way to build the precise error.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
};

/// What the envelope said, as far as the fast path cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Errcode {
    /// No `errcode` key, `null` or `0`: success.
    Success,
    /// Anything else (non-zero, or not a number).
    Other,
}

/// `Some(output)` when `body` is a success answer that deserialises into `T`.
pub(crate) fn decode_success<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let mut errcode = Errcode::Success;
    let mut de = serde_json::Deserializer::from_slice(body);
    let output = T::deserialize(Enveloped {
        de: &mut de,
        errcode: &mut errcode,
    })
    .ok()?;
    de.end().ok()?;
    (errcode == Errcode::Success).then_some(output)
}

/// A deserializer that presents a JSON object to the output type without its envelope keys.
struct Enveloped<'e, D> {
    de: D,
    errcode: &'e mut Errcode,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Enveloped<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.de.deserialize_map(EnvelopeVisitor {
            inner: visitor,
            errcode: self.errcode,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct EnvelopeVisitor<'e, V> {
    inner: V,
    errcode: &'e mut Errcode,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for EnvelopeVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(EnvelopeMap {
            map,
            errcode: self.errcode,
        })
    }
}

struct EnvelopeMap<'e, A> {
    map: A,
    errcode: &'e mut Errcode,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for EnvelopeMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        let mut seed = seed;
        loop {
            match self.map.next_key_seed(KeySeed(seed))? {
                None => return Ok(None),
                Some(Key::Other(key)) => return Ok(Some(key)),
                Some(Key::Errcode(unused)) => {
                    let code = self.map.next_value_seed(ErrcodeSeed)?;
                    if code != Errcode::Success {
                        *self.errcode = code;
                    }
                    seed = unused;
                }
                Some(Key::Errmsg(unused)) => {
                    self.map.next_value::<IgnoredAny>()?;
                    seed = unused;
                }
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Self::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A key: one of the envelope's (handing the output's seed back unused), or the output's own.
enum Key<K, V> {
    Errcode(K),
    Errmsg(K),
    Other(V),
}

struct KeySeed<K>(K);

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<K> {
    type Value = Key<K, K::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeyVisitor(self.0))
    }
}

struct KeyVisitor<K>(K);

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for KeyVisitor<K> {
    type Value = Key<K, K::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        match key {
            "errcode" => Ok(Key::Errcode(self.0)),
            "errmsg" => Ok(Key::Errmsg(self.0)),
            _ => self
                .0
                .deserialize(de::value::BorrowedStrDeserializer::new(key))
                .map(Key::Other),
        }
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        match key {
            "errcode" => Ok(Key::Errcode(self.0)),
            "errmsg" => Ok(Key::Errmsg(self.0)),
            _ => self.0.deserialize(key.into_deserializer()).map(Key::Other),
        }
    }
}

struct ErrcodeSeed;

impl<'de> DeserializeSeed<'de> for ErrcodeSeed {
    type Value = Errcode;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Errcode, D::Error> {
        deserializer.deserialize_any(ErrcodeVisitor)
    }
}

struct ErrcodeVisitor;

impl Visitor<'_> for ErrcodeVisitor {
    type Value = Errcode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an errcode")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Errcode, E> {
        Ok(if v == 0 { Errcode::Success } else { Errcode::Other })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Errcode, E> {
        Ok(if v == 0 { Errcode::Success } else { Errcode::Other })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Errcode, E> {
        Ok(if v.trim() == "0" {
            Errcode::Success
        } else {
            Errcode::Other
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Errcode, E> {
        Ok(Errcode::Success)
    }

    fn visit_none<E: de::Error>(self) -> Result<Errcode, E> {
        Ok(Errcode::Success)
    }

    // Anything else (a float, an object…) fails the fast path; the careful decoder names it.
}

#[cfg(test)]
mod tests {
    use super::decode_success;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Out {
        code: String,
        #[serde(default)]
        n: u32,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Nothing {}

    #[test]
    fn success_answers_decode_in_one_pass() {
        let ok = decode_success::<Out>(br#"{"errcode":0,"errmsg":"ok","code":"1","n":2}"#);
        assert_eq!(ok, Some(Out { code: "1".into(), n: 2 }));
        assert_eq!(
            decode_success::<Out>(br#"{"code":"2","errcode":"0"}"#),
            Some(Out { code: "2".into(), n: 0 })
        );
        assert_eq!(
            decode_success::<Out>(br#"{"code":"\u0033","errcode":null,"extra":[1,{"a":2}]}"#),
            Some(Out { code: "3".into(), n: 0 })
        );
        assert_eq!(
            decode_success::<Nothing>(br#"{"errcode":0,"errmsg":"ok"}"#),
            Some(Nothing {})
        );
    }

    #[test]
    fn anything_but_a_success_takes_the_careful_path() {
        for body in [
            &br#"{"errcode":40001,"errmsg":"invalid credential"}"#[..],
            br#"{"errcode":"72056","code":"1"}"#,
            br#"{"errcode":-1,"code":"1"}"#,
            br#"{"errcode":1.5,"code":"1"}"#,
            br#"{"errcode":{},"code":"1"}"#,
            br#"{"code":5}"#,
            b"[1,2]",
            br#"{"code":"1"} trailing"#,
            b"<html>502</html>",
            b"",
        ] {
            assert_eq!(decode_success::<Out>(body), None, "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(decode_success::<Nothing>(br#"{"errcode":45009}"#), None);
    }
}
