//! Reading a WeChat answer: bounded body, status, the `errcode` envelope, typed output — with
//! every message scrubbed of the credential that went out with the request.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::AuthError;

/// Removes `secret` (the credential sent with the request) from `text`.
pub(crate) fn scrub(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() && text.contains(s) => text.replace(s, "[redacted]"),
        _ => text.to_owned(),
    }
}

/// Turns a reqwest error into an [`AuthError`] without its URL (which carries the token).
pub(crate) fn map_reqwest_error(e: &reqwest::Error, path: &str, secret: Option<&str>) -> AuthError {
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
        detail: scrub(&detail, secret),
    }
}

/// Replaces anything that looks like a URL (`scheme://…` up to whitespace or a bracket) by
/// `<url>`.
fn strip_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let start = rest[..pos]
            .rfind(|c: char| !c.is_ascii_alphanumeric() && c != '+' && c != '-' && c != '.')
            .map_or(0, |i| i + 1);
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
    secret: Option<&str>,
) -> Result<Bytes, AuthError> {
    let too_large = || AuthError::BodyTooLarge {
        path: path.to_owned(),
        limit,
    };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut next = async || resp.chunk().await.map_err(|e| map_reqwest_error(&e, path, secret));
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
    secret: Option<&str>,
) -> Result<T, AuthError> {
    match super::envelope::decode_success(body) {
        Some(output) => Ok(output),
        None => decode(body, path, secret),
    }
}

/// Parses a WeChat body carefully: envelope first (`errcode` as a number or numeric string;
/// absent on token APIs means success), then the typed output.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], path: &str, secret: Option<&str>) -> Result<T, AuthError> {
    let decode_err = |detail: String| AuthError::Decode {
        path: path.to_owned(),
        detail: scrub(&detail, secret),
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
            errmsg: scrub(errmsg, secret),
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

/// serde's messages may quote a value (possibly secret); keep only the shape of the problem.
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
            Some("tok123"),
        )
        .expect_err("errcode");
        assert_eq!(e.errcode(), Some(40001));
        assert!(!e.to_string().contains("tok123"));
        let ok: Out = decode(br#"{"errcode":0,"errmsg":"ok","code":"1"}"#, "/p", None).expect("ok");
        assert_eq!(ok.code, "1");
        let ok: Out = decode(br#"{"code":"2"}"#, "/p", None).expect("no errcode means success");
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
            let e = decode::<Out>(body, "/p", None).expect_err("must fail");
            assert!(matches!(e, AuthError::Decode { .. }), "{e:?}");
        }
        let e = decode::<Out>(br#"{"other":1}"#, "/p", None).expect_err("missing");
        assert!(e.to_string().contains("missing field `code`"), "{e}");
    }

    #[test]
    fn both_decoders_agree_on_successes() {
        for body in [
            &br#"{"errcode":0,"errmsg":"ok","code":"1"}"#[..],
            br#"{"code":"2"}"#,
            br#"{"errcode":"0","code":"3","x":{"y":[1]}}"#,
        ] {
            let fast: Out = decode_answer(body, "/p", None).expect("fast");
            let careful: Out = decode(body, "/p", None).expect("careful");
            assert_eq!(fast.code, careful.code);
        }
        let e = decode_answer::<Out>(br#"{"errcode":72056,"errmsg":"order_id repeated"}"#, "/p", None)
            .expect_err("an error answer");
        assert_eq!(e.errcode(), Some(72056));
        let e = decode_answer::<Out>(b"<html>502</html>", "/p", None).expect_err("html");
        assert!(e.to_string().contains("an HTML or XML page"), "{e}");
    }

    #[test]
    fn urls_are_stripped() {
        let s = strip_urls("error sending request for url (http://127.0.0.1:1/x?access_token=SECRET): refused");
        assert!(!s.contains("SECRET"), "{s}");
        assert!(s.contains("<url>"));
    }
}
