//! The error type of push parsing and of [`open_push`](super::open_push).

use crate::crypto::CryptoError;

/// Why a component push could not be opened or understood.
///
/// No variant carries the verify ticket, an authorization code, the token or a key.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// Verifying or decrypting the push failed; the inner error says what to check.
    #[error(transparent)]
    Crypto(#[from] CryptoError),

    /// The URL query has no `msg_signature`.
    #[error(
        "the push URL has no msg_signature query parameter: pass the full query string of \
         the request (component pushes are always encrypted and signed)"
    )]
    MissingMsgSignature,

    /// The URL query names an `encrypt_type` other than `aes`.
    #[error(
        "the push uses encrypt_type {found:?}, but only \"aes\" is supported: set message \
         encryption to safe mode (安全模式) in the open platform console"
    )]
    UnsupportedEncryptType {
        /// The value received (at most 32 characters).
        found: String,
    },

    /// The decrypted payload is not a flat `<xml>` document.
    #[error(
        "the decrypted push is not a valid <xml> document ({detail}); this is unexpected \
         from WeChat, so keep the raw body for investigation"
    )]
    MalformedXml {
        /// What is wrong with the XML (never element text).
        detail: String,
    },

    /// A required element is absent or empty.
    #[error(
        "the decrypted push has no (or an empty) <{element}> element, which its InfoType \
         requires; keep the raw body for investigation"
    )]
    MissingElement {
        /// The element name, as WeChat spells it.
        element: &'static str,
    },

    /// The push's signed `timestamp` is not a number.
    #[error(
        "the push URL's timestamp is not a number of seconds; WeChat always sends one, so this \
         request did not come from WeChat — answer 400"
    )]
    InvalidTimestamp,

    /// The push's signed `timestamp` lies outside the replay window: a captured push replayed
    /// later, or a clock far off.
    #[error(
        "the push was signed {skew_secs} s away from this host's clock, outside the replay \
         window of {window_secs} s: refused as a possible replay — if genuine pushes are refused, \
         synchronise this host's clock (NTP) or widen the window on the builder"
    )]
    OutsideReplayWindow {
        /// This host's time minus the push's timestamp, in seconds.
        skew_secs: i64,
        /// The configured window, in seconds.
        window_secs: u64,
    },

    /// A required integer element does not hold an integer.
    #[error(
        "the <{element}> element of the decrypted push is not an integer; keep the raw body \
         for investigation"
    )]
    InvalidNumber {
        /// The element name, as WeChat spells it.
        element: &'static str,
    },
}
