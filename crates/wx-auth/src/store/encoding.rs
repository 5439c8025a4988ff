//! The text form of stored values, shared by every backend that stores strings (Redis, a SQL
//! column): small JSON documents with times as Unix milliseconds.
//!
//! These functions are public so that a user's own [`TokenStore`](super::TokenStore) (say, a
//! database table) can keep the same format as `RedisStore` and migrate between them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{AuthorizerRecord, AuthorizerStatus, StoreError, VerifyTicket};
use crate::token::AccessToken;

fn to_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Describes a JSON error by kind and position only: serde's own message can quote the
/// offending value, which may be a secret.
fn json_error(what: &str, e: &serde_json::Error) -> String {
    format!(
        "{what}: {:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

fn from_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

#[derive(Serialize, Deserialize)]
struct StoredToken<'a> {
    #[serde(borrow)]
    value: std::borrow::Cow<'a, str>,
    issued_at_ms: u64,
    expires_at_ms: u64,
}

/// Encodes a cached token.
pub fn encode_token(token: &AccessToken) -> String {
    let stored = StoredToken {
        value: token.expose_secret().into(),
        issued_at_ms: to_millis(token.issued_at()),
        expires_at_ms: to_millis(token.expires_at()),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Decodes a cached token written by [`encode_token`].
pub fn decode_token(backend: &'static str, text: &str) -> Result<AccessToken, StoreError> {
    let stored: StoredToken<'_> =
        serde_json::from_str(text).map_err(|e| StoreError::corrupt(backend, json_error("cached token", &e)))?;
    Ok(AccessToken::with_times(
        stored.value.into_owned(),
        from_millis(stored.issued_at_ms),
        from_millis(stored.expires_at_ms),
    ))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredStatus {
    Authorized,
    Revoked,
}

#[derive(Serialize, Deserialize)]
struct StoredAuthorizer {
    authorizer_appid: String,
    refresh_token: String,
    permission_sets: Option<Vec<u32>>,
    status: StoredStatus,
    updated_at_ms: u64,
    /// Absent in records written before versions existed: those read as version 0.
    #[serde(default)]
    version: u64,
    /// Absent when no authorization push was acted on yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_push_at_ms: Option<u64>,
}

/// Encodes a durable authorizer record.
pub fn encode_authorizer(record: &AuthorizerRecord) -> String {
    let stored = StoredAuthorizer {
        authorizer_appid: record.authorizer_appid.clone(),
        refresh_token: record.refresh_token.expose_secret().to_owned(),
        permission_sets: record.permission_sets.clone(),
        status: match record.status {
            AuthorizerStatus::Authorized => StoredStatus::Authorized,
            AuthorizerStatus::Revoked => StoredStatus::Revoked,
        },
        updated_at_ms: to_millis(record.updated_at),
        version: record.version,
        last_push_at_ms: record.last_push_at.map(to_millis),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Decodes a durable authorizer record written by [`encode_authorizer`].
pub fn decode_authorizer(backend: &'static str, text: &str) -> Result<AuthorizerRecord, StoreError> {
    let stored: StoredAuthorizer =
        serde_json::from_str(text).map_err(|e| StoreError::corrupt(backend, json_error("authorizer record", &e)))?;
    Ok(AuthorizerRecord {
        authorizer_appid: stored.authorizer_appid,
        refresh_token: SecretString::from(stored.refresh_token),
        permission_sets: stored.permission_sets,
        status: match stored.status {
            StoredStatus::Authorized => AuthorizerStatus::Authorized,
            StoredStatus::Revoked => AuthorizerStatus::Revoked,
        },
        updated_at: from_millis(stored.updated_at_ms),
        version: stored.version,
        last_push_at: stored.last_push_at_ms.map(from_millis),
    })
}

#[derive(Serialize, Deserialize)]
struct StoredTicket {
    ticket: String,
    received_at_ms: u64,
}

/// Encodes a verify ticket.
pub fn encode_verify_ticket(ticket: &VerifyTicket) -> String {
    let stored = StoredTicket {
        ticket: ticket.ticket.expose_secret().to_owned(),
        received_at_ms: to_millis(ticket.received_at),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Decodes a verify ticket written by [`encode_verify_ticket`].
pub fn decode_verify_ticket(backend: &'static str, text: &str) -> Result<VerifyTicket, StoreError> {
    let stored: StoredTicket =
        serde_json::from_str(text).map_err(|e| StoreError::corrupt(backend, json_error("verify ticket", &e)))?;
    Ok(VerifyTicket {
        ticket: SecretString::from(stored.ticket),
        received_at: from_millis(stored.received_at_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trip_keeps_value_and_times_to_the_millisecond() {
        let token = AccessToken::new("tok", Duration::from_secs(7200));
        let back = decode_token("test", &encode_token(&token)).expect("decodes");
        assert_eq!(back, token);
        let drift = back
            .expires_at()
            .duration_since(token.expires_at())
            .unwrap_or_else(|e| e.duration());
        assert!(drift < Duration::from_millis(1));
    }

    #[test]
    fn authorizer_round_trip() {
        let mut record = AuthorizerRecord::new("wxA", SecretString::from("refresh@@@x"), Some(vec![8, 26]));
        record.status = AuthorizerStatus::Revoked;
        record.version = 41;
        let back = decode_authorizer("test", &encode_authorizer(&record)).expect("decodes");
        assert_eq!(back.version, 41);
        assert_eq!(back.authorizer_appid, "wxA");
        assert_eq!(back.refresh_token.expose_secret(), "refresh@@@x");
        assert_eq!(back.permission_sets, Some(vec![8, 26]));
        assert_eq!(back.status, AuthorizerStatus::Revoked);
    }

    #[test]
    fn records_written_before_versions_read_as_version_zero() {
        let old = r#"{"authorizer_appid":"wxA","refresh_token":"r","permission_sets":null,"status":"authorized","updated_at_ms":1}"#;
        let back = decode_authorizer("test", old).expect("decodes");
        assert_eq!(back.version, 0);
        assert!(encode_authorizer(&back).contains("\"version\":0"));
    }

    #[test]
    fn garbage_is_a_corrupt_error_without_the_text() {
        let err = decode_token("test", "{\"value\": 1, \"issued_at_ms\": \"leak-me\"}").expect_err("invalid");
        assert!(!err.is_unavailable());
        assert!(!err.to_string().contains("leak-me"));
        assert!(decode_authorizer("test", "not json").is_err());
        assert!(decode_verify_ticket("test", "").is_err());
    }
}
