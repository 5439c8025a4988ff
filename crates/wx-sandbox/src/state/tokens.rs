//! Access tokens handed out by the sandbox and the checks every call makes against them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::ids;
use crate::wire::{WxError, code};

/// Which API issued a token; decides where the token is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// `component_access_token` from `api_component_token`: component APIs only.
    Component,
    /// `authorizer_access_token`: business APIs, limited to the granted permission sets.
    Authorizer,
    /// Direct-mode token from `/cgi-bin/stable_token`: business APIs, every set.
    Direct,
    /// WeCom corp token from `/wecom/cgi-bin/gettoken`: WeCom APIs only.
    Wecom,
}

/// Why a token stopped working before its time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Live,
    Revoked,
    Expired,
}

#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    pub appid: String,
    pub kind: TokenKind,
    expires_at: Instant,
    ended: Ended,
}

impl TokenRecord {
    fn is_usable(&self, now: Instant) -> bool {
        self.ended == Ended::Live && now < self.expires_at
    }
}

/// Every token issued so far, keyed by its value (no `Debug`: the keys are tokens).
#[derive(Default)]
pub(crate) struct Tokens {
    by_value: HashMap<String, TokenRecord>,
}

impl Tokens {
    /// Issues a new token valid for `ttl`.
    pub(crate) fn issue(&mut self, appid: &str, kind: TokenKind, ttl: Duration) -> String {
        let value = format!("{}_{}", ids::digits(2), ids::alphanumeric(96));
        self.by_value.insert(
            value.clone(),
            TokenRecord {
                appid: appid.to_owned(),
                kind,
                expires_at: Instant::now() + ttl,
                ended: Ended::Live,
            },
        );
        value
    }

    /// The newest still-usable token of `appid` and `kind`, with its remaining lifetime.
    pub(crate) fn current(&self, appid: &str, kind: TokenKind) -> Option<(String, Duration)> {
        let now = Instant::now();
        self.by_value
            .iter()
            .filter(|(_, r)| r.appid == appid && r.kind == kind && r.is_usable(now))
            .max_by_key(|(_, r)| r.expires_at)
            .map(|(v, r)| (v.clone(), r.expires_at.saturating_duration_since(now)))
    }

    /// Makes every live token of `appid` answer 40001 from now on.
    pub(crate) fn revoke_all(&mut self, appid: &str) -> usize {
        self.end_all(appid, None, Ended::Revoked)
    }

    /// Makes every live token of `appid` and `kind` answer 40001 from now on.
    pub(crate) fn revoke_kind(&mut self, appid: &str, kind: TokenKind) -> usize {
        self.end_all(appid, Some(kind), Ended::Revoked)
    }

    /// Makes every live token of `appid` answer 42001 from now on.
    pub(crate) fn expire_all(&mut self, appid: &str) -> usize {
        self.end_all(appid, None, Ended::Expired)
    }

    fn end_all(&mut self, appid: &str, kind: Option<TokenKind>, how: Ended) -> usize {
        let now = Instant::now();
        let mut n = 0;
        for r in self.by_value.values_mut() {
            if r.appid == appid && kind.is_none_or(|k| k == r.kind) && r.is_usable(now) {
                r.ended = how;
                n += 1;
            }
        }
        n
    }

    /// The account a token was issued to, live or not (for the request log).
    pub(crate) fn owner(&self, token: &str) -> Option<&str> {
        self.by_value.get(token).map(|r| r.appid.as_str())
    }

    /// Checks a token from a query string: missing → 41001, not shaped like a token → 40014,
    /// unknown or revoked → 40001, expired → 42001.
    pub(crate) fn check(&self, token: Option<&str>) -> Result<&TokenRecord, WxError> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(WxError::new(code::ACCESS_TOKEN_MISSING, "access_token missing"));
        };
        if !well_formed(token) {
            return Err(WxError::new(code::INVALID_ACCESS_TOKEN, "invalid access_token"));
        }
        let Some(record) = self.by_value.get(token) else {
            return Err(WxError::new(
                code::INVALID_CREDENTIAL,
                "invalid credential, access_token is invalid or not latest",
            ));
        };
        match record.ended {
            Ended::Revoked => Err(WxError::new(
                code::INVALID_CREDENTIAL,
                "invalid credential, access_token is invalid or not latest",
            )),
            Ended::Expired => Err(expired()),
            Ended::Live if Instant::now() >= record.expires_at => Err(expired()),
            Ended::Live => Ok(record),
        }
    }
}

/// What any WeChat access token looks like: 16–512 characters of `[A-Za-z0-9_-]`. A
/// well-formed token the sandbox never issued is merely unknown (40001).
fn well_formed(token: &str) -> bool {
    (16..=512).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn expired() -> WxError {
    WxError::new(code::ACCESS_TOKEN_EXPIRED, "access_token expired")
}
