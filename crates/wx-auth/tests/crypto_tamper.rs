//! Every way a push can be wrong maps to the right `CryptoError`, and nothing secret leaks.

use aes::Aes256;
use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncryptMut as _, KeyIvInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use wx_auth::crypto::{CryptoError, MsgCrypt};

const TOKEN: &str = "spamtest";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// `KEY` decoded (spec V1).
const KEY_BYTES: [u8; 32] = [
    0x69, 0xb7, 0x1d, 0x79, 0xf8, 0x21, 0x8a, 0x39, 0x25, 0x9a, 0x7a, 0x29, 0xaa, 0xbb, 0x2d, 0xba, 0xfc, 0x31, 0xcb,
    0x3d, 0x35, 0xdb, 0x7e, 0x39, 0xeb, 0xbf, 0x3d, 0x00, 0x10, 0x83, 0x10, 0x51,
];
const OTHER_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const APPID: &str = "wx2c2769f8efd9abc2";
const TS: &str = "1409735669";
const NONCE: &str = "1320562132";
const ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
const MSG_SIGNATURE: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, KEY, APPID).unwrap_or_else(|e| panic!("{e}"))
}

/// Decrypts `encrypt` with a correct signature, so only the payload can be wrong.
fn open_signed(crypt: &MsgCrypt, encrypt: &str) -> Result<String, CryptoError> {
    let signature = crypt.signature(TS, NONCE, encrypt);
    crypt.decrypt_message(&signature, TS, NONCE, encrypt)
}

/// Encrypts raw bytes (a multiple of 16 long) with the V1 key and no padding of our own.
fn encrypt_raw(frame: &[u8]) -> String {
    assert_eq!(frame.len() % 16, 0, "test frame must be block-aligned");
    let mut iv = [0_u8; 16];
    iv.copy_from_slice(&KEY_BYTES[..16]);
    let mut enc = cbc::Encryptor::<Aes256>::new(&KEY_BYTES.into(), &iv.into());
    let mut buf = frame.to_vec();
    for block in buf.chunks_exact_mut(16) {
        enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
    }
    STANDARD.encode(buf)
}

/// `random ‖ u32_be(declared) ‖ msg ‖ id`, padded with `pad` bytes of value `pad_byte`.
fn frame(declared: u32, msg: &[u8], id: &[u8], pad: usize, pad_byte: u8) -> Vec<u8> {
    let mut f = b"0123456789abcdef".to_vec();
    f.extend_from_slice(&declared.to_be_bytes());
    f.extend_from_slice(msg);
    f.extend_from_slice(id);
    f.extend(std::iter::repeat_n(pad_byte, pad));
    f
}

/// A well-formed frame for `msg` with the K = 32 padding.
fn good_frame(msg: &[u8], id: &[u8]) -> Vec<u8> {
    let unpadded = 20 + msg.len() + id.len();
    let pad = 32 - unpadded % 32;
    frame(
        u32::try_from(msg.len()).unwrap_or(u32::MAX),
        msg,
        id,
        pad,
        u8::try_from(pad).unwrap_or(0),
    )
}

#[test]
fn raw_helper_agrees_with_the_library() {
    let encrypt = encrypt_raw(&good_frame(b"hello", APPID.as_bytes()));
    assert_eq!(open_signed(&crypt(), &encrypt), Ok("hello".to_owned()));
}

#[test]
fn tampered_signature_is_bad_signature() {
    let c = crypt();
    let mut flipped = MSG_SIGNATURE.to_owned();
    flipped.replace_range(0..1, "6");
    for sig in [
        flipped.as_str(),
        "",
        &MSG_SIGNATURE[..39],
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa0",
    ] {
        assert_eq!(
            c.decrypt_message(sig, TS, NONCE, ENCRYPT),
            Err(CryptoError::BadSignature),
            "{sig:?}"
        );
    }
    // Timestamp, nonce and payload are all covered by the signature.
    assert_eq!(
        c.decrypt_message(MSG_SIGNATURE, "1409735670", NONCE, ENCRYPT),
        Err(CryptoError::BadSignature)
    );
    assert_eq!(
        c.decrypt_message(MSG_SIGNATURE, TS, "1", ENCRYPT),
        Err(CryptoError::BadSignature)
    );
    let other_token = MsgCrypt::new("other", KEY, APPID).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        other_token.decrypt_message(MSG_SIGNATURE, TS, NONCE, ENCRYPT),
        Err(CryptoError::BadSignature)
    );
}

