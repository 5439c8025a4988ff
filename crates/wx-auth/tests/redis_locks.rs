//! The fleet-wide refresh lock in Redis: one winner among many processes, and a lock key left
//! without a TTL (by hand or another tool) taken over instead of blocking every caller forever.

mod support;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Barrier;
use wx_auth::{RedisStore, TokenStore};

use support::redis::{TestPrefix, test_redis};
use support::redis_store::{COMPONENT, MERCHANT, merchant_key, pttl, store_on};

#[tokio::test]
async fn fifty_concurrent_try_locks_have_exactly_one_winner() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    // Two stores with their own connections, as two processes would have.
    let stores = [
        Arc::new(store_on(&redis, &prefix).await),
        Arc::new(store_on(&redis, &prefix).await),
    ];
    let barrier = Arc::new(Barrier::new(50));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let store = Arc::clone(&stores[i % 2]);
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            barrier.wait().await;
            store
                .try_lock(&merchant_key(), &format!("owner-{i}"), Duration::from_secs(30))
                .await
                .expect("try_lock answers")
        });
    }
    let mut winners = 0;
    while let Some(won) = tasks.join_next().await {
        if won.expect("task did not panic") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn a_lock_left_without_a_ttl_is_taken_over_instead_of_blocking_forever() {
    let redis = test_redis();
    let prefix = TestPrefix::new(&redis);
    let store = RedisStore::connect(redis.url())
        .await
        .expect("connects")
        .with_prefix(prefix.as_str());
    let mut conn = redis.raw().await;
    let lock_key = format!("{}:{{{COMPONENT}:{MERCHANT}}}:authorizer_token:lock", prefix.as_str());
    let _: () = redis::cmd("SET")
        .arg(&lock_key)
        .arg("left-by-hand")
        .query_async(&mut conn)
        .await
        .expect("SET");
    assert_eq!(pttl(&mut conn, &lock_key).await, -1);

    let (owner, left) = store.lock_holder(&merchant_key()).await.expect("holder").expect("held");
    assert_eq!(
        (owner.as_str(), left),
        ("left-by-hand", Duration::MAX),
        "reported as never expiring"
    );

    assert!(
        store
            .try_lock(&merchant_key(), "me", Duration::from_secs(20))
            .await
            .expect("lock"),
        "a lock without TTL has no live holder: taken over"
    );
    let ttl = pttl(&mut conn, &lock_key).await;
    assert!((1..=20_000).contains(&ttl), "the lock now expires: {ttl}");
    let (owner, _) = store.lock_holder(&merchant_key()).await.expect("holder").expect("held");
    assert_eq!(owner, "me");
    assert!(
        !store
            .try_lock(&merchant_key(), "other", Duration::from_secs(20))
            .await
            .expect("lock"),
        "and is a normal, exclusive lock again"
    );
}
