//! Which permission sets each invoice call needs from a third-party platform's authorizer, and
//! the check made before sending (spec invoice-api §1.3, §2).

use wx_auth::TokenSource;
use wx_auth::permissions::{CARDS, E_INVOICE};
use wx_auth::transport::Requirement;

use crate::error::InvoiceError;

/// `seturl`, `insert` and the generic card API `card/code/decrypt`: either the card set or the
/// e-invoice set.
pub const CARDS_OR_E_INVOICE: &[u32] = &[CARDS, E_INVOICE];
/// Every other invoice call: the e-invoice set.
pub const E_INVOICE_ONLY: &[u32] = &[E_INVOICE];

/// Refuses, without sending anything, a call the authorizer did not grant. Sources that do not
/// know grants (direct mode, static tokens) pass, and so do calls no set governs.
pub(crate) async fn check(
    tokens: &dyn TokenSource,
    appid: &str,
    path: &'static str,
    requirement: Requirement,
) -> Result<(), InvoiceError> {
    if requirement == Requirement::Unchecked {
        return Ok(());
    }
    let any_of = match requirement {
        Requirement::AnyOf(required) => required,
        // A source that knows grants is a third-party one.
        _ => &[],
    };
    // The per-call check copies nothing; the grant is read in full only to explain a refusal.
    match tokens.grants_any(appid, any_of).await? {
        None | Some(true) => Ok(()),
        Some(false) => match requirement {
            Requirement::NotForThirdParty => Err(InvoiceError::NotForThirdParty { path }),
            Requirement::AnyOf(required) => Err(InvoiceError::PermissionMissing {
                appid: appid.to_owned(),
                path,
                required,
                granted: tokens.permission_sets(appid).await?.unwrap_or_default(),
            }),
            _ => Ok(()),
        },
    }
}
