//! [`ShortText`]: a string of up to [`INLINE`] bytes held in place — an appid (18 bytes) in a
//! key costs no allocation of its own; longer text is boxed.

/// Bytes held in place.
const INLINE: usize = 22;

/// Short text in place, longer text boxed; 24 bytes either way.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ShortText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Boxed(Box<str>),
}

impl ShortText {
    pub(crate) fn new(text: &str) -> Self {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Self::Inline { len, bytes }
            }
            _ => Self::Boxed(text.into()),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Self::Boxed(text) => text.as_bytes(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Copied from a `&str` whole, so always UTF-8.
            Self::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Self::Boxed(text) => text,
        }
    }
}

impl std::fmt::Debug for ShortText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_held_in_place_and_long_text_boxed_both_read_back_whole() {
        assert_eq!(std::mem::size_of::<ShortText>(), 24);
        for text in [
            "",
            "wx0123456789abcdef",
            "é-twenty-two-bytes-xx",
            "a text longer than twenty-two bytes",
        ] {
            let held = ShortText::new(text);
            assert_eq!(held.as_str(), text);
            assert_eq!(held.as_bytes(), text.as_bytes());
            assert_eq!(matches!(held, ShortText::Inline { .. }), text.len() <= INLINE, "{text}");
        }
        assert_eq!(ShortText::new("wxa"), ShortText::new("wxa"));
        assert_ne!(ShortText::new("wxa"), ShortText::new("wxb"));
    }
}
