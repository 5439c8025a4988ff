//! Sandbox settings and the builder that collects them.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::error::SandboxError;
use crate::handle::Sandbox;
use crate::{DEFAULT_COMPONENT_APPID, DEFAULT_COMPONENT_SECRET, DEFAULT_ENCODING_AES_KEY, DEFAULT_PUSH_TOKEN};

/// Retries of a push that was not acknowledged (WeChat: three).
pub const DEFAULT_PUSH_RETRIES: u32 = 3;
/// Events and push deliveries kept by default; older ones are dropped.
pub const DEFAULT_LOG_CAPACITY: usize = 10_000;

/// Settings of one sandbox (built by [`SandboxBuilder`]).
#[derive(Clone)]
pub(crate) struct Config {
    pub component_appid: String,
    pub component_secret: String,
    pub push_token: String,
    pub encoding_aes_key: String,
    pub token_ttl: Duration,
    pub ticket_ttl: Duration,
    pub auth_code_ttl: Duration,
    pub media_ttl: Duration,
    pub rotate_refresh_tokens: bool,
    pub strict_orders: bool,
    pub bind: SocketAddr,
    pub body_limit: usize,
    pub push_url: Option<String>,
    pub message_push_url: Option<String>,
    pub ticket_every: Option<Duration>,
    pub push_retries: u32,
    pub push_retry_delay: Duration,
    pub log_capacity: usize,
    pub daily_limits: HashMap<String, u64>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("component_appid", &self.component_appid)
            .field("component_secret", &"<redacted>")
            .field("push_token", &"<redacted>")
            .field("encoding_aes_key", &"<redacted>")
            .field("token_ttl", &self.token_ttl)
            .field("ticket_ttl", &self.ticket_ttl)
            .field("auth_code_ttl", &self.auth_code_ttl)
            .field("media_ttl", &self.media_ttl)
            .field("rotate_refresh_tokens", &self.rotate_refresh_tokens)
            .field("strict_orders", &self.strict_orders)
            .field("bind", &self.bind)
            .field("body_limit", &self.body_limit)
            .field("push_url", &self.push_url)
            .field("message_push_url", &self.message_push_url)
            .field("ticket_every", &self.ticket_every)
            .field("push_retries", &self.push_retries)
            .field("push_retry_delay", &self.push_retry_delay)
            .field("log_capacity", &self.log_capacity)
            .field("daily_limits", &self.daily_limits)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            component_appid: DEFAULT_COMPONENT_APPID.to_owned(),
            component_secret: DEFAULT_COMPONENT_SECRET.to_owned(),
            push_token: DEFAULT_PUSH_TOKEN.to_owned(),
            encoding_aes_key: DEFAULT_ENCODING_AES_KEY.to_owned(),
            token_ttl: Duration::from_secs(7200),
            ticket_ttl: Duration::from_secs(12 * 3600),
            auth_code_ttl: Duration::from_secs(3600),
            media_ttl: Duration::from_secs(3 * 24 * 3600),
            rotate_refresh_tokens: false,
            strict_orders: false,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            body_limit: 10 * 1024 * 1024,
            push_url: None,
            message_push_url: None,
            ticket_every: None,
            push_retries: DEFAULT_PUSH_RETRIES,
            push_retry_delay: Duration::from_millis(200),
            log_capacity: DEFAULT_LOG_CAPACITY,
            daily_limits: HashMap::new(),
        }
    }
}

/// Collects optional settings; finish with [`SandboxBuilder::start`].
///
/// ```no_run
/// # async fn demo() -> Result<(), wx_sandbox::SandboxError> {
/// use std::time::Duration;
/// let sandbox = wx_sandbox::Sandbox::builder()
///     .component("wx0123456789abcdef", "my-component-secret")
///     .token_ttl(Duration::from_secs(2))
///     .rotate_refresh_tokens(true)
///     .start()
///     .await?;
/// println!("{}", sandbox.base_url());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct SandboxBuilder {
    config: Config,
}

impl SandboxBuilder {
    /// A builder with the defaults of [`Sandbox::start`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The third-party platform's appid and secret (default: [`DEFAULT_COMPONENT_APPID`],
    /// [`DEFAULT_COMPONENT_SECRET`]).
    pub fn component(mut self, appid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.component_appid = appid.into();
        self.config.component_secret = secret.into();
        self
    }

