//! Reading a WeChat answer: bounded body, status, the `errcode` envelope, typed output — with
//! every message scrubbed of the credential that went out with the request.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::AuthError;

/// The secrets one call carried: its credential (query string) and those its body holds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Secrets<'a>([&'a str; 3]);

impl<'a> Secrets<'a> {
    pub(crate) fn new(credential: Option<&'a str>, body: [&'a str; 2]) -> Self {
        Self([credential.unwrap_or(""), body[0], body[1]])
    }
}

/// Secrets shorter than this are not searched for: they would match ordinary words.
const MIN_SECRET_LEN: usize = 6;

/// Removes every secret of `secrets` from `text` — as sent, URL-encoded (as in a query string)
/// and JSON-escaped (as in an echoed body).
pub(crate) fn scrub(text: &str, secrets: &Secrets<'_>) -> String {
    let mut out = std::borrow::Cow::Borrowed(text);
    for secret in secrets.0.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
        let url_encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let json_escaped = serde_json::to_string(secret).unwrap_or_default();
        let json_escaped = json_escaped.trim_matches('"');
        for form in [*secret, url_encoded.as_str(), json_escaped] {
            if !form.is_empty() && out.contains(form) {
                out = std::borrow::Cow::Owned(out.replace(form, "[redacted]"));
            }
        }
    }
    out.into_owned()
}

/// Turns a reqwest error into an [`AuthError`] without its URL (which carries the token).
pub(crate) fn map_reqwest_error(e: &reqwest::Error, path: &str, secrets: &Secrets<'_>) -> AuthError {
    if e.is_timeout() {
        return AuthError::Timeout { path: path.to_owned() };
    }
    let mut detail = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    // reqwest's Display includes the URL; `without_url` is only available on an owned error, so
    // walk the chain and drop the URL text by hand.
    while let Some(err) = source {
        let text = err.to_string();
        if !detail.is_empty() {
            detail.push_str(": ");
        }
        detail.push_str(&strip_urls(&text));
        source = err.source();
    }
    AuthError::Network {
        path: path.to_owned(),
        detail: scrub(&detail, secrets),
    }
}

/// Replaces anything that looks like a URL (`scheme://…` up to whitespace or a bracket) by
/// `<url>`.
fn strip_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        // The scheme starts after the last character that cannot be part of one (which may be
        // a multi-byte character: step over all of it).
        let start = rest[..pos]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_ascii_alphanumeric() && c != '+' && c != '-' && c != '.')
            .map_or(0, |(i, c)| i + c.len_utf8());
        out.push_str(&rest[..start]);
        out.push_str("<url>");
        let after = &rest[pos + 3..];
        let end = after
            .find(|c: char| c.is_whitespace() || c == ')' || c == '(' || c == '"')
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Reads the body of `resp` once, refusing more than `limit` bytes. A body that arrives in one
/// piece (the usual case) is kept as it came, without a copy.
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    path: &str,
    limit: usize,
    secrets: &Secrets<'_>,
) -> Result<Bytes, AuthError> {
    let too_large = || AuthError::BodyTooLarge {
        path: path.to_owned(),
        limit,
    };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut next = async || resp.chunk().await.map_err(|e| map_reqwest_error(&e, path, secrets));
    let Some(first) = next().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(too_large());
    }
    let Some(second) = next().await? else {
        return Ok(first);
    };
    let mut body = Vec::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    let mut chunk = second;
    loop {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        match next().await? {
            Some(more) => chunk = more,
            None => return Ok(Bytes::from(body)),
        }
    }
}

/// Decodes a WeChat answer: one pass into `T` when it is a success, else the careful decoder
/// below, which names the problem.
pub(crate) fn decode_answer<T: DeserializeOwned>(
    body: &[u8],
    path: &str,
    secrets: &Secrets<'_>,
) -> Result<T, AuthError> {
    match super::envelope::decode_success(body) {
        Some(output) => Ok(output),
        None => decode(body, path, secrets),
    }
}

/// Parses a WeChat body carefully: envelope first (`errcode` as a number or numeric string;
/// absent on token APIs means success), then the typed output.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], path: &str, secrets: &Secrets<'_>) -> Result<T, AuthError> {
    let decode_err = |detail: String| AuthError::Decode {
        path: path.to_owned(),
        detail: scrub(&detail, secrets),
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| decode_err(describe_non_json(body)))?;
    let Some(object) = value.as_object() else {
        return Err(decode_err("the body is JSON but not an object".into()));
    };
    let errcode = match object.get("errcode") {
        None | Some(serde_json::Value::Null) => 0,
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| decode_err("errcode is not an integer".into()))?,
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| decode_err("errcode is a non-numeric string".into()))?,
        Some(_) => return Err(decode_err("errcode has an unexpected type".into())),
    };
    if errcode != 0 {
        let errmsg = object.get("errmsg").and_then(serde_json::Value::as_str).unwrap_or("");
        return Err(AuthError::Api {
            path: path.to_owned(),
            errcode,
            errmsg: scrub(errmsg, secrets),
        });
    }
    serde_json::from_value(value).map_err(|e| decode_err(describe_shape_error(&e)))
}

