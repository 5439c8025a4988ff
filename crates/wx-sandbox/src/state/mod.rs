//! Everything the sandbox remembers, behind one mutex (never held across an `.await`).

pub(crate) mod cards;
pub(crate) mod component;
pub(crate) mod media;
pub(crate) mod merchant;
pub(crate) mod platforms;
pub(crate) mod tokens;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::config::Config;
use crate::events::SandboxEvent;
use crate::fault::Fault;
use crate::push::PushDelivery;
use crate::state::cards::CardSnapshot;

/// The mutable state of one sandbox (no `Debug`: it holds tokens and secrets).
#[derive(Default)]
pub(crate) struct State {
    pub tickets: component::Tickets,
    pub auth: component::Authorizations,
    pub tokens: tokens::Tokens,
    pub media: media::MediaStore,
    pub cards: cards::Cards,
    pub platforms: platforms::Platforms,
    pub merchants: merchant::Merchants,
    pub counts: BTreeMap<String, u64>,
    pub faults: Vec<Fault>,
    /// Every event emitted so far, oldest first.
    pub events: Vec<SandboxEvent>,
    /// Queue of the push delivery task (set when a push URL is configured).
    pub push_queue: Option<tokio::sync::mpsc::UnboundedSender<SandboxEvent>>,
    /// Events queued for delivery and not finished yet.
    pub pushes_pending: usize,
    /// Every push attempt, oldest first.
    pub deliveries: Vec<PushDelivery>,
}

impl State {
    /// Records an event and queues it for pushing.
    pub(crate) fn emit(&mut self, event: SandboxEvent) {
        if let Some(queue) = &self.push_queue
            && queue.send(event.clone()).is_ok()
        {
            self.pushes_pending += 1;
        }
        self.events.push(event);
    }

    /// `update_invoice_status` to the card's platform and merchant.
    pub(crate) fn card_status_changed(&mut self, card: &CardSnapshot) {
        let mut targets = vec![card.platform_appid.clone()];
        if card.appid != card.platform_appid {
            targets.push(card.appid.clone());
        }
        for to_appid in targets {
            let openid = self.cards.openid(&to_appid, &card.user);
            self.emit(SandboxEvent::UpdateInvoiceStatus {
                to_appid,
                card_id: card.card_id.clone(),
                code: card.code.clone(),
                status: card.status.as_wire().to_owned(),
                openid,
            });
        }
    }

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

/// What the server tasks and every `Sandbox` clone share. Its `Debug` output leaves the
/// state out: it holds tokens and secrets.
pub(crate) struct Shared {
    pub config: Config,
    pub base_url: String,
    state: Mutex<State>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
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
