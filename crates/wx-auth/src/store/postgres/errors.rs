//! How sqlx failures become [`StoreError`]s: only the kind and the SQLSTATE code are kept,
//! never the database's message (which can quote a row's values) or connection settings.

use std::time::Duration;

use crate::store::StoreError;

/// The backend name in every error of this store.
pub(super) const BACKEND: &str = "postgres";

/// Maps a failed statement.
pub(super) fn from_sqlx(op: &'static str, e: &sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(std::borrow::Cow::into_owned).unwrap_or_default();
            match code.as_str() {
                // undefined_table, undefined_column, invalid_schema_name
                "42P01" | "42703" | "3F000" => StoreError::config(
                    BACKEND,
                    format!(
                        "{op}: the store's tables are missing or out of date (SQLSTATE {code}); run PostgresStore::migrate"
                    ),
                ),
                // insufficient_privilege
                "42501" => StoreError::config(
                    BACKEND,
                    format!(
                        "{op}: the database user may not use the store's tables (SQLSTATE 42501); grant the privileges in docs/postgres.md"
                    ),
                ),
                // string_data_right_truncation, numeric_value_out_of_range, check_violation
                "22001" | "22003" | "23514" => {
                    StoreError::corrupt(BACKEND, format!("{op}: the database refused a value (SQLSTATE {code})"))
                }
                _ => StoreError::unavailable(
                    BACKEND,
                    format!("{op} failed: database error (SQLSTATE {code}); check the database and its logs"),
                ),
            }
        }
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. } => {
            StoreError::corrupt(BACKEND, format!("{op}: a stored value has an unexpected type"))
        }
        sqlx::Error::Configuration(_) => StoreError::config(BACKEND, format!("{op}: the pool is misconfigured")),
        sqlx::Error::PoolTimedOut => StoreError::unavailable(
            BACKEND,
            format!("{op}: no connection was free in the pool in time; check the database and the pool size"),
        ),
        sqlx::Error::PoolClosed => StoreError::unavailable(BACKEND, format!("{op}: the pool was closed")),
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => StoreError::unavailable(
            BACKEND,
            format!("{op} failed: the database connection failed; it reconnects once the database answers"),
        ),
        _ => StoreError::unavailable(BACKEND, format!("{op} failed; check the database")),
    }
}

/// The database did not answer within the operation timeout.
pub(super) fn timed_out(op: &'static str, timeout: Duration) -> StoreError {
    StoreError::unavailable(
        BACKEND,
        format!(
            "{op} got no answer within {} ms; check that the database is up and reachable",
            timeout.as_millis()
        ),
    )
}
