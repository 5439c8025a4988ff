//! An in-process mirror of the durable data this process has read or written (authorizer
//! records, the verify ticket). It serves two purposes:
//! - when the durable store is unreachable (or lost the data), refreshes go on from it;
//! - the per-call permission check reads a recent copy (younger than [`RECENT`]) instead of
//!   making a store round trip on every call.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::store::{AuthorizerRecord, VerifyTicket};

#[derive(Default)]
pub(crate) struct RecordMirror {
    state: Mutex<State>,
}

/// How long a mirrored record stands in for the store in the permission check. A revocation
/// made by another process is seen within this time (this process's own, at once).
pub(crate) const RECENT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct State {
    authorizers: HashMap<String, (AuthorizerRecord, Instant)>,
    ticket: Option<VerifyTicket>,
}

impl RecordMirror {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn remember_authorizer(&self, record: &AuthorizerRecord) {
        self.state()
            .authorizers
            .insert(record.authorizer_appid.clone(), (record.clone(), Instant::now()));
    }

    pub(crate) fn authorizer(&self, appid: &str) -> Option<AuthorizerRecord> {
        self.state().authorizers.get(appid).map(|(r, _)| r.clone())
    }

    /// The mirrored record if it was read or written within [`RECENT`].
    pub(crate) fn recent_authorizer(&self, appid: &str) -> Option<AuthorizerRecord> {
        self.state()
            .authorizers
            .get(appid)
            .filter(|(_, at)| at.elapsed() < RECENT)
            .map(|(r, _)| r.clone())
    }

    pub(crate) fn remember_ticket(&self, ticket: &VerifyTicket) {
        self.state().ticket = Some(ticket.clone());
    }

    pub(crate) fn ticket(&self) -> Option<VerifyTicket> {
        self.state().ticket.clone()
    }
}
