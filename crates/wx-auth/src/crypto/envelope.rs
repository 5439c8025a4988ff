//! The flat `<xml>` documents of WeChat pushes: reading the children of `<xml>` (shared by
//! the encrypted envelope and the decrypted push payloads) and writing the passive-reply
//! envelope.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use quick_xml::Reader;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, Event};

/// The text of every direct child element of a `<xml>` root, by element name.
///
/// Text and CDATA are both accepted (and concatenated); entity and character references
/// are resolved; elements nested deeper than the children are skipped; comments,
/// declarations and processing instructions are ignored. A child that appears twice is
/// an error, so the signature-checked value and the value used can never differ.
/// Lookups and the duplicate check are hashed, so a body with many children costs linear time.
#[derive(Debug, Default)]
pub(crate) struct XmlFields {
    fields: HashMap<String, String>,
}

/// Why an XML document was rejected. The detail never quotes element text, which in a
/// decrypted push can be a credential (the verify ticket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError(pub(crate) String);

impl XmlFields {
    /// Parses a document whose root is `<xml>`.
    pub(crate) fn parse(xml: &str) -> Result<Self, XmlError> {
        let mut reader = Reader::from_str(xml);
        let mut fields = Self::default();
        // Depth 0 = outside the root, 1 = inside <xml>, 2 = inside a child, ...
        let mut depth = 0_usize;
        let mut root_done = false;
        let mut current: Option<(String, String)> = None;

        loop {
            let event = reader
                .read_event()
                .map_err(|_| XmlError(format!("not well-formed XML near byte {}", reader.error_position())))?;
            match event {
                Event::Start(start) => {
                    if depth == 0 {
                        Self::check_root(start.name().as_ref(), root_done)?;
                    } else if depth == 1 {
                        current = Some((element_name(start.name().as_ref())?, String::new()));
                    }
                    depth += 1;
                }
                Event::Empty(start) => {
                    if depth == 0 {
                        Self::check_root(start.name().as_ref(), root_done)?;
                        root_done = true;
                    } else if depth == 1 {
                        fields.insert(element_name(start.name().as_ref())?, String::new())?;
                    }
                }
                Event::End(_) => {
                    depth = depth.saturating_sub(1);
                    if depth == 1 {
                        if let Some((name, value)) = current.take() {
                            fields.insert(name, value)?;
                        }
                    } else if depth == 0 {
                        root_done = true;
                    }
                }
                Event::Text(text) => {
                    let text = text
                        .decode()
                        .map_err(|_| XmlError("text is not valid UTF-8".to_owned()))?;
                    if depth == 2 {
                        if let Some((_, value)) = current.as_mut() {
                            value.push_str(&text);
                        }
                    } else if depth == 0 && !text.trim().is_empty() {
                        return Err(XmlError("text outside the <xml> root element".to_owned()));
                    }
                }
                Event::CData(cdata) => {
                    let text = cdata
                        .decode()
                        .map_err(|_| XmlError("CDATA is not valid UTF-8".to_owned()))?;
                    if depth == 2 {
                        if let Some((_, value)) = current.as_mut() {
                            value.push_str(&text);
                        }
                    } else if depth == 0 {
                        return Err(XmlError("CDATA outside the <xml> root element".to_owned()));
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = resolve_reference(&reference)?;
                    if depth == 2 {
                        if let Some((_, value)) = current.as_mut() {
                            value.push_str(&resolved);
                        }
                    } else if depth == 0 {
                        return Err(XmlError("text outside the <xml> root element".to_owned()));
                    }
                }
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if depth != 0 {
            return Err(XmlError("the document ends inside an element".to_owned()));
        }
        if !root_done {
            return Err(XmlError("there is no <xml> root element".to_owned()));
        }
        Ok(fields)
    }

    /// The text of child element `name`, if present (case-sensitive, like WeChat's names).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    fn check_root(name: &[u8], root_done: bool) -> Result<(), XmlError> {
        if root_done {
            return Err(XmlError("there is more than one root element".to_owned()));
        }
        if name != b"xml" {
            return Err(XmlError("the root element is not <xml>".to_owned()));
        }
        Ok(())
    }

    fn insert(&mut self, name: String, value: String) -> Result<(), XmlError> {
        match self.fields.entry(name) {
            Entry::Occupied(entry) => Err(XmlError(format!("element <{}> appears more than once", entry.key()))),
            Entry::Vacant(entry) => {
                entry.insert(value);
                Ok(())
            }
        }
    }
}

/// An element name as text, shortened so an error cannot grow without bound.
fn element_name(raw: &[u8]) -> Result<String, XmlError> {
    let name = std::str::from_utf8(raw).map_err(|_| XmlError("an element name is not valid UTF-8".to_owned()))?;
    Ok(name.chars().take(64).collect())
}

/// Resolves `&name;` (the five XML entities) or `&#N;` / `&#xN;`.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, XmlError> {
    let bad = || XmlError("an entity or character reference cannot be resolved".to_owned());
    if let Some(ch) = reference.resolve_char_ref().map_err(|_| bad())? {
        return Ok(ch.to_string());
    }
    let name = reference.decode().map_err(|_| bad())?;
    resolve_xml_entity(&name).map(str::to_owned).ok_or_else(bad)
}

/// The passive-reply envelope WeChat expects from the message URL.
///
/// `encrypt` (base64) and `signature` (hex) need no escaping; `timestamp` and `nonce` are
/// caller-supplied, so they are escaped to keep the document well-formed whatever they hold.
pub(crate) fn reply_envelope(encrypt: &str, signature: &str, timestamp: &str, nonce: &str) -> String {
    let mut xml = String::with_capacity(encrypt.len() + 200);
    xml.push_str("<xml><Encrypt>");
    push_cdata(&mut xml, encrypt);
    xml.push_str("</Encrypt><MsgSignature>");
    push_cdata(&mut xml, signature);
    xml.push_str("</MsgSignature><TimeStamp>");
    push_text(&mut xml, timestamp);
    xml.push_str("</TimeStamp><Nonce>");
    push_cdata(&mut xml, nonce);
    xml.push_str("</Nonce></xml>");
    xml
}

/// Appends `text` as CDATA, splitting any `]]>` so the section cannot be closed early.
fn push_cdata(xml: &mut String, text: &str) {
    xml.push_str("<![CDATA[");
    xml.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    xml.push_str("]]>");
}

/// Appends `text` as escaped character data.
fn push_text(xml: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '&' => xml.push_str("&amp;"),
            _ => xml.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(xml: &str) -> XmlFields {
        XmlFields::parse(xml).unwrap_or_else(|e| panic!("{xml}: {e:?}"))
    }

    #[test]
    fn reads_cdata_text_entities_and_skips_nested_and_unknown() {
        let f = fields(
            "<?xml version=\"1.0\"?>\n<!-- hi --><xml>\n <A><![CDATA[x<y]]></A>\n\
             <B>1&amp;2&#x4e2d;</B><C/><D><E>nested</E>tail</D></xml>\n",
        );
        assert_eq!(f.get("A"), Some("x<y"));
        assert_eq!(f.get("B"), Some("1&2中"));
        assert_eq!(f.get("C"), Some(""));
        assert_eq!(f.get("D"), Some("tail"));
        assert_eq!(f.get("E"), None);
        assert_eq!(f.get("a"), None);
    }

    #[test]
    fn leading_utf8_bom_is_accepted() {
        let f = fields("\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?><xml><Encrypt>x</Encrypt></xml>");
        assert_eq!(f.get("Encrypt"), Some("x"));
    }

    #[test]
    fn rejects_bad_documents() {
        for bad in [
            "",
            "   ",
            "<root><A>1</A></root>",
            "<xml><A>1</A>",
            "<xml><A>1</B></xml>",
            "<xml><A>1</A><A>2</A></xml>",
            "<xml></xml><xml></xml>",
            "junk<xml></xml>",
            "<xml><A>&bogus;</A></xml>",
            "<xml><A>a & b</A></xml>",
        ] {
            assert!(XmlFields::parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn many_children_parse_in_linear_time() {
        use std::fmt::Write as _;
        let mut xml = String::from("<xml>");
        for i in 0..200_000 {
            let _ = write!(xml, "<a{i}/>");
        }
        xml.push_str("<Encrypt>x</Encrypt></xml>");
        let started = std::time::Instant::now();
        let f = fields(&xml);
        assert_eq!(f.get("Encrypt"), Some("x"));
        assert_eq!(f.get("a199999"), Some(""));
        // A linear scan per child (quadratic overall) would need minutes for this body.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn reply_envelope_survives_hostile_timestamp_and_nonce() {
        let xml = reply_envelope("QUJD", "abc123", "1<2&3", "n]]>once");
        let f = fields(&xml);
        assert_eq!(f.get("Encrypt"), Some("QUJD"));
        assert_eq!(f.get("MsgSignature"), Some("abc123"));
        assert_eq!(f.get("TimeStamp"), Some("1<2&3"));
        assert_eq!(f.get("Nonce"), Some("n]]>once"));
    }
}
