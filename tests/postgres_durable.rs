//! PostgreSQL as the durable store beside a Redis token cache: records, rotated refresh tokens
//! and verify tickets go to PostgreSQL, tokens and locks to Redis, and a process that starts
//! later finds the grant in the database.

#[allow(dead_code)]
mod fleet_support;

use std::sync::Arc;

use fleet_support::COMPONENT;
use fleet_support::stores::postgres::TestSchema;
use fleet_support::stores::redis::{TestPrefix, test_redis};
use secrecy::ExposeSecret;
use wx_auth::{Component, PostgresStore, RedisStore, TokenSource, TokenStore};
use wx_invoice_api::InvoiceClient;
use wx_invoice_e2e::{PLATFORM_OA, insert_request, sample_pdf, sandbox_config};
use wx_sandbox::Sandbox;

fn platform(sandbox: &Sandbox, cache: Arc<dyn TokenStore>, durable: Arc<dyn TokenStore>) -> (Component, InvoiceClient) {
    let component = Component::builder(sandbox_config())
        .store(cache)
        .durable_store(durable)
        .api_base(sandbox.base_url())
        .build()
        .expect("component builds");
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    let client = InvoiceClient::builder(tokens)
        .api_base(sandbox.base_url())
        .build()
        .expect("client builds");
    (component, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_and_rotated_refresh_tokens_live_in_postgres_beside_a_redis_token_cache() {
    let sandbox = Sandbox::builder()
        .rotate_refresh_tokens(true)
        .start()
        .await
        .expect("sandbox");
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let schema = TestSchema::new().await;
    let pg = PostgresStore::new(schema.pool())
        .with_schema(schema.name())
        .expect("schema");
    pg.migrate().await.expect("migrates");
    pg.migrate().await.expect("migrating twice is a no-op");
    let cache: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(redis.url())
            .await
            .expect("redis")
            .with_prefix(prefix.as_str()),
    );
    let durable: Arc<dyn TokenStore> = Arc::new(pg.clone());

    let (component, client) = platform(&sandbox, cache.clone(), durable.clone());
    component
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let code = sandbox.authorize(PLATFORM_OA, &[26]);
    component.query_auth(&code).await.expect("query_auth");
    let media = client
        .upload_pdf(PLATFORM_OA, "invoice.pdf", sample_pdf())
        .await
        .expect("upload");
    client
        .insert(PLATFORM_OA, &insert_request("pg-0", &media))
        .await
        .expect("insert");
    // A rejected token: refreshed with rotation, the new refresh token stored in PostgreSQL.
    sandbox.revoke_token(PLATFORM_OA);
    client
        .insert(PLATFORM_OA, &insert_request("pg-1", &media))
        .await
        .expect("insert after a refresh");

    let record = pg
        .get_authorizer(COMPONENT, PLATFORM_OA)
        .await
        .expect("read")
        .expect("the grant is in PostgreSQL");
    assert_eq!(
        Some(record.refresh_token.expose_secret().to_owned()),
        sandbox.current_refresh_token(PLATFORM_OA),
        "the rotated refresh token is the one in the database"
    );
    assert!(record.version >= 1, "the rotation counted: version {}", record.version);
    assert_eq!(pg.list_authorizers(COMPONENT).await.expect("list"), [PLATFORM_OA]);
    assert!(pg.get_verify_ticket(COMPONENT).await.expect("read").is_some());

    // Durable data never went to the Redis cache.
    let mut conn = redis.raw().await;
    let keys = prefix.keys(&mut conn).await;
    assert!(
        keys.iter()
            .all(|k| !k.ends_with(":authorizer") && !k.ends_with(":authorizers") && !k.ends_with(":verify_ticket")),
        "{keys:?}"
    );
    assert!(keys.iter().any(|k| k.ends_with(":authorizer_token")), "{keys:?}");

    // A process that starts later, with an empty cache, finds the grant in the database.
    let other_prefix = TestPrefix::new(&redis);
    let cold: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(redis.url())
            .await
            .expect("redis")
            .with_prefix(other_prefix.as_str()),
    );
    let (_, later) = platform(&sandbox, cold, durable);
    later
        .insert(PLATFORM_OA, &insert_request("pg-2", &media))
        .await
        .expect("insert from a process that only has the database");
}
