//! Failed calls by their `rid`, as `openapi/rid/get` looks them up.

/// One call WeChat answered with an error carrying a `rid`.
#[derive(Debug, Clone)]
pub(crate) struct RecordedCall {
    pub rid: String,
    /// The account whose token made the call (`None` for calls without a token).
    pub owner: Option<String>,
    pub invoke_time: i64,
    pub cost_in_ms: u64,
    /// Path and query string, token included, as WeChat records it.
    pub request_url: String,
    pub request_body: String,
    pub response_body: String,
}

/// Longest request body kept per call; longer ones (PDF uploads) are cut.
pub(crate) const MAX_RECORDED_BODY: usize = 4096;