fn describe_non_json(body: &[u8]) -> String {
    let trimmed = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(16)
        .copied()
        .collect::<Vec<u8>>();
    if body.is_empty() {
        "empty body".into()
    } else if trimmed.first() == Some(&b'<') {
        "an HTML or XML page instead of JSON".into()
    } else {
        format!("not JSON ({} bytes)", body.len())
    }
}

/// serde's messages may quote a value (possibly secrets); keep only the shape of the problem.
fn describe_shape_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("missing field") {
        text.split(" at line").next().unwrap_or(&text).to_owned()
    } else {
        "a field has an unexpected type or value".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Out {
        code: String,
    }

    #[test]
    fn envelope_errcode_number_or_string() {
        let e = decode::<Out>(
            br#"{"errcode":"40001","errmsg":"invalid credential tok123 rid: x"}"#,
            "/p",
            &Secrets::new(Some("tok123"), ["", ""]),
        )
        .expect_err("errcode");
        assert_eq!(e.errcode(), Some(40001));
        assert!(!e.to_string().contains("tok123"));
        let ok: Out = decode(br#"{"errcode":0,"errmsg":"ok","code":"1"}"#, "/p", &Secrets::default()).expect("ok");
        assert_eq!(ok.code, "1");
        let ok: Out = decode(br#"{"code":"2"}"#, "/p", &Secrets::default()).expect("no errcode means success");
        assert_eq!(ok.code, "2");
    }

    #[test]
    fn garbage_html_and_shapes_are_decode_errors() {
        for body in [
            &b"<html>502</html>"[..],
            b"",
            b"\x00\xff",
            b"[1,2]",
            br#"{"errcode":{}}"#,
            br#"{"code":5}"#,
        ] {
            let e = decode::<Out>(body, "/p", &Secrets::default()).expect_err("must fail");
            assert!(matches!(e, AuthError::Decode { .. }), "{e:?}");
        }
        let e = decode::<Out>(br#"{"other":1}"#, "/p", &Secrets::default()).expect_err("missing");
        assert!(e.to_string().contains("missing field `code`"), "{e}");
    }

    #[test]
    fn both_decoders_agree_on_successes() {
        for body in [
            &br#"{"errcode":0,"errmsg":"ok","code":"1"}"#[..],
            br#"{"code":"2"}"#,
            br#"{"errcode":"0","code":"3","x":{"y":[1]}}"#,
        ] {
            let fast: Out = decode_answer(body, "/p", &Secrets::default()).expect("fast");
            let careful: Out = decode(body, "/p", &Secrets::default()).expect("careful");
            assert_eq!(fast.code, careful.code);
        }
        let e = decode_answer::<Out>(
            br#"{"errcode":72056,"errmsg":"order_id repeated"}"#,
            "/p",
            &Secrets::default(),
        )
        .expect_err("an error answer");
        assert_eq!(e.errcode(), Some(72056));
        let e = decode_answer::<Out>(b"<html>502</html>", "/p", &Secrets::default()).expect_err("html");
        assert!(e.to_string().contains("an HTML or XML page"), "{e}");
    }

    #[test]
    fn every_secret_of_the_call_is_scrubbed_in_every_encoding() {
        let secrets = Secrets::new(Some("tok/with+odd=chars"), ["app-secret-123", "ticket@@@\"quoted\""]);
        let echoed = r#"bad request {"component_appsecret":"app-secret-123","ticket":"ticket@@@\"quoted\""} url ?access_token=tok%2Fwith%2Bodd%3Dchars raw tok/with+odd=chars"#;
        let scrubbed = scrub(echoed, &secrets);
        for leak in ["app-secret-123", "quoted", "tok%2Fwith", "tok/with"] {
            assert!(!scrubbed.contains(leak), "{leak} in {scrubbed}");
        }
        assert!(scrubbed.contains("[redacted]"));
        assert_eq!(scrub("short ab", &Secrets::new(Some("ab"), ["", ""])), "short ab");
    }

    #[test]
    fn urls_next_to_multibyte_text_are_stripped_without_panicking() {
        for text in [
            "失败 中://x",
            "中://x",
            "请求http://h/p?access_token=SECRET 失败",
            "://",
            "é://a://b",
        ] {
            let s = strip_urls(text);
            assert!(!s.contains("SECRET"), "{s}");
        }
        assert_eq!(strip_urls("失败 http://h/x 了"), "失败 <url> 了");
    }

    #[test]
    fn urls_are_stripped() {
        let s = strip_urls("error sending request for url (http://127.0.0.1:1/x?access_token=SECRET): refused");
        assert!(!s.contains("SECRET"), "{s}");
        assert!(s.contains("<url>"));
    }
}
