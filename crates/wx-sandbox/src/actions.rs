//! Admin actions, shared by the Rust API ([`crate::Sandbox`]) and the `/sandbox/...` HTTP API.

use std::collections::BTreeMap;

use crate::events::SandboxEvent;
use crate::fault::Fault;
use crate::state::Shared;
use crate::state::cards::CardSnapshot;
use crate::state::component::GrantChange;
use crate::state::tokens::TokenKind;

impl Shared {
    pub(crate) fn mint_verify_ticket(&self) -> String {
        self.lock().tickets.mint()
    }

    /// Mints a ticket and emits it as a `component_verify_ticket` push.
    pub(crate) fn push_verify_ticket(&self) -> String {
        let mut st = self.lock();
        let ticket = st.tickets.mint();
        st.emit(SandboxEvent::ComponentVerifyTicket { ticket: ticket.clone() });
        ticket
    }

    pub(crate) fn authorize(&self, authorizer_appid: &str, func_ids: &[u32]) -> String {
        let ttl = self.config.auth_code_ttl;
        let mut st = self.lock();
        let (code, change) = st.auth.authorize(authorizer_appid, func_ids, ttl);
        let (authorizer_appid, authorization_code) = (authorizer_appid.to_owned(), code.clone());
        match change {
            GrantChange::New => st.emit(SandboxEvent::Authorized {
                authorizer_appid,
                authorization_code,
            }),
            GrantChange::Updated => st.emit(SandboxEvent::UpdateAuthorized {
                authorizer_appid,
                authorization_code,
            }),
            GrantChange::Unchanged => {}
        }
        code
    }

    pub(crate) fn register_account(&self, appid: &str, appsecret: &str) {
        self.lock().auth.accounts.entry(appid.to_owned()).or_default().secret = Some(appsecret.to_owned());
    }

    pub(crate) fn revoke_token(&self, appid: &str) {
        self.lock().tokens.revoke_all(appid);
    }

    pub(crate) fn expire_token(&self, appid: &str) {
        self.lock().tokens.expire_all(appid);
    }

    pub(crate) fn unauthorize(&self, authorizer_appid: &str) {
        let mut st = self.lock();
        if st.auth.unauthorize(authorizer_appid) {
            st.emit(SandboxEvent::Unauthorized {
                authorizer_appid: authorizer_appid.to_owned(),
            });
        }
        st.tokens.revoke_kind(authorizer_appid, TokenKind::Authorizer);
    }

    pub(crate) fn inject_fault(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        self.lock().counts.clone()
    }

    pub(crate) fn reset_counts(&self) {
        self.lock().counts.clear();
    }

    pub(crate) fn current_refresh_token(&self, authorizer_appid: &str) -> Option<String> {
        let st = self.lock();
        st.auth
            .accounts
            .get(authorizer_appid)?
            .grant
            .as_ref()
            .filter(|g| g.active)?
            .refresh_token
            .clone()
    }

    pub(crate) fn reset(&self) {
        self.lock().reset(&self.config);
    }

    pub(crate) fn submit_invoice(&self, code: &str, reimburser_appid: &str) -> Option<String> {
        self.lock().cards.submit(code, reimburser_appid)
    }

    pub(crate) fn set_daily_limit(&self, path: &str, calls: u64) {
        self.lock().quotas.set_limit(path, calls);
    }

    pub(crate) fn card(&self, code: &str) -> Option<CardSnapshot> {
        self.lock().cards.by_code.get(code).cloned()
    }
}
