//! The Redis key layout of [`RedisStore`](super::RedisStore).
//!
//! Every key starts with the store's prefix, then a hash tag in braces that names the component
//! (and, for per-account keys, the account), so that all keys of one authorizer share a Redis
//! Cluster slot:
//!
//! | data                    | key                                            |
//! |-------------------------|------------------------------------------------|
//! | cached token            | `{prefix}:{namespace:appid}:{kind}`            |
//! | refresh lock of a token | `{prefix}:{namespace:appid}:{kind}:lock`       |
//! | authorizer record       | `{prefix}:{component:authorizer}:authorizer`   |
//! | authorizer index (set)  | `{prefix}:{component}:authorizers`             |
//! | verify ticket           | `{prefix}:{component}:verify_ticket`           |
//!
//! Appids are escaped (see [`escape`]) so that no appid can forge another account's key or
//! break the hash tag.

use std::fmt::Write as _;

use crate::store::TokenKey;

/// The prefix every key starts with unless the user picks another.
pub(crate) const DEFAULT_PREFIX: &str = "wxinv";

/// Builds the keys of one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyLayout {
    prefix: String,
}

impl KeyLayout {
    /// A layout under `prefix`. Braces in the prefix are escaped: a brace there would become the
    /// hash tag and scatter one authorizer's keys over several Cluster slots.
    pub(crate) fn new(prefix: &str) -> Self {
        let mut escaped = String::with_capacity(prefix.len());
        for c in prefix.chars() {
            match c {
                '{' | '}' => push_percent(&mut escaped, c),
                other => escaped.push(other),
            }
        }
        Self { prefix: escaped }
    }

    /// The prefix as it appears in keys.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where a cached token lives.
    pub(crate) fn token(&self, key: &TokenKey) -> String {
        format!(
            "{}:{{{}:{}}}:{}",
            self.prefix,
            escape(key.namespace()),
            escape(key.appid()),
            key.kind().as_str()
        )
    }

    /// The refresh lock of a cached token (same slot as the token).
    pub(crate) fn lock(&self, key: &TokenKey) -> String {
        let mut k = self.token(key);
        k.push_str(":lock");
        k
    }

    /// The durable record of an authorizer under a component.
    pub(crate) fn authorizer(&self, component_appid: &str, authorizer_appid: &str) -> String {
        format!(
            "{}:{{{}:{}}}:authorizer",
            self.prefix,
            escape(component_appid),
            escape(authorizer_appid)
        )
    }

    /// The set of authorizer appids stored under a component (in the component's slot).
    pub(crate) fn authorizer_index(&self, component_appid: &str) -> String {
        format!("{}:{{{}}}:authorizers", self.prefix, escape(component_appid))
    }

    /// The latest verify ticket of a component.
    pub(crate) fn verify_ticket(&self, component_appid: &str) -> String {
        format!("{}:{{{}}}:verify_ticket", self.prefix, escape(component_appid))
    }
}

/// Escapes an appid for use inside a key: `%`, `:`, braces, whitespace, control and non-ASCII
/// characters become `%XX` (per UTF-8 byte). WeChat appids (`wx` + 16 hex digits) pass
/// unchanged; anything else still maps to a distinct, well-formed key.
pub(crate) fn escape(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if c.is_ascii_graphic() && !matches!(c, '%' | ':' | '{' | '}') {
            out.push(c);
        } else {
            push_percent(&mut out, c);
        }
    }
    out
}

fn push_percent(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for byte in c.encode_utf8(&mut buf).bytes() {
        // Writing to a String cannot fail.
        let _ = write!(out, "%{byte:02X}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TokenKind;

    #[test]
    fn keys_follow_the_documented_layout() {
        let keys = KeyLayout::new(DEFAULT_PREFIX);
        let token = TokenKey::new("wx_component", "wx_merchant", TokenKind::AuthorizerAccessToken);
        assert_eq!(keys.token(&token), "wxinv:{wx_component:wx_merchant}:authorizer_token");
        assert_eq!(
            keys.lock(&token),
            "wxinv:{wx_component:wx_merchant}:authorizer_token:lock"
        );
        assert_eq!(
            keys.authorizer("wx_component", "wx_merchant"),
            "wxinv:{wx_component:wx_merchant}:authorizer"
        );
        assert_eq!(
            keys.authorizer_index("wx_component"),
            "wxinv:{wx_component}:authorizers"
        );
        assert_eq!(keys.verify_ticket("wx_component"), "wxinv:{wx_component}:verify_ticket");
    }

    #[test]
    fn appids_cannot_forge_other_keys_or_break_the_hash_tag() {
        let keys = KeyLayout::new("p");
        let a = TokenKey::new("a:b", "c", TokenKind::AccessToken);
        let b = TokenKey::new("a", "b:c", TokenKind::AccessToken);
        assert_ne!(keys.token(&a), keys.token(&b));
        assert_eq!(keys.token(&a), "p:{a%3Ab:c}:access_token");
        assert_eq!(escape("x}y{z"), "x%7Dy%7Bz");
        assert_eq!(escape("50%"), "50%25");
        assert_eq!(escape("a b\n商"), "a%20b%0A%E5%95%86");
        assert_eq!(escape("wx0123456789abcdef"), "wx0123456789abcdef");
    }

    #[test]
    fn braces_in_the_prefix_are_escaped() {
        let keys = KeyLayout::new("app{1}");
        assert_eq!(keys.prefix(), "app%7B1%7D");
        assert_eq!(keys.verify_ticket("c"), "app%7B1%7D:{c}:verify_ticket");
    }
}
