//! The embedded schema of [`PostgresStore`](super::PostgresStore): numbered migrations applied
//! in order, once, under a transaction-scoped advisory lock so that a fleet starting at once
//! migrates exactly once.
//!
//! Every statement names its tables through `{schema}`, replaced by the store's (validated)
//! schema name.

/// The migrations, in order. A released migration is never edited: changes are new entries.
pub(super) const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    r#"
CREATE TABLE IF NOT EXISTS "{schema}".authorizers (
    component_appid  text    NOT NULL,
    authorizer_appid text    NOT NULL,
    refresh_token    text    NOT NULL,
    permission_sets  bigint[],
    status           text    NOT NULL CHECK (status IN ('authorized', 'revoked')),
    updated_at_ms    bigint  NOT NULL,
    version          bigint  NOT NULL CHECK (version >= 0),
    last_push_at_ms  bigint,
    PRIMARY KEY (component_appid, authorizer_appid)
);
CREATE TABLE IF NOT EXISTS "{schema}".verify_tickets (
    component_appid text   PRIMARY KEY,
    ticket          text   NOT NULL,
    received_at_ms  bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS "{schema}".tokens (
    namespace     text   NOT NULL,
    appid         text   NOT NULL,
    kind          text   NOT NULL,
    value         text   NOT NULL,
    issued_at_ms  bigint NOT NULL,
    expires_at_ms bigint NOT NULL,
    PRIMARY KEY (namespace, appid, kind)
);
CREATE TABLE IF NOT EXISTS "{schema}".locks (
    namespace     text   NOT NULL,
    appid         text   NOT NULL,
    kind          text   NOT NULL,
    owner         text   NOT NULL,
    expires_at_ms bigint NOT NULL,
    PRIMARY KEY (namespace, appid, kind)
);
"#,
)];

/// Creates the schema and the bookkeeping table if missing.
pub(super) const PREPARE: &str = r#"
CREATE SCHEMA IF NOT EXISTS "{schema}";
CREATE TABLE IF NOT EXISTS "{schema}".wx_auth_migrations (
    version       integer PRIMARY KEY,
    applied_at_ms bigint  NOT NULL
);
"#;

/// The newest migration this build knows.
pub(super) fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |(version, _)| *version)
}
