//! Signed, encrypted pushes to the configured event URLs, and their delivery log.

pub(crate) mod crypto;
mod xml;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::events::SandboxEvent;
use crate::ids;
use crate::state::Shared;
use crate::wire::unix_now;

/// How long a receiver may take to answer a push (WeChat's convention: about 5 s).
const PUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// The outcome of one push attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PushDelivery {
    /// The URL pushed to, without the query string.
    pub url: String,
    /// The event pushed.
    pub event: SandboxEvent,
    /// The XML before encryption.
    pub plaintext: String,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// The first KiB of the receiver's body, if it answered.
    pub reply: Option<String>,
    /// `true` when the receiver answered HTTP 200 with the body exactly `success` (on the
    /// merchant message URL an empty body counts too, as WeChat allows there).
    pub delivered: bool,
    /// 1 for the first attempt, 2… for WeChat's retries of an unacknowledged push.
    pub attempt: u32,
    /// Why the push failed before getting an answer (connection, timeout, bad URL or key).
    pub error: Option<String>,
}

/// Where one event goes and how it is wrapped.
#[derive(Clone)]
struct Target {
    url: String,
    sibling: (&'static str, String),
    receive_id: String,
    openid: Option<String>,
    /// The merchant message URL also takes an empty reply as acknowledged.
    empty_reply_ok: bool,
}

fn target(shared: &Shared, event: &SandboxEvent) -> Option<Target> {
    let config = &shared.config;
    let (to_appid, openid) = match event {
        SandboxEvent::ComponentVerifyTicket { .. }
        | SandboxEvent::Authorized { .. }
        | SandboxEvent::UpdateAuthorized { .. }
        | SandboxEvent::Unauthorized { .. } => {
            return config.push_url.as_ref().map(|url| Target {
                url: url.clone(),
                sibling: ("AppId", config.component_appid.clone()),
                receive_id: config.component_appid.clone(),
                openid: None,
                empty_reply_ok: false,
            });
        }
        SandboxEvent::UserAuthorizeInvoice {
            merchant_appid, openid, ..
        }
        | SandboxEvent::UserAuthorizeInvoiceFailed {
            merchant_appid, openid, ..
        } => (merchant_appid, openid),
        SandboxEvent::UpdateInvoiceStatus { to_appid, openid, .. }
        | SandboxEvent::CloudInvoiceResult { to_appid, openid, .. } => (to_appid, openid),
    };
    let url = config.message_push_url.as_ref()?.replace("$APPID$", to_appid);
    let third_party = shared
        .lock()
        .auth
        .accounts
        .get(to_appid)
        .and_then(|a| a.grant.as_ref())
        .is_some_and(|g| g.active);
    let receive_id = if third_party {
        config.component_appid.clone()
    } else {
        to_appid.clone()
    };
    Some(Target {
        url,
        sibling: ("ToUserName", ids::gh_name(to_appid)),
        receive_id,
        openid: Some(openid.clone()),
        empty_reply_ok: true,
    })
}

/// Delivers queued events one at a time, in order, until the sandbox stops. A push that is
/// not acknowledged is tried again (`push_retries` times, `push_retry_delay` apart) before
/// the next event; every attempt is recorded.
pub(crate) async fn run(shared: Arc<Shared>, mut queue: UnboundedReceiver<SandboxEvent>) {
    let client = reqwest::Client::builder()
        .timeout(PUSH_TIMEOUT)
        .build()
        .unwrap_or_default();
    while let Some(event) = queue.recv().await {
        if let Some(target) = target(&shared, &event) {
            let attempts = shared.config.push_retries.saturating_add(1);
            for attempt in 1..=attempts {
                let mut d = deliver(&shared, &client, target.clone(), event.clone()).await;
                d.attempt = attempt;
                let delivered = d.delivered;
                if !delivered {
                    tracing::warn!(url = %d.url, status = ?d.status, error = ?d.error, attempt, "wx-sandbox push not acknowledged");
                }
                shared.lock().record_delivery(d);
                if delivered || attempt == attempts {
                    break;
                }
                tokio::time::sleep(shared.config.push_retry_delay).await;
            }
        }
        let mut st = shared.lock();
        st.pushes_pending = st.pushes_pending.saturating_sub(1);
    }
}

async fn deliver(shared: &Shared, client: &reqwest::Client, target: Target, event: SandboxEvent) -> PushDelivery {
    let config = &shared.config;
    let now = unix_now();
    let plaintext = xml::plaintext(&event, &config.component_appid, now);
    let mut record = PushDelivery {
        url: target.url.clone(),
        event,
        plaintext,
        status: None,
        reply: None,
        delivered: false,
        attempt: 1,
        error: None,
    };
    let Some(key) = crypto::decode_key(&config.encoding_aes_key) else {
        record.error = Some("the EncodingAESKey does not decode to 32 bytes; give 43 characters [A-Za-z0-9]".into());
        return record;
    };
    let mut random = [0_u8; 16];
    random.copy_from_slice(ids::alphanumeric(16).as_bytes());
    let encrypted = crypto::encrypt(&key, &random, &record.plaintext, &target.receive_id);
    let timestamp = now.to_string();
    let nonce = ids::digits(10);
    let token = config.push_token.as_str();
    let signature = crypto::signature(&[token, &timestamp, &nonce]);
    let msg_signature = crypto::signature(&[token, &timestamp, &nonce, &encrypted]);
    let body = xml::envelope((target.sibling.0, &target.sibling.1), &encrypted);
    let mut url = match url::Url::parse(&target.url) {
        Ok(u) => u,
        Err(e) => {
            record.error = Some(format!("push URL is not a valid URL ({e})"));
            return record;
        }
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("signature", &signature)
            .append_pair("timestamp", &timestamp)
            .append_pair("nonce", &nonce);
        if let Some(openid) = &target.openid {
            q.append_pair("openid", openid);
        }
        q.append_pair("encrypt_type", "aes")
            .append_pair("msg_signature", &msg_signature);
    }
    record.url = {
        let mut shown = url.clone();
        shown.set_query(None);
        shown.to_string()
    };
    let sent = client
        .post(url)
        .header("content-type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await;
    match sent {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            record.delivered = status == 200 && (text == "success" || (target.empty_reply_ok && text.is_empty()));
            record.status = Some(status);
            record.reply = Some(text.chars().take(1024).collect());
        }
        Err(e) => {
            let why = if e.is_timeout() {
                "timed out".to_owned()
            } else {
                e.without_url().to_string()
            };
            record.error = Some(format!("push failed: {why}"));
        }
    }
    record
}
