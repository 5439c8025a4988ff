//! Reading one value out of a URL's query string (used for `s_pappid`).

/// The percent-decoded value of the first `key=value` pair in `url`'s query string.
///
/// `None` when the key is absent, or when the value is not valid percent-encoding of UTF-8.
/// `+` is kept as is: it is a literal character of base64-like ids, not a space.
pub(crate) fn query_value(url: &str, key: &str) -> Option<String> {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (_, query) = without_fragment.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(name, _)| *name == key)
        .and_then(|(_, value)| percent_decode(value))
}

/// Decodes `%XX` escapes; `None` on a malformed escape or non-UTF-8 result.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push((hi << 4) | lo);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{percent_decode, query_value};

    #[test]
    fn finds_and_decodes_the_value() {
        let url = "https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid=d3hk%2BYWJj%3D%3D#wechat";
        assert_eq!(query_value(url, "s_pappid").as_deref(), Some("d3hk+YWJj=="));
        assert_eq!(query_value(url, "action").as_deref(), Some("list"));
        assert_eq!(query_value(url, "missing"), None);
        assert_eq!(query_value("https://x/?a&s_pappid=", "s_pappid").as_deref(), Some(""));
        assert_eq!(query_value("https://x/#?s_pappid=1", "s_pappid"), None);
        assert_eq!(query_value("no query", "s_pappid"), None);
    }

    #[test]
    fn decodes_utf8_and_rejects_bad_escapes() {
        assert_eq!(percent_decode("%E5%8F%91%E7%A5%A8").as_deref(), Some("发票"));
        assert_eq!(percent_decode("a+b%2b").as_deref(), Some("a+b+"));
        for bad in ["%", "%4", "%zz", "%FF", "abc%"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }
}
