//! Why a push body could not be read as an invoice event.

/// A push body that is not a usable event. Messages say what to check; they never quote
/// the body itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventParseError {
    /// The body is larger than any WeChat event.
    #[error(
        "push body is {len} bytes, more than the {max} accepted for an event; \
         check that the request really comes from WeChat"
    )]
    TooLarge {
        /// Size of the body in bytes.
        len: usize,
        /// The limit, [`MAX_EVENT_BYTES`](super::MAX_EVENT_BYTES).
        max: usize,
    },
    /// The body is not well-formed XML (or is cut off).
    #[error("push body is not well-formed XML ({reason}); pass the complete, decrypted body")]
    Malformed {
        /// What the XML reader objected to.
        reason: String,
    },
    /// The body is still the `<Encrypt>` envelope.
    #[error("push body is still encrypted (it has an <Encrypt> element); decrypt it first")]
    StillEncrypted,
    /// A field every event carries is missing.
    #[error("push body has no <{field}> element; it is not a WeChat message or event")]
    MissingField {
        /// Element name.
        field: &'static str,
    },
    /// A field holds a value of the wrong kind.
    #[error("push element <{field}> should be {expected}, got {value:?}")]
    InvalidField {
        /// Element name.
        field: &'static str,
        /// What it should hold.
        expected: &'static str,
        /// The value received (cut to 40 characters).
        value: String,
    },
}
