//! Reads the flat `<xml><Name>value</Name>…</xml>` shape of a push into name/value pairs.

use quick_xml::Reader;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::error::EventParseError;

/// The text children of the root element, in document order.
#[derive(Debug, Default)]
pub(super) struct PushFields {
    fields: Vec<(String, String)>,
}

impl PushFields {
    /// The trimmed text of the first child called `name` (ASCII case-insensitive).
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim())
    }

    /// Like [`get`](Self::get), `""` when absent.
    pub(super) fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// The first of `names` that is present.
    pub(super) fn first_of(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| self.get(name))
    }
}

fn malformed(reason: impl std::fmt::Display) -> EventParseError {
    EventParseError::Malformed {
        reason: reason.to_string(),
    }
}

fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, EventParseError> {
    if let Some(ch) = reference.resolve_char_ref().map_err(malformed)? {
        return Ok(ch.to_string());
    }
    let name = reference.decode().map_err(malformed)?;
    resolve_xml_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| malformed(format_args!("unknown entity &{name};")))
}

fn check_root(start: &BytesStart<'_>, seen_root: &mut bool) -> Result<(), EventParseError> {
    if *seen_root {
        return Err(malformed("more than one root element"));
    }
    if start.name().as_ref() != b"xml" {
        return Err(malformed("the root element is not <xml>"));
    }
    *seen_root = true;
    Ok(())
}

/// Parses `xml`, whose root element must be `<xml>`. Text of elements nested deeper than
/// the root's children is ignored; attributes, comments and processing instructions too.
pub(super) fn read_push_fields(xml: &str) -> Result<PushFields, EventParseError> {
    let mut reader = Reader::from_str(xml);
    let mut out = PushFields::default();
    // Depth 0: outside the root; 1: inside <xml>; 2: inside one of its children.
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut current: Option<(String, String)> = None;
    loop {
        let event = reader.read_event().map_err(malformed)?;
        match event {
            Event::Start(start) if depth == 0 => {
                check_root(&start, &mut seen_root)?;
                depth = 1;
            }
            Event::Empty(start) if depth == 0 => check_root(&start, &mut seen_root)?,
            Event::Start(start) => {
                if depth == 1 {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    current = Some((name, String::new()));
                }
                depth += 1;
            }
            Event::Empty(start) if depth == 1 => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                out.fields.push((name, String::new()));
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1
                    && let Some(field) = current.take()
                {
                    out.fields.push(field);
                }
            }
            Event::Text(text) if depth == 2 => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&text.xml_content().map_err(malformed)?);
                }
            }
            Event::CData(data) if depth == 2 => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&data.xml_content().map_err(malformed)?);
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = resolve_reference(&reference)?;
                if depth == 2
                    && let Some((_, value)) = current.as_mut()
                {
                    value.push_str(&resolved);
                }
            }
            Event::Text(text) if depth == 0 && !text.iter().all(u8::is_ascii_whitespace) => {
                return Err(malformed("text outside the root element"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(malformed("no <xml> root element"));
    }
    if depth != 0 {
        return Err(malformed("the document ends before </xml>"));
    }
    Ok(out)
}
