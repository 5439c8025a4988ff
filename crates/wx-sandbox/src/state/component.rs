//! Third-party-platform state: verify tickets, authorization codes, accounts and their grants.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::ids;
use crate::wire::{WxError, code, unix_now};

/// Verify tickets minted so far (newest last).
#[derive(Default)]
pub(crate) struct Tickets {
    minted: Vec<(String, Instant)>,
}

impl Tickets {
    /// Mints a new ticket; it becomes the newest.
    pub(crate) fn mint(&mut self) -> String {
        let ticket = ids::prefixed("ticket", 86);
        self.minted.push((ticket.clone(), Instant::now()));
        if self.minted.len() > 256 {
            self.minted.remove(0);
        }
        ticket
    }

    /// Unknown → 61006; older than `ttl` → 61005 (the newest ticket never expires, as
    /// WeChat keeps accepting it while pushes fail).
    pub(crate) fn check(&self, ticket: &str, ttl: Duration) -> Result<(), WxError> {
        let Some(pos) = self.minted.iter().position(|(t, _)| t == ticket) else {
            return Err(WxError::new(code::TICKET_INVALID, "component ticket is invalid"));
        };
        let newest = pos + 1 == self.minted.len();
        if !newest && self.minted[pos].1.elapsed() >= ttl {
            return Err(WxError::new(code::TICKET_EXPIRED, "component ticket is expired"));
        }
        Ok(())
    }
}

/// A permission grant an authorizer gave the component (no `Debug`: holds the refresh token).
#[derive(Clone)]
pub(crate) struct Grant {
    pub func_ids: Vec<u32>,
    /// `None` until the authorization code was exchanged.
    pub refresh_token: Option<String>,
    /// `false` after `unauthorize`.
    pub active: bool,
    pub auth_time: i64,
}

/// An Official Account known to the sandbox (no `Debug`: holds its secret).
#[derive(Clone, Default)]
pub(crate) struct Account {
    /// Set for direct (self-built) mode accounts.
    pub secret: Option<String>,
    /// Set once the account authorized the component.
    pub grant: Option<Grant>,
}

/// An authorization code waiting for `api_query_auth`.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub appid: String,
    pub expires_at: Instant,
    pub used: bool,
}

/// What happened to a grant on (re-)authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantChange {
    /// First grant, or a grant after revocation.
    New,
    /// Re-authorization with different permission sets.
    Updated,
    /// Re-authorization with the same permission sets.
    Unchanged,
}

/// All accounts, grants and codes.
#[derive(Default)]
pub(crate) struct Authorizations {
    pub accounts: BTreeMap<String, Account>,
    pub codes: HashMap<String, AuthCode>,
    pub preauth_codes: HashMap<String, Instant>,
}

impl Authorizations {
    /// Records a merchant's confirmation and returns the authorization code.
    pub(crate) fn authorize(&mut self, appid: &str, func_ids: &[u32], code_ttl: Duration) -> (String, GrantChange) {
        let account = self.accounts.entry(appid.to_owned()).or_default();
        let mut sets = func_ids.to_vec();
        sets.sort_unstable();
        sets.dedup();
        let change = match &account.grant {
            Some(g) if g.active && g.func_ids == sets => GrantChange::Unchanged,
            Some(g) if g.active => GrantChange::Updated,
            _ => GrantChange::New,
        };
        let refresh_token = account
            .grant
            .as_ref()
            .filter(|g| g.active)
            .and_then(|g| g.refresh_token.clone());
        account.grant = Some(Grant {
            func_ids: sets,
            refresh_token,
            active: true,
            auth_time: unix_now(),
        });
        let code = ids::prefixed("queryauthcode", 64);
        self.codes.insert(
            code.clone(),
            AuthCode {
                appid: appid.to_owned(),
                expires_at: Instant::now() + code_ttl,
                used: false,
            },
        );
        (code, change)
    }

    /// Revokes a grant; returns whether there was an active one.
    pub(crate) fn unauthorize(&mut self, appid: &str) -> bool {
        self.codes.retain(|_, c| c.appid != appid);
        match self.accounts.get_mut(appid).and_then(|a| a.grant.as_mut()) {
            Some(g) if g.active => {
                g.active = false;
                g.refresh_token = None;
                true
            }
            _ => false,
        }
    }

    /// The active grant of `appid`, or 61003.
    pub(crate) fn active_grant_mut(&mut self, appid: &str) -> Result<&mut Grant, WxError> {
        self.accounts
            .get_mut(appid)
            .and_then(|a| a.grant.as_mut())
            .filter(|g| g.active)
            .ok_or_else(|| {
                WxError::new(
                    code::COMPONENT_NOT_AUTHORIZED,
                    "component is not authorized by this account",
                )
            })
    }

    /// Consumes an authorization code: unknown/used → 61009, expired → 61010.
    pub(crate) fn take_code(&mut self, auth_code: &str) -> Result<String, WxError> {
        let invalid = || WxError::new(code::CODE_INVALID, "code is invalid");
        let entry = self.codes.get_mut(auth_code).ok_or_else(invalid)?;
        if entry.used {
            return Err(invalid());
        }
        if Instant::now() >= entry.expires_at {
            return Err(WxError::new(code::CODE_EXPIRED, "code is expired"));
        }
        entry.used = true;
        Ok(entry.appid.clone())
    }
}

/// `func_info` as WeChat prints it.
pub(crate) fn func_info(func_ids: &[u32]) -> serde_json::Value {
    serde_json::Value::Array(
        func_ids
            .iter()
            .map(|id| serde_json::json!({"funcscope_category": {"id": id}}))
            .collect(),
    )
}
