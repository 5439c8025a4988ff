//! The shared HTTP transport: one `reqwest::Client` with redirects off, timeouts and one
//! overall deadline per call, a bounded response size, WeChat's `errcode` envelope mapped to
//! [`AuthError`], retries of transient failures for calls that are safe to repeat, host
//! health with fail-over to backup domains, a tracing span per call — and never a token or URL
//! in an error or a log line.
//!
//! Every call goes through one path ([`Transport::execute`]): obtain the credential, pick a
//! healthy host, send, decode; on a transient failure back off and retry (if the call is safe to
//! repeat, the policy and the retry budget allow it, and the deadline leaves time); on a
//! rejected token replace it once; on a refused connection try the next host at once.

mod call;
mod credential;
mod envelope;
mod exchange;
mod hosts;
pub(crate) mod response;
mod retry;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use bytes::Bytes;
pub use call::{ApiCall, CallBody, CallMethod, JsonCall, QueryPairs, Repeat, Requirement};
pub use credential::{Caller, Credential};
pub use retry::RetryPolicy;

use crate::clock::{self, SharedClock};
use crate::error::AuthError;
use crate::source::TokenSource;

/// WeChat's main API host.
pub const DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";
/// WeChat's documented backup hosts, tried in order when the main one cannot be reached.
pub const BACKUP_API_BASES: &[&str] = &[
    "https://api2.weixin.qq.com",
    "https://sh.api.weixin.qq.com",
    "https://sz.api.weixin.qq.com",
];

/// Settings of a [`Transport`]; every builder in this SDK exposes them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportSettings {
    /// Hosts to call, the first preferred.
    pub api_bases: Vec<String>,
    /// Time allowed to open a connection (default 5 s).
    pub connect_timeout: Duration,
    /// Time allowed for one attempt (default 20 s).
    pub timeout: Duration,
    /// Time allowed for a whole call, across hosts, attempts and backoffs (default 30 s).
    pub deadline: Duration,
    /// How long a host that could not be connected to, or timed out, is skipped (default 30 s).
    pub host_cooldown: Duration,
    /// How transient failures are retried (default [`RetryPolicy::default`]).
    pub retry: RetryPolicy,
    /// Largest response body accepted (default 4 MiB).
    pub max_response_bytes: usize,
    /// A client to use instead of a new one (its own settings apply, plus the deadline). It
    /// should not follow redirects; an answer it got by following one is refused.
    pub http_client: Option<reqwest::Client>,
    /// Where time comes from (default: the system clock).
    pub clock: SharedClock,
}

impl Default for TransportSettings {
    fn default() -> Self {
        let mut api_bases = vec![DEFAULT_API_BASE.to_owned()];
        api_bases.extend(BACKUP_API_BASES.iter().map(|b| (*b).to_owned()));
        Self {
            api_bases,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            deadline: Duration::from_secs(30),
            host_cooldown: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_response_bytes: 4 * 1024 * 1024,
            http_client: None,
            clock: clock::system(),
        }
    }
}

impl TransportSettings {
    /// Replaces the hosts with a single base (a sandbox, a proxy): no fail-over.
    pub fn set_api_base(&mut self, base: impl Into<String>) {
        self.api_bases = vec![base.into().trim_end_matches('/').to_owned()];
    }

    /// Replaces the hosts with `bases`, the first preferred.
    pub fn set_api_bases<I, S>(&mut self, bases: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.api_bases = bases
            .into_iter()
            .map(|b| b.into().trim_end_matches('/').to_owned())
            .collect();
    }
}

/// What happened on the way to a call's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallReport {
    /// Requests sent (or attempted: a refused connection counts too).
    pub attempts: u32,
    /// Earlier attempts that may have reached WeChat but whose answer never arrived (a timeout,
    /// a connection dropped after sending, an HTTP 5xx): WeChat may have applied them.
    pub unanswered: u32,
}

impl CallReport {
    /// Whether an attempt before the last one may have taken effect without its answer reaching
    /// us — so an "already done" answer to the last one may be this call's own doing.
    pub fn earlier_attempt_unanswered(&self) -> bool {
        self.unanswered > 0
    }
}

/// The result of [`Transport::execute`]: the answer, and how it was reached.
#[derive(Debug)]
#[non_exhaustive]
pub struct Exchange<T> {
    /// The decoded answer, or the error of the last attempt.
    pub result: Result<T, AuthError>,
    /// The attempts it took.
    pub report: CallReport,
}

/// The HTTP transport. Cheap to clone; clones share one connection pool, the host health and
/// the retry budget.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<exchange::Inner>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bases: Vec<&str> = self.inner.hosts.iter().map(|h| h.base.as_str()).collect();
        f.debug_struct("Transport")
            .field("api_bases", &bases)
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry", &self.inner.retry)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport with these settings.
    pub fn new(settings: TransportSettings) -> Result<Self, AuthError> {
        exchange::Inner::new(settings).map(|inner| Self { inner: Arc::new(inner) })
    }

    /// The clock this transport reads time from.
    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    /// Sends `call` with a fixed `credential` (retrying transient failures per the policy) and
    /// maps WeChat's envelope to errors.
    pub async fn send<C: ApiCall>(&self, call: &C, credential: Credential<'_>) -> Result<C::Output, AuthError> {
        self.execute(call, Caller::Fixed(credential)).await.result
    }

    /// Sends `call` as `appid` with a token from `tokens`; when WeChat rejects the token
    /// (class `RefreshToken`) it is invalidated and the call sent once more with a fresh one.
    pub async fn send_as<C: ApiCall>(
        &self,
        tokens: &dyn TokenSource,
        appid: &str,
        call: &C,
    ) -> Result<C::Output, AuthError> {
        self.execute(call, Caller::Account { tokens, appid }).await.result
    }

    /// The one path every call takes: credential, host, attempts, retries, decoding. Returns
    /// the answer with a [`CallReport`] of the attempts it took.
    pub async fn execute<C: ApiCall>(&self, call: &C, caller: Caller<'_>) -> Exchange<C::Output> {
        self.inner.execute(call, caller).await
    }
}
