//! Who is calling: token checks for component APIs and for business APIs.

use super::Call;
use crate::state::State;
use crate::state::tokens::TokenKind;
use crate::wire::{WxError, code};

/// Permission sets of `card/invoice/insert` and `card/invoice/seturl` (either suffices).
pub(crate) const SETS_CARD_OR_INVOICE: &[u32] = &[8, 26];
/// Permission set of the other invoice APIs.
pub(crate) const SETS_INVOICE: &[u32] = &[26];

/// The account a business call acts as.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub appid: String,
    pub kind: TokenKind,
}

/// Checks `access_token` for a business API and counts the call against the caller's daily
/// quota of the path (45009 when used up). `sets`: permission sets of which an authorizer
/// token needs one (empty = no permission check). Direct tokens have every set.
pub(crate) fn business(st: &mut State, q: &Call, sets: &[u32]) -> Result<Caller, WxError> {
    let caller = business_caller(st, q, sets)?;
    st.quotas.spend(&caller.appid, &q.path)?;
    Ok(caller)
}

fn business_caller(st: &State, q: &Call, sets: &[u32]) -> Result<Caller, WxError> {
    let record = st.tokens.check(q.get("access_token").map(String::as_str))?;
    match record.kind {
        TokenKind::Component => Err(WxError::new(
            code::INVALID_CREDENTIAL,
            "invalid credential, access_token is invalid or not latest (a component_access_token cannot call merchant APIs; use an authorizer_access_token)",
        )),
        TokenKind::Direct => Ok(Caller {
            appid: record.appid.clone(),
            kind: record.kind,
        }),
        TokenKind::Wecom => Err(wecom_token_here()),
        TokenKind::Authorizer => {
            let granted = st
                .auth
                .accounts
                .get(&record.appid)
                .and_then(|a| a.grant.as_ref())
                .filter(|g| g.active)
                .is_some_and(|g| sets.is_empty() || sets.iter().any(|s| g.func_ids.contains(s)));
            if granted {
                Ok(Caller {
                    appid: record.appid.clone(),
                    kind: record.kind,
                })
            } else {
                let needed: Vec<String> = sets.iter().map(u32::to_string).collect();
                Err(WxError::new(
                    code::API_UNAUTHORIZED,
                    format!(
                        "api unauthorized: the authorizer did not grant permission set {}",
                        needed.join(" or ")
                    ),
                ))
            }
        }
    }
}

fn wecom_token_here() -> WxError {
    WxError::new(
        code::INVALID_CREDENTIAL,
        "invalid credential, access_token is invalid or not latest (a WeCom token only works on qyapi.weixin.qq.com)",
    )
}

/// Any valid WeChat token (component, authorizer or direct) in `access_token` (or
/// `component_access_token`): whose account it is and which kind. Not counted.
pub(crate) fn any_token(st: &State, q: &Call) -> Result<Caller, WxError> {
    let token = q
        .get("access_token")
        .or_else(|| q.get("component_access_token"))
        .map(String::as_str);
    let record = st.tokens.check(token)?;
    if record.kind == TokenKind::Wecom {
        return Err(wecom_token_here());
    }
    Ok(Caller {
        appid: record.appid.clone(),
        kind: record.kind,
    })
}

/// An account's own token (direct mode) for APIs that third-party platforms may not call
/// (`nontax/*`): an authorizer token answers 48001, counted against the daily quota otherwise.
pub(crate) fn own_token(st: &mut State, q: &Call) -> Result<Caller, WxError> {
    let caller = business_caller(st, q, &[])?;
    if caller.kind == TokenKind::Authorizer {
        return Err(WxError::new(
            code::API_UNAUTHORIZED,
            "api unauthorized: this API cannot be called by a third-party platform; use the account's own access_token",
        ));
    }
    st.quotas.spend(&caller.appid, &q.path)?;
    Ok(caller)
}

/// A WeCom corp token in `access_token` (a WeChat token answers 40014), counted against the
/// corp's daily quota of the path; returns the corpid.
pub(crate) fn wecom(st: &mut State, q: &Call) -> Result<String, WxError> {
    let record = st.tokens.check(q.get("access_token").map(String::as_str))?;
    if record.kind != TokenKind::Wecom {
        return Err(WxError::new(
            code::INVALID_ACCESS_TOKEN,
            "invalid access_token (WeCom APIs need a token from cgi-bin/gettoken with corpid and corpsecret)",
        ));
    }
    let corpid = record.appid.clone();
    st.quotas.spend(&corpid, &q.path)?;
    Ok(corpid)
}

/// Checks `component_access_token` (or its alias `access_token`) for a component API and
/// counts the call against the component's daily quota of the path.
pub(crate) fn component(st: &mut State, q: &Call) -> Result<(), WxError> {
    let token = q
        .get("component_access_token")
        .or_else(|| q.get("access_token"))
        .map(String::as_str);
    let record = st.tokens.check(token)?;
    if record.kind == TokenKind::Component {
        let appid = record.appid.clone();
        st.quotas.spend(&appid, &q.path)
    } else {
        Err(WxError::new(
            code::INVALID_CREDENTIAL,
            "invalid credential, access_token is invalid or not latest (component APIs need a component_access_token)",
        ))
    }
}
