//! The [`TokenStore`] operations of [`RedisStore`], the same on every topology.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use super::errors::BACKEND;
use super::{RedisStore, px_millis, scripts};
use crate::store::{
    AuthorizerRecord, StoreError, TokenKey, TokenStore, VerifyTicket, decode_authorizer, decode_token,
    decode_verify_ticket, encode_authorizer, encode_token, encode_verify_ticket,
};
use crate::token::AccessToken;

/// How often [`RedisStore::rotate_refresh_token`] re-reads a record that another writer changed
/// (in a field other than the refresh token) between its read and its write.
const ROTATE_ATTEMPTS: usize = 5;

impl RedisStore {
    /// Adds an authorizer to its component's index (a set; adding twice is harmless).
    async fn add_to_index(&self, component_appid: &str, authorizer_appid: &str) -> Result<(), StoreError> {
        let mut sadd = redis::cmd("SADD");
        sadd.arg(self.keys().authorizer_index(component_appid))
            .arg(authorizer_appid);
        self.write_durable("SADD authorizers", sadd).await
    }

    /// `SET key value` without expiry (durable data; also clears any TTL the key had).
    async fn set_durable(&self, op: &'static str, key: &str, value: &str) -> Result<(), StoreError> {
        let mut set = redis::cmd("SET");
        set.arg(key).arg(value);
        self.write_durable(op, set).await
    }
}

#[async_trait]
impl TokenStore for RedisStore {
    async fn get_token(&self, key: &TokenKey) -> Result<Option<AccessToken>, StoreError> {
        let Some(text) = self.get_text("GET token", &self.keys().token(key)).await? else {
            return Ok(None);
        };
        let token = decode_token(BACKEND, &text)?;
        // Redis expires the key itself; this covers clock skew between writer and reader.
        Ok((!token.is_expired()).then_some(token))
    }

    async fn put_token(&self, key: &TokenKey, token: &AccessToken) -> Result<(), StoreError> {
        let ttl = px_millis(token.remaining());
        if ttl == 0 {
            tracing::debug!(key = %key, "not caching a token that has already expired");
            return Ok(());
        }
        let mut conn = self.conn();
        let mut set = redis::cmd("SET");
        set.arg(self.keys().token(key))
            .arg(encode_token(token))
            .arg("PX")
            .arg(ttl);
        self.run("SET token", set.exec_async(&mut conn)).await
    }

    async fn delete_token_if(&self, key: &TokenKey, rejected: &AccessToken) -> Result<bool, StoreError> {
        let deleted: i64 = self
            .eval(
                "compare-and-delete token",
                &scripts::DELETE_TOKEN_IF_VALUE,
                &[&self.keys().token(key)],
                &[rejected.expose_secret()],
            )
            .await?;
        Ok(deleted == 1)
    }

    async fn get_authorizer(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<Option<AuthorizerRecord>, StoreError> {
        let key = self.keys().authorizer(component_appid, authorizer_appid);
        let Some(text) = self.get_text("GET authorizer", &key).await? else {
            return Ok(None);
        };
        let record = decode_authorizer(BACKEND, &text)?;
        // The record is written before the index entry: a writer that died in between left a
        // record nobody lists. Reading it puts it back in the index (idempotent).
        if let Err(e) = self.add_to_index(component_appid, authorizer_appid).await {
            tracing::debug!(error = %e, "could not check the authorizer index entry; the next write repairs it");
        }
        Ok(Some(record))
    }

    async fn put_authorizer(&self, component_appid: &str, record: &AuthorizerRecord) -> Result<(), StoreError> {
        // Record first, then the index (another slot on Cluster): if the writer dies in between,
        // the record exists but is not listed yet (repaired by the next read or write of it),
        // never a listed merchant without a record. The record itself is one SET, so readers see
        // the old record or the new one.
        self.set_durable(
            "SET authorizer",
            &self.keys().authorizer(component_appid, &record.authorizer_appid),
            &encode_authorizer(record),
        )
        .await?;
        self.add_to_index(component_appid, &record.authorizer_appid).await
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
        let expected = expected.map(|v| v.to_string()).unwrap_or_default();
        let outcome: i64 = self
            .eval_durable(
                "compare-and-set authorizer",
                &scripts::PUT_AUTHORIZER_IF_VERSION,
                &[&self.keys().authorizer(component_appid, &record.authorizer_appid)],
                &[&expected, &encode_authorizer(record)],
                |outcome| *outcome == 1,
            )
            .await?;
        match outcome {
            1 => {
                self.add_to_index(component_appid, &record.authorizer_appid).await?;
                Ok(true)
            }
            -1 => Err(StoreError::corrupt(
                BACKEND,
                "compare-and-set authorizer: the stored record is not a JSON object",
            )),
            _ => Ok(false),
        }
    }

    async fn rotate_refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        previous: &SecretString,
        next: &SecretString,
    ) -> Result<bool, StoreError> {
        let key = self.keys().authorizer(component_appid, authorizer_appid);
        for _ in 0..ROTATE_ATTEMPTS {
            let Some(text) = self.get_text("GET authorizer", &key).await? else {
                return Ok(false);
            };
            let mut record = decode_authorizer(BACKEND, &text)?;
            if record.refresh_token.expose_secret() != previous.expose_secret() {
                return Ok(false);
            }
            record.refresh_token = next.clone();
            record.updated_at = SystemTime::now();
            // The script writes only if the stored text is still exactly `text`, so this
            // increment is atomic with the token swap.
            record.version = record.version.saturating_add(1);
            let outcome: i64 = self
                .eval_durable(
                    "rotate refresh token",
                    &scripts::ROTATE_REFRESH_TOKEN,
                    &[&key],
                    &[&text, previous.expose_secret(), &encode_authorizer(&record)],
                    |outcome| *outcome == 1,
                )
                .await?;
            match outcome {
                1 => {
                    self.add_to_index(component_appid, authorizer_appid).await?;
                    return Ok(true);
                }
                2 => {} // another field changed meanwhile: read again
                _ => return Ok(false),
            }
        }
        Err(StoreError::unavailable(
            BACKEND,
            "rotate refresh token: the authorizer record kept changing under concurrent writers; retry the rotation",
        ))
    }

