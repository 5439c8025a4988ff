//! The one path of every call: attempts across hosts, classification of each failure, backoff,
//! token replacement, the deadline, and the report of what happened.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use tracing::Instrument;

use super::call::{ApiCall, CallBody, CallMethod, QueryPairs};
use super::credential::{Caller, Signer};
use super::hosts::{Hosts, Tried};
use super::response::{Secrets, decode_answer, map_reqwest_error, read_body};
use super::retry::{RetryBudget, RetryPolicy};
use super::{CallReport, Exchange, TransportSettings};
use crate::clock::SharedClock;
use crate::error::{AuthError, china_midnight_after, is_transient_status};
use crate::metrics::{self, Retry};

pub(crate) struct Inner {
    http: reqwest::Client,
    /// The client was supplied by the user: it may follow redirects and has its own timeouts.
    user_client: bool,
    pub(crate) hosts: Hosts,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    budget: RetryBudget,
    pub(crate) max_response_bytes: usize,
    pub(crate) clock: SharedClock,
}

/// The body of a call, serialised once and shared by its attempts.
enum Prepared {
    Empty,
    Json(bytes::Bytes),
    File {
        field: &'static str,
        filename: String,
        mime: &'static str,
        bytes: bytes::Bytes,
    },
}

/// How one failed attempt ended, for the decision that follows.
enum Failure {
    /// The connection could not be opened: nothing was sent.
    NotSent(AuthError),
    /// WeChat rejected the token.
    TokenRejected(AuthError),
    /// Worth another attempt if the call is safe to repeat. `unanswered`: the request may have
    /// been applied without its answer reaching us. `cool`: the host timed out.
    Transient {
        error: AuthError,
        unanswered: bool,
        cool: bool,
    },
    /// Nothing another attempt could change.
    Final(AuthError),
}

impl Inner {
    pub(crate) fn new(settings: TransportSettings) -> Result<Self, AuthError> {
        let hosts = Hosts::new(&settings.api_bases, settings.host_cooldown)?;
        let user_client = settings.http_client.is_some();
        let http = match settings.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("wx-invoice-sdk/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| AuthError::Config(format!("cannot build the HTTP client: {}", e.without_url())))?,
        };
        Ok(Self {
            http,
            user_client,
            hosts,
            timeout: settings.timeout,
            deadline: settings.deadline,
            budget: RetryBudget::new(&settings.retry, settings.clock.now()),
            retry: settings.retry,
            max_response_bytes: settings.max_response_bytes,
            clock: settings.clock,
        })
    }

    pub(crate) async fn execute<C: ApiCall>(&self, call: &C, caller: Caller<'_>) -> Exchange<C::Output> {
        let path = call.path();
        let span = tracing::info_span!(
            "wechat_call",
            path,
            errcode = tracing::field::Empty,
            attempts = tracing::field::Empty
        );
        async {
            let started = metrics::start();
            let mut report = CallReport::default();
            let result = self.run(call, caller, &mut report).await;
            metrics::call_finished(path, &result, started);
            let span = tracing::Span::current();
            span.record("attempts", report.attempts);
            if let Some(errcode) = result.as_ref().err().and_then(AuthError::errcode) {
                span.record("errcode", errcode);
                tracing::info!(errcode, "WeChat answered an error");
            }
            Exchange { result, report }
        }
        .instrument(span)
        .await
    }

