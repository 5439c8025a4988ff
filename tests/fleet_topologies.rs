//! The fleet of `fleet.rs` on a 3-master Redis Cluster and through Sentinel (durable writes
//! waiting for the replica): one refresh per expiry across four processes, and rotated refresh
//! tokens that survive concurrent refreshes.

#[allow(dead_code)]
mod fleet_support;

use fleet_support::Topology;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_four_processes_on_a_cold_cache_fetch_each_token_once() {
    fleet_support::four_processes_on_a_cold_cache_fetch_each_token_once(Topology::Cluster).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_sentinel_four_processes_on_a_cold_cache_fetch_each_token_once() {
    fleet_support::four_processes_on_a_cold_cache_fetch_each_token_once(Topology::Sentinel).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_rotated_refresh_tokens_survive_concurrent_refreshes() {
    fleet_support::rotated_refresh_tokens_survive_concurrent_refreshes(Topology::Cluster, 150).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_sentinel_rotated_refresh_tokens_survive_concurrent_refreshes() {
    fleet_support::rotated_refresh_tokens_survive_concurrent_refreshes(Topology::Sentinel, 150).await;
}
