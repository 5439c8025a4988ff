//! [`PackedRecord`]: an [`AuthorizerRecord`] as an in-process store holds it — every field in
//! one allocation, so that a platform holding the grants of many merchants pays little beyond
//! their appids and refresh tokens.

use std::time::SystemTime;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use super::{AuthorizerRecord, AuthorizerStatus};
use crate::packed_time::{self, TIME_BYTES};

// The layout: the fixed part, then the appid, the refresh token and the permission sets (each
// a little-endian `u32`). Lengths are little-endian `u32`s.
const STATUS: usize = 0;
const FLAGS: usize = 1;
const VERSION: usize = 2;
const UPDATED_AT: usize = VERSION + 8;
const LAST_PUSH_AT: usize = UPDATED_AT + TIME_BYTES;
const APPID_LEN: usize = LAST_PUSH_AT + TIME_BYTES;
const REFRESH_LEN: usize = APPID_LEN + 4;
const VARIABLE: usize = REFRESH_LEN + 4;

const HAS_SETS: u8 = 1;
const HAS_LAST_PUSH: u8 = 2;
const REVOKED: u8 = 1;

/// One authorizer's record, packed. Its bytes (which hold the refresh token) are zeroed when
/// it is dropped.
pub(crate) struct PackedRecord {
    bytes: Box<[u8]>,
}

fn length(bytes: &[u8], at: usize) -> usize {
    let mut le = [0; 4];
    le.copy_from_slice(&bytes[at..at + 4]);
    usize::try_from(u32::from_le_bytes(le)).unwrap_or(usize::MAX)
}

/// `text`'s length as held, or `None` past 4 GiB (no appid or token is near that).
fn held_length(text: &str) -> Option<[u8; 4]> {
    u32::try_from(text.len()).ok().map(u32::to_le_bytes)
}

impl PackedRecord {
    /// `record` packed; `None` for an appid or refresh token longer than 4 GiB.
    pub(crate) fn pack(record: &AuthorizerRecord) -> Option<Self> {
        let appid = record.authorizer_appid.as_str();
        let refresh = record.refresh_token.expose_secret();
        let sets = record.permission_sets.as_deref().unwrap_or_default();
        let mut flags = 0;
        if record.permission_sets.is_some() {
            flags |= HAS_SETS;
        }
        if record.last_push_at.is_some() {
            flags |= HAS_LAST_PUSH;
        }
        let status = match record.status {
            AuthorizerStatus::Revoked => REVOKED,
            AuthorizerStatus::Authorized => 0,
        };
        let mut bytes = Vec::with_capacity(VARIABLE + appid.len() + refresh.len() + 4 * sets.len());
        bytes.extend_from_slice(&[status, flags]);
        bytes.extend_from_slice(&record.version.to_le_bytes());
        bytes.extend_from_slice(&packed_time::pack(record.updated_at));
        bytes.extend_from_slice(&packed_time::pack(
            record.last_push_at.unwrap_or(SystemTime::UNIX_EPOCH),
        ));
        bytes.extend_from_slice(&held_length(appid)?);
        bytes.extend_from_slice(&held_length(refresh)?);
        bytes.extend_from_slice(appid.as_bytes());
        bytes.extend_from_slice(refresh.as_bytes());
        for set in sets {
            bytes.extend_from_slice(&set.to_le_bytes());
        }
        // Exactly the capacity asked for: the box takes the vector's allocation as it is.
        Some(Self {
            bytes: bytes.into_boxed_slice(),
        })
    }

    fn appid_bytes(&self) -> &[u8] {
        &self.bytes[VARIABLE..VARIABLE + length(&self.bytes, APPID_LEN)]
    }

    fn refresh_bytes(&self) -> &[u8] {
        let start = VARIABLE + length(&self.bytes, APPID_LEN);
        &self.bytes[start..start + length(&self.bytes, REFRESH_LEN)]
    }

    fn sets_bytes(&self) -> &[u8] {
        &self.bytes[VARIABLE + length(&self.bytes, APPID_LEN) + length(&self.bytes, REFRESH_LEN)..]
    }

    /// The authorizer's appid.
    pub(crate) fn appid(&self) -> &str {
        // Packed from a `String`, so always UTF-8.
        std::str::from_utf8(self.appid_bytes()).unwrap_or_default()
    }

