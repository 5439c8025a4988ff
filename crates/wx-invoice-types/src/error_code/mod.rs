//! The WeChat error codes this SDK meets, as data (spec invoice-api §9, open-platform §7,
//! invoice-api-more §1.7, §4.8, and the WeCom codes the SDK meets).
//!
//! [`CATALOGUE`] holds one [`ErrorCodeInfo`] per code, sorted by code; [`lookup`] finds one.
//! Each entry has an [`ErrorClass`] that says how a caller should react. The table in
//! `docs/errors.md` is generated from this data and checked by a test.

mod catalogue;

#[cfg(test)]
mod tests;

use std::fmt;

pub use catalogue::CATALOGUE;

/// How to react to an error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Transient on WeChat's side (busy, a concurrent change in flight): retried with backoff
    /// by the SDK for calls that are safe to repeat.
    Retry,
    /// A daily quota is used up: never retried; it clears at midnight China time (UTC+8).
    Quota,
    /// The access token was rejected: drop that token, fetch a new one, retry once.
    RefreshToken,
    /// The operation already happened under this key (e.g. this order id was inserted before):
    /// do not repeat it.
    AlreadyDone,
    /// Something equal already exists under another key (this invoice's code and number are
    /// already in a card package, possibly under another order).
    Duplicate,
    /// The account, the third-party platform or the user has not granted this: get the
    /// authorization or permission set first.
    NotAuthorized,
    /// The request or the configuration is wrong: correct it; sending it again fails again.
    FixRequest,
    /// A setup step is missing (contact, auth fields, pay mchid, IP whitelist, verify-ticket
    /// pushes).
    SetupMissing,
    /// The invoice or order is in a state that forbids this (locked, cancelled, rejected).
    State,
}

impl ErrorClass {
    /// Every class, in declaration order.
    pub const ALL: [ErrorClass; 9] = [
        Self::Retry,
        Self::Quota,
        Self::RefreshToken,
        Self::AlreadyDone,
        Self::Duplicate,
        Self::NotAuthorized,
        Self::FixRequest,
        Self::SetupMissing,
        Self::State,
    ];

    /// The class name as written in docs and logs, e.g. `RefreshToken`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retry => "Retry",
            Self::Quota => "Quota",
            Self::RefreshToken => "RefreshToken",
            Self::AlreadyDone => "AlreadyDone",
            Self::Duplicate => "Duplicate",
            Self::NotAuthorized => "NotAuthorized",
            Self::FixRequest => "FixRequest",
            Self::SetupMissing => "SetupMissing",
            Self::State => "State",
        }
    }

    /// Whether an error of this class is transient, so that the SDK sends a call that is safe
    /// to repeat again after a backoff.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::Retry)
    }

    /// What the SDK itself does on an error of this class, as written in `docs/errors.md`.
    pub fn sdk_reaction(self) -> &'static str {
        match self {
            Self::Retry => "retried with backoff (calls safe to repeat)",
            Self::Quota => "never retried; the error says when the quota clears",
            Self::RefreshToken => "token dropped, call resent once with a fresh one",
            _ => "not retried",
        }
    }

    /// One sentence telling a caller what to do about an error of this class.
    pub fn what_to_do(self) -> &'static str {
        match self {
            Self::Retry => {
                "WeChat is busy: the SDK already retried calls that are safe to repeat, so retry \
                 later with bounded exponential backoff; if it persists, report it."
            }
            Self::Quota => {
                "Do not retry before the quota clears at midnight China time (UTC+8); an urgent \
                 reset is possible with clear_quota (10 resets per account per month)."
            }
            Self::RefreshToken => {
                "Invalidate exactly the rejected access token, obtain a fresh one and retry \
                 once; if it fails again, check that the token belongs to the right account."
            }
            Self::AlreadyDone => {
                "Do not send it again: the operation already took effect earlier, so use the \
                 result you stored from the first success (e.g. the card code of an insert)."
            }
            Self::Duplicate => {
                "Do not send it again: an equal record already exists under another key (e.g. \
                 this invoice under another order); find the earlier one."
            }
            Self::NotAuthorized => {
                "Obtain the missing authorization first (user authorization of the order, the \
                 merchant's grant of permission set 8/26, or a new authorization), then retry."
            }
            Self::FixRequest => {
                "Correct the request or the configuration named in the message; repeating the \
                 same request will fail the same way."
            }
            Self::SetupMissing => {
                "Complete the setup step (e.g. setbizattr set_contact, set_auth_field, \
                 set_pay_mch, the IP whitelist, or the verify-ticket pushes), then retry."
            }
            Self::State => {
                "The invoice or order is in a state that forbids this action; read its current \
                 state and change it first, or start again with a new order_id."
            }
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One known WeChat error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCodeInfo {
    /// The `errcode`.
    pub code: i64,
    /// The start of WeChat's `errmsg` for this code (the rest varies: ` hint: [...]`, ` rid: ...`).
    pub name: &'static str,
    /// What the code means in practice.
    pub meaning: &'static str,
    /// How to react.
    pub class: ErrorClass,
}

/// The catalogue entry for `code`, if it is known.
pub fn lookup(code: i64) -> Option<&'static ErrorCodeInfo> {
    CATALOGUE
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .and_then(|index| CATALOGUE.get(index))
}