    async fn run<C: ApiCall>(
        &self,
        call: &C,
        caller: Caller<'_>,
        report: &mut CallReport,
    ) -> Result<C::Output, AuthError> {
        let path = call.path();
        let body = prepare(call)?;
        let mut signer = Signer::new(caller).await?;
        let repeatable = call.repeat().is_repeatable();
        self.budget.deposit();
        let deadline = crate::clock::later_by(self.clock.now(), self.deadline);
        let mut tried = Tried::default();
        let mut retries = 0;
        loop {
            let now = self.clock.now();
            let remaining = deadline.duration_since(now).unwrap_or(Duration::ZERO);
            if remaining.is_zero() {
                return Err(AuthError::Timeout { path: path.to_owned() });
            }
            let Some(host) = self.hosts.pick(now, tried) else {
                return Err(AuthError::Config("no api_base to call".into()));
            };
            tried.add(host);
            report.attempts += 1;
            let failure = match self.attempt(call, &body, &signer, host, remaining).await {
                Ok(output) => {
                    self.hosts.answered(host);
                    return Ok(output);
                }
                Err(failure) => failure,
            };
            let (error, allowed, unanswered) = match failure {
                Failure::Final(error) => return Err(self.finish(error)),
                Failure::TokenRejected(error) => {
                    tracing::info!(
                        path,
                        errcode = error.errcode(),
                        "token rejected; replacing it and sending once more"
                    );
                    if signer.replace_rejected().await? {
                        metrics::retry(path, Retry::TokenRejected);
                        tried = Tried::default();
                        continue;
                    }
                    return Err(error);
                }
                Failure::NotSent(error) => {
                    self.hosts.cool_down(host, now);
                    if self.hosts.pick(now, tried).is_some() {
                        tracing::warn!(error = %error, "failing over to the next WeChat host");
                        metrics::retry(path, Retry::Failover);
                        continue;
                    }
                    // Every host refused: nothing was sent, so even a call that must not be
                    // repeated may try again.
                    (error, true, false)
                }
                Failure::Transient {
                    error,
                    unanswered,
                    cool,
                } => {
                    if cool {
                        self.hosts.cool_down(host, now);
                    }
                    (error, repeatable, unanswered)
                }
            };
            if !allowed || retries + 1 >= self.retry.attempts() {
                return Err(self.finish(error));
            }
            let delay = self.retry.backoff(retries);
            if crate::clock::later_by(self.clock.now(), delay) >= deadline {
                tracing::warn!(error = %error, "no time left before the call's deadline for another attempt");
                metrics::retry(path, Retry::RefusedByDeadline);
                return Err(self.finish(error));
            }
            if !self.budget.withdraw(self.clock.now()) {
                tracing::warn!(error = %error, "retry budget exhausted; not retrying");
                metrics::retry(path, Retry::RefusedByBudget);
                return Err(self.finish(error));
            }
            retries += 1;
            metrics::retry(path, Retry::Transient);
            if unanswered {
                report.unanswered += 1;
            }
            tracing::warn!(
                error = %error,
                retry = retries,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "transient failure; retrying"
            );
            self.clock.sleep(delay).await;
            tried = Tried::default();
        }
    }

    /// Turns a quota answer into [`AuthError::QuotaExhausted`], which says when it clears.
    fn finish(&self, error: AuthError) -> AuthError {
        match error {
            AuthError::Api { path, errcode, errmsg }
                if wx_invoice_types::error_code::lookup(errcode)
                    .is_some_and(|i| i.class == wx_invoice_types::ErrorClass::Quota) =>
            {
                AuthError::QuotaExhausted {
                    path,
                    errcode,
                    errmsg,
                    clears_at: china_midnight_after(self.clock.now()),
                }
            }
            other => other,
        }
    }

