//! The one error type of [`MsgCrypt`](super::MsgCrypt): every way a push can fail to open.

/// Why a push message could not be verified, decrypted or encrypted.
///
/// Each message says what to check next. No variant carries the token or an
/// EncodingAESKey; the appids they mention are public identifiers.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The EncodingAESKey is not 43 characters of `A-Z a-z 0-9`, or does not decode to 32 bytes.
    #[error(
        "the {which} EncodingAESKey is invalid ({reason}): copy the 43-character key \
         exactly as shown in the open platform console (message push settings)"
    )]
    InvalidKey {
        /// `"current"` or `"previous"`: which of the configured keys was rejected.
        which: &'static str,
        /// What is wrong with it (never the key itself).
        reason: String,
    },

    /// The token or appid given to [`MsgCrypt::new`](super::MsgCrypt::new) is unusable.
    #[error(
        "the push crypto configuration is invalid ({detail}): pass the token and appid \
         configured in the open platform console"
    )]
    InvalidConfig {
        /// What is wrong (never the token itself).
        detail: &'static str,
    },

    /// The `msg_signature` (or URL `signature`) does not match the token, timestamp, nonce and payload.
    #[error(
        "the push signature does not match: check that the token configured in the open \
         platform console equals the one passed to MsgCrypt::new, and that the query \
         parameters and body reach the handler unmodified"
    )]
    BadSignature,

    /// The `Encrypt` payload is not standard, padded base64.
    #[error(
        "the Encrypt payload is not valid base64: pass the text of the <Encrypt> element \
         exactly as received (no URL-decoding, no whitespace changes)"
    )]
    BadBase64,

    /// The decrypted data does not end in valid PKCS#7 padding (block 32).
    ///
    /// Almost always a wrong EncodingAESKey (for example one rotated in the console).
    #[error(
        "the decrypted push has invalid padding: the EncodingAESKey is most likely wrong or \
         was rotated; check the key in the open platform console and configure the old one \
         with MsgCrypt::with_previous_key during a rotation"
    )]
    BadPadding,

    /// The ciphertext or the decrypted frame has an impossible length.
    #[error(
        "the push has an impossible length ({detail}): the payload was truncated or \
         corrupted, or was encrypted with a different EncodingAESKey"
    )]
    BadLength {
        /// Which length check failed.
        detail: &'static str,
    },

    /// The message was encrypted for another appid (component appid / corp id).
    #[error(
        "the push was encrypted for appid {found:?}, not for {expected:?}: pass the \
         component appid (the receive id) that owns this token and EncodingAESKey to \
         MsgCrypt::new"
    )]
    WrongAppId {
        /// The appid this `MsgCrypt` expects.
        expected: String,
        /// The id found at the end of the decrypted frame (escaped, at most 64 characters).
        found: String,
    },

    /// The envelope XML could not be read or has no `<Encrypt>` element.
    #[error(
        "the push body is not a valid encrypted envelope ({detail}): pass the raw HTTP body, \
         which must look like <xml>…<Encrypt>…</Encrypt></xml>"
    )]
    MalformedXml {
        /// What is wrong with the XML.
        detail: String,
    },

    /// The decrypted message is not UTF-8 text.
    #[error(
        "the decrypted push is not UTF-8: the payload is corrupted or was encrypted with a \
         different EncodingAESKey"
    )]
    NotUtf8,

    /// The plaintext to encrypt does not fit the 32-bit length prefix of the scheme.
    #[error(
        "the reply is {len} bytes, more than the 4 GiB the push crypto scheme can frame: \
         send a shorter reply"
    )]
    PlaintextTooLong {
        /// Length of the rejected plaintext in bytes.
        len: usize,
    },
}
