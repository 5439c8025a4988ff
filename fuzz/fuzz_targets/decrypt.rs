//! Fuzzes `MsgCrypt::decrypt` / `decrypt_message` / `verify_url`: no input may panic, and
//! whatever `encrypt` produces must decrypt back to the same text.
//!
//! A random signature almost never matches, so besides feeding raw inputs the target also
//! signs them correctly, reaching base64, AES, padding and frame parsing; and it encrypts
//! arbitrary bytes as a raw frame (no padding of ours) to fuzz the padding and length checks.
#![no_main]

use aes::Aes256;
use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncryptMut as _, KeyIvInit as _};
use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use wx_auth::crypto::MsgCrypt;

const TOKEN: &str = "spamtest";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";
/// `KEY` decoded.
const KEY_BYTES: [u8; 32] = [
    0x69, 0xb7, 0x1d, 0x79, 0xf8, 0x21, 0x8a, 0x39, 0x25, 0x9a, 0x7a, 0x29, 0xaa, 0xbb, 0x2d, 0xba, 0xfc, 0x31, 0xcb,
    0x3d, 0x35, 0xdb, 0x7e, 0x39, 0xeb, 0xbf, 0x3d, 0x00, 0x10, 0x83, 0x10, 0x51,
];

#[derive(Debug, Arbitrary)]
enum Input {
    /// Everything attacker-controlled, as received.
    Raw {
        msg_signature: String,
        timestamp: String,
        nonce: String,
        body: String,
    },
    /// An `Encrypt` value (any text) with a correct signature.
    SignedEncrypt {
        timestamp: String,
        nonce: String,
        encrypt: String,
    },
    /// Arbitrary ciphertext bytes, base64-encoded, in an envelope, correctly signed.
    SignedCiphertext { ciphertext: Vec<u8> },
    /// Arbitrary plaintext frame bytes, encrypted raw (zero-filled to a block), signed.
    RawFrame { frame: Vec<u8> },
    /// Round trip oracle.
    RoundTrip {
        plaintext: String,
        random: [u8; 16],
        timestamp: String,
        nonce: String,
    },
    /// Arbitrary keys and appids.
    Config {
        token: String,
        key: String,
        previous_key: String,
        appid: String,
    },
}

fn crypt() -> MsgCrypt {
    match MsgCrypt::new(TOKEN, KEY, APPID) {
        Ok(c) => c,
        Err(e) => panic!("fixed test config rejected: {e}"),
    }
}

fn encrypt_raw(frame: &[u8]) -> String {
    let mut buf = frame.to_vec();
    let aligned = buf.len().div_ceil(16) * 16;
    buf.resize(aligned, 0);
    let mut iv = [0_u8; 16];
    iv.copy_from_slice(&KEY_BYTES[..16]);
    let mut enc = cbc::Encryptor::<Aes256>::new(&KEY_BYTES.into(), &iv.into());
    for block in buf.chunks_exact_mut(16) {
        enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
    }
    STANDARD.encode(buf)
}

fuzz_target!(|input: Input| {
    let c = crypt();
    match input {
        Input::Raw {
            msg_signature,
            timestamp,
            nonce,
            body,
        } => {
            let _ = c.decrypt(&msg_signature, &timestamp, &nonce, &body);
            let _ = c.decrypt_message(&msg_signature, &timestamp, &nonce, &body);
            let _ = c.verify_url(&msg_signature, &timestamp, &nonce, &body);
            let _ = c.verify_query_signature(&msg_signature, &timestamp, &nonce);
        }
        Input::SignedEncrypt {
            timestamp,
            nonce,
            encrypt,
        } => {
            let signature = c.signature(&timestamp, &nonce, &encrypt);
            let _ = c.decrypt_message(&signature, &timestamp, &nonce, &encrypt);
        }
        Input::SignedCiphertext { ciphertext } => {
            let encrypt = STANDARD.encode(&ciphertext);
            let signature = c.signature("1", "2", &encrypt);
            let body = format!("<xml><AppId>{APPID}</AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
            let _ = c.decrypt(&signature, "1", "2", &body);
        }
        Input::RawFrame { frame } => {
            let encrypt = encrypt_raw(&frame);
            let signature = c.signature("1", "2", &encrypt);
            let _ = c.decrypt_message(&signature, "1", "2", &encrypt);
        }
        Input::RoundTrip {
            plaintext,
            random,
            timestamp,
            nonce,
        } => {
            let encrypt = c.encrypt_with_random(&plaintext, random);
            let signature = c.signature(&timestamp, &nonce, &encrypt);
            let opened = c.decrypt_message(&signature, &timestamp, &nonce, &encrypt);
            assert_eq!(opened.as_deref(), Ok(plaintext.as_str()));
            // The full reply envelope must be readable by our own envelope parser,
            // whatever the timestamp and nonce contain.
            if let Ok(reply) = c.encrypt(&plaintext, &timestamp, &nonce) {
                let encrypt_in_reply = reply
                    .split("<Encrypt><![CDATA[")
                    .nth(1)
                    .and_then(|rest| rest.split("]]>").next())
                    .unwrap_or_default();
                let signature = c.signature(&timestamp, &nonce, encrypt_in_reply);
                let opened = c.decrypt(&signature, &timestamp, &nonce, &reply);
                assert_eq!(opened.as_deref(), Ok(plaintext.as_str()));
            }
        }
        Input::Config {
            token,
            key,
            previous_key,
            appid,
        } => {
            if let Ok(custom) = MsgCrypt::new(&token, &key, &appid) {
                let _ = format!("{custom:?}");
                if let Ok(rotated) = custom.with_previous_key(&previous_key) {
                    let encrypt = rotated.encrypt_with_random("x", [0; 16]);
                    let signature = rotated.signature("1", "2", &encrypt);
                    assert_eq!(
                        rotated.decrypt_message(&signature, "1", "2", &encrypt).as_deref(),
                        Ok("x")
                    );
                }
            }
        }
    }
});
