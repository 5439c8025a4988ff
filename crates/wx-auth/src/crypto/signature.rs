//! Push signatures: SHA-1 over the byte-wise sorted parts, compared in constant time.

use sha1::{Digest as _, Sha1};
use subtle::ConstantTimeEq as _;

/// `hex_lower(SHA1(concat(sort_bytewise(parts))))`, the signature WeChat puts in
/// `msg_signature` (parts `[token, timestamp, nonce, Encrypt]`) or `signature`
/// (parts `[token, timestamp, nonce]`).
pub(crate) fn sign(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut sha = Sha1::new();
    for part in sorted {
        sha.update(part.as_bytes());
    }
    let digest = sha.finalize();
    let mut hex = String::with_capacity(40);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether `given` equals the signature over `parts`.
///
/// The comparison is constant-time in the content (only the length can leak, and a
/// valid signature's length is public: 40). Upper-case hex is accepted.
pub(crate) fn matches(given: &str, parts: &[&str]) -> bool {
    let expected = sign(parts);
    let given = given.to_ascii_lowercase();
    bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_bytewise_before_hashing() {
        // Order of the inputs must not matter.
        assert_eq!(sign(&["b", "a", "c"]), sign(&["c", "b", "a"]));
        // sha1("abc")
        assert_eq!(sign(&["c", "a", "b"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn matches_accepts_upper_case_and_rejects_others() {
        let sig = sign(&["x", "y"]);
        assert!(matches(&sig, &["x", "y"]));
        assert!(matches(&sig.to_ascii_uppercase(), &["y", "x"]));
        assert!(!matches(&sig[..39], &["x", "y"]));
        assert!(!matches("", &["x", "y"]));
        assert!(!matches(&sig, &["x", "z"]));
    }
}
