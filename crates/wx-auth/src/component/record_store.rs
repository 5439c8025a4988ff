//! Reading and writing authorizers' durable records so that no refresh token or grant is ever
//! lost or replaced by an older copy:
//! - every write is compare-and-set on the record's version (a concurrent writer makes it
//!   re-read and apply its change again, never overwrite);
//! - when the store's copy and this process's copy disagree, the higher version wins, and a
//!   newer copy held here is written back (e.g. after a Redis restart rolled the store back);
//! - a write the store cannot take (an outage) is kept in memory, marked pending, and written
//!   back by a background task once the store answers.

use std::time::Duration;

use super::Component;
use crate::error::AuthError;
use crate::store::{AuthorizerRecord, StoreError};

/// How often a record update is retried when other writers keep changing the record.
const UPDATE_ATTEMPTS: usize = 8;

/// Where a written record ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// In the durable store.
    Stored,
    /// Held in this process's memory only, because the durable store could not be reached; a
    /// background task writes it back as soon as the store answers. A restart before that loses
    /// it (for a new grant: the merchant would have to authorize again).
    PendingWrite,
}

impl Component {
    /// The authorizer's record: the store's copy, or this process's if it is newer (or the store
    /// lost it, or is unreachable); a newer copy held here is written back.
    pub(crate) async fn load_record(&self, authorizer_appid: &str) -> Result<Option<AuthorizerRecord>, AuthError> {
        let mirrored = self.records().authorizer(authorizer_appid);
        match self
            .durable()
            .get_authorizer(self.component_appid(), authorizer_appid)
            .await
        {
            Ok(Some(stored)) => match mirrored {
                Some(held) if held.version > stored.version => {
                    tracing::warn!(
                        authorizer_appid,
                        stored_version = stored.version,
                        held_version = held.version,
                        "the durable store holds an older copy of this authorizer's record (rolled back?); writing back the newer one"
                    );
                    self.write_back(&held, Some(stored.version)).await;
                    Ok(Some((*held).clone()))
                }
                _ => {
                    self.records().remember_authorizer(&stored, false);
                    Ok(Some(stored))
                }
            },
            // The store lacks a record this process holds: a grant still waiting for the store,
            // or a record the store lost (e.g. a Redis restarted without persistence).
            Ok(None) => match mirrored {
                Some(held) => {
                    if !self.records().is_pending(authorizer_appid) {
                        tracing::warn!(
                            authorizer_appid,
                            "the durable store lost this authorizer's record; restoring it from memory"
                        );
                    }
                    self.write_back(&held, None).await;
                    Ok(Some((*held).clone()))
                }
                None => Ok(None),
            },
            Err(e) if e.is_unavailable() => match mirrored {
                Some(held) => {
                    tracing::warn!(authorizer_appid, error = %e, "durable store unavailable; using the authorizer record held in memory");
                    Ok(Some((*held).clone()))
                }
                None => Err(e.into()),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Applies `change` to the authorizer's current record (`None`: no record yet) and writes
    /// the result compare-and-set, re-reading and re-applying when another writer got there
    /// first. `change` returning `None` leaves the record as it is. Returns the record written
    /// (or kept) and where it is.
    pub(crate) async fn update_record<F>(
        &self,
        authorizer_appid: &str,
        change: F,
    ) -> Result<Option<(AuthorizerRecord, Durability)>, AuthError>
    where
        F: Fn(Option<&AuthorizerRecord>) -> Option<AuthorizerRecord>,
    {
        for _ in 0..UPDATE_ATTEMPTS {
            let held = self.records().authorizer(authorizer_appid);
            let stored = match self
                .durable()
                .get_authorizer(self.component_appid(), authorizer_appid)
                .await
            {
                Ok(stored) => stored,
                Err(e) if e.is_unavailable() => {
                    tracing::warn!(authorizer_appid, error = %e, "durable store unavailable; the record change is kept in memory and written back later");
                    let Some(mut next) = change(held.as_deref()) else {
                        return Ok(None);
                    };
                    next.version = held.as_ref().map_or(0, |h| h.version) + 1;
                    self.hold_pending(&next);
                    return Ok(Some((next, Durability::PendingWrite)));
                }
                Err(e) => return Err(e.into()),
            };
            // The newer of the two copies is the base of the change.
            let base = match (&stored, &held) {
                (Some(s), Some(h)) if h.version > s.version => Some((**h).clone()),
                (None, Some(h)) => Some((**h).clone()),
                (s, _) => s.clone(),
            };
            let Some(mut next) = change(base.as_ref()) else {
                return Ok(None);
            };
            next.version = base.as_ref().map_or(0, |b| b.version) + 1;
            next.updated_at = self.clock().now();
            let expected = stored.as_ref().map(|s| s.version);
            match self
                .durable()
                .put_authorizer_if(self.component_appid(), &next, expected)
                .await
            {
                Ok(true) => {
                    self.records().remember_authorizer(&next, false);
                    return Ok(Some((next, Durability::Stored)));
                }
                Ok(false) => {
                    tracing::debug!(authorizer_appid, "the record changed meanwhile; re-reading");
                }
                Err(e) if e.is_unavailable() => {
                    tracing::warn!(authorizer_appid, error = %e, "durable store unavailable; the record change is kept in memory and written back later");
                    self.hold_pending(&next);
                    return Ok(Some((next, Durability::PendingWrite)));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AuthError::Store(StoreError::unavailable(
            "durable",
            format_args!(
                "the record of authorizer {authorizer_appid} kept changing under {UPDATE_ATTEMPTS} attempts to update it; retry later"
            ),
        )))
    }

    fn hold_pending(&self, record: &AuthorizerRecord) {
        self.records().remember_authorizer(record, true);
        self.spawn_write_back();
    }

    /// Writes `held` over the store's copy of version `expected` (`None`: no copy), unless the
    /// store meanwhile holds a version at least as new.
    async fn write_back(&self, held: &AuthorizerRecord, expected: Option<u64>) {
        let appid = &held.authorizer_appid;
        match self
            .durable()
            .put_authorizer_if(self.component_appid(), held, expected)
            .await
        {
            Ok(true) => {
                self.records().mark_stored(appid, held.version);
                tracing::info!(authorizer_appid = %appid, version = held.version, "wrote the record held in memory to the durable store");
            }
            Ok(false) => {
                tracing::info!(authorizer_appid = %appid, "the durable store changed meanwhile; its copy is read next time");
            }
            Err(e) => {
                tracing::warn!(authorizer_appid = %appid, error = %e, "could not write the record held in memory back; retrying in the background");
                self.records().remember_authorizer(held, true);
                self.spawn_write_back();
            }
        }
    }

    /// Starts (once per component) the task that writes pending records back, retrying with a
    /// growing pause (0.5 s doubling to 30 s) until none is left.
    fn spawn_write_back(&self) {
        if !self.records().start_write_back() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.records().finish_write_back();
            return;
        };
        let this = self.clone();
        runtime.spawn(async move {
            let mut pause = Duration::from_millis(500);
            loop {
                tokio::time::sleep(pause).await;
                for appid in this.records().pending() {
                    // Reading reconciles: a newer held copy is written back, a newer stored one wins.
                    if let Err(e) = this.load_record(&appid).await {
                        tracing::debug!(authorizer_appid = %appid, error = %e, "write-back still waiting for the durable store");
                    }
                }
                if this.records().pending().is_empty() && this.records().finish_write_back() {
                    return;
                }
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        });
    }
}
