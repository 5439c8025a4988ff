//! Pushes to the platform: the authorization-event URL (verify tickets, authorization
//! changes) and the authorizers' message URL (invoice events), verified, decrypted and acted on.

use wx_invoice_types::InvoiceEvent;

use super::{Component, replay};
use crate::crypto::MsgCrypt;
use crate::error::AuthError;
use crate::metrics::{self, PushUrl};
use crate::push::{ComponentEvent, PushQuery, decrypt_push};
use crate::store::AuthorizerStatus;

/// How recently a stored authorization must have been written for a repeated (already
/// exchanged) authorization code to count as handled: the code itself lives one hour.
const CODE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

impl Component {
    /// The message crypto configured for this platform (token, EncodingAESKey, appid).
    pub fn msg_crypt(&self) -> &MsgCrypt {
        &self.inner.crypt
    }

    /// Handles one push to the **authorization event URL**: verifies the signature, decrypts,
    /// parses and acts on it, then returns the event.
    ///
    /// - `component_verify_ticket` → stored (it outlives restarts when the store does);
    /// - `authorized` / `updateauthorized` → the authorization code is exchanged
    ///   ([`query_auth`](Self::query_auth)) and tokens and permission sets stored;
    /// - `unauthorized` → the authorizer is marked revoked: its calls fail fast;
    /// - anything else is returned untouched.
    ///
    /// Handling the same push twice is harmless (WeChat retries; the code also arrives by
    /// redirect). **The HTTP handler must answer `200` with the body `success`** — within about
    /// five seconds, or WeChat counts the delivery as failed — whenever this returns `Ok`;
    /// on `Err` answer an error status so WeChat retries, and log the error (it carries no
    /// secret).
    pub async fn handle_push(&self, query: &PushQuery, body: &str) -> Result<ComponentEvent, AuthError> {
        const URL: PushUrl = PushUrl::Authorization;
        let now = self.clock().now();
        let opened = decrypt_push(&self.inner.crypt, query, body)
            .and_then(|plaintext| self.replay().check_timestamp(&query.timestamp, now).map(|()| plaintext))
            .and_then(|plaintext| ComponentEvent::from_xml(&plaintext).map(|event| (plaintext, event)));
        let (plaintext, event) = opened.inspect_err(|e| metrics::push_refused(URL, e))?;
        let kind = metrics::component_kind(&event);
        let digest = replay::digest(&plaintext);
        if self.replay().already_handled(&digest, now) {
            tracing::info!(event = ?event, "push already handled; acknowledged without acting again");
            metrics::push(URL, kind, "duplicate");
            return Ok(event);
        }
        if let Err(e) = self.act_on_push(&event, now).await {
            metrics::push(URL, kind, "failed");
            return Err(e);
        }
        self.replay().remember(digest, now);
        metrics::push(URL, kind, "handled");
        Ok(event)
    }

    async fn act_on_push(&self, event: &ComponentEvent, now: std::time::SystemTime) -> Result<(), AuthError> {
        match event {
            ComponentEvent::VerifyTicket {
                ticket, create_time, ..
            } => {
                self.accept_verify_ticket(ticket, replay::create_time(*create_time, now))
                    .await?;
            }
            ComponentEvent::Authorized(change) | ComponentEvent::UpdateAuthorized(change) => {
                let at = replay::create_time(change.create_time, now);
                let appid = &change.authorizer_appid;
                if self.push_is_stale(appid, at).await? {
                    tracing::info!(authorizer_appid = %appid, "ignored an authorization push older than the last one acted on");
                    return Ok(());
                }
                match self.exchange_code(&change.authorization_code, Some(at)).await {
                    Ok(_) => {}
                    Err(e) if matches!(e.errcode(), Some(61009 | 61010)) && self.recently_stored(appid).await => {
                        tracing::info!(authorizer_appid = %appid, "authorization code already exchanged; push handled before");
                        self.note_push(appid, at).await?;
                    }
                    Err(e) => return Err(e),
                }
            }
            ComponentEvent::Unauthorized {
                authorizer_appid,
                create_time,
            } => {
                self.revoke(authorizer_appid, Some(replay::create_time(*create_time, now)))
                    .await?;
            }
            other => tracing::info!(event = ?other, "component push passed through"),
        }
        Ok(())
    }

