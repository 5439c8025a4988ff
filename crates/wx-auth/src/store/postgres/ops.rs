//! The [`TokenStore`] operations of [`PostgresStore`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use sqlx::Postgres;
use sqlx::Row;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;

use super::PostgresStore;
use super::errors::BACKEND;
use crate::store::{AuthorizerRecord, AuthorizerStatus, StoreError, TokenKey, TokenStore, VerifyTicket};
use crate::token::AccessToken;

/// The longest lock TTL written (about 100 years), so that `now + ttl` fits a `bigint`.
const MAX_TTL_MILLIS: i64 = 100 * 365 * 24 * 3600 * 1000;

fn to_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn from_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

fn ttl_millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis())
        .unwrap_or(i64::MAX)
        .clamp(1, MAX_TTL_MILLIS)
}

/// `sql` with the three columns that name a token (namespace, appid, kind) bound first.
fn keyed<'q>(sql: &'q str, key: &'q TokenKey) -> Query<'q, Postgres, PgArguments> {
    sqlx::query(sql)
        .bind(key.namespace())
        .bind(key.appid())
        .bind(key.kind().as_str())
}

/// `sql` with a token's key, value, issue and expiry times bound, in that order.
fn token_write<'q>(sql: &'q str, key: &'q TokenKey, token: &'q AccessToken) -> Query<'q, Postgres, PgArguments> {
    keyed(sql, key)
        .bind(token.expose_secret())
        .bind(to_millis(token.issued_at()))
        .bind(to_millis(token.expires_at()))
}

fn status_text(status: AuthorizerStatus) -> &'static str {
    match status {
        AuthorizerStatus::Revoked => "revoked",
        _ => "authorized",
    }
}

fn version_column(version: u64) -> Result<i64, StoreError> {
    i64::try_from(version)
        .map_err(|_| StoreError::corrupt(BACKEND, "an authorizer version above 2^63 cannot be stored"))
}

/// The record columns bound as $3..$7 after the two appids.
struct RecordColumns {
    refresh_token: String,
    permission_sets: Option<Vec<i64>>,
    status: &'static str,
    updated_at_ms: i64,
    version: i64,
    last_push_at_ms: Option<i64>,
}

impl RecordColumns {
    fn of(record: &AuthorizerRecord) -> Result<Self, StoreError> {
        Ok(Self {
            refresh_token: record.refresh_token.expose_secret().to_owned(),
            permission_sets: record
                .permission_sets
                .as_ref()
                .map(|sets| sets.iter().map(|s| i64::from(*s)).collect()),
            status: status_text(record.status),
            updated_at_ms: to_millis(record.updated_at),
            version: version_column(record.version)?,
            last_push_at_ms: record.last_push_at.map(to_millis),
        })
    }
}

fn decode_record(row: &PgRow) -> Result<AuthorizerRecord, sqlx::Error> {
    let sets: Option<Vec<i64>> = row.try_get("permission_sets")?;
    let status: String = row.try_get("status")?;
    let version: i64 = row.try_get("version")?;
    let refresh: String = row.try_get("refresh_token")?;
    Ok(AuthorizerRecord {
        authorizer_appid: row.try_get("authorizer_appid")?,
        refresh_token: SecretString::from(refresh),
        permission_sets: sets.map(|sets| sets.into_iter().filter_map(|s| u32::try_from(s).ok()).collect()),
        status: if status == "revoked" {
            AuthorizerStatus::Revoked
        } else {
            AuthorizerStatus::Authorized
        },
        updated_at: from_millis(row.try_get("updated_at_ms")?),
        version: u64::try_from(version).unwrap_or(0),
        last_push_at: row.try_get::<Option<i64>, _>("last_push_at_ms")?.map(from_millis),
    })
}

#[async_trait]
impl TokenStore for PostgresStore {
    async fn get_token(&self, key: &TokenKey) -> Result<Option<AccessToken>, StoreError> {
        let row = self
            .run("read token", keyed(&self.sql.get_token, key).fetch_optional(&self.pool))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let decoded = (|| -> Result<_, sqlx::Error> {
            let value: String = row.try_get(0)?;
            Ok(AccessToken::with_times(
                value,
                from_millis(row.try_get(1)?),
                from_millis(row.try_get(2)?),
            ))
        })();
        let token = decoded.map_err(|_| StoreError::corrupt(BACKEND, "read token: a column has an unexpected type"))?;
        Ok((!token.is_expired()).then_some(token))
    }

    async fn put_token(&self, key: &TokenKey, token: &AccessToken) -> Result<(), StoreError> {
        if token.is_expired() {
            return Ok(());
        }
        self.run(
            "write token",
            token_write(&self.sql.put_token, key, token).execute(&self.pool),
        )
        .await?;
        Ok(())
    }

