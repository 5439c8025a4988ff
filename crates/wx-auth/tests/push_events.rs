//! `ComponentEvent::from_xml` on every documented InfoType, and its failure modes.

use wx_auth::push::{AuthorizationChange, ComponentEvent, PushError};

fn parse(xml: &str) -> ComponentEvent {
    ComponentEvent::from_xml(xml).unwrap_or_else(|e| panic!("{xml}: {e}"))
}

#[test]
fn official_ticket_sample_parses() {
    let event = parse(
        "<xml><AppId>some_appid</AppId><CreateTime>1413192605</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>some_verify_ticket</ComponentVerifyTicket></xml>",
    );
    assert_eq!(
        event,
        ComponentEvent::VerifyTicket {
            component_appid: "some_appid".to_owned(),
            ticket: "some_verify_ticket".to_owned(),
            create_time: 1_413_192_605,
        }
    );
}

#[test]
fn authorized_and_updateauthorized_carry_the_code() {
    let body = |info_type: &str| {
        format!(
            "<xml><AppId><![CDATA[wx_component]]></AppId><CreateTime>1413192760</CreateTime>\
             <InfoType><![CDATA[{info_type}]]></InfoType>\
             <AuthorizerAppid><![CDATA[wxf8b4f85f3a794e77]]></AuthorizerAppid>\
             <AuthorizationCode><![CDATA[queryauthcode@@@abc]]></AuthorizationCode>\
             <AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime>\
             <PreAuthCode><![CDATA[preauthcode@@@xyz]]></PreAuthCode></xml>"
        )
    };
    let change = AuthorizationChange {
        authorizer_appid: "wxf8b4f85f3a794e77".to_owned(),
        authorization_code: "queryauthcode@@@abc".to_owned(),
        authorization_code_expired_time: Some(1_413_196_360),
        pre_auth_code: Some("preauthcode@@@xyz".to_owned()),
        create_time: 1_413_192_760,
    };
    assert_eq!(parse(&body("authorized")), ComponentEvent::Authorized(change.clone()));
    assert_eq!(
        parse(&body("updateauthorized")),
        ComponentEvent::UpdateAuthorized(change)
    );
}

