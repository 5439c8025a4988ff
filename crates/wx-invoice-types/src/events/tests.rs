use super::{
    EventParseError, InvoiceEvent, MAX_EVENT_BYTES, SubmitInvoiceTitle, UpdateInvoiceStatus, UserAuthorizeInvoice,
};
use crate::status::ReimburseStatus;

const AUTHORIZE: &str = "<xml><ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>\n\
<FromUserName><![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]></FromUserName>\n\
<CreateTime>1475134700</CreateTime>\n\
<MsgType><![CDATA[event]]></MsgType>\n\
<Event><![CDATA[user_authorize_invoice]]></Event>\n\
<SuccOrderId><![CDATA[1202933957956]]></SuccOrderId>\n\
<FailOrderId><![CDATA[]]></FailOrderId>\n\
<AuthorizeAppId><![CDATA[wxf3d33e7a7e8ae90b]]></AuthorizeAppId>\n\
<Source><![CDATA[web]]></Source>\n\
</xml>";

fn parse(xml: &str) -> InvoiceEvent {
    InvoiceEvent::from_xml(xml).unwrap()
}

#[test]
fn reads_user_authorize_invoice() {
    let InvoiceEvent::UserAuthorizeInvoice(e) = parse(AUTHORIZE) else {
        panic!("wrong variant");
    };
    assert_eq!(e.to_user_name, "gh_fc0a06a20993");
    assert_eq!(e.from_user_name, "oZI8Fj040-be6rlDohc6gkoPOQTQ");
    assert_eq!(e.create_time, 1_475_134_700);
    assert_eq!(e.authorized_order_id(), Some("1202933957956"));
    assert_eq!(e.failed_order_id(), None);
    assert_eq!(e.authorize_appid, "wxf3d33e7a7e8ae90b");
    assert_eq!(e.source, "web");
    assert_eq!(e.sp_appid, None);
}

#[test]
fn reads_appid_spelling_and_spappid_as_plain_text() {
    let xml = "<?xml version=\"1.0\"?><xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>\
               <CreateTime> 1700000000 </CreateTime><MsgType>event</MsgType><Event>USER_AUTHORIZE_INVOICE</Event>\
               <SuccOrderId/><FailOrderId>bad-order</FailOrderId><AppId>wxMERCHANT</AppId>\
               <Source>wxa</Source><SPAppId>d3hABC%3D%3D</SPAppId><Unknown><Nested>x</Nested></Unknown></xml>";
    let InvoiceEvent::UserAuthorizeInvoice(e) = parse(xml) else {
        panic!("wrong variant");
    };
    assert_eq!(e.create_time, 1_700_000_000);
    assert_eq!(e.authorized_order_id(), None);
    assert_eq!(e.failed_order_id(), Some("bad-order"));
    assert_eq!(e.authorize_appid, "wxMERCHANT");
    assert_eq!(e.sp_appid.as_deref(), Some("d3hABC%3D%3D"));
}

#[test]
fn authorize_appid_wins_over_appid() {
    let xml = AUTHORIZE.replace("<Source>", "<AppId>wxOTHER</AppId><Source>");
    let InvoiceEvent::UserAuthorizeInvoice(e) = parse(&xml) else {
        panic!("wrong variant");
    };
    assert_eq!(e.authorize_appid, "wxf3d33e7a7e8ae90b");
}

#[test]
fn reads_update_invoice_status() {
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>\
               <CreateTime>1475134700</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[update_invoice_status]]></Event><Status><![CDATA[INVOICE_REIMBURSE_LOCK]]></Status>\
               <CardId><![CDATA[pjZ8Yt1XGILfi-FUsewpnnolGgZk]]></CardId><Code><![CDATA[030102490318]]></Code></xml>";
    let InvoiceEvent::UpdateInvoiceStatus(e) = parse(xml) else {
        panic!("wrong variant");
    };
    assert_eq!(e.status, ReimburseStatus::Lock);
    assert_eq!(e.card_id, "pjZ8Yt1XGILfi-FUsewpnnolGgZk");
    assert_eq!(e.code, "030102490318");
}

