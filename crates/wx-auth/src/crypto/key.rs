//! The AES key: parsing an EncodingAESKey from the console into 32 key bytes.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::CryptoError;

/// Length of an EncodingAESKey as the console shows it.
const ENCODING_AES_KEY_LEN: usize = 43;

/// Standard alphabet, padding optional, trailing bits allowed: EncodingAESKeys are
/// 43 characters whose last one often carries non-zero bits a strict decoder rejects
/// (spec pitfall 11).
const LENIENT_KEY_DECODER: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A decoded 32-byte AES-256 key. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AesKey([u8; 32]);

impl AesKey {
    /// Parses a console EncodingAESKey; `which` names it in the error (`"current"`/`"previous"`).
    pub(crate) fn parse(encoding_aes_key: &str, which: &'static str) -> Result<Self, CryptoError> {
        let invalid = |reason: String| CryptoError::InvalidKey { which, reason };
        let chars = encoding_aes_key.chars().count();
        if chars != ENCODING_AES_KEY_LEN {
            return Err(invalid(format!(
                "it has {chars} characters, expected {ENCODING_AES_KEY_LEN}"
            )));
        }
        if !encoding_aes_key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid("it contains characters other than A-Z, a-z and 0-9".to_owned()));
        }
        let decoded = LENIENT_KEY_DECODER
            .decode(encoding_aes_key)
            .map_err(|_| invalid("it is not base64".to_owned()))?;
        let bytes: [u8; 32] = decoded
            .try_into()
            .map_err(|v: Vec<u8>| invalid(format!("it decodes to {} bytes, expected 32", v.len())))?;
        Ok(Self(bytes))
    }

    /// The 32 key bytes.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The CBC initialisation vector: the first 16 key bytes.
    pub(crate) fn iv(&self) -> [u8; 16] {
        let mut iv = [0_u8; 16];
        iv.copy_from_slice(&self.0[..16]);
        iv
    }
}

impl fmt::Debug for AesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn spec_v1_key_decodes_to_published_bytes() {
        let key = AesKey::parse("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "current");
        let hex: String = key
            .as_ref()
            .map(|k| {
                k.bytes().iter().fold(String::new(), |mut s, b| {
                    let _ = write!(s, "{b:02x}");
                    s
                })
            })
            .unwrap_or_default();
        assert_eq!(hex, "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
    }

    #[test]
    fn wrong_length_and_alphabet_are_rejected_without_echoing_the_key() {
        for bad in [
            "",
            "abc",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF中",
        ] {
            let err = AesKey::parse(bad, "current");
            match err {
                Err(CryptoError::InvalidKey { which, reason }) => {
                    assert_eq!(which, "current");
                    assert!(bad.len() < 8 || !reason.contains(bad), "{reason}");
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn debug_redacts_the_key_bytes() {
        let key = AesKey([7; 32]);
        assert_eq!(format!("{key:?}"), "AesKey([redacted])");
    }
}
