//! A `SystemTime` in 12 bytes, for credentials and records held packed in memory: seconds since
//! the Unix epoch (8 bytes, little-endian), then nanoseconds (4 bytes, little-endian).

use std::time::{Duration, SystemTime};

/// Bytes one packed time takes.
pub(crate) const TIME_BYTES: usize = 12;

/// `time` packed. Credentials and grants are never dated before 1970: an earlier time is held
/// as the epoch.
pub(crate) fn pack(time: SystemTime) -> [u8; TIME_BYTES] {
    let since = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let mut bytes = [0; TIME_BYTES];
    bytes[..8].copy_from_slice(&since.as_secs().to_le_bytes());
    bytes[8..].copy_from_slice(&since.subsec_nanos().to_le_bytes());
    bytes
}

/// The time packed at the start of `bytes` (which holds at least [`TIME_BYTES`]).
pub(crate) fn unpack(bytes: &[u8]) -> SystemTime {
    let mut secs = [0; 8];
    let mut nanos = [0; 4];
    secs.copy_from_slice(&bytes[..8]);
    nanos.copy_from_slice(&bytes[8..TIME_BYTES]);
    // Only times that were `SystemTime`s are packed, so the sum is representable.
    let since = Duration::new(u64::from_le_bytes(secs), u32::from_le_bytes(nanos));
    SystemTime::UNIX_EPOCH
        .checked_add(since)
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_to_the_nanosecond() {
        let now = SystemTime::now();
        assert_eq!(unpack(&pack(now)), now);
        let far = SystemTime::UNIX_EPOCH + Duration::new(100 * 365 * 24 * 3600 * 40, 999_999_999);
        assert_eq!(unpack(&pack(far)), far);
        assert_eq!(
            unpack(&pack(SystemTime::UNIX_EPOCH - Duration::from_secs(5))),
            SystemTime::UNIX_EPOCH
        );
    }
}
