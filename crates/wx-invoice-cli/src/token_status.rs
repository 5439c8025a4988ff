//! `token status`: when a cached token was last refreshed, when it expires, who holds its
//! refresh lock — never the token itself.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Value, json};
use wx_auth::store::DIRECT_NAMESPACE;
use wx_auth::{TokenKey, TokenKind, TokenStore};

use crate::display;
use crate::error::{CliError, store_failed};

/// Which token `appid` names: the component's own, a direct-mode account's, or an authorizer's.
fn key_of(component_appid: Option<&str>, appid: &str, direct: bool) -> Result<TokenKey, CliError> {
    if direct {
        return Ok(TokenKey::new(DIRECT_NAMESPACE, appid, TokenKind::AccessToken));
    }
    let component = component_appid.ok_or_else(|| {
        CliError::Usage("no platform configured: set WX_COMPONENT_APPID (or pass --component-appid), or pass --direct for a self-built account".into())
    })?;
    Ok(if appid == component {
        TokenKey::new(component, component, TokenKind::ComponentAccessToken)
    } else {
        TokenKey::new(component, appid, TokenKind::AuthorizerAccessToken)
    })
}

pub async fn status(
    store: &Arc<dyn TokenStore>,
    component_appid: Option<&str>,
    appid: &str,
    direct: bool,
    json: bool,
) -> Result<(), CliError> {
    let key = key_of(component_appid, appid, direct)?;
    let token = store
        .get_token(&key)
        .await
        .map_err(|e| store_failed("could not read the cached token", &e))?;
    let lock = store
        .lock_holder(&key)
        .await
        .map_err(|e| store_failed("could not read the refresh lock", &e))?;
    let grant = match key.kind() {
        TokenKind::AuthorizerAccessToken => store
            .get_authorizer(key.namespace(), appid)
            .await
            .map_err(|e| store_failed("could not read the authorizer record", &e))?,
        _ => None,
    };
    let now = SystemTime::now();
    let doc = json!({
        "key": key.to_string(),
        "kind": key.kind().as_str(),
        "cached": token.is_some(),
        "last_refresh": token.as_ref().map(|t| display::rfc3339(t.issued_at())),
        "expires_at": token.as_ref().map(|t| display::rfc3339(t.expires_at())),
        "expired": token.as_ref().map(|t| t.is_expired_at(now)),
        "remaining_secs": token.as_ref().map(|t| t.remaining_at(now).as_secs()),
        "lock": lock.as_ref().map(|(owner, left)| json!({
            "owner": owner,
            "expires_in_secs": if *left == std::time::Duration::MAX { Value::Null } else { json!(left.as_secs()) },
        })),
        "grant": grant.as_ref().map(display::record_json),
    });
    if json {
        println!("{doc}");
        return Ok(());
    }
    println!("{} of {appid} ({key})", key.kind().as_str());
    match &token {
        None => println!("cached:        no (the next call refreshes it)"),
        Some(t) => {
            println!("cached:        yes");
            println!("last refresh:  {}", display::instant(t.issued_at()));
            let state = if t.is_expired_at(now) { "expired" } else { "valid" };
            println!("expires:       {} — {state}", display::instant(t.expires_at()));
        }
    }
    match &lock {
        None => println!("refresh lock:  free"),
        Some((owner, left)) if *left == std::time::Duration::MAX => {
            println!("refresh lock:  held by {owner}, with no expiry (set by hand; the next refresh breaks it)");
        }
        Some((owner, left)) => println!("refresh lock:  held by {owner} for another {}", display::span(*left)),
    }
    if key.kind() == TokenKind::AuthorizerAccessToken {
        match &grant {
            None => println!("grant:         none stored (the merchant is not known to the store)"),
            Some(r) => println!(
                "grant:         {}, permission sets {}, refresh token {}",
                display::status(r.status),
                display::permission_sets(r),
                doc["grant"]["refresh_token"].as_str().unwrap_or("stored")
            ),
        }
    }
    Ok(())
}