    async fn delete_token_if(&self, key: &TokenKey, rejected: &AccessToken) -> Result<bool, StoreError> {
        let done = self
            .run(
                "compare-and-delete token",
                keyed(&self.sql.delete_token_if, key)
                    .bind(rejected.expose_secret())
                    .execute(&self.pool),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_authorizer(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<Option<AuthorizerRecord>, StoreError> {
        let row = self
            .run(
                "read authorizer",
                sqlx::query(&self.sql.get_authorizer)
                    .bind(component_appid)
                    .bind(authorizer_appid)
                    .fetch_optional(&self.pool),
            )
            .await?;
        row.map(|row| {
            decode_record(&row)
                .map_err(|_| StoreError::corrupt(BACKEND, "read authorizer: a column has an unexpected type"))
        })
        .transpose()
    }

    async fn put_authorizer(&self, component_appid: &str, record: &AuthorizerRecord) -> Result<(), StoreError> {
        let cols = RecordColumns::of(record)?;
        self.run(
            "write authorizer",
            sqlx::query(&self.sql.put_authorizer)
                .bind(component_appid)
                .bind(&record.authorizer_appid)
                .bind(&cols.refresh_token)
                .bind(&cols.permission_sets)
                .bind(cols.status)
                .bind(cols.updated_at_ms)
                .bind(cols.version)
                .bind(cols.last_push_at_ms)
                .execute(&self.pool),
        )
        .await?;
        Ok(())
    }

    async fn put_authorizer_if(
        &self,
        component_appid: &str,
        record: &AuthorizerRecord,
        expected: Option<u64>,
    ) -> Result<bool, StoreError> {
        if record.version <= expected.unwrap_or(0) {
            return Ok(false);
        }
        let cols = RecordColumns::of(record)?;
        let (sql, op) = match expected {
            None => (&self.sql.insert_authorizer_if_absent, "insert authorizer if absent"),
            Some(_) => (&self.sql.update_authorizer_if_version, "compare-and-set authorizer"),
        };
        let mut query = sqlx::query(sql)
            .bind(component_appid)
            .bind(&record.authorizer_appid)
            .bind(&cols.refresh_token)
            .bind(&cols.permission_sets)
            .bind(cols.status)
            .bind(cols.updated_at_ms)
            .bind(cols.version)
            .bind(cols.last_push_at_ms);
        if let Some(expected) = expected {
            query = query.bind(version_column(expected)?);
        }
        let done = self.run(op, query.execute(&self.pool)).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn rotate_refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        previous: &SecretString,
        next: &SecretString,
    ) -> Result<bool, StoreError> {
        let done = self
            .run(
                "rotate refresh token",
                sqlx::query(&self.sql.rotate_refresh_token)
                    .bind(component_appid)
                    .bind(authorizer_appid)
                    .bind(previous.expose_secret())
                    .bind(next.expose_secret())
                    .bind(to_millis(SystemTime::now()))
                    .execute(&self.pool),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_authorizers(&self, component_appid: &str) -> Result<Vec<String>, StoreError> {
        let mut appids: Vec<String> = self
            .run(
                "list authorizers",
                sqlx::query_scalar(&self.sql.list_authorizers)
                    .bind(component_appid)
                    .fetch_all(&self.pool),
            )
            .await?;
        // Byte order, as every store sorts (the database's collation may differ).
        appids.sort();
        Ok(appids)
    }

    async fn get_verify_ticket(&self, component_appid: &str) -> Result<Option<VerifyTicket>, StoreError> {
        let row: Option<(String, i64)> = self
            .run(
                "read verify ticket",
                sqlx::query_as(&self.sql.get_verify_ticket)
                    .bind(component_appid)
                    .fetch_optional(&self.pool),
            )
            .await?;
        Ok(row.map(|(ticket, at)| VerifyTicket {
            ticket: SecretString::from(ticket),
            received_at: from_millis(at),
        }))
    }

    async fn put_verify_ticket(&self, component_appid: &str, ticket: &VerifyTicket) -> Result<(), StoreError> {
        self.run(
            "write verify ticket",
            sqlx::query(&self.sql.put_verify_ticket)
                .bind(component_appid)
                .bind(ticket.ticket.expose_secret())
                .bind(to_millis(ticket.received_at))
                .execute(&self.pool),
        )
        .await?;
        Ok(())
    }

    async fn try_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let taken: Option<String> = self
            .run(
                "take lock",
                sqlx::query_scalar(&self.sql.try_lock)
                    .bind(key.namespace())
                    .bind(key.appid())
                    .bind(key.kind().as_str())
                    .bind(owner)
                    .bind(ttl_millis(ttl))
                    .fetch_optional(&self.pool),
            )
            .await?;
        Ok(taken.is_some())
    }

    async fn unlock(&self, key: &TokenKey, owner: &str) -> Result<(), StoreError> {
        self.run(
            "release lock",
            keyed(&self.sql.unlock, key).bind(owner).execute(&self.pool),
        )
        .await?;
        Ok(())
    }

    async fn extend_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let done = self
            .run(
                "extend lock",
                keyed(&self.sql.extend_lock, key)
                    .bind(owner)
                    .bind(ttl_millis(ttl))
                    .execute(&self.pool),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn put_token_if_owner(&self, key: &TokenKey, token: &AccessToken, owner: &str) -> Result<bool, StoreError> {
        // The lock row is read FOR SHARE: a take-over must wait until this write commits, so the
        // token is never written by someone who lost the lock meanwhile.
        let fenced = async {
            let mut tx = self.pool.begin().await?;
            let held = keyed(&self.sql.lock_held_for_share, key)
                .bind(owner)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if held && !token.is_expired() {
                token_write(&self.sql.put_token, key, token).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(held)
        };
        self.run("fenced write token", fenced).await
    }

    async fn lock_holder(&self, key: &TokenKey) -> Result<Option<(String, Duration)>, StoreError> {
        let row: Option<(String, i64)> = self
            .run(
                "read lock",
                sqlx::query_as(&self.sql.lock_holder)
                    .bind(key.namespace())
                    .bind(key.appid())
                    .bind(key.kind().as_str())
                    .fetch_optional(&self.pool),
            )
            .await?;
        Ok(row.map(|(owner, left)| (owner, Duration::from_millis(u64::try_from(left).unwrap_or(0)))))
    }
}