    /// Whether this is the record of `appid`.
    pub(crate) fn is_of(&self, appid: &str) -> bool {
        self.appid_bytes() == appid.as_bytes()
    }

    /// Whether the refresh token held is `token`.
    pub(crate) fn refresh_token_is(&self, token: &SecretString) -> bool {
        self.refresh_bytes() == token.expose_secret().as_bytes()
    }

    /// The write counter.
    pub(crate) fn version(&self) -> u64 {
        let mut le = [0; 8];
        le.copy_from_slice(&self.bytes[VERSION..VERSION + 8]);
        u64::from_le_bytes(le)
    }

    /// Whether the grant stands.
    pub(crate) fn status(&self) -> AuthorizerStatus {
        if self.bytes[STATUS] == REVOKED {
            AuthorizerStatus::Revoked
        } else {
            AuthorizerStatus::Authorized
        }
    }

    /// The granted permission sets, `None` when not yet known.
    pub(crate) fn permission_sets(&self) -> Option<impl Iterator<Item = u32> + '_> {
        (self.bytes[FLAGS] & HAS_SETS != 0).then(|| {
            self.sets_bytes().chunks_exact(4).map(|le| {
                let mut set = [0; 4];
                set.copy_from_slice(le);
                u32::from_le_bytes(set)
            })
        })
    }

    /// The record, unpacked.
    pub(crate) fn unpack(&self) -> AuthorizerRecord {
        let refresh = String::from_utf8_lossy(self.refresh_bytes()).into_owned();
        AuthorizerRecord {
            authorizer_appid: self.appid().to_owned(),
            refresh_token: SecretString::from(refresh),
            permission_sets: self.permission_sets().map(Iterator::collect),
            status: self.status(),
            updated_at: packed_time::unpack(&self.bytes[UPDATED_AT..]),
            version: self.version(),
            last_push_at: (self.bytes[FLAGS] & HAS_LAST_PUSH != 0)
                .then(|| packed_time::unpack(&self.bytes[LAST_PUSH_AT..])),
        }
    }
}

impl Drop for PackedRecord {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn assert_same(a: &AuthorizerRecord, b: &AuthorizerRecord) {
        assert_eq!(a.authorizer_appid, b.authorizer_appid);
        assert_eq!(a.refresh_token.expose_secret(), b.refresh_token.expose_secret());
        assert_eq!(a.permission_sets, b.permission_sets);
        assert_eq!(a.status, b.status);
        assert_eq!(a.updated_at, b.updated_at);
        assert_eq!(a.version, b.version);
        assert_eq!(a.last_push_at, b.last_push_at);
    }

    #[test]
    fn every_field_survives_packing() {
        let mut record = AuthorizerRecord::new(
            "wx0123456789abcdef",
            SecretString::from("refreshtoken@@@é"),
            Some(vec![1, 26, 4_000_000_000]),
        );
        record.version = u64::MAX - 1;
        record.last_push_at = Some(SystemTime::now() - Duration::new(3, 7));
        let packed = PackedRecord::pack(&record).expect("packs");
        assert_same(&packed.unpack(), &record);
        assert!(packed.is_of("wx0123456789abcdef") && !packed.is_of("wx0123456789abcde"));
        assert!(packed.refresh_token_is(&SecretString::from("refreshtoken@@@é")));
        assert!(!packed.refresh_token_is(&SecretString::from("refreshtoken@@@")));
        assert_eq!(
            packed.permission_sets().map(Iterator::collect::<Vec<_>>),
            Some(vec![1, 26, 4_000_000_000])
        );

        record.status = AuthorizerStatus::Revoked;
        record.permission_sets = None;
        record.last_push_at = None;
        record.authorizer_appid = String::new();
        let packed = PackedRecord::pack(&record).expect("packs");
        assert_same(&packed.unpack(), &record);
        assert!(packed.permission_sets().is_none());
        assert_eq!(packed.status(), AuthorizerStatus::Revoked);
    }

    #[test]
    fn an_empty_set_list_is_known_and_empty() {
        let record = AuthorizerRecord::new("wxa", SecretString::from(""), Some(Vec::new()));
        let packed = PackedRecord::pack(&record).expect("packs");
        assert_eq!(packed.permission_sets().map(Iterator::count), Some(0));
        assert_same(&packed.unpack(), &record);
    }
}