    /// Opens one encrypted push to the **authorizers' message URL** (where WeChat sends the
    /// merchants' events to a third-party platform) and parses it as an invoice event
    /// (`user_authorize_invoice`, `update_invoice_status`, `submit_invoice_title`, or
    /// [`InvoiceEvent::Other`]). Reply `success` as for [`handle_push`](Self::handle_push);
    /// de-duplicate on the order id or card code, since WeChat retries.
    pub fn open_message(&self, query: &PushQuery, body: &str) -> Result<InvoiceEvent, AuthError> {
        let plaintext =
            decrypt_push(&self.inner.crypt, query, body).inspect_err(|e| metrics::push_refused(PushUrl::Message, e))?;
        let event = message_event(&plaintext)?;
        metrics::push(PushUrl::Message, metrics::message_kind(&event), "accepted");
        Ok(event)
    }

    /// Like [`open_message`](Self::open_message), with replay protection: a push whose signed
    /// timestamp is outside the replay window is refused, and a push already accepted (WeChat
    /// redelivers when the answer is slow) gives `Ok(None)` — answer `success` and do nothing.
    ///
    /// Call [`message_handled`](Self::message_handled) once the event has been acted on, so a
    /// redelivery of it is recognised; a push whose handling failed is accepted again.
    pub fn accept_message(&self, query: &PushQuery, body: &str) -> Result<Option<AcceptedMessage>, AuthError> {
        const URL: PushUrl = PushUrl::Message;
        let now = self.clock().now();
        let plaintext = decrypt_push(&self.inner.crypt, query, body)
            .and_then(|plaintext| self.replay().check_timestamp(&query.timestamp, now).map(|()| plaintext))
            .inspect_err(|e| metrics::push_refused(URL, e))?;
        let digest = replay::digest(&plaintext);
        if self.replay().already_handled(&digest, now) {
            tracing::info!("message push already handled; acknowledged without handing it on again");
            metrics::push(URL, message_kind_of(&plaintext), "duplicate");
            return Ok(None);
        }
        let event = message_event(&plaintext)?;
        metrics::push(URL, metrics::message_kind(&event), "accepted");
        Ok(Some(AcceptedMessage { event, digest }))
    }

    /// Records that an accepted message was acted on: a redelivery of it gives `Ok(None)` from
    /// [`accept_message`](Self::accept_message).
    pub fn message_handled(&self, message: &AcceptedMessage) {
        self.replay().remember(message.digest, self.clock().now());
    }

    async fn recently_stored(&self, authorizer_appid: &str) -> bool {
        matches!(
            self.load_record(authorizer_appid).await,
            Ok(Some(r)) if r.status == AuthorizerStatus::Authorized
                && r.updated_at.elapsed().is_ok_and(|age| age < CODE_LIFETIME)
        )
    }
}

/// Parses a decrypted message-URL push; an unreadable one is refused (and counted).
fn message_event(plaintext: &str) -> Result<InvoiceEvent, AuthError> {
    InvoiceEvent::from_xml(plaintext).map_err(|e| {
        metrics::push_unreadable(PushUrl::Message);
        AuthError::Event(e.to_string())
    })
}

/// The `kind` label of a duplicate message, which is not parsed again (`other` if unreadable).
fn message_kind_of(plaintext: &str) -> &'static str {
    if cfg!(feature = "metrics") {
        InvoiceEvent::from_xml(plaintext).map_or("other", |event| metrics::message_kind(&event))
    } else {
        "other"
    }
}

/// An invoice event from the message URL, accepted by
/// [`Component::accept_message`]; pass it back to [`Component::message_handled`] after acting on
/// it.
#[derive(Debug, Clone)]
pub struct AcceptedMessage {
    /// The event.
    pub event: InvoiceEvent,
    digest: replay::PushDigest,
}

impl AcceptedMessage {
    /// What identifies the push however it was re-encrypted (the SHA-1 of its plaintext).
    #[cfg(feature = "axum")]
    pub(crate) fn digest(&self) -> replay::PushDigest {
        self.digest
    }
}