    /// The push token and EncodingAESKey used to sign and encrypt pushes (defaults:
    /// [`DEFAULT_PUSH_TOKEN`], [`DEFAULT_ENCODING_AES_KEY`]).
    pub fn push_credentials(mut self, token: impl Into<String>, encoding_aes_key: impl Into<String>) -> Self {
        self.config.push_token = token.into();
        self.config.encoding_aes_key = encoding_aes_key.into();
        self
    }

    /// Lifetime of every access token (default 7200 s); `expires_in` reports it.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token_ttl = ttl;
        self
    }

    /// How long a superseded verify ticket is still accepted (default 12 h).
    pub fn ticket_ttl(mut self, ttl: Duration) -> Self {
        self.config.ticket_ttl = ttl;
        self
    }

    /// Lifetime of authorization codes from [`Sandbox::authorize`] (default 3600 s).
    pub fn auth_code_ttl(mut self, ttl: Duration) -> Self {
        self.config.auth_code_ttl = ttl;
        self
    }

    /// Lifetime of uploaded PDFs (default 3 days).
    pub fn media_ttl(mut self, ttl: Duration) -> Self {
        self.config.media_ttl = ttl;
        self
    }

    /// `false` (default): `api_authorizer_token` echoes the refresh token. `true`: every
    /// refresh returns a new one and the old one answers 61023 from then on.
    pub fn rotate_refresh_tokens(mut self, rotate: bool) -> Self {
        self.config.rotate_refresh_tokens = rotate;
        self
    }

    /// `false` (default): insert accepts any `order_id` and `card_id`. `true`: the order must
    /// have been authorized by a simulated user for the body `appid` (else 72038) and the
    /// `card_id` must come from `platform/createcard` (else 40078).
    pub fn strict_orders(mut self, strict: bool) -> Self {
        self.config.strict_orders = strict;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an OS-chosen port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.config.bind = addr;
        self
    }

    /// Largest accepted request body in bytes (default 10 MiB); larger bodies get 47001.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// The component's authorization-event URL (授权事件接收URL): verify tickets and
    /// `authorized` / `updateauthorized` / `unauthorized` are pushed there.
    pub fn push_url(mut self, url: impl Into<String>) -> Self {
        self.config.push_url = Some(url.into());
        self
    }

    /// The merchant message URL (消息与事件接收URL): `user_authorize_invoice` and
    /// `update_invoice_status` are pushed there. `$APPID$` in it is replaced by the
    /// receiving account's appid, as WeChat does for third-party platforms.
    pub fn message_push_url(mut self, url: impl Into<String>) -> Self {
        self.config.message_push_url = Some(url.into());
        self
    }

    /// Pushes a fresh verify ticket every `every` (WeChat: 10 minutes), starting one
    /// period after start.
    pub fn ticket_every(mut self, every: Duration) -> Self {
        self.config.ticket_every = Some(every);
        self
    }

    /// How often an unacknowledged push is tried again (default 3, as WeChat; 0 disables
    /// retries). Every attempt is recorded in [`Sandbox::deliveries`].
    pub fn push_retries(mut self, retries: u32) -> Self {
        self.config.push_retries = retries;
        self
    }

    /// The pause before each retry of a push (default 200 ms; WeChat's is undocumented).
    pub fn push_retry_delay(mut self, delay: Duration) -> Self {
        self.config.push_retry_delay = delay;
        self
    }

    /// How many events and push deliveries [`Sandbox::events`] and [`Sandbox::deliveries`]
    /// keep (default 10 000); older ones are dropped.
    pub fn log_capacity(mut self, entries: usize) -> Self {
        self.config.log_capacity = entries;
        self
    }

    /// The daily limit of calls to `path` per account (default 10 000 for
    /// `api_component_token`, 1 000 000 elsewhere); beyond it calls answer 45009 until
    /// `clear_quota` or the next day (Beijing time).
    pub fn daily_limit(mut self, path: impl Into<String>, calls: u64) -> Self {
        self.config.daily_limits.insert(path.into(), calls);
        self
    }

    /// Binds the socket and starts serving.
    pub async fn start(self) -> Result<Sandbox, SandboxError> {
        if self.config.component_appid.is_empty() {
            return Err(SandboxError::InvalidSetting(
                "the component appid is empty; pass a non-empty appid to .component()".into(),
            ));
        }
        if self.config.log_capacity == 0 {
            return Err(SandboxError::InvalidSetting("log_capacity must be at least 1".into()));
        }
        if self.config.ticket_every.is_some_and(|d| d.is_zero()) {
            return Err(SandboxError::InvalidSetting(
                "ticket_every must be longer than zero".into(),
            ));
        }
        Sandbox::spawn(self.config).await
    }
}
