//! [`Sandbox`] admin actions of the WeCom and unified-invoicing emulations.

use super::Sandbox;
use crate::error::SandboxError;

impl Sandbox {
    /// The base URL of the emulated WeCom host (`qyapi.weixin.qq.com`): [`base_url`]
    /// followed by `/wecom`. Give it to WeCom clients; WeChat paths are not served there, nor
    /// WeCom paths on [`base_url`].
    ///
    /// [`base_url`]: Sandbox::base_url
    pub fn wecom_base_url(&self) -> String {
        format!("{}/wecom", self.inner.shared.base_url)
    }

    /// Registers a WeCom enterprise whose `cgi-bin/gettoken` accepts `corpsecret` (a new secret
    /// replaces the old). It starts verified, with 1000 activated members.
    pub fn register_wecom_corp(&self, corpid: &str, corpsecret: &str) {
        self.inner.shared.register_wecom_corp(corpid, corpsecret);
    }

    /// Sets whether the enterprise is verified (unverified ones get 48002 from W1–W4) and how
    /// many members are activated (the batch read needs more than 200, else 48002).
    pub fn set_wecom_corp(&self, corpid: &str, verified: bool, active_members: u32) -> Result<(), SandboxError> {
        self.inner.shared.set_wecom_corp(corpid, verified, active_members)
    }

    /// Simulates the employee `userid` of `corpid` picking the card `code` in WeCom
    /// (`ww.chooseInvoice`): returns the `encrypt_code` only that enterprise may use with
    /// W1–W4. The member becomes the card holder's WeChat identity, so
    /// `user/convert_to_openid` of `userid` gives the openid W4 expects.
    pub fn submit_invoice_to_wecom(&self, code: &str, corpid: &str, userid: &str) -> Result<String, SandboxError> {
        self.inner.shared.submit_invoice_to_wecom(code, corpid, userid)
    }

    /// The stable openid of the simulated user `user` under `appid` (the same the other
    /// answers use), e.g. a buyer's `wxopenid` for unified invoicing.
    pub fn openid(&self, appid: &str, user: &str) -> String {
        self.inner.shared.openid(appid, user)
    }

    /// `true`: unified-invoicing requests stay processing (`queryinvoceinfo` answers 73107)
    /// until [`complete_unified_request`](Self::complete_unified_request). `false` (default):
    /// each is issued as soon as it is accepted and its result pushed.
    pub fn hold_unified_results(&self, hold: bool) {
        self.inner.shared.hold_unified_results(hold);
    }

    /// Decides the held unified-invoicing request `fpqqlsh`: issued (`success`) or failed;
    /// pushes `cloud_invoice_invoiceresult_event` with status 100 or 2.
    pub fn complete_unified_request(&self, fpqqlsh: &str, success: bool) -> Result<(), SandboxError> {
        self.inner.shared.complete_unified_request(fpqqlsh, success)
    }
}
