//! The setters every builder in the SDK shares, written once: transport settings (API base,
//! client, timeouts, size bound) and cache settings (margin, lock, wait budget, L1, read-only).
//!
//! A builder with a `transport: TransportSettings` field invokes [`transport_setters!`]; one
//! with a `cache: CacheSettings` field also invokes [`cache_setters!`]. Macros rather than a
//! trait, so the methods are inherent and callers need no import.

/// Generates `api_base`, `api_bases`, `retry`, `http_client`, `connect_timeout`, `timeout`,
/// `deadline`, `host_cooldown`, `clock` and `max_response_bytes` for a builder with a
/// `transport: TransportSettings` field.
#[doc(hidden)]
#[macro_export]
macro_rules! transport_setters {
    () => {
        /// Calls this one base URL instead of `https://api.weixin.qq.com` (a sandbox or a
        /// proxy); no fail-over to other hosts. See [`api_bases`](Self::api_bases) for several.
        pub fn api_base(mut self, base: impl Into<String>) -> Self {
            self.transport.set_api_base(base);
            self
        }

        /// Calls these hosts, the first preferred, instead of WeChat's (default:
        /// `api.weixin.qq.com`, then `api2.`, `sh.api.` and `sz.api.`). A host that cannot be
        /// connected to or times out is skipped for the [`host_cooldown`](Self::host_cooldown).
        pub fn api_bases<I, S>(mut self, bases: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.transport.set_api_bases(bases);
            self
        }

        /// How transient failures of calls that are safe to repeat are retried (default
        /// `RetryPolicy::default()`: 3 attempts, full-jitter backoff from 200 ms, a retry
        /// budget); `RetryPolicy::none()` disables retries.
        pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
            self.transport.retry = policy;
            self
        }

        /// Uses this `reqwest::Client` (its own settings apply; the deadline still does). Build
        /// it with `.redirect(reqwest::redirect::Policy::none())`: an answer it got by
        /// following a redirect is refused, but the request has then already gone to the other
        /// host.
        pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
            self.transport.http_client = Some(client);
            self
        }

        /// Time allowed to open a connection (default 5 s).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.connect_timeout = timeout;
            self
        }

        /// Time allowed for one attempt of a call (default 20 s).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.timeout = timeout;
            self
        }

        /// Time allowed for a whole call, across hosts, attempts and backoffs (default 30 s).
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.transport.deadline = deadline;
            self
        }

        /// How long a host that could not be connected to, or timed out, is skipped before it
        /// is probed again (default 30 s, on the builder's clock).
        pub fn host_cooldown(mut self, cooldown: std::time::Duration) -> Self {
            self.transport.host_cooldown = cooldown;
            self
        }

        /// Where the client reads time from and sleeps on (default: the system clock). Tests
        /// pass a [`ManualClock`]($crate::clock::ManualClock) to move time instead of waiting.
        pub fn clock(mut self, clock: $crate::clock::SharedClock) -> Self {
            self.transport.clock = clock;
            self
        }

        /// Largest response body accepted (default 4 MiB).
        pub fn max_response_bytes(mut self, limit: usize) -> Self {
            self.transport.max_response_bytes = limit;
            self
        }
    };
}

/// Generates `refresh_margin`, `lock_ttl`, `wait_budget`, `l1_capacity` and `read_only` for a
/// builder with a `cache: CacheSettings` field.
#[doc(hidden)]
#[macro_export]
macro_rules! cache_setters {
    () => {
        /// How long before expiry a token is refreshed (default 5 minutes; capped at half a
        /// token's lifetime).
        pub fn refresh_margin(mut self, margin: std::time::Duration) -> Self {
            self.cache.margin = margin;
            self
        }

        /// How long a process may hold the cross-process refresh lock (default 20 s, kept
        /// within 100 ms – 10 min); a holder that dies is recovered from when it passes.
        pub fn lock_ttl(mut self, ttl: std::time::Duration) -> Self {
            self.cache.lock_ttl = ttl;
            self
        }

        /// How long a caller waits for another process's refresh (or, read-only, for the
        /// refresher) before failing (default 30 s, at most 10 min).
        pub fn wait_budget(mut self, budget: std::time::Duration) -> Self {
            self.cache.wait_budget = budget;
            self
        }

        /// How many tokens of each kind the in-process cache holds at most (default 200 000; see
        /// `wx_auth::CacheSettings::l1_capacity` for its memory cost).
        pub fn l1_capacity(mut self, capacity: usize) -> Self {
            self.cache.l1_capacity = capacity.max(1);
            self
        }

        /// Read-only mode: never call a token endpoint, only read tokens a refresher wrote to
        /// the shared store (for nodes outside WeChat's IP whitelist).
        pub fn read_only(mut self, read_only: bool) -> Self {
            self.cache.mode = if read_only {
                $crate::RefreshMode::ReadOnly
            } else {
                $crate::RefreshMode::Refresh
            };
            self
        }
    };
}