#[test]
fn reads_submit_invoice_title_with_entities() {
    let xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>\
               <MsgType>event</MsgType><Event>submit_invoice_title</Event><title>A &amp; B &#x516C;&#21496;</title>\
               <tax_no><![CDATA[91440300MA5EXAMPLE]]></tax_no><addr>深圳</addr><phone>0755-1234</phone>\
               <bank_type>银行</bank_type><bank_no>6222</bank_no><attach>table-7</attach>\
               <title_type>InvoiceUserTitleBusinessType</title_type></xml>";
    let InvoiceEvent::SubmitInvoiceTitle(e) = parse(xml) else {
        panic!("wrong variant");
    };
    assert_eq!(e.title, "A & B 公司");
    assert_eq!(e.tax_no, "91440300MA5EXAMPLE");
    assert_eq!(e.attach, "table-7");
    assert!(!e.is_personal());
}

#[test]
fn other_messages_and_events_pass_through() {
    assert_eq!(
        parse("<xml><MsgType>text</MsgType><Content>hi</Content></xml>"),
        InvoiceEvent::Other {
            event: String::new(),
            msg_type: "text".into()
        }
    );
    let card = AUTHORIZE.replace("user_authorize_invoice", "user_get_card");
    assert_eq!(parse(&card).event_name(), "user_get_card");
}

#[test]
fn encrypted_envelope_is_reported() {
    let err = InvoiceEvent::from_xml(
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>",
    )
    .unwrap_err();
    assert_eq!(err, EventParseError::StillEncrypted);
    assert!(err.to_string().contains("decrypt it first"));
}

#[test]
fn bad_create_time_is_an_error() {
    let xml = AUTHORIZE.replace("1475134700", "yesterday");
    assert!(matches!(
        InvoiceEvent::from_xml(&xml),
        Err(EventParseError::InvalidField {
            field: "CreateTime",
            ..
        })
    ));
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let cases = [
        "",
        "   ",
        "hello",
        "{\"errcode\":0}",
        "<",
        "<xml",
        "<html><MsgType>event</MsgType></html>",
        "<xml></xml><xml></xml>",
        "<xml><MsgType>event</Event></xml>",
        "<xml><MsgType>&bogus;</MsgType></xml>",
        "<xml><MsgType>&#0;</MsgType></xml>",
        "<xml><MsgType><![CDATA[event</MsgType></xml>",
        "\u{0}\u{1}\u{fffd}",
        "<xml>x</xml>trailing",
    ];
    for case in cases {
        assert!(InvoiceEvent::from_xml(case).is_err(), "{case:?} was accepted");
    }
    assert_eq!(
        InvoiceEvent::from_xml("<xml></xml>"),
        Err(EventParseError::MissingField { field: "MsgType" })
    );
}

#[test]
fn every_truncation_of_a_real_event_is_handled() {
    for (cut, _) in AUTHORIZE.char_indices() {
        // Must not panic; a cut inside the document must not parse as a complete event.
        if let Ok(InvoiceEvent::UserAuthorizeInvoice(e)) = InvoiceEvent::from_xml(&AUTHORIZE[..cut]) {
            panic!("truncated at {cut} parsed as {e:?}");
        }
    }
}

#[test]
fn huge_and_deep_inputs_are_bounded() {
    let huge = "<xml>".to_owned() + &"a".repeat(MAX_EVENT_BYTES) + "</xml>";
    assert!(matches!(
        InvoiceEvent::from_xml(&huge),
        Err(EventParseError::TooLarge {
            max: MAX_EVENT_BYTES,
            ..
        })
    ));
    let deep = "<xml>".to_owned() + &"<a>".repeat(8_000) + &"</a>".repeat(8_000) + "<MsgType>text</MsgType></xml>";
    assert!(deep.len() < MAX_EVENT_BYTES);
    assert_eq!(parse(&deep).event_name(), "");
    let unclosed = "<xml>".to_owned() + &"<a>".repeat(8_000);
    assert!(InvoiceEvent::from_xml(&unclosed).is_err());
}

