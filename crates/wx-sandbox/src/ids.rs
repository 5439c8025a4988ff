//! Random identifiers in the shapes WeChat uses (opaque tokens, digit strings, openids, rids).

use rand::Rng;
use rand::distr::Alphanumeric;

/// `len` random characters from `[A-Za-z0-9]`.
pub(crate) fn alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// An opaque token with a WeChat-like prefix, e.g. `ticket@@@…`.
pub(crate) fn prefixed(prefix: &str, len: usize) -> String {
    format!("{prefix}@@@{}", alphanumeric(len))
}

/// `len` random decimal digits, never starting with `0`.
pub(crate) fn digits(len: usize) -> String {
    let mut rng = rand::rng();
    let mut out = String::with_capacity(len);
    for i in 0..len {
        let low = u8::from(i == 0);
        let d: u8 = rng.random_range(low..=9);
        out.push(char::from(b'0' + d));
    }
    out
}

/// An openid-shaped string: `o` followed by 27 URL-safe characters.
pub(crate) fn openid() -> String {
    format!("o{}", alphanumeric(27))
}

/// A request id like WeChat's `rid: 6142cae2-160a288b-589e1ad2`.
pub(crate) fn rid() -> String {
    let mut rng = rand::rng();
    format!(
        "{:08x}-{:08x}-{:08x}",
        rng.random::<u32>(),
        rng.random::<u32>(),
        rng.random::<u32>()
    )
}

/// A stable `gh_…` original id (user name) derived from an appid.
pub(crate) fn gh_name(appid: &str) -> String {
    let hash = appid.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("gh_{:012x}", hash & 0xffff_ffff_ffff)
}
