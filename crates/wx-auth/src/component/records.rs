//! An in-process mirror of the durable data this process has read or written (authorizer
//! records, the verify ticket). It serves three purposes:
//! - when the durable store is unreachable (or lost the data), refreshes go on from it;
//! - a record the store could not take yet (a new grant during an outage) waits here,
//!   marked pending, until the write-back lands;
//! - the per-call permission check reads a recent copy (younger than [`RECENT`]) instead of
//!   making a store round trip on every call. Copies are shared (`Arc`), never cloned per call.
//!
//! Over an in-process store ([`MemoryStore`](crate::MemoryStore): never unreachable, never
//! rolled back) the store's own shared copy serves all three, so the mirror keeps only records
//! not yet stored and holds no second copy of the others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::store::{AuthorizerRecord, VerifyTicket};

#[derive(Default)]
pub(crate) struct RecordMirror {
    state: Mutex<State>,
    /// Only records waiting for the store are kept (the store is in this process).
    pending_only: bool,
}

/// How long a mirrored record stands in for the store in the permission check. A revocation
/// made by another process is seen within this time (this process's own, at once).
pub(crate) const RECENT: Duration = Duration::from_secs(30);

struct Mirrored {
    record: Arc<AuthorizerRecord>,
    seen: Instant,
    /// Written here but not (yet) to the durable store.
    pending: bool,
}

#[derive(Default)]
struct State {
    authorizers: HashMap<String, Mirrored>,
    ticket: Option<VerifyTicket>,
    write_back_running: bool,
}

impl RecordMirror {
    /// A mirror for a durable store in this process: it holds pending records only.
    pub(crate) fn pending_only() -> Self {
        Self {
            pending_only: true,
            ..Self::default()
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remembers `record` as the store holds it (or, with `pending`, as it must come to hold
    /// it). A copy with a lower version than the one held is ignored.
    pub(crate) fn remember_authorizer(&self, record: &AuthorizerRecord, pending: bool) {
        let mut state = self.state();
        if let Some(held) = state.authorizers.get(&record.authorizer_appid)
            && held.record.version > record.version
        {
            return;
        }
        if self.pending_only && !pending {
            // The store has it now; its copy is the one read.
            state.authorizers.remove(&record.authorizer_appid);
            return;
        }
        state.authorizers.insert(
            record.authorizer_appid.clone(),
            Mirrored {
                record: Arc::new(record.clone()),
                seen: Instant::now(),
                pending,
            },
        );
    }

    pub(crate) fn authorizer(&self, appid: &str) -> Option<Arc<AuthorizerRecord>> {
        self.state().authorizers.get(appid).map(|m| m.record.clone())
    }

    /// Whether the mirrored record of `appid` still waits for the durable store.
    pub(crate) fn is_pending(&self, appid: &str) -> bool {
        self.state().authorizers.get(appid).is_some_and(|m| m.pending)
    }

    /// The appids whose records wait for the durable store.
    pub(crate) fn pending(&self) -> Vec<String> {
        self.state()
            .authorizers
            .iter()
            .filter(|(_, m)| m.pending)
            .map(|(appid, _)| appid.clone())
            .collect()
    }

    /// Marks the mirrored record of `appid` as stored, if it is still version `version`.
    pub(crate) fn mark_stored(&self, appid: &str, version: u64) {
        if let Some(m) = self.state().authorizers.get_mut(appid)
            && m.record.version == version
        {
            m.pending = false;
        }
    }

    /// The mirrored record if it was read or written within [`RECENT`].
    pub(crate) fn recent_authorizer(&self, appid: &str) -> Option<Arc<AuthorizerRecord>> {
        self.state()
            .authorizers
            .get(appid)
            .filter(|m| m.seen.elapsed() < RECENT)
            .map(|m| m.record.clone())
    }

    pub(crate) fn remember_ticket(&self, ticket: &VerifyTicket) {
        self.state().ticket = Some(ticket.clone());
    }

    pub(crate) fn ticket(&self) -> Option<VerifyTicket> {
        self.state().ticket.clone()
    }

    /// Claims the right to run the write-back task; `false` if one already runs.
    pub(crate) fn start_write_back(&self) -> bool {
        !std::mem::replace(&mut self.state().write_back_running, true)
    }

    /// Ends the write-back task's claim, unless records became pending meanwhile (then the
    /// task goes on: returns `false`).
    pub(crate) fn finish_write_back(&self) -> bool {
        let mut state = self.state();
        if state.authorizers.values().any(|m| m.pending) {
            return false;
        }
        state.write_back_running = false;
        true
    }
}
