//! Admin actions of the families beyond the e-invoice one (WeCom, unified invoicing), shared
//! by the Rust API ([`crate::Sandbox`]) and the `/sandbox/...` HTTP API.

use crate::error::SandboxError;
use crate::routes::{finish_unified, issue_unified};
use crate::state::Shared;
use crate::state::unified::Outcome;

impl Shared {
    pub(crate) fn register_wecom_corp(&self, corpid: &str, corpsecret: &str) {
        self.lock().wecom.register(corpid, corpsecret);
    }

    pub(crate) fn set_wecom_corp(&self, corpid: &str, verified: bool, active_members: u32) -> Result<(), SandboxError> {
        let mut st = self.lock();
        let corp = st.wecom.corps.get_mut(corpid).ok_or_else(|| {
            SandboxError::NotFound(format!(
                "no WeCom enterprise {corpid}: register it with register_wecom_corp first"
            ))
        })?;
        corp.verified = verified;
        corp.active_members = active_members;
        Ok(())
    }

    pub(crate) fn submit_invoice_to_wecom(
        &self,
        code: &str,
        corpid: &str,
        userid: &str,
    ) -> Result<String, SandboxError> {
        let mut st = self.lock();
        if !st.wecom.corps.contains_key(corpid) {
            return Err(SandboxError::NotFound(format!(
                "no WeCom enterprise {corpid}: register it with register_wecom_corp first"
            )));
        }
        let holder = st
            .cards
            .by_code
            .get(code)
            .map(|c| c.user.clone())
            .ok_or_else(|| SandboxError::NotFound(format!("no card with code {code}")))?;
        let key = (corpid.to_owned(), userid.to_owned());
        match st.wecom.members.get(&key) {
            Some(user) if *user != holder => {
                return Err(SandboxError::NotFound(format!(
                    "member {userid} of {corpid} is another WeChat user than the holder of card {code}"
                )));
            }
            Some(_) => {}
            None => {
                st.wecom.members.insert(key, holder);
            }
        }
        st.cards
            .submit(code, corpid)
            .ok_or_else(|| SandboxError::NotFound(format!("no card with code {code}")))
    }

    pub(crate) fn openid(&self, appid: &str, user: &str) -> String {
        self.lock().cards.openid(appid, user)
    }

    pub(crate) fn hold_unified_results(&self, hold: bool) {
        self.lock().unified.hold = hold;
    }

    pub(crate) fn complete_unified_request(&self, fpqqlsh: &str, success: bool) -> Result<(), SandboxError> {
        let mut st = self.lock();
        let keys: Vec<(String, String)> = st
            .unified
            .requests
            .iter()
            .filter(|(_, r)| r.fpqqlsh == fpqqlsh && r.outcome == Outcome::Processing)
            .map(|(k, _)| k.clone())
            .collect();
        let [key] = keys.as_slice() else {
            return Err(SandboxError::NotFound(format!(
                "{} processing unified-invoicing requests with fpqqlsh {fpqqlsh} (expected exactly one)",
                keys.len()
            )));
        };
        let outcome = if success {
            issue_unified(self, &mut st, &key.0)
        } else {
            Outcome::Failed
        };
        if let Some(request) = st.unified.requests.get_mut(key) {
            request.outcome = outcome;
        }
        finish_unified(&mut st, key);
        Ok(())
    }
}
