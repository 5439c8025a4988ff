//! Writes the flat `<xml>` shape WeChat uses for pushes.

use std::fmt::Write as _;

/// Builds `<xml>…</xml>` with text in CDATA sections and numbers as plain text.
#[derive(Debug)]
pub(super) struct PushWriter {
    out: String,
}

impl PushWriter {
    pub(super) fn new() -> Self {
        Self {
            out: String::from("<xml>"),
        }
    }

    /// `<name><![CDATA[value]]></name>`; a `]]>` inside `value` is split across sections.
    pub(super) fn text(&mut self, name: &str, value: &str) -> &mut Self {
        let safe = value.replace("]]>", "]]]]><![CDATA[>");
        let _ = write!(self.out, "<{name}><![CDATA[{safe}]]></{name}>");
        self
    }

    /// `<name>value</name>` for an integer.
    pub(super) fn number(&mut self, name: &str, value: i64) -> &mut Self {
        let _ = write!(self.out, "<{name}>{value}</{name}>");
        self
    }

    pub(super) fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push_str("</xml>");
        out
    }
}
