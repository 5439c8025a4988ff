//! Identifiers that requests must not mix up, each a type of its own: [`OrderId`],
//! [`BillingNo`] (发票号码) and [`BillingCode`] (发票代码).
//!
//! They are plain strings on the wire (`#[serde(transparent)]`) and hold any text: whether
//! the text is valid is for `validate()` to say, with every other problem of the request. What
//! the types prevent is passing one where another is expected — an invoice code where the
//! number belongs, an order id where a card id belongs — which strings in a row do not.
//!
//! ```
//! use wx_invoice_types::{BillingCode, BillingNo, OrderId};
//!
//! let number = BillingNo::new("24442000000123456789");
//! assert_eq!(number, "24442000000123456789");
//! assert_eq!(serde_json::to_string(&number).unwrap(), r#""24442000000123456789""#);
//! let code: BillingCode = "044001900111".into();
//! assert_eq!(code.as_str(), "044001900111");
//! let order = OrderId::from(String::from("order-1"));
//! assert_eq!(order.to_string(), "order-1");
//! ```

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Defines a string newtype with the conversions and comparisons every identifier shares.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps `value` as is; `validate()` of the request checks it.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Takes the text out.
            pub fn into_string(self) -> String {
                self.0
            }

            /// Whether the text is empty or only whitespace (what `validate()` rejects).
            pub fn is_blank(&self) -> bool {
                self.0.trim().is_empty()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                Self(value.clone())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

text_id! {
    /// The merchant's id of one invoicing request (`order_id`): chosen for `getauthurl`,
    /// authorized by the user, then used once by `insert`. Never reuse one: WeChat binds it to
    /// a single invoice card for good.
    OrderId
}

text_id! {
    /// The invoice number (发票号码, `billing_no`): for a 数电 (fully digital) invoice the
    /// 20-digit number, otherwise the number printed beside the invoice code.
    BillingNo
}

text_id! {
    /// The invoice code (发票代码, `billing_code`) of an invoice from the tax-control system,
    /// usually 10 or 12 digits; empty for a 数电 invoice, which has none.
    BillingCode
}

#[cfg(test)]
mod tests {
    use super::{BillingCode, BillingNo, OrderId};

    #[test]
    fn serialise_as_bare_strings() {
        assert_eq!(serde_json::to_string(&OrderId::new("o-1")).unwrap(), r#""o-1""#);
        assert_eq!(serde_json::from_str::<BillingNo>(r#""0012""#).unwrap(), "0012");
        assert_eq!(serde_json::to_string(&BillingCode::default()).unwrap(), r#""""#);
        assert!(serde_json::from_str::<BillingNo>("12").is_err());
    }

    #[test]
    fn compare_with_text_both_ways() {
        let order = OrderId::new("o-1");
        let text = String::from("o-1");
        assert_eq!(order, "o-1");
        assert_eq!("o-1", order);
        assert_eq!(order, text);
        assert_eq!(text, order);
        assert_eq!(order, *"o-1");
        assert_eq!(String::from(order.clone()), "o-1");
        assert_eq!(order.into_string(), "o-1");
        assert!(BillingCode::new(" ").is_blank());
        assert!(!BillingNo::new("1").is_blank());
    }
}
