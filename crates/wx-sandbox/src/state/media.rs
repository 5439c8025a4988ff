//! Uploaded invoice PDFs (`platform/setpdf`) and the short-lived download links to them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;

use crate::ids;
use crate::wire::{WxError, code};

/// How long a `pdf_url` from `platform/getpdf` works (WeChat: 2 h).
pub(crate) const PDF_URL_TTL: Duration = Duration::from_secs(7200);

#[derive(Debug, Clone)]
struct Media {
    bytes: Bytes,
    owner: String,
    expires_at: Instant,
}

#[derive(Debug, Clone)]
struct Link {
    media_id: String,
    expires_at: Instant,
}

/// Every uploaded PDF and download link.
#[derive(Debug, Default)]
pub(crate) struct MediaStore {
    media: HashMap<String, Media>,
    links: HashMap<String, Link>,
}

impl MediaStore {
    /// Stores a PDF uploaded by `owner`; returns its `s_media_id`.
    pub(crate) fn upload(&mut self, owner: &str, bytes: Bytes, ttl: Duration) -> String {
        let id = loop {
            let id = ids::digits(19);
            if !self.media.contains_key(&id) {
                break id;
            }
        };
        self.media.insert(
            id.clone(),
            Media {
                bytes,
                owner: owner.to_owned(),
                expires_at: Instant::now() + ttl,
            },
        );
        id
    }

    /// Checks that `media_id` exists, has not expired and was uploaded by `owner` (72040).
    pub(crate) fn check(&self, owner: &str, media_id: &str) -> Result<(), WxError> {
        match self.media.get(media_id) {
            Some(m) if m.owner == owner && Instant::now() < m.expires_at => Ok(()),
            Some(m) if m.owner == owner => Err(WxError::new(
                code::INVOICE_PDF_ERROR,
                format!("invoice pdf error: s_media_id {media_id} expired, upload the PDF again"),
            )),
            _ => Err(WxError::new(
                code::INVOICE_PDF_ERROR,
                format!("invoice pdf error: unknown s_media_id {media_id} for this account"),
            )),
        }
    }

    /// Creates a download link key for `media_id` (already checked).
    pub(crate) fn link(&mut self, media_id: &str) -> String {
        let key = ids::alphanumeric(40);
        self.links.insert(
            key.clone(),
            Link {
                media_id: media_id.to_owned(),
                expires_at: Instant::now() + PDF_URL_TTL,
            },
        );
        key
    }

    /// The bytes behind a live link key.
    pub(crate) fn download(&self, key: &str) -> Option<Bytes> {
        let link = self.links.get(key).filter(|l| Instant::now() < l.expires_at)?;
        self.media.get(&link.media_id).map(|m| m.bytes.clone())
    }
}
