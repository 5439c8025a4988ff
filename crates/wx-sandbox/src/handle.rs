//! [`Sandbox`]: the running emulator and its admin actions from Rust.

mod families;

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{Config, SandboxBuilder};
use crate::error::SandboxError;
use crate::events::SandboxEvent;
use crate::fault::Fault;
use crate::push::{self, PushDelivery};
use crate::routes;
use crate::server;
use crate::state::Shared;
use crate::state::cards::CardSnapshot;
use crate::user::UserAuthorization;

/// A running sandbox. Cheap to clone; the server keeps running while any clone lives (or
/// until [`Sandbox::shutdown`]); dropping the last clone stops it.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    server: Mutex<Option<JoinHandle<()>>>,
    background: Mutex<Vec<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let tasks = self.background.get_mut().unwrap_or_else(PoisonError::into_inner);
        for task in tasks.drain(..) {
            task.abort();
        }
        // Dropping `stop` ends the server's graceful-shutdown wait.
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.inner.shared.base_url)
            .field("component_appid", &self.inner.shared.config.component_appid)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` with an OS-chosen port and the default settings.
    pub async fn start() -> Result<Sandbox, SandboxError> {
        Self::builder().start().await
    }

    /// A builder for non-default settings.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::new()
    }

    pub(crate) async fn spawn(config: Config) -> Result<Sandbox, SandboxError> {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(SandboxError::LocalAddr)?;
        let shown = if addr.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        } else {
            addr
        };
        let shared = Arc::new(Shared::new(config, format!("http://{shown}")));
        let router = routes::router(shared.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(server::serve(listener, router, async {
            let _ = stop_rx.await;
        }));
        let mut background = Vec::new();
        if shared.config.push_url.is_some() || shared.config.message_push_url.is_some() {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            shared.lock().push_queue = Some(tx);
            background.push(tokio::spawn(push::run(shared.clone(), rx)));
        }
        if let Some(every) = shared.config.ticket_every {
            let pusher = shared.clone();
            background.push(tokio::spawn(async move {
                let mut ticks = tokio::time::interval(every);
                ticks.tick().await;
                loop {
                    ticks.tick().await;
                    pusher.push_verify_ticket();
                }
            }));
        }
        Ok(Sandbox {
            inner: Arc::new(Inner {
                shared,
                addr,
                stop: Mutex::new(Some(stop_tx)),
                server: Mutex::new(Some(server)),
                background: Mutex::new(background),
            }),
        })
    }

    /// `http://127.0.0.1:PORT` — use it as the API base of any WeChat client.
    pub fn base_url(&self) -> String {
        self.inner.shared.base_url.clone()
    }

    /// The socket address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The component appid this sandbox emulates.
    pub fn component_appid(&self) -> String {
        self.inner.shared.config.component_appid.clone()
    }

    /// Mints a new `component_verify_ticket` (it becomes the newest valid one), as if WeChat
    /// had pushed it.
    pub fn mint_verify_ticket(&self) -> String {
        self.inner.shared.mint_verify_ticket()
    }

    /// Mints a new ticket and pushes it (`InfoType = component_verify_ticket`) to the push
    /// URL, if one is configured; it is recorded in [`Sandbox::events`] either way.
    pub fn push_verify_ticket(&self) -> String {
        self.inner.shared.push_verify_ticket()
    }

    /// Simulates a merchant admin confirming the authorization page: creates the account if
    /// needed, records the granted permission sets and returns the authorization code for
    /// `api_query_auth` (valid for the auth-code TTL, single use). Emits `authorized` for a
    /// new grant, `updateauthorized` when the permission sets changed, nothing otherwise.
    pub fn authorize(&self, authorizer_appid: &str, func_ids: &[u32]) -> String {
        self.inner.shared.authorize(authorizer_appid, func_ids)
    }

    /// Registers a direct-mode (self-built) account usable with `/cgi-bin/stable_token`.
    pub fn register_account(&self, appid: &str, appsecret: &str) {
        self.inner.shared.register_account(appid, appsecret);
    }

    /// Every currently valid access token of `appid` answers 40001 from now on.
    pub fn revoke_token(&self, appid: &str) {
        self.inner.shared.revoke_token(appid);
    }

    /// Every currently valid access token of `appid` answers 42001 from now on.
    pub fn expire_token(&self, appid: &str) {
        self.inner.shared.expire_token(appid);
    }

    /// Simulates the merchant revoking the grant: its authorizer tokens answer 40001, its
    /// refresh token is dropped and `api_authorizer_token` / `api_get_authorizer_info`
    /// answer 61003 until it authorizes again.
    pub fn unauthorize(&self, authorizer_appid: &str) {
        self.inner.shared.unauthorize(authorizer_appid);
    }

    /// Queues a fault for the next `fault.times` calls to `fault.path`.
    pub fn inject_fault(&self, fault: Fault) {
        self.inner.shared.inject_fault(fault);
    }

    /// Forgets every injected fault not yet used up and returns them (with the calls each had
    /// left in `times`); state and counts stay as they are.
    pub fn clear_faults(&self) -> Vec<Fault> {
        std::mem::take(&mut self.inner.shared.lock().faults)
    }

    /// Calls received on `path` (e.g. `/card/invoice/insert`) since start or the last reset.
    pub fn count(&self, path: &str) -> u64 {
        self.inner.shared.counts().get(path).copied().unwrap_or(0)
    }

    /// All call counts by path.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.inner.shared.counts()
    }

    /// Sets every call count back to zero.
    pub fn reset_counts(&self) {
        self.inner.shared.reset_counts();
    }

    /// The refresh token currently valid for `authorizer_appid` (`None` if it never
    /// exchanged its code or revoked the grant).
    pub fn current_refresh_token(&self, authorizer_appid: &str) -> Option<String> {
        self.inner.shared.current_refresh_token(authorizer_appid)
    }

    /// The state of the card with this card `code`, if one was inserted.
    pub fn card(&self, code: &str) -> Option<CardSnapshot> {
        self.inner.shared.card(code)
    }

    /// Simulates a user confirming an order's authorization page: getauthdata then says
    /// `auth success`, insert accepts the order in strict mode, the card's openid is this
    /// user's, and `user_authorize_invoice` is emitted. Returns the user's openid under the
    /// merchant. Fails if no merchant opened that order with getauthurl.
    pub fn user_authorize(&self, auth: &UserAuthorization) -> Result<String, SandboxError> {
        self.inner.shared.user_authorize(auth)
    }

    /// Simulates the user's authorization of an order failing: the order stays unauthorized
    /// and `user_authorize_invoice` is emitted with the order in `FailOrderId` (and
    /// `SuccOrderId` empty). Returns the user's openid under the merchant. Fails if no
    /// merchant opened that order with getauthurl.
    pub fn fail_user_authorization(&self, auth: &UserAuthorization) -> Result<String, SandboxError> {
        self.inner.shared.fail_user_authorization(auth)
    }

    /// Simulates the user submitting the card `code` to a reimburser (chooseInvoice in
    /// `reimburser_appid`'s page): returns the `encrypt_code` only that account may use with
    /// the reimburse APIs (others get 72037); the reimburser then sees the user's openid
    /// under its own appid. `None` if no card has this code.
    pub fn submit_invoice(&self, code: &str, reimburser_appid: &str) -> Option<String> {
        self.inner.shared.submit_invoice(code, reimburser_appid)
    }

    /// Sets the daily limit of calls to `path` per account (see
    /// [`SandboxBuilder::daily_limit`](crate::SandboxBuilder::daily_limit)).
    pub fn set_daily_limit(&self, path: &str, calls: u64) {
        self.inner.shared.set_daily_limit(path, calls);
    }

    /// Returns the sandbox to a clean state, as if just started with the same settings:
    /// accounts, grants, tokens, tickets, PDFs, cards, orders, merchant settings, counts,
    /// faults, quotas, events and deliveries are forgotten. Pushes already queued are still
    /// attempted.
    pub fn reset(&self) {
        self.inner.shared.reset();
    }

    /// The `s_pappid` of an invoicing platform appid (the same `seturl` returns).
    pub fn s_pappid(&self, platform_appid: &str) -> String {
        self.inner.shared.lock().platforms.s_pappid(platform_appid)
    }

    /// The events emitted so far (what WeChat would push), oldest first — the newest
    /// [`SandboxBuilder::log_capacity`](crate::SandboxBuilder::log_capacity) of them.
    pub fn events(&self) -> Vec<SandboxEvent> {
        self.inner.shared.lock().events.iter().cloned().collect()
    }

    /// Pushes `event` again (e.g. to test a receiver's idempotency); it is recorded as a
    /// new event.
    pub fn push_event(&self, event: SandboxEvent) {
        self.inner.shared.lock().emit(event);
    }

    /// The push attempts so far (retries included), oldest first — the newest
    /// [`SandboxBuilder::log_capacity`](crate::SandboxBuilder::log_capacity) of them.
    pub fn deliveries(&self) -> Vec<PushDelivery> {
        self.inner.shared.lock().deliveries.iter().cloned().collect()
    }

    /// Waits until every queued push has been attempted (each takes at most 5 s), or
    /// `timeout` passes; returns whether the queue drained.
    pub async fn flush_pushes(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.inner.shared.lock().pushes_pending == 0 {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops serving (even if other clones exist) and waits up to 5 s for open connections.
    pub async fn shutdown(self) {
        let stop = self.inner.stop.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
        let server = self.inner.server.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(mut server) = server
            && tokio::time::timeout(Duration::from_secs(5), &mut server).await.is_err()
        {
            server.abort();
        }
    }
}