    async fn list_authorizers(&self, component_appid: &str) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn();
        let mut appids: Vec<String> = self
            .run(
                "SMEMBERS authorizers",
                redis::cmd("SMEMBERS")
                    .arg(self.keys().authorizer_index(component_appid))
                    .query_async(&mut conn),
            )
            .await?;
        appids.sort();
        Ok(appids)
    }

    async fn get_verify_ticket(&self, component_appid: &str) -> Result<Option<VerifyTicket>, StoreError> {
        self.get_text("GET verify ticket", &self.keys().verify_ticket(component_appid))
            .await?
            .map(|text| decode_verify_ticket(BACKEND, &text))
            .transpose()
    }

    async fn put_verify_ticket(&self, component_appid: &str, ticket: &VerifyTicket) -> Result<(), StoreError> {
        self.set_durable(
            "SET verify ticket",
            &self.keys().verify_ticket(component_appid),
            &encode_verify_ticket(ticket),
        )
        .await
    }

    async fn try_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let outcome: i64 = self
            .eval(
                "take lock",
                &scripts::TRY_LOCK,
                &[&self.keys().lock(key)],
                &[owner, &px_millis(ttl).max(1).to_string()],
            )
            .await?;
        if outcome == 2 {
            tracing::warn!(key = %key, "took over a refresh lock that had no expiry (set by hand or by another tool)");
        }
        Ok(outcome != 0)
    }

    async fn unlock(&self, key: &TokenKey, owner: &str) -> Result<(), StoreError> {
        let _: i64 = self
            .eval(
                "release lock",
                &scripts::UNLOCK_IF_OWNER,
                &[&self.keys().lock(key)],
                &[owner],
            )
            .await?;
        Ok(())
    }

    async fn extend_lock(&self, key: &TokenKey, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let extended: i64 = self
            .eval(
                "extend lock",
                &scripts::EXTEND_LOCK_IF_OWNER,
                &[&self.keys().lock(key)],
                &[owner, &px_millis(ttl).max(1).to_string()],
            )
            .await?;
        Ok(extended == 1)
    }

    async fn put_token_if_owner(&self, key: &TokenKey, token: &AccessToken, owner: &str) -> Result<bool, StoreError> {
        let held: i64 = self
            .eval(
                "fenced SET token",
                &scripts::PUT_TOKEN_IF_OWNER,
                &[&self.keys().lock(key), &self.keys().token(key)],
                &[owner, &encode_token(token), &px_millis(token.remaining()).to_string()],
            )
            .await?;
        Ok(held == 1)
    }

    async fn lock_holder(&self, key: &TokenKey) -> Result<Option<(String, Duration)>, StoreError> {
        let holder: Option<(String, i64)> = self
            .eval("read lock", &scripts::LOCK_HOLDER, &[&self.keys().lock(key)], &[])
            .await?;
        Ok(holder.map(|(owner, pttl)| {
            let left = u64::try_from(pttl).map_or(Duration::MAX, Duration::from_millis);
            (owner, left)
        }))
    }
}
