//! How the CLI shows times, records and progress to people.

use std::time::{Duration, SystemTime};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use wx_auth::{AuthorizerRecord, AuthorizerStatus};

/// `t` in RFC 3339 (UTC, seconds) followed by how long ago or how far ahead it is.
pub fn instant(t: SystemTime) -> String {
    let now = SystemTime::now();
    let relative = match t.duration_since(now) {
        Ok(ahead) => format!("in {}", span(ahead)),
        Err(past) => format!("{} ago", span(past.duration())),
    };
    format!("{} ({relative})", rfc3339(t))
}

pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// A duration rounded to the second, e.g. `1h 48m 3s`.
pub fn span(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs())).to_string()
}

pub fn status(status: AuthorizerStatus) -> &'static str {
    match status {
        AuthorizerStatus::Authorized => "authorized",
        AuthorizerStatus::Revoked => "revoked",
        _ => "unknown",
    }
}

/// A record as JSON, without its refresh token (only whether one is stored).
pub fn record_json(record: &AuthorizerRecord) -> Value {
    use wx_auth::ExposeSecret as _;
    json!({
        "authorizer_appid": record.authorizer_appid,
        "status": status(record.status),
        "permission_sets": record.permission_sets,
        "updated_at": rfc3339(record.updated_at),
        "version": record.version,
        "last_push_at": record.last_push_at.map(rfc3339),
        "refresh_token": if record.refresh_token.expose_secret().is_empty() { "missing" } else { "stored" },
    })
}

pub fn permission_sets(record: &AuthorizerRecord) -> String {
    match &record.permission_sets {
        Some(sets) => sets.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
        None => "unknown".to_owned(),
    }
}

/// A progress bar on stderr for `len` steps of `what` (drawn only when stderr is a terminal).
pub fn progress(len: usize, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(len).unwrap_or(u64::MAX));
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}
