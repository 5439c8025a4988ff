//! WXBizMsgCrypt, the sending side: AES-256-CBC with IV = key[0..16], PKCS#7 with block
//! size 32, plaintext `random(16) ‖ u32_be(len) ‖ msg ‖ receive_id`, base64; SHA-1
//! signature over the sorted `[token, timestamp, nonce, Encrypt]`.

use aes::Aes256;
use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockEncryptMut, KeyIvInit};
use sha1::{Digest, Sha1};

/// Padding block of the WXBizMsgCrypt scheme (not AES's 16).
const PAD_BLOCK: usize = 32;

/// Decodes an EncodingAESKey leniently (console keys carry trailing bits in their 43rd
/// character); `None` unless it yields exactly 32 bytes.
pub(crate) fn decode_key(encoding_aes_key: &str) -> Option<[u8; 32]> {
    let lenient = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let bytes = lenient.decode(format!("{encoding_aes_key}=")).ok()?;
    bytes.try_into().ok()
}

/// `Encrypt` for `msg` addressed to `receive_id`, with the given 16 random bytes.
pub(crate) fn encrypt(key: &[u8; 32], random: &[u8; 16], msg: &str, receive_id: &str) -> String {
    let msg = msg.as_bytes();
    let mut buf = Vec::with_capacity(20 + msg.len() + receive_id.len() + PAD_BLOCK);
    buf.extend_from_slice(random);
    // Pushes are far below 4 GiB; saturate rather than wrap if one ever is not.
    buf.extend_from_slice(&u32::try_from(msg.len()).unwrap_or(u32::MAX).to_be_bytes());
    buf.extend_from_slice(msg);
    buf.extend_from_slice(receive_id.as_bytes());
    let pad = PAD_BLOCK - buf.len() % PAD_BLOCK;
    // `pad` is in 1..=32, so it fits a byte.
    buf.extend(std::iter::repeat_n(u8::try_from(pad).unwrap_or(32), pad));
    let len = buf.len();
    let iv: [u8; 16] = core::array::from_fn(|i| key[i]);
    let encryptor = cbc::Encryptor::<Aes256>::new(key.into(), &iv.into());
    let cipher = encryptor
        .encrypt_padded_mut::<NoPadding>(&mut buf, len)
        .map_or_else(|_| Vec::new(), <[u8]>::to_vec);
    STANDARD.encode(cipher)
}

/// `hex_lower(sha1(concat(sorted(parts))))`.
pub(crate) fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut hasher = Sha1::new();
    for part in sorted {
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().fold(String::with_capacity(40), |mut out, b| {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const V1_APPID: &str = "wx2c2769f8efd9abc2";

    #[test]
    fn v1_official_sample() {
        let key = decode_key(V1_KEY).expect("V1 key decodes leniently");
        let hex = key.iter().fold(String::new(), |mut out, b| {
            use std::fmt::Write;
            let _ = write!(out, "{b:02x}");
            out
        });
        assert_eq!(hex, "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
        let msg = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";
        assert_eq!(msg.len(), 280);
        let encrypted = encrypt(&key, b"89465c840c5f116f", msg, V1_APPID);
        assert_eq!(
            encrypted,
            "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
        );
        assert_eq!(
            signature(&["spamtest", "1409735669", "1320562132", &encrypted]),
            "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
        );
        assert_eq!(
            signature(&["spamtest", "1409735669", "1320562132"]),
            "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
        );
    }

    #[test]
    fn v4_pads_to_32_byte_blocks() {
        let key = decode_key(V1_KEY).expect("key");
        let msg = "<xml><AppId><![CDATA[wx2c2769f8efd9abc2]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@TESTTICKET]]></ComponentVerifyTicket></xml>";
        let encrypted = encrypt(&key, b"aaaaaaaaaaaaaaaa", msg, V1_APPID);
        assert_eq!(
            encrypted,
            "5I0ViYLQqCiDyNw9bygZh9Lh7+Hcu1AM2jOmfTXqE+1Q0i/ipnsiks62nsi45TptLEeqCP02/1Ni6YsOgBQ4zNXTI1HcG6O30whjaztlKbLDKGr1QFkoQwX5gGrsnv7BWXDXvWIA7SlIQn5+7L6Zy9IBSQM+j/tJceBlqZ/vDGQczcl6jVvA61Og5NFASGc8FMqCEjieEOEZ0L+d4ss2JEfJj1ViffInRKZ1xQv8li+WxmuhfFtI0kQCX6PouwwA/y6CubN6q0BJf3qwbOZC/ymsCir5K/sARLourwC+yP20dfIByoRzqJNeiCe/INHX9BrWMVHKXUoeHQrDihwDfI21qtLavOynqj5qO91hikf0uB+jKVF/yGVXuaoVZZpi"
        );
        assert_eq!(
            signature(&["spamtest", "1413192605", "1320562132", &encrypted]),
            "8a4dc792f78dba6eee2bba06361353e4376d2e94"
        );
        assert_eq!(
            signature(&["spamtest", "1413192605", "1320562132"]),
            "9c4a719ef184968d4d302c2cc69eebf02c07c403"
        );
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(decode_key("short").is_none());
        assert!(decode_key(crate::DEFAULT_ENCODING_AES_KEY).is_some());
    }
}