#[test]
fn tampered_ciphertext_with_a_valid_signature_is_rejected_where_it_lands() {
    let c = crypt();
    let original = STANDARD.decode(ENCRYPT).unwrap_or_default();
    let len = original.len();
    let flip = |at: usize| {
        let mut bytes = original.clone();
        bytes[at] ^= 0x01;
        open_signed(&c, &STANDARD.encode(&bytes))
    };
    // CBC: a flipped ciphertext bit garbles its own block and flips the same bit of the
    // next plaintext block. V1's frame is 318 bytes + 2 bytes of padding (0x02 0x02).
    // Byte 0 -> bit flip in plaintext byte 16, the high byte of the length prefix.
    assert!(matches!(flip(0), Err(CryptoError::BadLength { .. })));
    // Last byte of the second-to-last block -> the final pad byte becomes 3.
    assert_eq!(flip(len - 17), Err(CryptoError::BadPadding));
    // Into the trailing appid.
    assert!(matches!(flip(len - 20), Err(CryptoError::WrongAppId { .. })));
    // Into the middle of the message: the garbled block is not UTF-8.
    assert_eq!(flip(100), Err(CryptoError::NotUtf8));
    // Truncating a whole block breaks the padding, too.
    let truncated = STANDARD.encode(&original[..len - 16]);
    assert!(open_signed(&c, &truncated).is_err());
}

#[test]
fn bad_base64_with_a_valid_signature_is_bad_base64() {
    let c = crypt();
    for encrypt in [
        "not base64!",
        "QUJD",
        "QUJDRA",
        &ENCRYPT[..ENCRYPT.len() - 1],
        &format!(" {ENCRYPT}"),
    ] {
        let r = open_signed(&c, encrypt);
        // "QUJD" is valid base64 of 3 bytes: that one must fail on length instead.
        if encrypt == "QUJD" {
            assert!(matches!(r, Err(CryptoError::BadLength { .. })), "{r:?}");
        } else {
            assert_eq!(r, Err(CryptoError::BadBase64), "{encrypt:?}");
        }
    }
}

#[test]
fn padding_out_of_range_or_inconsistent_is_bad_padding() {
    let c = crypt();
    let id = APPID.as_bytes();
    // 20 + 10 + 18 = 48 bytes of frame.
    for (pad, pad_byte) in [(16, 0_u8), (16, 33), (16, 255), (16, 17), (48, 48)] {
        let f = frame(10, b"0123456789", id, pad, pad_byte);
        assert_eq!(
            open_signed(&c, &encrypt_raw(&f)),
            Err(CryptoError::BadPadding),
            "pad {pad} x {pad_byte}"
        );
    }
    // Right last byte, but the other pad bytes disagree.
    let mut f = frame(10, b"0123456789", id, 16, 16);
    let len = f.len();
    f[len - 5] = 3;
    assert_eq!(open_signed(&c, &encrypt_raw(&f)), Err(CryptoError::BadPadding));
}

#[test]
fn pad_16_on_a_16_aligned_frame_is_accepted() {
    // 48-byte frame + 16 bytes of pad 16: valid PKCS#7 for K=32 readers (n <= 32).
    let f = frame(10, b"0123456789", APPID.as_bytes(), 16, 16);
    assert_eq!(open_signed(&crypt(), &encrypt_raw(&f)), Ok("0123456789".to_owned()));
}

#[test]
fn impossible_lengths_are_bad_length() {
    let c = crypt();
    let id = APPID.as_bytes();
    // Declared length larger than everything after the header (10 + 18 = 28 bytes).
    let f = frame(29, b"0123456789", id, 16, 16);
    assert!(matches!(
        open_signed(&c, &encrypt_raw(&f)),
        Err(CryptoError::BadLength { .. })
    ));
    // Declared length that still fits eats into the appid instead.
    let f = frame(11, b"0123456789", id, 16, 16);
    assert!(matches!(
        open_signed(&c, &encrypt_raw(&f)),
        Err(CryptoError::WrongAppId { .. })
    ));
    let f = frame(u32::MAX, b"0123456789", id, 16, 16);
    assert!(matches!(
        open_signed(&c, &encrypt_raw(&f)),
        Err(CryptoError::BadLength { .. })
    ));
    // A frame shorter than the 20-byte header: 16 bytes + 16 of padding.
    let mut short = b"0123456789abcdef".to_vec();
    short.extend([16_u8; 16]);
    assert!(matches!(
        open_signed(&c, &encrypt_raw(&short)),
        Err(CryptoError::BadLength { .. })
    ));
    // Ciphertext not a multiple of the AES block, and an empty one.
    let mut bytes = STANDARD.decode(ENCRYPT).unwrap_or_default();
    bytes.truncate(bytes.len() - 1);
    for encrypt in [STANDARD.encode(&bytes), String::new()] {
        assert!(matches!(open_signed(&c, &encrypt), Err(CryptoError::BadLength { .. })));
    }
}

