//! Encrypt → decrypt round trips over many plaintexts, including every padding length.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use wx_auth::crypto::{CryptoError, MsgCrypt};

const TOKEN: &str = "spamtest";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, KEY, APPID).unwrap_or_else(|e| panic!("{e}"))
}

/// The text of `<name><![CDATA[…]]></name>` or `<name>…</name>` in a reply envelope.
fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open).map_or(0, |i| i + open.len());
    let end = xml[start..].find(&close).map_or(xml.len(), |i| start + i);
    let inner = &xml[start..end];
    inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(inner)
}

/// Full reply round trip: `encrypt` → envelope → `decrypt` with the envelope's own
/// signature, timestamp and nonce.
fn round_trip(c: &MsgCrypt, plaintext: &str) -> Result<String, CryptoError> {
    let reply = c.encrypt(plaintext, "1700000000", "8327461")?;
    assert_eq!(element(&reply, "TimeStamp"), "1700000000");
    assert_eq!(element(&reply, "Nonce"), "8327461");
    c.decrypt(element(&reply, "MsgSignature"), "1700000000", "8327461", &reply)
}

#[test]
fn chinese_and_mixed_text_round_trips() -> Result<(), CryptoError> {
    let c = crypt();
    for plaintext in [
        "",
        "a",
        "我是中文abcd123",
        "<xml><Content><![CDATA[电子发票已开具，请查收 🧾]]></Content></xml>",
        "line1\r\nline2\n\0nul",
        &"发".repeat(1000),
    ] {
        assert_eq!(round_trip(&c, plaintext)?, plaintext);
    }
    Ok(())
}

#[test]
fn plaintexts_that_fill_whole_blocks_get_a_full_32_byte_pad() -> Result<(), CryptoError> {
    let c = crypt();
    // 20-byte header + msg + 18-byte appid ≡ 0 (mod 32) → msg length ≡ 26 (mod 32).
    for msg_len in [26_usize, 58, 90, 26 + 32 * 20] {
        let msg = "x".repeat(msg_len);
        let encrypt = c.encrypt_with_random(&msg, [0x5a; 16]);
        let ciphertext = STANDARD.decode(&encrypt).unwrap_or_default();
        assert_eq!(ciphertext.len(), 20 + msg_len + APPID.len() + 32);
        let signature = c.signature("1", "2", &encrypt);
        assert_eq!(c.decrypt_message(&signature, "1", "2", &encrypt)?, msg);
    }
    // The same with multi-byte characters: 2 × "中" (6 bytes) + 20 ASCII = 26 bytes.
    let msg = format!("中中{}", "y".repeat(20));
    let encrypt = c.encrypt_with_random(&msg, [1; 16]);
    assert_eq!(STANDARD.decode(&encrypt).unwrap_or_default().len(), 96);
    let signature = c.signature("1", "2", &encrypt);
    assert_eq!(c.decrypt_message(&signature, "1", "2", &encrypt)?, msg);
    Ok(())
}

#[test]
fn every_padding_length_round_trips() -> Result<(), CryptoError> {
    let c = crypt();
    for msg_len in 0..=64 {
        let msg = "z".repeat(msg_len);
        let encrypt = c.encrypt_with_random(&msg, [9; 16]);
        let ciphertext_len = STANDARD.decode(&encrypt).unwrap_or_default().len();
        let pad = ciphertext_len - (20 + msg_len + APPID.len());
        assert!((1..=32).contains(&pad), "len {msg_len}: pad {pad}");
        assert_eq!(ciphertext_len % 32, 0);
        let signature = c.signature("t", "n", &encrypt);
        assert_eq!(c.decrypt_message(&signature, "t", "n", &encrypt)?, msg);
    }
    Ok(())
}

#[test]
fn random_plaintexts_of_random_lengths_round_trip() -> Result<(), CryptoError> {
    let mut rng = StdRng::seed_from_u64(0x5eed_c0de);
    let c = crypt();
    for _ in 0..400 {
        let chars = rng.random_range(0..600_usize);
        let plaintext: String = (0..chars)
            .map(|_| match rng.random_range(0..4) {
                0 => char::from(rng.random_range(b' '..=b'~')),
                1 => rng.random_range('\u{4e00}'..='\u{9fa5}'),
                2 => rng.random::<char>(),
                _ => ['<', '>', '&', ']', '\n'][rng.random_range(0..5)],
            })
            .collect();
        assert_eq!(round_trip(&c, &plaintext)?, plaintext);
    }
    Ok(())
}

#[test]
fn random_appids_tokens_and_keys_round_trip() -> Result<(), CryptoError> {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = StdRng::seed_from_u64(42);
    for _ in 0..100 {
        let key: String = (0..43)
            .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
            .collect();
        let appid: String = (0..rng.random_range(1..40))
            .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
            .collect();
        let token: String = (0..rng.random_range(1..33))
            .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
            .collect();
        let c = MsgCrypt::new(&token, &key, &appid)?;
        let msg: String = (0..rng.random_range(0..300)).map(|_| rng.random::<char>()).collect();
        assert_eq!(round_trip(&c, &msg)?, msg);
    }
    Ok(())
}

#[test]
fn the_random_prefix_differs_between_encryptions() -> Result<(), CryptoError> {
    let c = crypt();
    let a = c.encrypt("same", "1", "2")?;
    let b = c.encrypt("same", "1", "2")?;
    assert_ne!(element(&a, "Encrypt"), element(&b, "Encrypt"));
    Ok(())
}

#[test]
fn reply_envelope_with_hostile_nonce_still_round_trips() -> Result<(), CryptoError> {
    let c = crypt();
    let reply = c.encrypt("hi", "1<2", "a]]>b")?;
    assert!(reply.starts_with("<xml><Encrypt><![CDATA["));
    assert!(reply.contains("<TimeStamp>1&lt;2</TimeStamp>"));
    let signature = element(&reply, "MsgSignature");
    assert_eq!(c.decrypt(signature, "1<2", "a]]>b", &reply)?, "hi");
    Ok(())
}
