//! Everything the sandbox remembers, behind one mutex (never held across an `.await`).

pub(crate) mod cards;
pub(crate) mod component;
pub(crate) mod media;
pub(crate) mod tokens;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::config::Config;
use crate::fault::Fault;

/// The mutable state of one sandbox.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub tickets: component::Tickets,
    pub auth: component::Authorizations,
    pub tokens: tokens::Tokens,
    pub media: media::MediaStore,
    pub cards: cards::Cards,
    pub counts: BTreeMap<String, u64>,
    pub faults: Vec<Fault>,
}

impl State {
    /// Removes and returns the fault to apply to this call of `path`, if one is queued.
    pub(crate) fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let pos = self.faults.iter().position(|f| f.path == path)?;
        let fault = &mut self.faults[pos];
        let out = fault.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.faults.remove(pos);
        }
        Some(out)
    }
}

/// What the server tasks and every `Sandbox` clone share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    pub base_url: String,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn new(config: Config, base_url: String) -> Self {
        Self {
            config,
            base_url,
            state: Mutex::new(State::default()),
        }
    }

    /// Locks the state. A panic elsewhere never makes the sandbox unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
