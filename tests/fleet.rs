//! A fleet of OS processes sharing one real Redis node, with the sandbox as WeChat: one
//! refresh per expiry across processes, a revoked token costing one refresh, rotation under
//! load, and read-only nodes that never refresh. Each process is a `fleet_worker`; the sandbox
//! (in this test process) counts their calls. The same fleet on a Cluster and through Sentinel
//! is in `fleet_topologies.rs`; Redis outages mid-run are in `fleet_outages.rs`.

#[allow(dead_code)]
mod fleet_support;

use std::time::Duration;

use fleet_support::{Fleet, Topology, Worker};
use wx_invoice_e2e::{AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, INSERT_PATH, PLATFORM_OA};
use wx_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_on_a_cold_cache_fetch_each_token_once() {
    fleet_support::four_processes_on_a_cold_cache_fetch_each_token_once(Topology::Node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_mid_run_costs_the_fleet_one_refresh() {
    let fleet = Fleet::seed(Sandbox::builder(), Topology::Node).await;
    let mut workers: Vec<Worker> = (0..4)
        .map(|p| {
            fleet.worker(
                "insert",
                &["--count", "100", "--pause-after", "20", "--orders", &format!("rev-{p}")],
            )
        })
        .collect();
    for w in &mut workers {
        w.expect("warm").await;
    }
    fleet.sandbox.reset_counts();
    fleet.sandbox.revoke_token(PLATFORM_OA);
    for w in &mut workers {
        w.send("go").await;
    }
    for w in workers {
        let (ok, errors) = w.finish().await;
        assert_eq!((ok, errors.len()), (100, 0), "{errors:?}");
    }
    assert_eq!(
        fleet.sandbox.count(AUTHORIZER_TOKEN_PATH),
        1,
        "exactly one further refresh"
    );
    assert_eq!(fleet.sandbox.count(COMPONENT_TOKEN_PATH), 0);
    assert!(fleet.sandbox.count(INSERT_PATH) >= 320, "every insert went through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_refresh_tokens_survive_a_thousand_concurrent_refreshes() {
    fleet_support::rotated_refresh_tokens_survive_concurrent_refreshes(Topology::Node, 300).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_node_uses_the_refreshers_tokens_and_never_fetches_one() {
    let fleet = Fleet::seed(Sandbox::builder().token_ttl(Duration::from_secs(6)), Topology::Node).await;
    let mut refresher = fleet.worker("refresher", &["--period-ms", "200", "--margin-ms", "3000"]);
    refresher.expect("started").await;
    // Let the refresher make its first round, then stop it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while fleet.sandbox.count(AUTHORIZER_TOKEN_PATH) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the refresher never refreshed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    refresher.finish().await;
    fleet.sandbox.reset_counts();

    let reader = fleet.worker(
        "insert",
        &["--read-only", "--count", "10", "--orders", "ro-1", "--margin-ms", "500"],
    );
    let (ok, errors) = reader.finish().await;
    assert_eq!((ok, errors.len()), (10, 0), "{errors:?}");

    // Past expiry with no refresher: the documented error, and still no token call.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let reader = fleet.worker(
        "insert",
        &[
            "--read-only",
            "--count",
            "3",
            "--orders",
            "ro-2",
            "--margin-ms",
            "500",
            "--wait-ms",
            "800",
        ],
    );
    let (ok, errors) = reader.finish().await;
    assert_eq!(ok, 0);
    assert!(errors.iter().all(|e| e.contains("refresher is running")), "{errors:?}");
    assert_eq!(
        fleet.sandbox.count(AUTHORIZER_TOKEN_PATH),
        0,
        "a read-only node never refreshes"
    );
    assert_eq!(fleet.sandbox.count(COMPONENT_TOKEN_PATH), 0);
    assert_eq!(fleet.sandbox.count(INSERT_PATH), 10);
}
