//! Invoicing platforms: their stable `s_pappid` (seturl) and invoice card templates
//! (createcard).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::ids;

/// An invoice card template from `platform/createcard`.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub owner: String,
    pub payee: String,
    pub kind: String,
}

/// `s_pappid`s and templates.
#[derive(Debug, Default)]
pub(crate) struct Platforms {
    s_pappid_of: HashMap<String, String>,
    appid_of: HashMap<String, String>,
    pub templates: HashMap<String, Template>,
}

impl Platforms {
    /// The stable `s_pappid` of a platform appid (created on first use). It is base64, so
    /// it may contain `+`, `/` and `=` — clients must URL-decode it from `invoice_url`.
    pub(crate) fn s_pappid(&mut self, appid: &str) -> String {
        if let Some(s) = self.s_pappid_of.get(appid) {
            return s.clone();
        }
        let s = STANDARD.encode(format!("{appid}_{}", ids::alphanumeric(7)));
        self.s_pappid_of.insert(appid.to_owned(), s.clone());
        self.appid_of.insert(s.clone(), appid.to_owned());
        s
    }

    /// The platform appid behind an `s_pappid`.
    pub(crate) fn platform_of(&self, s_pappid: &str) -> Option<&str> {
        self.appid_of.get(s_pappid).map(String::as_str)
    }

    /// Stores a template; returns its `card_id`.
    pub(crate) fn create_template(&mut self, template: Template) -> String {
        let card_id = format!("p{}", ids::alphanumeric(27));
        self.templates.insert(card_id.clone(), template);
        card_id
    }
}
