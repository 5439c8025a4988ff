//! Fuzzes `ComponentEvent::from_xml` and `open_push`: no input may panic, and a verify
//! ticket never shows in `Debug` output.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wx_auth::crypto::MsgCrypt;
use wx_auth::push::{ComponentEvent, PushQuery, open_push};

const TOKEN: &str = "spamtest";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";

#[derive(Debug, Arbitrary)]
enum Input {
    /// A decrypted payload, parsed directly.
    Plaintext(String),
    /// A decrypted payload, encrypted and signed, through the whole `open_push` path.
    Sealed {
        plaintext: String,
        encrypt_type: Option<String>,
    },
    /// An arbitrary query and body.
    Raw {
        signature: Option<String>,
        timestamp: String,
        nonce: String,
        encrypt_type: Option<String>,
        msg_signature: Option<String>,
        body: String,
    },
}

fn check(event: &ComponentEvent) {
    let shown = format!("{event:?}");
    if let ComponentEvent::VerifyTicket {
        component_appid,
        ticket,
        ..
    } = event
    {
        // The ticket may only appear if it is also part of something that is shown.
        let harmless = component_appid.contains(ticket.as_str())
            || "VerifyTicket component_appid ticket [redacted] create_time".contains(ticket.as_str())
            || ticket.chars().all(|c| c.is_ascii_digit() || c == '-');
        assert!(harmless || !shown.contains(ticket.as_str()), "{shown}");
    }
}

fuzz_target!(|input: Input| {
    let crypt = match MsgCrypt::new(TOKEN, KEY, APPID) {
        Ok(c) => c,
        Err(e) => panic!("fixed test config rejected: {e}"),
    };
    match input {
        Input::Plaintext(plaintext) => {
            if let Ok(event) = ComponentEvent::from_xml(&plaintext) {
                check(&event);
            }
        }
        Input::Sealed {
            plaintext,
            encrypt_type,
        } => {
            let encrypt = crypt.encrypt_with_random(&plaintext, [7; 16]);
            let query = PushQuery {
                signature: None,
                timestamp: "1413192605".to_owned(),
                nonce: "1320562132".to_owned(),
                encrypt_type,
                msg_signature: Some(crypt.signature("1413192605", "1320562132", &encrypt)),
            };
            let body = format!("<xml><AppId>{APPID}</AppId><Encrypt>{encrypt}</Encrypt></xml>");
            let opened = open_push(&crypt, &query, &body);
            // With a valid signature, open_push must agree with from_xml on the plaintext.
            let accepted_type = query
                .encrypt_type
                .as_deref()
                .is_none_or(|t| t.eq_ignore_ascii_case("aes"));
            if accepted_type {
                assert_eq!(opened, ComponentEvent::from_xml(&plaintext));
            }
            if let Ok(event) = opened {
                check(&event);
            }
        }
        Input::Raw {
            signature,
            timestamp,
            nonce,
            encrypt_type,
            msg_signature,
            body,
        } => {
            let query = PushQuery {
                signature,
                timestamp,
                nonce,
                encrypt_type,
                msg_signature,
            };
            let _ = open_push(&crypt, &query, &body);
            let _ = ComponentEvent::from_xml(&body);
        }
    }
});
