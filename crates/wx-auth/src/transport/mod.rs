//! The shared HTTP transport: one `reqwest::Client`, timeouts on by default, a bounded response
//! size, WeChat's `errcode` envelope mapped to [`AuthError`], fail-over to backup domains, a
//! tracing span per call — and never a token or URL in an error or a log line.

mod call;
mod credential;
mod response;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;

pub use call::{ApiCall, CallBody, CallMethod, JsonCall};
pub use credential::Credential;

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
pub struct TransportSettings {
    /// Hosts to call, the first preferred.
    pub api_bases: Vec<String>,
    /// Time allowed to open a connection (default 5 s).
    pub connect_timeout: Duration,
    /// Time allowed for a whole call (default 20 s).
    pub timeout: Duration,
    /// Largest response body accepted (default 4 MiB).
    pub max_response_bytes: usize,
    /// A client to use instead of a new one (its own settings apply, plus our per-call timeout).
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
}

/// The HTTP transport. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    bases: Vec<reqwest::Url>,
    timeout: Duration,
    max_response_bytes: usize,
    clock: SharedClock,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bases: Vec<&str> = self.inner.bases.iter().map(reqwest::Url::as_str).collect();
        f.debug_struct("Transport")
            .field("api_bases", &bases)
            .field("timeout", &self.inner.timeout)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport with these settings.
    pub fn new(settings: TransportSettings) -> Result<Self, AuthError> {
        if settings.api_bases.is_empty() {
            return Err(AuthError::Config("at least one api_base is required".into()));
        }
        let bases = settings
            .api_bases
            .iter()
            .map(|b| {
                let parsed = reqwest::Url::parse(b.trim_end_matches('/'))
                    .map_err(|e| AuthError::Config(format!("api_base {b:?} is not a URL: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
                    return Err(AuthError::Config(format!(
                        "api_base {b:?} must be an http(s) URL without a query"
                    )));
                }
                Ok(parsed)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let http = match settings.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout)
                .user_agent(concat!("wx-invoice-sdk/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| AuthError::Config(format!("cannot build the HTTP client: {}", e.without_url())))?,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                bases,
                timeout: settings.timeout,
                max_response_bytes: settings.max_response_bytes,
                clock: settings.clock,
            }),
        })
    }

    /// The clock this transport reads time from.
    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    /// Sends `call` with `credential`, failing over to backup hosts when the main one cannot be
    /// reached, and maps WeChat's envelope to errors.
    pub async fn send<C: ApiCall>(&self, call: &C, credential: Credential<'_>) -> Result<C::Output, AuthError> {
        let path = call.path();
        let span = tracing::info_span!("wechat_call", path, errcode = tracing::field::Empty);
        async {
            let secret = credential.query_pair().map(|(_, v)| v);
            let mut last_err = None;
            for (attempt, base) in self.inner.bases.iter().enumerate() {
                if attempt > 0 {
                    tracing::warn!(
                        host = base.host_str().unwrap_or(""),
                        "failing over to a backup WeChat host"
                    );
                }
                match self.send_once(base, call, credential).await {
                    Ok(resp) => {
                        let result =
                            response::read::<C::Output>(resp, path, self.inner.max_response_bytes, secret).await;
                        if let Err(AuthError::Api { errcode, .. }) = &result {
                            tracing::Span::current().record("errcode", errcode);
                            tracing::info!(errcode, "WeChat answered an error");
                        }
                        return result;
                    }
                    Err(SendFailure { error, reached_server }) => {
                        let may_fail_over = !reached_server || call.idempotent();
                        tracing::warn!(error = %error, "WeChat call failed");
                        if !may_fail_over {
                            return Err(error);
                        }
                        last_err = Some(error);
                    }
                }
            }
            Err(last_err.unwrap_or_else(|| AuthError::Config("no api_base configured".into())))
        }
        .instrument(span)
        .await
    }

    /// Sends `call` as `appid` with a token from `tokens`; when WeChat rejects the token
    /// (40001/40014/42001) it is invalidated and the call retried exactly once with a fresh one.
    pub async fn send_as<C: ApiCall>(
        &self,
        tokens: &dyn TokenSource,
        appid: &str,
        call: &C,
    ) -> Result<C::Output, AuthError> {
        let token = tokens.access_token(appid).await?;
        match self.send(call, Credential::Access(&token)).await {
            Err(e) if e.is_token_invalid() => {
                tracing::info!(
                    path = call.path(),
                    appid,
                    errcode = e.errcode(),
                    "token rejected; refreshing and retrying once"
                );
                tokens.invalidate(appid, &token).await?;
                let fresh = tokens.access_token(appid).await?;
                self.send(call, Credential::Access(&fresh)).await
            }
            other => other,
        }
    }

    async fn send_once<C: ApiCall>(
        &self,
        base: &reqwest::Url,
        call: &C,
        credential: Credential<'_>,
    ) -> Result<reqwest::Response, SendFailure> {
        let path = call.path();
        let mut url = base.clone();
        {
            let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
            url.set_path(&joined);
        }
        {
            let mut pairs = url.query_pairs_mut();
            if let Some((name, value)) = credential.query_pair() {
                pairs.append_pair(name, value);
            }
            for (name, value) in call.query() {
                pairs.append_pair(name, &value);
            }
        }
        let body = call.body().map_err(|e| SendFailure {
            error: AuthError::Config(format!("cannot serialise the body of {path}: {e}")),
            reached_server: false,
        })?;
        let mut request = match call.method() {
            CallMethod::Get => self.inner.http.get(url),
            CallMethod::Post => self.inner.http.post(url),
        };
        request = request.timeout(self.inner.timeout);
        request = match body {
            CallBody::Empty => request,
            CallBody::Json(bytes) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8")
                .body(bytes),
            CallBody::File {
                field,
                filename,
                mime,
                bytes,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes)
                    .file_name(filename)
                    .mime_str(mime)
                    .map_err(|e| SendFailure {
                        error: AuthError::Config(format!("invalid MIME type for {path}: {}", e.without_url())),
                        reached_server: false,
                    })?;
                request.multipart(reqwest::multipart::Form::new().part(field, part))
            }
        };
        request.send().await.map_err(|e| SendFailure {
            reached_server: !e.is_connect(),
            error: response::map_reqwest_error(&e, path, credential.query_pair().map(|(_, v)| v)),
        })
    }
}

struct SendFailure {
    error: AuthError,
    reached_server: bool,
}