    /// One request to one host, its answer read and decoded.
    async fn attempt<C: ApiCall>(
        &self,
        call: &C,
        body: &Prepared,
        signer: &Signer<'_>,
        host: usize,
        remaining: Duration,
    ) -> Result<C::Output, Failure> {
        let path = call.path();
        let secrets = Secrets::new(signer.secret(), call.body_secrets());
        let secrets = &secrets;
        let base = &self.hosts.get(host).base;
        let mut url = base.clone();
        if self.hosts.get(host).prefix.is_empty() {
            url.set_path(path);
        } else {
            url.set_path(&format!("{}{path}", self.hosts.get(host).prefix));
        }
        {
            if let Some((name, value)) = signer.query_pair() {
                url.query_pairs_mut().append_pair(name, value);
            }
            call.query(&mut QueryPairs { url: &mut url });
            if url.query() == Some("") {
                url.set_query(None);
            }
        }
        let expected = self.user_client.then(|| url.clone());
        let mut request = match call.method() {
            CallMethod::Get => self.http.get(url),
            CallMethod::Post => self.http.post(url),
        };
        // Our own client applies `timeout` itself; only a shorter remaining deadline (or a
        // user's client, whose timeouts we do not know) needs a per-request one.
        if self.user_client || remaining < self.timeout {
            request = request.timeout(remaining.min(self.timeout));
        }
        request = match body {
            Prepared::Empty => request,
            Prepared::Json(bytes) => request
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                )
                .body(bytes.clone()),
            Prepared::File {
                field,
                filename,
                mime,
                bytes,
            } => {
                let length = bytes.len() as u64;
                let part = reqwest::multipart::Part::stream_with_length(bytes.clone(), length)
                    .file_name(filename.clone())
                    .mime_str(mime)
                    .map_err(|e| {
                        Failure::Final(AuthError::Config(format!(
                            "invalid MIME type for {path}: {}",
                            e.without_url()
                        )))
                    })?;
                request.multipart(reqwest::multipart::Form::new().part(*field, part))
            }
        };
        let response = request
            .send()
            .await
            .map_err(|e| classify_send_error(&e, path, secrets))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(Failure::Final(AuthError::Redirected {
                path: path.to_owned(),
                status: Some(status.as_u16()),
            }));
        }
        if let Some(expected) = expected
            && (response.url().origin() != expected.origin() || response.url().path() != expected.path())
        {
            return Err(Failure::Final(AuthError::Redirected {
                path: path.to_owned(),
                status: None,
            }));
        }
        let bytes = read_body(response, path, self.max_response_bytes, secrets)
            .await
            .map_err(|error| match error {
                AuthError::BodyTooLarge { .. } => Failure::Final(error),
                error => Failure::Transient {
                    cool: error.is_timeout(),
                    error,
                    unanswered: true,
                },
            })?;
        if !status.is_success() {
            let error = AuthError::HttpStatus {
                path: path.to_owned(),
                status: status.as_u16(),
            };
            return Err(if is_transient_status(status.as_u16()) {
                // A gateway's 5xx may come after WeChat applied the request.
                Failure::Transient {
                    error,
                    unanswered: status.as_u16() != 429,
                    cool: false,
                }
            } else {
                Failure::Final(error)
            });
        }
        decode_answer::<C::Output>(&bytes, path, secrets).map_err(|error| {
            if error.is_token_invalid() {
                Failure::TokenRejected(error)
            } else if error.class().is_some_and(wx_invoice_types::ErrorClass::is_transient) {
                Failure::Transient {
                    error,
                    unanswered: false,
                    cool: false,
                }
            } else {
                Failure::Final(error)
            }
        })
    }
}

fn classify_send_error(e: &reqwest::Error, path: &str, secrets: &Secrets<'_>) -> Failure {
    let error = map_reqwest_error(e, path, secrets);
    if e.is_connect() {
        Failure::NotSent(error)
    } else {
        Failure::Transient {
            cool: e.is_timeout(),
            error,
            unanswered: true,
        }
    }
}

/// Serialises the body once, before any attempt.
fn prepare<C: ApiCall>(call: &C) -> Result<Prepared, AuthError> {
    // serde_json's messages about a failing Serialize impl never quote the data.
    let body = call
        .body()
        .map_err(|e| AuthError::Config(format!("cannot serialise the body of {}: {e}", call.path())))?;
    Ok(match body {
        CallBody::Empty => Prepared::Empty,
        CallBody::Json(bytes) => Prepared::Json(bytes::Bytes::from(bytes)),
        CallBody::File {
            field,
            filename,
            mime,
            bytes,
        } => Prepared::File {
            field,
            filename,
            mime,
            bytes,
        },
    })
}
