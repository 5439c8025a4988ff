//! `push verify`: checks a captured push against the configured push token and EncodingAESKey,
//! and says what it holds — with the verify ticket and authorization codes redacted.

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use wx_auth::push::{ComponentEvent, PushQuery, decrypt_push};
use wx_invoice_types::InvoiceEvent;

use crate::config::Settings;
use crate::display;
use crate::error::CliError;

/// The push's query parameters, from a whole URL or from its query alone.
fn parse_query(url_or_query: &str) -> Result<PushQuery, CliError> {
    let query = url_or_query.split_once('?').map_or(url_or_query, |(_, q)| q);
    let mut q = PushQuery {
        signature: None,
        timestamp: String::new(),
        nonce: String::new(),
        encrypt_type: None,
        msg_signature: None,
    };
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()).into_owned() {
        match name.as_str() {
            "signature" => q.signature = Some(value),
            "timestamp" => q.timestamp = value,
            "nonce" => q.nonce = value,
            "encrypt_type" => q.encrypt_type = Some(value),
            "msg_signature" => q.msg_signature = Some(value),
            _ => {}
        }
    }
    if q.timestamp.is_empty() || q.nonce.is_empty() {
        return Err(CliError::Usage(
            "the query lacks timestamp or nonce: pass the push's full URL or query string (timestamp=…&nonce=…&msg_signature=…)".into(),
        ));
    }
    Ok(q)
}

pub fn verify(settings: &Settings, url_or_query: &str, body: &Path) -> Result<(), CliError> {
    let query = parse_query(url_or_query)?;
    let body = std::fs::read_to_string(body)
        .map_err(|e| CliError::Usage(format!("could not read {}: {e}", body.display())))?;
    let crypt = settings.msg_crypt()?;
    let plaintext = decrypt_push(&crypt, &query, &body).map_err(|e| {
        CliError::Failed(format!(
            "the push does not verify against the configured token and EncodingAESKey: {e}"
        ))
    })?;
    println!("msg_signature:  valid (decrypted, addressed to {})", crypt.appid());
    match &query.signature {
        Some(sig) => match crypt.verify_query_signature(sig, &query.timestamp, &query.nonce) {
            Ok(()) => println!("signature:      valid"),
            Err(e) => println!("signature:      does not match ({e})"),
        },
        None => println!("signature:      absent"),
    }
    if let Ok(secs) = query.timestamp.trim().parse::<u64>() {
        println!(
            "signed:         {}",
            display::instant(UNIX_EPOCH + Duration::from_secs(secs))
        );
    }
    match ComponentEvent::from_xml(&plaintext) {
        Ok(event) => println!("component event: {event:?}"),
        Err(_) => match InvoiceEvent::from_xml(&plaintext) {
            Ok(event) => println!("message event:  {event:?}"),
            Err(e) => println!("payload:        decrypted, but not an event this SDK reads ({e})"),
        },
    }
    Ok(())
}
