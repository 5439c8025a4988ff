//! Push-message crypto: the WXBizMsgCrypt scheme WeChat uses for every push to a
//! third-party platform (and for the passive replies to it).
//!
//! One [`MsgCrypt`] holds the token, EncodingAESKey and appid configured in the open
//! platform console. It checks the `msg_signature` of a push in constant time, decrypts
//! the `Encrypt` payload (AES-256-CBC, IV = first 16 key bytes, PKCS#7 with a 32-byte
//! block, big-endian length prefix, trailing appid) and builds encrypted replies.
//! See `docs/push-crypto.md` for the scheme and the pitfalls it guards against.
//!
//! ```
//! use wx_auth::crypto::MsgCrypt;
//!
//! let crypt = MsgCrypt::new("spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2")?;
//! let reply = crypt.encrypt("<xml><Content>hi</Content></xml>", "1409735669", "1320562132")?;
//! // The reply envelope carries its own signature, timestamp and nonce.
//! assert!(reply.starts_with("<xml><Encrypt>"));
//! # Ok::<(), wx_auth::crypto::CryptoError>(())
//! ```

mod cipher;
pub(crate) mod envelope;
mod error;
mod key;
mod signature;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;

pub use error::CryptoError;
use key::AesKey;

/// Verifies, decrypts and encrypts push messages for one appid.
///
/// `Clone`, `Send` and `Sync`; cheap to share behind an `Arc`. Its `Debug` output shows
/// the appid only, never the token or the keys.
#[derive(Clone)]
pub struct MsgCrypt {
    token: String,
    key: AesKey,
    previous_key: Option<AesKey>,
    appid: String,
}

impl MsgCrypt {
    /// Creates a crypt from the console settings: the message-check `token`, the 43-character
    /// `encoding_aes_key`, and the `appid` messages are encrypted for (for a third-party
    /// platform, its component appid).
    ///
    /// The key must be 43 characters of `A-Z a-z 0-9`; it is decoded leniently (the last
    /// character may carry trailing bits, as console keys do) and must give 32 bytes.
    /// The token and appid must not be empty.
    pub fn new(token: &str, encoding_aes_key: &str, appid: &str) -> Result<Self, CryptoError> {
        if token.is_empty() {
            return Err(CryptoError::InvalidConfig {
                detail: "the token is empty",
            });
        }
        if appid.is_empty() {
            return Err(CryptoError::InvalidConfig {
                detail: "the appid is empty",
            });
        }
        Ok(Self {
            token: token.to_owned(),
            key: AesKey::parse(encoding_aes_key, "current")?,
            previous_key: None,
            appid: appid.to_owned(),
        })
    }

    /// Adds the EncodingAESKey that was in use before the current one.
    ///
    /// During a key rotation pushes encrypted with the old key may still arrive: decryption
    /// tries the current key first and then this one. Encryption always uses the current key.
    pub fn with_previous_key(mut self, previous_encoding_aes_key: &str) -> Result<Self, CryptoError> {
        self.previous_key = Some(AesKey::parse(previous_encoding_aes_key, "previous")?);
        Ok(self)
    }

    /// The appid this crypt encrypts for and accepts.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Verifies and decrypts a push body.
    ///
    /// `msg_signature`, `timestamp` and `nonce` come from the URL query; `body_xml` is the
    /// raw HTTP body, an envelope like
    /// `<xml><AppId>…</AppId><Encrypt><![CDATA[…]]></Encrypt></xml>` (`ToUserName` instead
    /// of `AppId` on the message URL; CDATA or plain text; unknown elements ignored).
    /// Returns the decrypted XML.
    pub fn decrypt(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body_xml: &str,
    ) -> Result<String, CryptoError> {
        let fields = envelope::XmlFields::parse(body_xml).map_err(|e| CryptoError::MalformedXml { detail: e.0 })?;
        let encrypt = fields.get("Encrypt").ok_or_else(|| CryptoError::MalformedXml {
            detail: "there is no <Encrypt> element".to_owned(),
        })?;
        self.decrypt_message(msg_signature, timestamp, nonce, encrypt)
    }

