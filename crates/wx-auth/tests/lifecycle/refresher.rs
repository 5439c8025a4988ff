//! A refresher whose rounds fail or panic keeps running and says so when stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use wx_auth::{RefreshJob, RefreshReport, Refresher};

use crate::hostile::Hostile;
use crate::support::component;

#[derive(Debug, Default)]
struct PanickingJob {
    runs: AtomicUsize,
}

#[async_trait]
impl RefreshJob for PanickingJob {
    async fn refresh_ahead(&self, _ahead: Duration) -> RefreshReport {
        self.runs.fetch_add(1, Ordering::SeqCst);
        panic!("a job with a bug");
    }
}

#[tokio::test]
async fn a_panicking_job_is_logged_and_the_next_round_runs() {
    let hostile = Hostile::table(&[(
        "/cgi-bin/component/api_component_token",
        r#"{"component_access_token":"ctok","expires_in":18446744073709551615}"#,
    )])
    .await;
    let c = component(&hostile.base);
    c.set_verify_ticket("ticket@@@t").await.expect("ticket");
    let job = Arc::new(PanickingJob::default());
    let handle = Refresher::new(c)
        .period(Duration::from_millis(20))
        .with_job(job.clone())
        .spawn();
    // Printing a panic's backtrace can take a while: wait for the rounds, not a fixed time.
    for _ in 0..500 {
        if job.runs.load(Ordering::SeqCst) >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(handle.is_running(), "the refresher survived its job's panics");
    let summary = handle.stop().await;
    assert!(summary.rounds >= 3, "{summary:?}");
    assert!(summary.panicked_rounds >= 2, "{summary:?}");
    assert!(job.runs.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn failing_rounds_are_counted_not_fatal() {
    let hostile = Hostile::table(&[(
        "/cgi-bin/component/api_component_token",
        r#"{"component_access_token":"ctok","expires_in":-1}"#,
    )])
    .await;
    let c = component(&hostile.base);
    c.set_verify_ticket("ticket@@@t").await.expect("ticket");
    let handle = Refresher::new(c).period(Duration::from_millis(20)).spawn();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let summary = handle.stop().await;
    assert!(summary.rounds >= 2, "{summary:?}");
    assert_eq!(summary.rounds_with_failures, summary.rounds, "{summary:?}");
    assert_eq!(summary.panicked_rounds, 0);
}