#[test]
fn another_appid_is_wrong_appid_naming_both() {
    let c = MsgCrypt::new(TOKEN, KEY, "wx_not_the_one").unwrap_or_else(|e| panic!("{e}"));
    match c.decrypt_message(MSG_SIGNATURE, TS, NONCE, ENCRYPT) {
        Err(CryptoError::WrongAppId { expected, found }) => {
            assert_eq!(expected, "wx_not_the_one");
            assert_eq!(found, APPID);
        }
        other => panic!("{other:?}"),
    }
    // Trailing id empty, or a prefix of ours, is not ours either.
    for id in [&b""[..], b"wx2c2769f8efd9abc", b"wx2c2769f8efd9abc2 "] {
        let encrypt = encrypt_raw(&good_frame(b"hi", id));
        assert!(
            matches!(open_signed(&crypt(), &encrypt), Err(CryptoError::WrongAppId { .. })),
            "{id:?}"
        );
    }
}

#[test]
fn wrong_appid_error_bounds_a_hostile_id() {
    let long_id = vec![b'x'; 500];
    let encrypt = encrypt_raw(&good_frame(b"hi", &long_id));
    match open_signed(&crypt(), &encrypt) {
        Err(CryptoError::WrongAppId { found, .. }) => assert_eq!(found.chars().count(), 64),
        other => panic!("{other:?}"),
    }
}

#[test]
fn non_utf8_message_is_not_utf8() {
    let encrypt = encrypt_raw(&good_frame(&[0xff, 0xfe, b'a'], APPID.as_bytes()));
    assert_eq!(open_signed(&crypt(), &encrypt), Err(CryptoError::NotUtf8));
}

#[test]
fn malformed_envelopes_are_malformed_xml() {
    let c = crypt();
    for body in [
        "",
        "Encrypt",
        "<xml><AppId>wx</AppId></xml>",
        "<xml><Encrypt>abc</xml>",
        "<html><Encrypt>abc</Encrypt></html>",
        "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>",
    ] {
        assert!(
            matches!(
                c.decrypt(MSG_SIGNATURE, TS, NONCE, body),
                Err(CryptoError::MalformedXml { .. })
            ),
            "{body:?}"
        );
    }
}

#[test]
fn previous_key_opens_pushes_sent_before_a_rotation() -> Result<(), CryptoError> {
    let rotated = MsgCrypt::new(TOKEN, OTHER_KEY, APPID)?;
    let err = rotated.decrypt_message(MSG_SIGNATURE, TS, NONCE, ENCRYPT);
    assert!(err.is_err());
    let rotated = rotated.with_previous_key(KEY)?;
    let plaintext = rotated.decrypt_message(MSG_SIGNATURE, TS, NONCE, ENCRYPT)?;
    assert!(plaintext.contains("abcdteT"));
    // Replies use the current key: the previous-key-only crypt cannot open them...
    let reply = rotated.encrypt_with_random("reply", [7; 16]);
    assert!(open_signed(&crypt(), &reply).is_err());
    // ...and a crypt on the new key can.
    let current = MsgCrypt::new(TOKEN, OTHER_KEY, APPID)?;
    assert_eq!(open_signed(&current, &reply)?, "reply");
    // When both keys fail, the error is the current key's.
    assert_eq!(
        rotated.decrypt_message(MSG_SIGNATURE, "1", NONCE, ENCRYPT),
        Err(CryptoError::BadSignature)
    );
    Ok(())
}

#[test]
fn invalid_keys_and_config_are_rejected() {
    for key in [
        "",
        "short",
        &KEY[..42],
        &format!("{KEY}A"),
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF/",
    ] {
        assert!(
            matches!(
                MsgCrypt::new(TOKEN, key, APPID),
                Err(CryptoError::InvalidKey { which: "current", .. })
            ),
            "{key:?}"
        );
    }
    assert!(matches!(
        crypt().with_previous_key("nope"),
        Err(CryptoError::InvalidKey { which: "previous", .. })
    ));
    assert!(matches!(
        MsgCrypt::new("", KEY, APPID),
        Err(CryptoError::InvalidConfig { .. })
    ));
    assert!(matches!(
        MsgCrypt::new(TOKEN, KEY, ""),
        Err(CryptoError::InvalidConfig { .. })
    ));
}

#[test]
fn debug_and_errors_never_show_token_or_key() -> Result<(), CryptoError> {
    let token = "s3cr3t-token-value";
    let key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210abcdefg";
    let c = MsgCrypt::new(token, key, APPID)?.with_previous_key(KEY)?;
    let debug = format!("{c:?}");
    assert!(debug.contains(APPID), "{debug}");
    for secret in [token, key, KEY] {
        assert!(!debug.contains(secret), "{debug}");
    }
    let bad_key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210abcdef!";
    let errors = [
        MsgCrypt::new(token, bad_key, APPID).err(),
        c.decrypt_message("00", "1", "2", ENCRYPT).err(),
        c.decrypt("00", "1", "2", "<xml/>").err(),
        open_signed(&c, ENCRYPT).err(),
    ];
    for err in errors.into_iter().flatten() {
        let shown = format!("{err} {err:?}");
        for secret in [token, bad_key, "ZYXWVUTSRQPONMLKJIHGF", KEY] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    Ok(())
}

#[test]
fn msg_crypt_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<MsgCrypt>();
    assert_traits::<CryptoError>();
}
