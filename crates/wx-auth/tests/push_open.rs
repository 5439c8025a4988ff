//! `open_push`: query + raw body → verified, decrypted, parsed event (spec vector V4).

use wx_auth::crypto::{CryptoError, MsgCrypt};
use wx_auth::push::{ComponentEvent, PushError, PushQuery, SUCCESS_REPLY, decrypt_push, open_push};

const TOKEN: &str = "spamtest";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";
const TIMESTAMP: &str = "1413192605";
const NONCE: &str = "1320562132";
const ENCRYPT: &str = "5I0ViYLQqCiDyNw9bygZh9Lh7+Hcu1AM2jOmfTXqE+1Q0i/ipnsiks62nsi45TptLEeqCP02/1Ni6YsOgBQ4zNXTI1HcG6O30whjaztlKbLDKGr1QFkoQwX5gGrsnv7BWXDXvWIA7SlIQn5+7L6Zy9IBSQM+j/tJceBlqZ/vDGQczcl6jVvA61Og5NFASGc8FMqCEjieEOEZ0L+d4ss2JEfJj1ViffInRKZ1xQv8li+WxmuhfFtI0kQCX6PouwwA/y6CubN6q0BJf3qwbOZC/ymsCir5K/sARLourwC+yP20dfIByoRzqJNeiCe/INHX9BrWMVHKXUoeHQrDihwDfI21qtLavOynqj5qO91hikf0uB+jKVF/yGVXuaoVZZpi";
const MSG_SIGNATURE: &str = "8a4dc792f78dba6eee2bba06361353e4376d2e94";
const SIGNATURE: &str = "9c4a719ef184968d4d302c2cc69eebf02c07c403";

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, KEY, APPID).unwrap_or_else(|e| panic!("{e}"))
}

fn body() -> String {
    format!("<xml><AppId><![CDATA[{APPID}]]></AppId><Encrypt><![CDATA[{ENCRYPT}]]></Encrypt></xml>")
}

fn query() -> PushQuery {
    PushQuery {
        signature: Some(SIGNATURE.to_owned()),
        timestamp: TIMESTAMP.to_owned(),
        nonce: NONCE.to_owned(),
        encrypt_type: Some("aes".to_owned()),
        msg_signature: Some(MSG_SIGNATURE.to_owned()),
    }
}

#[test]
fn v4_ticket_push_opens_to_a_verify_ticket() -> Result<(), PushError> {
    let event = open_push(&crypt(), &query(), &body())?;
    assert_eq!(
        event,
        ComponentEvent::VerifyTicket {
            component_appid: APPID.to_owned(),
            ticket: "ticket@@@TESTTICKET".to_owned(),
            create_time: 1_413_192_605,
        }
    );
    assert_eq!(SUCCESS_REPLY, "success");
    Ok(())
}

#[test]
fn legacy_query_signature_of_v4_verifies() {
    let q = query();
    let signature = q.signature.unwrap_or_default();
    assert_eq!(
        crypt().verify_query_signature(&signature, &q.timestamp, &q.nonce),
        Ok(())
    );
    assert_eq!(
        crypt().verify_query_signature(MSG_SIGNATURE, &q.timestamp, &q.nonce),
        Err(CryptoError::BadSignature)
    );
}

