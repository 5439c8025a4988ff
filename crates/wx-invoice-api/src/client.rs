//! [`InvoiceClient`] and its builder.

use std::fmt;
use std::sync::Arc;

use tracing::Instrument;
use wx_auth::transport::{ApiCall, Caller, Exchange, Transport, TransportSettings};
use wx_auth::{CacheSettings, MemoryStore, TokenCache, TokenSource, TokenStore};

use crate::error::InvoiceError;
use crate::permission;

/// The default upper bound for an uploaded PDF: WeChat documents none for `setpdf`; 2 MiB is
/// the limit of WeChat Pay's own invoice upload, a prudent size for an invoice PDF.
pub const DEFAULT_MAX_PDF_BYTES: usize = 2 * 1024 * 1024;

/// The e-invoice API client. `Clone + Send + Sync`, cheap to clone (an `Arc` inside); build one
/// per process and share it.
///
/// Every call takes the appid whose token it is made with first; tokens come from the
/// [`TokenSource`] given to [`InvoiceClient::builder`].
#[derive(Clone)]
pub struct InvoiceClient {
    inner: Arc<Inner>,
}

struct Inner {
    tokens: Arc<dyn TokenSource>,
    transport: Transport,
    max_pdf_bytes: usize,
    tickets: TokenCache,
}

impl fmt::Debug for InvoiceClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvoiceClient")
            .field("transport", &self.inner.transport)
            .field("max_pdf_bytes", &self.inner.max_pdf_bytes)
            .finish_non_exhaustive()
    }
}

/// Builds an [`InvoiceClient`]. Defaults: WeChat's API host with its backups, 5 s connect /
/// 20 s attempt timeouts and a 30 s deadline per call, [`RetryPolicy::default`](wx_auth::RetryPolicy::default),
/// 4 MiB response bound, 2 MiB PDF bound.
#[must_use]
pub struct InvoiceClientBuilder {
    tokens: Arc<dyn TokenSource>,
    transport: TransportSettings,
    max_pdf_bytes: usize,
    ticket_store: Option<Arc<dyn TokenStore>>,
    cache: CacheSettings,
}

impl fmt::Debug for InvoiceClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvoiceClientBuilder")
            .field("transport", &self.transport)
            .field("max_pdf_bytes", &self.max_pdf_bytes)
            .finish_non_exhaustive()
    }
}

impl InvoiceClientBuilder {
    wx_auth::transport_setters!();

    // The cache settings apply to the `wx_card` tickets this client caches (`read_only(true)`
    // makes it wait for a refresher's `wx_card_ticket_job` instead of fetching them).
    wx_auth::cache_setters!();

    /// Largest PDF `upload_pdf` sends (default [`DEFAULT_MAX_PDF_BYTES`]).
    pub fn max_pdf_bytes(mut self, limit: usize) -> Self {
        self.max_pdf_bytes = limit;
        self
    }

    /// Where `wx_card` tickets are cached (default: a new in-memory store). Share the fleet's
    /// `RedisStore` so each merchant's ticket is fetched once per expiry across processes.
    pub fn ticket_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.ticket_store = Some(store);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<InvoiceClient, InvoiceError> {
        let mut cache = self.cache;
        cache.clock = self.transport.clock.clone();
        let transport = Transport::new(self.transport)?;
        let store = self.ticket_store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
        let tickets = TokenCache::new(store, cache);
        Ok(InvoiceClient {
            inner: Arc::new(Inner {
                tokens: self.tokens,
                transport,
                max_pdf_bytes: self.max_pdf_bytes,
                tickets,
            }),
        })
    }
}

impl InvoiceClient {
    /// Starts building a client that takes its tokens from `tokens`.
    pub fn builder(tokens: Arc<dyn TokenSource>) -> InvoiceClientBuilder {
        InvoiceClientBuilder {
            tokens,
            transport: TransportSettings::default(),
            max_pdf_bytes: DEFAULT_MAX_PDF_BYTES,
            ticket_store: None,
            cache: CacheSettings::default(),
        }
    }

    /// The token source calls are made with.
    pub fn tokens(&self) -> &Arc<dyn TokenSource> {
        &self.inner.tokens
    }

    pub(crate) fn clock(&self) -> &wx_auth::clock::SharedClock {
        self.inner.transport.clock()
    }

    pub(crate) fn max_pdf_bytes(&self) -> usize {
        self.inner.max_pdf_bytes
    }

    pub(crate) fn tickets(&self) -> &TokenCache {
        &self.inner.tickets
    }

    /// Sends any invoice call (see [`calls`](crate::calls)) as `appid`: the authorizer's grant
    /// is checked against the call's [`Requirement`](wx_auth::transport::Requirement) first,
    /// then the call takes the transport's one path (a rejected token replaced once, transient
    /// failures retried per the builder's [`RetryPolicy`](wx_auth::RetryPolicy) when the call
    /// is safe to repeat). For endpoints of your own, implement
    /// [`ApiCall`](wx_auth::transport::ApiCall).
    pub async fn send<C: ApiCall>(&self, appid: &str, call: &C) -> Result<C::Output, InvoiceError> {
        Ok(self.exchange(appid, call).await?.result?)
    }

    /// Sends a call no permission set governs (the `wx_card` ticket), with the token source's
    /// error type, for the token cache.
    pub(crate) async fn send_unchecked<C: ApiCall>(
        &self,
        appid: &str,
        call: &C,
    ) -> Result<C::Output, wx_auth::AuthError> {
        debug_assert_eq!(call.requirement(), wx_auth::transport::Requirement::Unchecked);
        self.inner.transport.send_as(&*self.inner.tokens, appid, call).await
    }

    /// [`send`](Self::send), keeping the report of the attempts (the permission refusal is the
    /// outer error: nothing was sent).
    pub(crate) async fn exchange<C: ApiCall>(
        &self,
        appid: &str,
        call: &C,
    ) -> Result<Exchange<C::Output>, InvoiceError> {
        let span = tracing::info_span!("invoice_call", path = call.path(), appid);
        async {
            permission::check(&*self.inner.tokens, appid, call.path(), call.requirement()).await?;
            let caller = Caller::Account {
                tokens: &*self.inner.tokens,
                appid,
            };
            Ok(self.inner.transport.execute(call, caller).await)
        }
        .instrument(span)
        .await
    }
}
