//! WeCom (企业微信) enterprises: their corp secret, whether they may call the invoice APIs,
//! and which simulated WeChat user each member (`userid`) is.

use std::collections::HashMap;

/// Activated members an enterprise needs for the batch read (`getinvoiceinfobatch`).
pub(crate) const BATCH_MIN_ACTIVE_MEMBERS: u32 = 201;

/// One enterprise (no `Debug`: holds its secret).
#[derive(Clone)]
pub(crate) struct Corp {
    pub secret: String,
    /// Verified (认证) enterprises may call W1–W4.
    pub verified: bool,
    /// Activated members; the batch read needs more than 200.
    pub active_members: u32,
}

/// Every enterprise and member.
#[derive(Default)]
pub(crate) struct Wecom {
    pub corps: HashMap<String, Corp>,
    /// (corpid, userid) → the simulated WeChat user who is that member.
    pub members: HashMap<(String, String), String>,
}

impl Wecom {
    /// Registers (or re-keys) an enterprise: verified, with 1000 activated members.
    pub(crate) fn register(&mut self, corpid: &str, secret: &str) {
        let corp = self.corps.entry(corpid.to_owned()).or_insert(Corp {
            secret: String::new(),
            verified: true,
            active_members: 1000,
        });
        secret.clone_into(&mut corp.secret);
    }

    /// The simulated user who is member `userid` of `corpid`, if known.
    pub(crate) fn member(&self, corpid: &str, userid: &str) -> Option<&str> {
        self.members
            .get(&(corpid.to_owned(), userid.to_owned()))
            .map(String::as_str)
    }
}