    /// Verifies and decrypts an `Encrypt` value the caller already took out of the envelope.
    ///
    /// The signature is checked (in constant time) before anything is decrypted.
    pub fn decrypt_message(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt_b64: &str,
    ) -> Result<String, CryptoError> {
        if !signature::matches(msg_signature, &[&self.token, timestamp, nonce, encrypt_b64]) {
            return Err(CryptoError::BadSignature);
        }
        let ciphertext = STANDARD.decode(encrypt_b64).map_err(|_| CryptoError::BadBase64)?;
        let Some(previous) = &self.previous_key else {
            return self.open(&self.key, ciphertext);
        };
        // Key rotation: fall back to the previous key; report the current key's error.
        self.open(&self.key, ciphertext.clone())
            .or_else(|current_err| self.open(previous, ciphertext).map_err(|_| current_err))
    }

    /// Answers WeChat's URL verification: checks `msg_signature` over
    /// `[token, timestamp, nonce, echostr]`, decrypts `echostr` and returns the plaintext
    /// to send back as the response body.
    pub fn verify_url(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<String, CryptoError> {
        self.decrypt_message(msg_signature, timestamp, nonce, echostr)
    }

    /// Encrypts a passive reply and returns the whole reply envelope:
    /// `<xml><Encrypt>…</Encrypt><MsgSignature>…</MsgSignature><TimeStamp>…</TimeStamp><Nonce>…</Nonce></xml>`.
    ///
    /// The 16-byte random prefix comes from the thread-local CSPRNG.
    pub fn encrypt(&self, plaintext: &str, timestamp: &str, nonce: &str) -> Result<String, CryptoError> {
        let mut random = [0_u8; 16];
        rand::rng().fill_bytes(&mut random);
        let encrypt = self.seal_b64(plaintext, random)?;
        let signature = self.signature(timestamp, nonce, &encrypt);
        Ok(envelope::reply_envelope(&encrypt, &signature, timestamp, nonce))
    }

    /// Encrypts `plaintext` with a caller-chosen random prefix and returns the base64
    /// `Encrypt` value. Meant for test vectors; replies should use [`encrypt`](Self::encrypt).
    ///
    /// # Panics
    ///
    /// If `plaintext` is longer than `u32::MAX` bytes (4 GiB), which the scheme's length
    /// prefix cannot express; [`encrypt`](Self::encrypt) returns
    /// [`CryptoError::PlaintextTooLong`] instead.
    pub fn encrypt_with_random(&self, plaintext: &str, random: [u8; 16]) -> String {
        match self.seal_b64(plaintext, random) {
            Ok(encrypt) => encrypt,
            Err(e) => panic!("{e}"),
        }
    }

    /// The `msg_signature` of an `Encrypt` value: lower-case hex SHA-1 over the byte-wise
    /// sorted `[token, timestamp, nonce, encrypt]`.
    pub fn signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        signature::sign(&[&self.token, timestamp, nonce, encrypt])
    }

    /// The legacy URL `signature` query parameter: SHA-1 over sorted `[token, timestamp, nonce]`.
    pub fn query_signature(&self, timestamp: &str, nonce: &str) -> String {
        signature::sign(&[&self.token, timestamp, nonce])
    }

    /// Checks the legacy URL `signature` query parameter in constant time. Optional on
    /// encrypted pushes, whose `msg_signature` already covers the token.
    pub fn verify_query_signature(&self, signature: &str, timestamp: &str, nonce: &str) -> Result<(), CryptoError> {
        if signature::matches(signature, &[&self.token, timestamp, nonce]) {
            Ok(())
        } else {
            Err(CryptoError::BadSignature)
        }
    }

    fn seal_b64(&self, plaintext: &str, random: [u8; 16]) -> Result<String, CryptoError> {
        let ciphertext = cipher::seal(&self.key, random, plaintext.as_bytes(), self.appid.as_bytes())?;
        Ok(STANDARD.encode(ciphertext))
    }

    /// Decrypts with one key and checks the frame's appid and text.
    fn open(&self, key: &AesKey, ciphertext: Vec<u8>) -> Result<String, CryptoError> {
        let frame = cipher::open(key, ciphertext)?;
        if frame.receive_id != self.appid.as_bytes() {
            return Err(CryptoError::WrongAppId {
                expected: self.appid.clone(),
                found: String::from_utf8_lossy(&frame.receive_id).chars().take(64).collect(),
            });
        }
        String::from_utf8(frame.msg).map_err(|_| CryptoError::NotUtf8)
    }
}

impl fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}