#[test]
fn authorized_optional_elements_may_be_missing_or_odd() {
    let event = parse(
        "<xml><CreateTime>1</CreateTime><InfoType>authorized</InfoType>\
         <AuthorizerAppid>wxA</AuthorizerAppid><AuthorizationCode>code</AuthorizationCode>\
         <AuthorizationCodeExpiredTime>soon</AuthorizationCodeExpiredTime><PreAuthCode/></xml>",
    );
    match event {
        ComponentEvent::Authorized(change) => {
            assert_eq!(change.authorization_code_expired_time, None);
            assert_eq!(change.pre_auth_code, None);
            assert_eq!(change.authorization_code, "code");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unauthorized_parses() {
    assert_eq!(
        parse(
            "<xml><AppId>wx_component</AppId><CreateTime>1413192760</CreateTime>\
             <InfoType>unauthorized</InfoType><AuthorizerAppid>wxMERCHANT</AuthorizerAppid></xml>"
        ),
        ComponentEvent::Unauthorized {
            authorizer_appid: "wxMERCHANT".to_owned(),
            create_time: 1_413_192_760,
        }
    );
}

#[test]
fn info_type_is_case_insensitive_and_values_are_trimmed() {
    let event = parse(
        "<xml>\n  <AppId> wx_c </AppId>\n  <CreateTime>\n 5 \n</CreateTime>\n  \
         <InfoType> Component_Verify_TICKET </InfoType>\n  \
         <ComponentVerifyTicket><![CDATA[ticket@@@t]]></ComponentVerifyTicket>\n</xml>",
    );
    assert_eq!(
        event,
        ComponentEvent::VerifyTicket {
            component_appid: "wx_c".to_owned(),
            ticket: "ticket@@@t".to_owned(),
            create_time: 5,
        }
    );
    assert!(matches!(
        parse(
            "<xml><InfoType>UNAUTHORIZED</InfoType><AuthorizerAppid>a</AuthorizerAppid><CreateTime>1</CreateTime></xml>"
        ),
        ComponentEvent::Unauthorized { .. }
    ));
}

#[test]
fn unknown_info_types_pass_through() {
    assert_eq!(
        parse(
            "<xml><AppId>wx</AppId><CreateTime>7</CreateTime><InfoType>notify_third_fasteregister</InfoType><status>0</status></xml>"
        ),
        ComponentEvent::Other {
            info_type: "notify_third_fasteregister".to_owned(),
            create_time: Some(7),
        }
    );
    assert_eq!(
        parse("<xml><InfoType>x</InfoType><CreateTime>later</CreateTime></xml>"),
        ComponentEvent::Other {
            info_type: "x".to_owned(),
            create_time: None,
        }
    );
}

#[test]
fn missing_or_empty_required_elements_are_named() {
    let cases = [
        ("<xml><CreateTime>1</CreateTime></xml>", "InfoType"),
        ("<xml><InfoType>  </InfoType></xml>", "InfoType"),
        (
            "<xml><InfoType>component_verify_ticket</InfoType><AppId>a</AppId><CreateTime>1</CreateTime></xml>",
            "ComponentVerifyTicket",
        ),
        (
            "<xml><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>t</ComponentVerifyTicket><CreateTime>1</CreateTime></xml>",
            "AppId",
        ),
        (
            "<xml><InfoType>component_verify_ticket</InfoType><AppId>a</AppId><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>",
            "CreateTime",
        ),
        (
            "<xml><InfoType>authorized</InfoType><AuthorizerAppid>a</AuthorizerAppid><CreateTime>1</CreateTime></xml>",
            "AuthorizationCode",
        ),
        (
            "<xml><InfoType>updateauthorized</InfoType><AuthorizationCode>c</AuthorizationCode><CreateTime>1</CreateTime></xml>",
            "AuthorizerAppid",
        ),
        (
            "<xml><InfoType>unauthorized</InfoType><AuthorizerAppid></AuthorizerAppid><CreateTime>1</CreateTime></xml>",
            "AuthorizerAppid",
        ),
    ];
    for (xml, missing) in cases {
        match ComponentEvent::from_xml(xml) {
            Err(err @ PushError::MissingElement { element }) => {
                assert_eq!(element, missing, "{xml}");
                assert!(err.to_string().contains(missing));
            }
            other => panic!("{xml}: {other:?}"),
        }
    }
}

#[test]
fn non_integer_create_time_is_invalid_number() {
    assert_eq!(
        ComponentEvent::from_xml(
            "<xml><InfoType>unauthorized</InfoType><AuthorizerAppid>a</AuthorizerAppid><CreateTime>1.5</CreateTime></xml>"
        ),
        Err(PushError::InvalidNumber { element: "CreateTime" })
    );
}

#[test]
fn malformed_plaintext_is_malformed_xml() {
    for xml in [
        "",
        "success",
        "<xml><InfoType>authorized</xml>",
        "<notxml><InfoType>x</InfoType></notxml>",
        "<xml><InfoType>a</InfoType><InfoType>b</InfoType></xml>",
    ] {
        assert!(
            matches!(ComponentEvent::from_xml(xml), Err(PushError::MalformedXml { .. })),
            "{xml}"
        );
    }
}

#[test]
fn debug_redacts_ticket_and_codes() {
    let ticket = ComponentEvent::VerifyTicket {
        component_appid: "wx_component".to_owned(),
        ticket: "ticket@@@SECRET".to_owned(),
        create_time: 1,
    };
    let shown = format!("{ticket:?}");
    assert!(
        shown.contains("wx_component") && shown.contains("[redacted]"),
        "{shown}"
    );
    assert!(!shown.contains("SECRET"), "{shown}");

    let change = ComponentEvent::Authorized(AuthorizationChange {
        authorizer_appid: "wxMERCHANT".to_owned(),
        authorization_code: "queryauthcode@@@SECRET".to_owned(),
        authorization_code_expired_time: None,
        pre_auth_code: Some("preauthcode@@@SECRET".to_owned()),
        create_time: 1,
    });
    let shown = format!("{change:?} {change:#?}");
    assert!(shown.contains("wxMERCHANT"), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");
}

#[test]
fn errors_never_quote_element_text() {
    // A ticket inside a broken document must not end up in the error.
    let err = ComponentEvent::from_xml(
        "<xml><ComponentVerifyTicket>ticket@@@SECRET</ComponentVerifyTicket><InfoType>component_verify_ticket</xml>",
    );
    let shown = format!("{err:?}");
    assert!(err.is_err());
    assert!(!shown.contains("SECRET"), "{shown}");
}
