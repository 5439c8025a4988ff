//! A durable store that is down: a new grant, a verify ticket and their write-back.

use std::sync::Arc;
use std::time::Duration;

use wx_auth::{Component, Durability, RedisStore, TokenSource, TokenStore};
use wx_sandbox::Sandbox;

use crate::redis_support::ThrowawayRedis;
use crate::support::{APPID, MERCHANT, config, push_at, ticket_xml, unix_now};

const QUERY_AUTH: &str = "/cgi-bin/component/api_query_auth";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_exchanged_while_the_store_is_down_is_kept_and_written_back() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut redis = ThrowawayRedis::not_started();
    let store: Arc<dyn TokenStore> = Arc::new(RedisStore::connect_lazy(&redis.url()).expect("lazy store"));
    let c = Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("builds");

    // A verify ticket pushed during the outage is acknowledged and kept in memory.
    let now = unix_now();
    let ticket = sandbox.mint_verify_ticket();
    let (q, body) = push_at(&c, &ticket_xml(&ticket, now), now, "7");
    c.handle_push(&q, &body)
        .await
        .expect("the ticket push is answered success");

    let code = sandbox.authorize(MERCHANT, &[26]);
    let grant = c.query_auth(&code).await.expect("the grant is not lost");
    assert_eq!(grant.durability, Durability::PendingWrite);
    // The redirect and the push carry the same code: the second exchange is the same grant.
    let again = c.query_auth(&code).await.expect("same grant");
    assert_eq!(again.authorizer_appid, MERCHANT);
    assert_eq!(sandbox.count(QUERY_AUTH), 1, "the single-use code was exchanged once");
    c.authorizer_tokens().access_token(MERCHANT).await.expect("calls go on");

    redis.restart();
    let mut written = None;
    for _ in 0..100 {
        if let Ok(Some(record)) = store.get_authorizer(APPID, MERCHANT).await {
            written = Some(record);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let record = written.expect("the grant was written back once the store answered");
    assert_eq!(record.permission_sets, Some(vec![26]));
}

#[tokio::test]
async fn a_corrupt_stored_ticket_is_reported_as_corrupt_or_replaced_from_memory() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let redis = crate::redis_support::test_redis();
    let prefix = format!("lifecycle-corrupt-ticket-{}", std::process::id());
    let store: Arc<dyn TokenStore> = Arc::new(
        RedisStore::connect(redis.url())
            .await
            .expect("redis")
            .with_prefix(&prefix),
    );
    let mut raw = redis.raw().await;
    let key = format!("{prefix}:{{{APPID}}}:verify_ticket");
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg("not a ticket")
        .query_async(&mut raw)
        .await
        .expect("set");

    let fresh = Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("builds");
    let e = fresh.component_access_token().await.expect_err("no usable ticket");
    assert!(
        matches!(&e, wx_auth::AuthError::Store(s) if s.is_corrupt()),
        "a corrupt key is not 'no ticket': {e:?}"
    );

    // A process that holds a ticket replaces the corrupt copy with it.
    let holder = Component::builder(config())
        .store(store.clone())
        .api_base(sandbox.base_url())
        .build()
        .expect("builds");
    holder
        .set_verify_ticket(&sandbox.mint_verify_ticket())
        .await
        .expect("ticket");
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg("not a ticket")
        .query_async(&mut raw)
        .await
        .expect("set");
    holder
        .component_access_token()
        .await
        .expect("the ticket held in memory is used");
    assert!(store.get_verify_ticket(APPID).await.expect("readable again").is_some());
    let _: () = redis::cmd("DEL")
        .arg(&key)
        .query_async(&mut raw)
        .await
        .expect("clean up");
}
