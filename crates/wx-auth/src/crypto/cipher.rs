//! The encrypted frame: `random(16) ‖ u32_be(len) ‖ msg ‖ receive_id`, PKCS#7-padded to a
//! multiple of 32 bytes and encrypted with AES-256-CBC, IV = first 16 key bytes.

use aes::Aes256;
use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecryptMut as _, BlockEncryptMut as _, KeyIvInit as _};

use super::CryptoError;
use super::key::AesKey;

/// The padding block of the scheme: 32, not AES's 16 (spec pitfall 1).
pub(crate) const PAD_BLOCK: usize = 32;
/// AES block size.
const AES_BLOCK: usize = 16;
/// Random prefix plus the 4-byte length.
const HEADER_LEN: usize = 16 + 4;

/// A decrypted frame, split into its parts.
pub(crate) struct Frame {
    /// The message bytes (`len` bytes after the header).
    pub(crate) msg: Vec<u8>,
    /// Everything after the message: the receive id (component appid / corp id).
    pub(crate) receive_id: Vec<u8>,
}

/// Builds, pads and encrypts a frame. Fails only if `msg` does not fit a `u32` length.
pub(crate) fn seal(key: &AesKey, random: [u8; 16], msg: &[u8], receive_id: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let len = u32::try_from(msg.len()).map_err(|_| CryptoError::PlaintextTooLong { len: msg.len() })?;
    let unpadded = HEADER_LEN + msg.len() + receive_id.len();
    let pad = PAD_BLOCK - unpadded % PAD_BLOCK;
    let mut buf = Vec::with_capacity(unpadded + pad);
    buf.extend_from_slice(&random);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(msg);
    buf.extend_from_slice(receive_id);
    // `pad` is in 1..=32, so it fits a byte.
    buf.resize(unpadded + pad, u8::try_from(pad).unwrap_or(0));

    let mut enc = cbc::Encryptor::<Aes256>::new(key.bytes().into(), &key.iv().into());
    for block in buf.chunks_exact_mut(AES_BLOCK) {
        enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
    }
    Ok(buf)
}

/// Decrypts a ciphertext and splits the frame. Checks, in order: the ciphertext length,
/// the padding (1..=32, every pad byte equal), the header and the declared length.
pub(crate) fn open(key: &AesKey, mut buf: Vec<u8>) -> Result<Frame, CryptoError> {
    if buf.is_empty() || !buf.len().is_multiple_of(AES_BLOCK) {
        return Err(CryptoError::BadLength {
            detail: "the ciphertext is empty or not a multiple of 16 bytes",
        });
    }
    let mut dec = cbc::Decryptor::<Aes256>::new(key.bytes().into(), &key.iv().into());
    for block in buf.chunks_exact_mut(AES_BLOCK) {
        dec.decrypt_block_mut(GenericArray::from_mut_slice(block));
    }

    let pad = usize::from(buf.last().copied().unwrap_or(0));
    if pad == 0 || pad > PAD_BLOCK || pad > buf.len() {
        return Err(CryptoError::BadPadding);
    }
    let frame_len = buf.len() - pad;
    if buf[frame_len..].iter().any(|&b| usize::from(b) != pad) {
        return Err(CryptoError::BadPadding);
    }
    buf.truncate(frame_len);

    let Some(len_bytes) = buf.get(16..HEADER_LEN) else {
        return Err(CryptoError::BadLength {
            detail: "the decrypted frame is shorter than its 20-byte header",
        });
    };
    let declared = u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
    let body_len = buf.len() - HEADER_LEN;
    let msg_len = usize::try_from(declared)
        .ok()
        .filter(|&n| n <= body_len)
        .ok_or(CryptoError::BadLength {
            detail: "the declared message length exceeds the decrypted frame",
        })?;

    let mut msg = buf.split_off(HEADER_LEN);
    let receive_id = msg.split_off(msg_len);
    Ok(Frame { msg, receive_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AesKey {
        match AesKey::parse("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "current") {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn padded_length_is_a_multiple_of_32_with_pad_1_to_32() {
        for msg_len in 0..=96 {
            let msg = vec![b'x'; msg_len];
            let sealed = seal(&key(), [0; 16], &msg, b"wxid").unwrap_or_default();
            let unpadded = HEADER_LEN + msg_len + 4;
            assert_eq!(sealed.len() % PAD_BLOCK, 0);
            let pad = sealed.len() - unpadded;
            assert!((1..=PAD_BLOCK).contains(&pad), "pad {pad} for len {msg_len}");
            let frame = open(&key(), sealed);
            let frame = frame.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(frame.msg, msg);
            assert_eq!(frame.receive_id, b"wxid");
        }
    }

    #[test]
    fn truncated_and_misaligned_ciphertexts_are_bad_length() {
        let sealed = seal(&key(), [0; 16], b"hello", b"wxid").unwrap_or_default();
        for cut in [0, 1, 15, 17, 31] {
            let r = open(&key(), sealed[..cut].to_vec());
            assert!(matches!(r, Err(CryptoError::BadLength { .. })), "cut {cut}");
        }
    }
}
