//! The statements of [`PostgresStore`](super::PostgresStore), written once per schema.
//!
//! Each compare-and-X is a single statement, so it is atomic without an explicit transaction;
//! lock expiry is computed from the database's clock ([`NOW_MS`]) so that processes with
//! skewed clocks agree on who holds a lock.

/// The database's current time in Unix milliseconds.
pub(super) const NOW_MS: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// Every statement, with the schema filled in.
#[derive(Debug)]
pub(super) struct Statements {
    pub(super) get_token: String,
    pub(super) put_token: String,
    pub(super) delete_token_if: String,
    pub(super) get_authorizer: String,
    pub(super) put_authorizer: String,
    pub(super) insert_authorizer_if_absent: String,
    pub(super) update_authorizer_if_version: String,
    pub(super) rotate_refresh_token: String,
    pub(super) list_authorizers: String,
    pub(super) get_verify_ticket: String,
    pub(super) put_verify_ticket: String,
    pub(super) try_lock: String,
    pub(super) unlock: String,
    pub(super) extend_lock: String,
    pub(super) lock_held_for_share: String,
    pub(super) lock_holder: String,
}

const AUTHORIZER_COLUMNS: &str = "component_appid, authorizer_appid, refresh_token, permission_sets, status, updated_at_ms, version, last_push_at_ms";
const KEY: &str = "namespace = $1 AND appid = $2 AND kind = $3";

impl Statements {
    pub(super) fn new(schema: &str) -> Self {
        let t = |table: &str| format!(r#""{schema}".{table}"#);
        let (tokens, authorizers, tickets, locks) = (t("tokens"), t("authorizers"), t("verify_tickets"), t("locks"));
        Self {
            get_token: format!("SELECT value, issued_at_ms, expires_at_ms FROM {tokens} WHERE {KEY}"),
            put_token: format!(
                "INSERT INTO {tokens} (namespace, appid, kind, value, issued_at_ms, expires_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (namespace, appid, kind) DO UPDATE SET \
                 value = EXCLUDED.value, issued_at_ms = EXCLUDED.issued_at_ms, expires_at_ms = EXCLUDED.expires_at_ms"
            ),
            delete_token_if: format!("DELETE FROM {tokens} WHERE {KEY} AND value = $4"),
            get_authorizer: format!(
                "SELECT {AUTHORIZER_COLUMNS} FROM {authorizers} WHERE component_appid = $1 AND authorizer_appid = $2"
            ),
            put_authorizer: format!(
                "INSERT INTO {authorizers} ({AUTHORIZER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (component_appid, authorizer_appid) DO UPDATE SET refresh_token = EXCLUDED.refresh_token, \
                 permission_sets = EXCLUDED.permission_sets, status = EXCLUDED.status, \
                 updated_at_ms = EXCLUDED.updated_at_ms, version = EXCLUDED.version, \
                 last_push_at_ms = EXCLUDED.last_push_at_ms"
            ),
            insert_authorizer_if_absent: format!(
                "INSERT INTO {authorizers} ({AUTHORIZER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (component_appid, authorizer_appid) DO NOTHING"
            ),
            update_authorizer_if_version: format!(
                "UPDATE {authorizers} SET refresh_token = $3, permission_sets = $4, status = $5, updated_at_ms = $6, \
                 version = $7, last_push_at_ms = $8 WHERE component_appid = $1 AND authorizer_appid = $2 AND version = $9"
            ),
            rotate_refresh_token: format!(
                "UPDATE {authorizers} SET refresh_token = $4, updated_at_ms = $5, version = version + 1 \
                 WHERE component_appid = $1 AND authorizer_appid = $2 AND refresh_token = $3"
            ),
            list_authorizers: format!("SELECT authorizer_appid FROM {authorizers} WHERE component_appid = $1"),
            get_verify_ticket: format!("SELECT ticket, received_at_ms FROM {tickets} WHERE component_appid = $1"),
            put_verify_ticket: format!(
                "INSERT INTO {tickets} (component_appid, ticket, received_at_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (component_appid) DO UPDATE SET ticket = EXCLUDED.ticket, received_at_ms = EXCLUDED.received_at_ms"
            ),
            try_lock: format!(
                "INSERT INTO {locks} AS l (namespace, appid, kind, owner, expires_at_ms) VALUES ($1, $2, $3, $4, {NOW_MS} + $5) \
                 ON CONFLICT (namespace, appid, kind) DO UPDATE SET owner = EXCLUDED.owner, expires_at_ms = EXCLUDED.expires_at_ms \
                 WHERE l.expires_at_ms <= {NOW_MS} RETURNING owner"
            ),
            unlock: format!("DELETE FROM {locks} WHERE {KEY} AND owner = $4"),
            extend_lock: format!(
                "UPDATE {locks} SET expires_at_ms = {NOW_MS} + $5 WHERE {KEY} AND owner = $4 AND expires_at_ms > {NOW_MS}"
            ),
            lock_held_for_share: format!(
                "SELECT 1 FROM {locks} WHERE {KEY} AND owner = $4 AND expires_at_ms > {NOW_MS} FOR SHARE"
            ),
            lock_holder: format!(
                "SELECT owner, expires_at_ms - {NOW_MS} FROM {locks} WHERE {KEY} AND expires_at_ms > {NOW_MS}"
            ),
        }
    }
}
