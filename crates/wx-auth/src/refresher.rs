//! [`Refresher`]: keeps a platform's tokens fresh ahead of expiry from one process, for
//! deployments where only whitelisted hosts may call WeChat's token endpoints and every other
//! node runs read-only ([`ComponentBuilder::read_only`](crate::ComponentBuilder::read_only)).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::component::Component;
use crate::error::AuthError;
use crate::store::AuthorizerStatus;

/// Refreshes the component token and every stored authorizer's token before they come within
/// reach of expiry, once per `period`.
///
/// Each token is refreshed when it would expire within the early-refresh margin plus one
/// period plus a random share of a period, so refreshes spread over time instead of arriving in
/// bursts. It goes through the same store lock as every other refresh, so running a refresher
/// beside normal (refreshing) nodes is safe too.
#[derive(Debug, Clone)]
pub struct Refresher {
    component: Component,
    period: Duration,
    margin: Duration,
    jobs: Vec<Arc<dyn RefreshJob>>,
}

/// More credentials for a [`Refresher`] to keep fresh each round, beyond the component's own
/// tokens — e.g. merchants' `wx_card` tickets (`wx_invoice_api::InvoiceClient::wx_card_ticket_job`).
#[async_trait]
pub trait RefreshJob: Send + Sync + fmt::Debug {
    /// Refreshes every credential of the job that expires within `ahead`; returns what it
    /// checked and what failed.
    async fn refresh_ahead(&self, ahead: Duration) -> RefreshReport;
}

/// What one round of the refresher did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RefreshReport {
    /// Tokens checked (the component token plus each authorized merchant's).
    pub checked: usize,
    /// Tokens that could not be refreshed, by appid.
    pub failed: Vec<(String, AuthError)>,
}

/// A running refresher task; [`RefresherHandle::stop`] ends it after its current step.
#[derive(Debug)]
pub struct RefresherHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<RefresherSummary>,
}

/// What a refresher did over its whole run, returned by [`RefresherHandle::stop`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefresherSummary {
    /// Rounds started.
    pub rounds: u64,
    /// Rounds in which at least one credential could not be refreshed (each failure was
    /// logged at `warn`).
    pub rounds_with_failures: u64,
    /// Rounds that panicked (each logged at `error`); the refresher went on with the next one.
    pub panicked_rounds: u64,
}

impl RefresherHandle {
    /// Stops the refresher, waits for it to finish and says what it did.
    pub async fn stop(self) -> RefresherSummary {
        let _ = self.stop.send(true);
        match self.task.await {
            Ok(summary) => summary,
            Err(e) => {
                tracing::error!(error = %e, "the refresher task ended abnormally");
                RefresherSummary::default()
            }
        }
    }

    /// Whether the refresher task is still running.
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }
}

impl Refresher {
    /// A refresher for `component`, running every 60 s with a 5-minute margin.
    pub fn new(component: Component) -> Self {
        Self {
            component,
            period: Duration::from_secs(60),
            margin: Duration::from_secs(300),
            jobs: Vec::new(),
        }
    }

    /// How often a round runs (default 60 s).
    #[must_use]
    pub fn period(mut self, period: Duration) -> Self {
        self.period = period.max(Duration::from_millis(10));
        self
    }

    /// How long before expiry, beyond the period, a token is refreshed (default 5 minutes).
    #[must_use]
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Adds a job run after the component's tokens each round.
    #[must_use]
    pub fn with_job(mut self, job: Arc<dyn RefreshJob>) -> Self {
        self.jobs.push(job);
        self
    }

    fn ahead(&self) -> Duration {
        let jitter = rand::rng().random_range(0..=self.period.as_millis().min(u128::from(u32::MAX)));
        self.margin
            .saturating_add(self.period)
            .saturating_add(Duration::from_millis(u64::try_from(jitter).unwrap_or(0)))
    }

    /// Runs one round: the component token, each authorized merchant's token, then the jobs.
    pub async fn run_once(&self) -> RefreshReport {
        let mut report = RefreshReport::default();
        let component_appid = self.component.component_appid().to_owned();
        report.checked += 1;
        if let Err(e) = self.component.component_token_ahead(self.ahead()).await {
            tracing::warn!(error = %e, "refresher: component token");
            report.failed.push((component_appid.clone(), e));
        }
        let appids = self
            .component
            .durable()
            .list_authorizers(&component_appid)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "refresher: cannot list authorizers");
                report.failed.push((component_appid.clone(), e.into()));
                Vec::new()
            });
        for appid in appids {
            match self.component.load_record(&appid).await {
                Ok(Some(r)) if r.status == AuthorizerStatus::Authorized => {}
                _ => continue,
            }
            report.checked += 1;
            let key = self.component.authorizer_token_key(&appid);
            let (component, authorizer) = (self.component.clone(), appid.clone());
            let refreshed = self
                .component
                .cache()
                .refresh_ahead(&key, self.ahead(), move || async move {
                    component.refresh_authorizer_token(&authorizer).await
                })
                .await;
            if let Err(e) = refreshed {
                tracing::warn!(authorizer_appid = %appid, error = %e, "refresher: authorizer token");
                report.failed.push((appid, e));
            }
        }
        for job in &self.jobs {
            let done = job.refresh_ahead(self.ahead()).await;
            report.checked += done.checked;
            report.failed.extend(done.failed);
        }
        tracing::debug!(
            checked = report.checked,
            failed = report.failed.len(),
            "refresher round done"
        );
        report
    }

    /// Spawns the refresher on the current tokio runtime; it runs a round immediately, then
    /// once per period, until stopped.
    ///
    /// Each round runs as a task of its own: a round that fails is logged and a round that
    /// panics (a bug in a [`RefreshJob`], say) is logged at `error` — either way the next round
    /// runs on time, and [`RefresherHandle::stop`] reports the counts.
    pub fn spawn(self) -> RefresherHandle {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut summary = RefresherSummary::default();
            loop {
                summary.rounds += 1;
                let round = self.clone();
                match tokio::spawn(async move { round.run_once().await }).await {
                    Ok(report) if !report.failed.is_empty() => summary.rounds_with_failures += 1,
                    Ok(_) => {}
                    Err(e) => {
                        summary.panicked_rounds += 1;
                        tracing::error!(error = %e, "refresher round panicked; the next round runs as scheduled");
                    }
                }
                tokio::select! {
                    () = tokio::time::sleep(self.period) => {}
                    _ = stopped.changed() => return summary,
                }
            }
        });
        RefresherHandle { stop, task }
    }
}