#[test]
fn every_event_round_trips_through_xml() {
    let events = [
        InvoiceEvent::UserAuthorizeInvoice(UserAuthorizeInvoice {
            to_user_name: "gh_1".into(),
            from_user_name: "o1".into(),
            create_time: 1_700_000_000,
            succ_order_id: "order-1".into(),
            fail_order_id: String::new(),
            authorize_appid: "wxMERCHANT".into(),
            source: "app".into(),
            sp_appid: Some("s_pappid==".into()),
        }),
        InvoiceEvent::UpdateInvoiceStatus(UpdateInvoiceStatus {
            to_user_name: "gh_1".into(),
            from_user_name: "o1".into(),
            create_time: 1,
            status: ReimburseStatus::Other("INVOICE_REIMBURSE_NEW".into()),
            card_id: "card".into(),
            code: "code".into(),
        }),
        InvoiceEvent::SubmitInvoiceTitle(SubmitInvoiceTitle {
            title: "<A & B> ]]> 公司".into(),
            title_type: SubmitInvoiceTitle::PERSONAL.into(),
            attach: "x".into(),
            ..SubmitInvoiceTitle::default()
        }),
        InvoiceEvent::Other {
            event: "subscribe".into(),
            msg_type: "event".into(),
        },
        InvoiceEvent::Other {
            event: String::new(),
            msg_type: "text".into(),
        },
    ];
    for event in events {
        let xml = event.to_xml();
        assert_eq!(InvoiceEvent::from_xml(&xml).as_ref(), Ok(&event), "{xml}");
    }
}

#[test]
fn to_xml_uses_wechat_element_names() {
    let xml = parse(AUTHORIZE).to_xml();
    assert!(
        xml.starts_with("<xml><ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>"),
        "{xml}"
    );
    assert!(xml.contains("<CreateTime>1475134700</CreateTime>"));
    assert!(xml.contains("<AuthorizeAppId><![CDATA[wxf3d33e7a7e8ae90b]]></AuthorizeAppId>"));
    assert!(!xml.contains("SPAppId"));
}

#[test]
fn random_token_soup_never_panics() {
    const TOKENS: [&str; 16] = [
        "<xml>",
        "</xml>",
        "<MsgType>",
        "</MsgType>",
        "event",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#x",
        "<Event>",
        "user_authorize_invoice",
        "</Event>",
        "<",
        ">",
        "/",
        "\u{fffd}",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..5_000 {
        let mut input = String::new();
        for _ in 0..(state % 24) {
            // xorshift64: deterministic, no dependency.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            input.push_str(TOKENS[usize::try_from(state % 16).unwrap()]);
        }
        state = state.wrapping_add(1);
        let _ = InvoiceEvent::from_xml(&input);
    }
}

#[test]
fn cloud_invoice_result_reads_lowercase_tags_and_round_trips() {
    let xml = "<xml><ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>\
               <FromUserName><![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]></FromUserName>\
               <CreateTime>1475134700</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[cloud_invoice_invoiceresult_event]]></Event>\
               <fpqqlsh><![CDATA[fpqqlsh-1]]></fpqqlsh><nsrsbh><![CDATA[110109500321655]]></nsrsbh>\
               <status>100</status></xml>";
    let event = InvoiceEvent::from_xml(xml).unwrap();
    let InvoiceEvent::CloudInvoiceResult(result) = &event else {
        panic!("unexpected {event:?}");
    };
    assert!(result.succeeded());
    assert_eq!(result.fpqqlsh, "fpqqlsh-1");
    assert_eq!(result.nsrsbh, "110109500321655");
    assert_eq!(event.event_name(), "cloud_invoice_invoiceresult_event");
    let written = event.to_xml();
    assert!(written.contains("<status>100</status>"), "{written}");
    assert_eq!(InvoiceEvent::from_xml(&written).unwrap(), event);
    let failed = xml.replace("<status>100</status>", "<status>2</status>");
    let InvoiceEvent::CloudInvoiceResult(failed) = InvoiceEvent::from_xml(&failed).unwrap() else {
        panic!("not a result");
    };
    assert_eq!(failed.status, crate::unified::CloudInvoiceStatus::Failure);
}
