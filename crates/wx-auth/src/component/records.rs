//! An in-process mirror of the durable data this process has read or written (authorizer
//! records, the verify ticket), used only when the durable store is unreachable, so a store
//! outage never stops token refreshes that WeChat could serve.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::store::{AuthorizerRecord, VerifyTicket};

#[derive(Default)]
pub(crate) struct RecordMirror {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    authorizers: HashMap<String, AuthorizerRecord>,
    ticket: Option<VerifyTicket>,
}

impl RecordMirror {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn remember_authorizer(&self, record: &AuthorizerRecord) {
        self.state()
            .authorizers
            .insert(record.authorizer_appid.clone(), record.clone());
    }

    pub(crate) fn authorizer(&self, appid: &str) -> Option<AuthorizerRecord> {
        self.state().authorizers.get(appid).cloned()
    }

    pub(crate) fn remember_ticket(&self, ticket: &VerifyTicket) {
        self.state().ticket = Some(ticket.clone());
    }

    pub(crate) fn ticket(&self) -> Option<VerifyTicket> {
        self.state().ticket.clone()
    }
}
