//! [`PostgresStore`]: durable data (authorizer records, refresh tokens, verify tickets) in the
//! application's own PostgreSQL, over its `sqlx::PgPool`; see `docs/postgres.md`.
//!
//! It implements the whole [`TokenStore`](crate::TokenStore) contract (tokens and locks too, in
//! two small tables), so it also works alone; its place in a fleet is
//! `durable_store(postgres)` beside a Redis token cache. Tables live in one schema of their own
//! (default `wx_auth`), created by the embedded migrations ([`PostgresStore::migrate`]).

mod errors;
mod migrations;
mod ops;
mod sql;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use sqlx::PgPool;

use self::errors::{BACKEND, from_sqlx, timed_out};
use self::sql::Statements;
use super::StoreError;

/// A [`TokenStore`](crate::TokenStore) in PostgreSQL, over the application's own pool.
///
/// Cheap to clone (the pool and the prepared statement texts are shared); `Debug` shows the
/// schema and timeout, never connection settings. Every operation is bounded by a timeout
/// (default 2 s) and fails with an [`is_unavailable`](StoreError::is_unavailable) error when
/// the database does not answer; a missing table is an [`is_config`](StoreError::is_config)
/// error that says to run [`migrate`](Self::migrate).
///
/// Records keep the same version compare-and-set and refresh-token rotation as `RedisStore`,
/// each as one SQL statement; lock expiry uses the database's clock.
///
/// ```no_run
/// # async fn run(pool: sqlx::PgPool) -> Result<(), wx_auth::StoreError> {
/// use std::sync::Arc;
/// use wx_auth::{PostgresStore, TokenStore};
///
/// let durable = PostgresStore::new(pool).with_schema("billing_wx")?;
/// durable.migrate().await?;                       // creates or upgrades the tables, once
/// let durable: Arc<dyn TokenStore> = Arc::new(durable);
/// # let _ = durable; Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    schema: String,
    sql: std::sync::Arc<Statements>,
    op_timeout: Duration,
}

const _: fn() = || {
    fn shareable<T: Clone + Send + Sync + fmt::Debug + 'static>() {}
    shareable::<PostgresStore>();
};

impl PostgresStore {
    /// The schema the tables live in unless [`with_schema`](Self::with_schema) picks another.
    pub const DEFAULT_SCHEMA: &'static str = "wx_auth";
    /// The bound on each operation unless [`with_op_timeout`](Self::with_op_timeout) sets
    /// another.
    pub const DEFAULT_OP_TIMEOUT: Duration = Duration::from_secs(2);

    /// A store over `pool`, in schema [`DEFAULT_SCHEMA`](Self::DEFAULT_SCHEMA). No I/O happens
    /// here; call [`migrate`](Self::migrate) once at start-up.
    pub fn new(pool: PgPool) -> Self {
        Self::in_schema(pool, Self::DEFAULT_SCHEMA.to_owned())
    }

    fn in_schema(pool: PgPool, schema: String) -> Self {
        Self {
            pool,
            sql: std::sync::Arc::new(Statements::new(&schema)),
            schema,
            op_timeout: Self::DEFAULT_OP_TIMEOUT,
        }
    }

    /// The same pool with the tables in `schema`: lower-case ASCII letters, digits and `_`,
    /// starting with a letter or `_`, at most 63 bytes (PostgreSQL's limit); anything else is an
    /// [`is_config`](StoreError::is_config) error.
    pub fn with_schema(self, schema: &str) -> Result<Self, StoreError> {
        let valid = !schema.is_empty()
            && schema.len() <= 63
            && schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !schema.as_bytes()[0].is_ascii_digit();
        if !valid {
            return Err(StoreError::config(
                BACKEND,
                "the schema name must be lower-case ASCII letters, digits and _, start with a letter or _, \
                 and be at most 63 bytes",
            ));
        }
        let mut store = Self::in_schema(self.pool, schema.to_owned());
        store.op_timeout = self.op_timeout;
        Ok(store)
    }

    /// The same store with another bound on each operation (default 2 s).
    pub fn with_op_timeout(mut self, timeout: Duration) -> Self {
        self.op_timeout = timeout;
        self
    }

    /// The schema the tables live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The bound on each operation.
    pub fn op_timeout(&self) -> Duration {
        self.op_timeout
    }

    /// The pool this store uses.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Creates the schema and its tables, or upgrades them to this version of the SDK. Safe to
    /// call from every process at start-up: a transaction-scoped advisory lock lets one of them
    /// migrate while the others wait, and applied migrations are never run again. Needs the
    /// `CREATE` privilege on the database (or an existing schema the user may create tables in).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        // Migrations may take longer than one operation; bound them generously.
        let limit = self.op_timeout.max(Duration::from_secs(30));
        self.run_within("migrate", limit, self.apply_migrations()).await
    }

    async fn apply_migrations(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("wx_auth migrations:{}", self.schema))
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(&migrations::PREPARE.replace("{schema}", &self.schema))
            .execute(&mut *tx)
            .await?;
        let applied: Option<i32> = sqlx::query_scalar(&format!(
            r#"SELECT max(version) FROM "{}".wx_auth_migrations"#,
            self.schema
        ))
        .fetch_one(&mut *tx)
        .await?;
        let applied = applied.unwrap_or(0);
        for (version, body) in migrations::MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
            sqlx::raw_sql(&body.replace("{schema}", &self.schema))
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!(
                r#"INSERT INTO "{}".wx_auth_migrations (version, applied_at_ms) VALUES ($1, {})"#,
                self.schema,
                sql::NOW_MS
            ))
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// The newest schema version this build of the SDK knows (for operations tooling).
    pub fn schema_version() -> i32 {
        migrations::latest()
    }

    async fn run<T>(
        &self,
        op: &'static str,
        call: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, StoreError> {
        self.run_within(op, self.op_timeout, call).await
    }

    async fn run_within<T>(
        &self,
        op: &'static str,
        limit: Duration,
        call: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(limit, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(from_sqlx(op, &e)),
            Err(_) => Err(timed_out(op, limit)),
        }
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("op_timeout", &self.op_timeout)
            .finish_non_exhaustive()
    }
}
