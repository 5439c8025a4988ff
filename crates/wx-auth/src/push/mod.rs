//! Component pushes: what WeChat POSTs to a third-party platform's authorization event
//! receive URL (授权事件接收URL), as pure functions — no I/O.
//!
//! [`open_push`] verifies, decrypts and parses a push in one call; [`ComponentEvent::from_xml`]
//! parses an already decrypted one. After handling a push, answer HTTP 200 with the body
//! [`SUCCESS_REPLY`].
//!
//! ```
//! use wx_auth::crypto::MsgCrypt;
//! use wx_auth::push::{ComponentEvent, PushQuery, open_push};
//!
//! # fn handle(raw_query: PushQuery, body: &str) -> Result<(), wx_auth::push::PushError> {
//! let crypt = MsgCrypt::new("token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx_component")?;
//! match open_push(&crypt, &raw_query, body)? {
//!     ComponentEvent::VerifyTicket { ticket, .. } => { /* store the newest ticket */ let _ = ticket; }
//!     ComponentEvent::Authorized(change) | ComponentEvent::UpdateAuthorized(change) => {
//!         /* exchange change.authorization_code with api_query_auth */ let _ = change;
//!     }
//!     ComponentEvent::Unauthorized { authorizer_appid, .. } => { let _ = authorizer_appid; }
//!     other => { let _ = other; }
//! }
//! # Ok(()) }
//! ```

mod error;
mod event;

use serde::Deserialize;

use crate::crypto::MsgCrypt;
pub use error::PushError;
pub use event::{AuthorizationChange, ComponentEvent};

/// The body to answer every push with (HTTP 200, plain text, unencrypted). Anything else
/// counts as a failed delivery and WeChat retries.
pub const SUCCESS_REPLY: &str = "success";

/// The URL query of a push: `?signature=…&timestamp=…&nonce=…&encrypt_type=aes&msg_signature=…`.
///
/// Deserialize it with the web framework's query extractor (for example axum's `Query`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PushQuery {
    /// Legacy signature over `[token, timestamp, nonce]`; optional to check
    /// (see [`MsgCrypt::verify_query_signature`]).
    pub signature: Option<String>,
    /// Unix seconds, as sent.
    pub timestamp: String,
    /// Random digits, as sent.
    pub nonce: String,
    /// `aes` for encrypted pushes (all component pushes are).
    pub encrypt_type: Option<String>,
    /// Signature over `[token, timestamp, nonce, Encrypt]`; the one [`open_push`] verifies.
    pub msg_signature: Option<String>,
}

/// Verifies, decrypts and parses one component push.
///
/// `body` is the raw HTTP body (the encrypted `<xml><AppId>…<Encrypt>…</xml>` envelope).
/// Fails as [`decrypt_push`] does, and otherwise as [`ComponentEvent::from_xml`] does.
pub fn open_push(crypt: &MsgCrypt, query: &PushQuery, body: &str) -> Result<ComponentEvent, PushError> {
    ComponentEvent::from_xml(&decrypt_push(crypt, query, body)?)
}

/// Verifies and decrypts one push (to either URL) and returns the plaintext XML, for
/// payloads other than component events (for example the merchants' invoice events).
///
/// Fails with [`PushError::MissingMsgSignature`] when the query has no `msg_signature`, with
/// [`PushError::UnsupportedEncryptType`] when `encrypt_type` is present and not `aes`, and
/// with [`PushError::Crypto`] when verification or decryption fails.
pub fn decrypt_push(crypt: &MsgCrypt, query: &PushQuery, body: &str) -> Result<String, PushError> {
    if let Some(encrypt_type) = &query.encrypt_type
        && !encrypt_type.eq_ignore_ascii_case("aes")
    {
        return Err(PushError::UnsupportedEncryptType {
            found: encrypt_type.chars().take(32).collect(),
        });
    }
    let msg_signature = query.msg_signature.as_deref().ok_or(PushError::MissingMsgSignature)?;
    Ok(crypt.decrypt(msg_signature, &query.timestamp, &query.nonce, body)?)
}
