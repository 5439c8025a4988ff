//! Everything the sandbox remembers, behind one mutex (never held across an `.await`).

pub(crate) mod cards;
pub(crate) mod component;
pub(crate) mod media;
pub(crate) mod merchant;
pub(crate) mod nontax;
pub(crate) mod platforms;
pub(crate) mod quota;
pub(crate) mod requests;
pub(crate) mod tokens;
pub(crate) mod unified;
pub(crate) mod wecom;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::config::Config;
use crate::events::SandboxEvent;
use crate::fault::Fault;
use crate::push::PushDelivery;
use crate::state::cards::CardSnapshot;

/// The mutable state of one sandbox (no `Debug`: it holds tokens and secrets).
pub(crate) struct State {
    pub tickets: component::Tickets,
    pub auth: component::Authorizations,
    pub tokens: tokens::Tokens,
    pub media: media::MediaStore,
    pub cards: cards::Cards,
    pub platforms: platforms::Platforms,
    pub merchants: merchant::Merchants,
    pub quotas: quota::Quotas,
    pub wecom: wecom::Wecom,
    pub nontax: nontax::Nontax,
    pub unified: unified::Unified,
    /// Authorizer options by (authorizer appid, option name).
    pub authorizer_options: std::collections::HashMap<(String, String), String>,
    /// The newest failed calls, for `openapi/rid/get` (at most `log_capacity`).
    pub calls: VecDeque<requests::RecordedCall>,
    pub counts: BTreeMap<String, u64>,
    pub faults: Vec<Fault>,
    /// The newest events emitted, oldest first (at most `log_capacity`).
    pub events: VecDeque<SandboxEvent>,
    /// How many events and deliveries are kept.
    pub log_capacity: usize,
    /// Queue of the push delivery task (set when a push URL is configured).
    pub push_queue: Option<tokio::sync::mpsc::UnboundedSender<SandboxEvent>>,
    /// Events queued for delivery and not finished yet.
    pub pushes_pending: usize,
    /// The newest push attempts, oldest first (at most `log_capacity`).
    pub deliveries: VecDeque<PushDelivery>,
}

/// Appends to a bounded log, dropping the oldest entries beyond `capacity`.
fn bounded_push<T>(log: &mut VecDeque<T>, capacity: usize, item: T) {
    log.push_back(item);
    while log.len() > capacity.max(1) {
        log.pop_front();
    }
}

impl State {
    /// A clean state for these settings.
    pub(crate) fn new(config: &Config) -> Self {
        Self {
            tickets: component::Tickets::default(),
            auth: component::Authorizations::default(),
            tokens: tokens::Tokens::default(),
            media: media::MediaStore::default(),
            cards: cards::Cards::default(),
            platforms: platforms::Platforms::default(),
            merchants: merchant::Merchants::default(),
            quotas: quota::Quotas::with_limits(config.daily_limits.clone()),
            wecom: wecom::Wecom::default(),
            nontax: nontax::Nontax::default(),
            unified: unified::Unified::default(),
            authorizer_options: std::collections::HashMap::new(),
            calls: VecDeque::new(),
            counts: BTreeMap::new(),
            faults: Vec::new(),
            events: VecDeque::new(),
            log_capacity: config.log_capacity,
            push_queue: None,
            pushes_pending: 0,
            deliveries: VecDeque::new(),
        }
    }

    /// Records an event and queues it for pushing.
    pub(crate) fn emit(&mut self, event: SandboxEvent) {
        if let Some(queue) = &self.push_queue
            && queue.send(event.clone()).is_ok()
        {
            self.pushes_pending += 1;
        }
        bounded_push(&mut self.events, self.log_capacity, event);
    }

    /// Records a failed call for `openapi/rid/get`.
    pub(crate) fn record_call(&mut self, call: requests::RecordedCall) {
        bounded_push(&mut self.calls, self.log_capacity, call);
    }

    /// Records a push attempt.
    pub(crate) fn record_delivery(&mut self, delivery: PushDelivery) {
        bounded_push(&mut self.deliveries, self.log_capacity, delivery);
    }

    /// Forgets every account, token, card, order, count, fault, quota and log entry; the
    /// push queue and the settings stay.
    pub(crate) fn reset(&mut self, config: &Config) {
        let queue = self.push_queue.take();
        let pending = self.pushes_pending;
        *self = Self::new(config);
        self.push_queue = queue;
        self.pushes_pending = pending;
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
            state: Mutex::new(State::new(&config)),
            config,
            base_url,
        }
    }

    /// Locks the state. A panic elsewhere never makes the sandbox unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