#[test]
fn query_deserializes_with_optional_parameters() {
    let full: Result<PushQuery, _> = serde_json::from_str(&format!(
        r#"{{"signature":"{SIGNATURE}","timestamp":"{TIMESTAMP}","nonce":"{NONCE}","encrypt_type":"aes","msg_signature":"{MSG_SIGNATURE}"}}"#
    ));
    assert_eq!(full.ok(), Some(query()));
    let minimal: Result<PushQuery, _> = serde_json::from_str(r#"{"timestamp":"1","nonce":"2"}"#);
    let minimal = minimal.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(minimal.msg_signature, None);
    assert_eq!(minimal.encrypt_type, None);
    let no_nonce: Result<PushQuery, _> = serde_json::from_str(r#"{"timestamp":"1"}"#);
    assert!(no_nonce.is_err());
}

#[test]
fn missing_msg_signature_is_a_clear_error() {
    let q = PushQuery {
        msg_signature: None,
        ..query()
    };
    let err = open_push(&crypt(), &q, &body());
    assert_eq!(err, Err(PushError::MissingMsgSignature));
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("msg_signature"), "{message}");
}

#[test]
fn non_aes_encrypt_type_is_rejected() {
    for encrypt_type in ["raw", "", "AES256"] {
        let q = PushQuery {
            encrypt_type: Some(encrypt_type.to_owned()),
            ..query()
        };
        assert!(
            matches!(
                open_push(&crypt(), &q, &body()),
                Err(PushError::UnsupportedEncryptType { .. })
            ),
            "{encrypt_type:?}"
        );
    }
    // Upper-case AES and an absent encrypt_type are fine.
    for encrypt_type in [Some("AES".to_owned()), None] {
        let q = PushQuery {
            encrypt_type,
            ..query()
        };
        assert!(open_push(&crypt(), &q, &body()).is_ok());
    }
}

#[test]
fn crypto_failures_are_wrapped() {
    let q = PushQuery {
        nonce: "1".to_owned(),
        ..query()
    };
    let err = open_push(&crypt(), &q, &body());
    assert_eq!(err, Err(PushError::Crypto(CryptoError::BadSignature)));
    // The wrapper shows the crypto error's own advice.
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("token"), "{message}");

    assert!(matches!(
        open_push(&crypt(), &query(), "<xml></xml>"),
        Err(PushError::Crypto(CryptoError::MalformedXml { .. }))
    ));
    let other_appid = MsgCrypt::new(TOKEN, KEY, "wx_other").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        open_push(&other_appid, &query(), &body()),
        Err(PushError::Crypto(CryptoError::WrongAppId { .. }))
    ));
}

#[test]
fn authorized_push_round_trips_through_encrypt_and_open() -> Result<(), PushError> {
    let c = crypt();
    let plaintext = "<xml><AppId><![CDATA[wx2c2769f8efd9abc2]]></AppId><CreateTime>1700000000</CreateTime>\
        <InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[wxMERCHANT]]></AuthorizerAppid>\
        <AuthorizationCode><![CDATA[queryauthcode@@@x]]></AuthorizationCode>\
        <AuthorizationCodeExpiredTime>1700003600</AuthorizationCodeExpiredTime>\
        <PreAuthCode><![CDATA[preauthcode@@@y]]></PreAuthCode></xml>";
    let encrypt = c.encrypt_with_random(plaintext, *b"0123456789abcdef");
    let q = PushQuery {
        signature: None,
        timestamp: "1700000000".to_owned(),
        nonce: "42".to_owned(),
        encrypt_type: Some("aes".to_owned()),
        msg_signature: Some(c.signature("1700000000", "42", &encrypt)),
    };
    let body = format!("<xml><AppId>{APPID}</AppId><Encrypt>{encrypt}</Encrypt></xml>");
    match open_push(&c, &q, &body)? {
        ComponentEvent::Authorized(change) => {
            assert_eq!(change.authorizer_appid, "wxMERCHANT");
            assert_eq!(change.authorization_code, "queryauthcode@@@x");
            assert_eq!(change.authorization_code_expired_time, Some(1_700_003_600));
            assert_eq!(change.pre_auth_code.as_deref(), Some("preauthcode@@@y"));
            assert_eq!(change.create_time, 1_700_000_000);
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn decrypt_push_returns_the_plaintext_with_the_same_checks() -> Result<(), PushError> {
    let plaintext = decrypt_push(&crypt(), &query(), &body())?;
    assert!(plaintext.contains("<ComponentVerifyTicket><![CDATA[ticket@@@TESTTICKET]]>"));
    let no_signature = PushQuery {
        msg_signature: None,
        ..query()
    };
    assert_eq!(
        decrypt_push(&crypt(), &no_signature, &body()),
        Err(PushError::MissingMsgSignature)
    );
    let plain_mode = PushQuery {
        encrypt_type: Some("raw".to_owned()),
        ..query()
    };
    assert!(matches!(
        decrypt_push(&crypt(), &plain_mode, &body()),
        Err(PushError::UnsupportedEncryptType { .. })
    ));
    Ok(())
}
