//! The setters every builder in the SDK shares, written once: transport settings (API base,
//! client, timeouts, size bound) and cache settings (margin, lock, wait budget, L1, read-only).
//!
//! A builder with a `transport: TransportSettings` field invokes [`transport_setters!`]; one
//! with a `cache: CacheSettings` field also invokes [`cache_setters!`]. Macros rather than a
//! trait, so the methods are inherent and callers need no import.

/// Generates `api_base`, `http_client`, `connect_timeout`, `timeout` and
/// `max_response_bytes` for a builder with a `transport: TransportSettings` field.
#[doc(hidden)]
#[macro_export]
macro_rules! transport_setters {
    () => {
        /// Calls this base URL instead of `https://api.weixin.qq.com` (a sandbox or a proxy);
        /// disables fail-over to WeChat's backup hosts.
        pub fn api_base(mut self, base: impl Into<String>) -> Self {
            self.transport.set_api_base(base);
            self
        }

        /// Uses this `reqwest::Client` (its own settings apply; the call timeout still does).
        pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
            self.transport.http_client = Some(client);
            self
        }

        /// Time allowed to open a connection (default 5 s).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.connect_timeout = timeout;
            self
        }

        /// Time allowed for one call (default 20 s).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.timeout = timeout;
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

        /// How many tokens the in-process cache holds at most (default 10 000).
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
