//! The `component_verify_ticket`: stored newest-first (a replayed older push never replaces a
//! newer ticket), kept in memory when the durable store is down and written back when it
//! returns, and read with the in-memory copy as the fallback.

use std::time::SystemTime;

use super::Component;
use super::replay::unix_secs;
use crate::error::AuthError;
use crate::store::VerifyTicket;

impl Component {
    /// Stores `ticket` as the latest `component_verify_ticket`, received now (normally done by
    /// [`handle_push`](Self::handle_push), which dates it by the push's `CreateTime`).
    ///
    /// When the durable store is unreachable the ticket is kept in memory, used from there and
    /// written back later; that is logged, not returned as an error.
    pub async fn set_verify_ticket(&self, ticket: &str) -> Result<(), AuthError> {
        let now = self.clock().now();
        self.accept_verify_ticket(ticket, now).await.map(|_| ())
    }

    /// Stores `ticket`, created at `created`, unless a newer ticket is already known. Returns
    /// whether it became the current ticket.
    pub(super) async fn accept_verify_ticket(&self, ticket: &str, created: SystemTime) -> Result<bool, AuthError> {
        if ticket.trim().is_empty() {
            return Err(AuthError::Config("the component_verify_ticket is empty".into()));
        }
        let ticket = VerifyTicket {
            received_at: created,
            ..VerifyTicket::new(ticket.trim())
        };
        let appid = self.component_appid();
        if let Some(known) = self.records().ticket()
            && newer(&known, &ticket)
        {
            tracing::info!(
                component_appid = appid,
                "ignored a verify ticket older than the one held"
            );
            return Ok(false);
        }
        match self.durable().get_verify_ticket(appid).await {
            Ok(Some(stored)) if newer(&stored, &ticket) => {
                self.records().remember_ticket(&stored);
                tracing::info!(
                    component_appid = appid,
                    "ignored a verify ticket older than the stored one"
                );
                return Ok(false);
            }
            _ => {}
        }
        self.records().remember_ticket(&ticket);
        match self.durable().put_verify_ticket(appid, &ticket).await {
            Ok(()) => tracing::info!(component_appid = appid, "stored a new component_verify_ticket"),
            Err(e) if e.is_unavailable() => tracing::warn!(
                component_appid = appid,
                error = %e,
                "durable store unavailable; the verify ticket is kept in memory and written back when the store answers"
            ),
            Err(e) => return Err(e.into()),
        }
        Ok(true)
    }

    /// The newest verify ticket known: the stored one or the in-memory copy, whichever is
    /// newer; a newer in-memory copy (or one the store lost, or holds corrupted) is written
    /// back.
    pub(super) async fn verify_ticket(&self) -> Result<VerifyTicket, AuthError> {
        let appid = self.component_appid();
        let mirrored = self.records().ticket();
        let stored = match self.durable().get_verify_ticket(appid).await {
            Ok(stored) => stored,
            Err(e) if e.is_unavailable() => {
                tracing::warn!(error = %e, "durable store unavailable; using the verify ticket held in memory");
                return mirrored.ok_or_else(|| e.into());
            }
            Err(e) => match &mirrored {
                Some(_) => {
                    tracing::warn!(error = %e, "the stored verify ticket is unreadable; replacing it with the one held in memory");
                    None
                }
                None => return Err(e.into()),
            },
        };
        let ticket = match (stored, mirrored) {
            (Some(s), Some(m)) if newer(&m, &s) => {
                self.write_back_ticket(&m).await;
                m
            }
            (Some(s), _) => {
                self.records().remember_ticket(&s);
                s
            }
            (None, Some(m)) => {
                self.write_back_ticket(&m).await;
                m
            }
            (None, None) => {
                return Err(AuthError::NoVerifyTicket {
                    component_appid: appid.to_owned(),
                });
            }
        };
        if ticket.is_stale() {
            tracing::warn!(
                component_appid = appid,
                "the stored component_verify_ticket is older than 12 h; WeChat will likely reject it — check the push endpoint"
            );
        }
        Ok(ticket)
    }

    async fn write_back_ticket(&self, ticket: &VerifyTicket) {
        match self.durable().put_verify_ticket(self.component_appid(), ticket).await {
            Ok(()) => tracing::info!("wrote the verify ticket held in memory back to the durable store"),
            Err(e) => tracing::warn!(error = %e, "could not write the verify ticket back to the durable store"),
        }
    }
}

/// Whether `a` is newer than `b` by a whole second: pushes date tickets in whole seconds, so a
/// ticket set by hand a fraction of a second before a pushed one is not "newer".
fn newer(a: &VerifyTicket, b: &VerifyTicket) -> bool {
    unix_secs(a.received_at) > unix_secs(b.received_at)
}
