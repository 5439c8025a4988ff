use serde_json::json;

use super::{InsertInvoiceRequest, InsertInvoiceResponse, InvoiceItem, InvoiceUserData};
use crate::ids::{BillingCode, BillingNo, OrderId};
use crate::money::Fen;

const SEED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/card_invoice_insert.json"
));

const DATA: &str = "card_ext.user_card.invoice_user_data";

fn seed() -> InsertInvoiceRequest {
    serde_json::from_str(SEED).expect("the official example must deserialise")
}

fn digital() -> InsertInvoiceRequest {
    let data = InvoiceUserData::digital(BillingNo::new("24442000000123456789"))
        .with_title("某某科技有限公司")
        .with_billing_time(1_700_000_000)
        .with_pdf("media-1")
        .with_amounts(Fen(10_000), Fen(600))
        .with_item(InvoiceItem::new("咨询服务", Fen(10_000)));
    InsertInvoiceRequest::new(OrderId::new("order-1"), data)
        .with_card_id("card-1")
        .with_appid("wxMERCHANT")
        .with_nonce_str("abcdef0123456789")
}

#[test]
fn official_example_deserialises() {
    let req = seed();
    assert_eq!(req.order_id, "111163");
    assert_eq!(req.appid, "wxc0b84a53ed8e8d29");
    let data = req.invoice_user_data();
    assert_eq!(data.billing_time, 1_468_306_058);
    assert_eq!(data.check_code, "");
    assert_eq!(data.fee, Fen(123));
    assert_eq!(data.buyer_number.as_deref(), Some("123456789012345678"));
    let items = data.info.as_ref().unwrap();
    assert_eq!(items[0].name, "牙膏");
    assert_eq!(items[0].num, Some(3));
    assert_eq!(items[0].unit.as_deref(), Some("个"));
    assert_eq!(items[0].price, Fen(10_000));
    assert!(!data.is_digital());
}

#[test]
fn official_example_validates_with_only_the_fee_warning() {
    let warnings = seed().validate().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].field, format!("{DATA}.fee"));
    assert!(warnings[0].message.contains("1.23 CNY"), "{}", warnings[0].message);
}

#[test]
fn serialises_billing_time_as_integer_and_always_sends_codes() {
    let value = serde_json::to_value(seed()).unwrap();
    let data = &value["card_ext"]["user_card"]["invoice_user_data"];
    assert_eq!(data["billing_time"], json!(1_468_306_058));
    assert_eq!(data["check_code"], json!(""));
    assert_eq!(data["fee"], json!(123));
    assert_eq!(data["info"][0]["price"], json!(10_000));
    for absent in ["s_trip_pdf_media_id", "seller_number", "remarks", "cashier", "maker"] {
        assert!(data.get(absent).is_none(), "{absent} should be skipped");
    }

    let digital = serde_json::to_value(digital()).unwrap();
    let data = &digital["card_ext"]["user_card"]["invoice_user_data"];
    assert_eq!(data["billing_code"], json!(""));
    assert_eq!(data["check_code"], json!(""));
    assert!(data["info"][0].get("num").is_none());
}

#[test]
fn round_trips() {
    for req in [seed(), digital()] {
        let text = serde_json::to_string(&req).unwrap();
        let back: InsertInvoiceRequest = serde_json::from_str(&text).unwrap();
        assert_eq!(back, req);
    }
}

#[test]
fn digital_invoice_is_valid_without_warnings() {
    assert_eq!(digital().validate(), Ok(Vec::new()));
}

#[test]
fn validate_reports_every_problem_at_once() {
    let mut req = digital();
    req.order_id = OrderId::default();
    req.card_id = " ".into();
    req.appid = String::new();
    req.card_ext.nonce_str = String::new();
    let data = &mut req.card_ext.user_card.invoice_user_data;
    data.title = String::new();
    data.billing_no = "1234".into();
    data.billing_time = 1_700_000_000_000;
    data.s_pdf_media_id = String::new();
    data.fee = Fen(-1);
    data.fee_without_tax = Fen(-2);
    data.tax = Fen(-3);
    data.info = Some(vec![
        InvoiceItem::new("ok", Fen(1)),
        InvoiceItem {
            name: String::new(),
            num: Some(-1),
            unit: None,
            price: Fen(-5),
        },
    ]);
    let err = req.validate().unwrap_err();
    let fields: Vec<String> = err.problems().iter().map(|p| p.field.clone()).collect();
    let expected: Vec<String> = ["order_id", "card_id", "appid", "card_ext.nonce_str"]
        .into_iter()
        .map(str::to_owned)
        .chain(
            [
                "fee",
                "title",
                "billing_time",
                "billing_no",
                "info[1].name",
                "info[1].num",
                "info[1].price",
                "fee_without_tax",
                "tax",
                "s_pdf_media_id",
            ]
            .into_iter()
            .map(|f| format!("{DATA}.{f}")),
        )
        .collect();
    assert_eq!(fields, expected);
    let text = err.to_string();
    assert!(
        text.starts_with("request not sent, fix 14 invalid fields and send it again: order_id: must not be empty; "),
        "{text}"
    );
    assert!(text.contains("exactly 20 ASCII digits"), "{text}");
}

#[test]
fn digital_billing_no_must_be_twenty_ascii_digits() {
    for bad in [
        "1234567890123456789",
        "123456789012345678901",
        "1234567890123456789a",
        "１２３４５６７８９０１２３４５６７８９０",
    ] {
        let mut req = digital();
        req.card_ext.user_card.invoice_user_data.billing_no = bad.into();
        let err = req.validate().unwrap_err();
        assert!(err.mentions(&format!("{DATA}.billing_no")), "{bad}");
        assert_eq!(err.problems().len(), 1);
    }
    // With an invoice code the number is not a 数电 number and may be shorter.
    let mut req = digital();
    let data = &mut req.card_ext.user_card.invoice_user_data;
    data.billing_code = "044001900111".into();
    data.billing_no = "12345678".into();
    assert!(req.validate().is_ok());
    let message = {
        let mut req = digital();
        req.invoice_user_data_mut().billing_no = BillingNo::new("123");
        req.validate().unwrap_err().problems()[0].message.clone()
    };
    assert_eq!(
        message,
        r#"a 数电 invoice (empty billing_code) needs exactly 20 ASCII digits, got "123""#
    );
}

#[test]
fn billing_time_bounds() {
    for (time, ok) in [
        (999_999_999, false),
        (1_000_000_000, true),
        (9_999_999_999, true),
        (10_000_000_000, false),
        (-1, false),
    ] {
        let mut req = digital();
        req.card_ext.user_card.invoice_user_data.billing_time = time;
        assert_eq!(req.validate().is_ok(), ok, "{time}");
    }
}

#[test]
fn setters_fill_the_fields_they_name() {
    let data = InvoiceUserData::tax_control(BillingCode::new("044001900111"), BillingNo::new("12345678"))
        .with_title("买方公司")
        .with_billing_time(1_700_000_000)
        .with_pdf("media-1")
        .with_trip_pdf("media-2")
        .with_amounts(Fen(10_000), Fen(1_300))
        .with_items(vec![InvoiceItem::new("a", Fen(1))])
        .with_item(InvoiceItem::new("b", Fen(2)).with_num(3).with_unit("个"))
        .with_check_code("12345678901234567890")
        .with_buyer_number("91440300MA5EXAMPLE")
        .with_buyer_address_and_phone("深圳 0755-1")
        .with_buyer_bank_account("招行 1")
        .with_seller_number("91440300MA5SELLER1")
        .with_seller_address_and_phone("广州 020-1")
        .with_seller_bank_account("中行 2")
        .with_remarks("备注")
        .with_cashier("张三")
        .with_maker("李四");
    let expected = InvoiceUserData {
        fee: Fen(11_300),
        title: "买方公司".into(),
        billing_time: 1_700_000_000,
        billing_no: "12345678".into(),
        billing_code: "044001900111".into(),
        info: Some(vec![
            InvoiceItem::new("a", Fen(1)),
            InvoiceItem {
                name: "b".into(),
                num: Some(3),
                unit: Some("个".into()),
                price: Fen(2),
            },
        ]),
        fee_without_tax: Fen(10_000),
        tax: Fen(1_300),
        s_pdf_media_id: "media-1".into(),
        s_trip_pdf_media_id: Some("media-2".into()),
        check_code: "12345678901234567890".into(),
        buyer_number: Some("91440300MA5EXAMPLE".into()),
        buyer_address_and_phone: Some("深圳 0755-1".into()),
        buyer_bank_account: Some("招行 1".into()),
        seller_number: Some("91440300MA5SELLER1".into()),
        seller_address_and_phone: Some("广州 020-1".into()),
        seller_bank_account: Some("中行 2".into()),
        remarks: Some("备注".into()),
        cashier: Some("张三".into()),
        maker: Some("李四".into()),
    };
    assert_eq!(data, expected);
    assert!(!data.is_digital());

    let request = InsertInvoiceRequest::new(OrderId::new("o-1"), data.clone())
        .with_card_id("card-1")
        .with_appid("wxMERCHANT");
    assert_eq!(request.order_id, "o-1");
    assert_eq!(request.card_ext.nonce_str, "", "left for the client to fill");
    let request = request.with_nonce_str("abcdef0123456789");
    assert_eq!(request.validate(), Ok(Vec::new()));
    assert_eq!(*request.invoice_user_data(), data);
}

#[test]
fn digital_constructor_sends_empty_code_and_check_code() {
    let data = InvoiceUserData::digital(BillingNo::new("24442000000123456789"));
    assert!(data.is_digital());
    let value = serde_json::to_value(&data).unwrap();
    assert_eq!(value["billing_no"], json!("24442000000123456789"));
    assert_eq!(value["billing_code"], json!(""));
    assert_eq!(value["check_code"], json!(""));
}

#[test]
fn a_missing_card_id_or_appid_is_named() {
    let data = digital().card_ext.user_card.invoice_user_data;
    let err = InsertInvoiceRequest::new(OrderId::new("o-1"), data)
        .validate()
        .unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["card_id", "appid", "card_ext.nonce_str"]);
}

#[test]
fn amounts_setter_caps_an_overflowing_sum_and_validate_warns() {
    let request = InsertInvoiceRequest {
        card_ext: super::CardExt {
            user_card: super::InsertUserCard {
                invoice_user_data: digital()
                    .card_ext
                    .user_card
                    .invoice_user_data
                    .with_amounts(Fen(i64::MAX), Fen(1)),
            },
            ..digital().card_ext
        },
        ..digital()
    };
    assert_eq!(request.invoice_user_data().fee, Fen(i64::MAX));
    let warnings = request.validate().unwrap();
    assert!(warnings[0].message.contains("overflows"), "{}", warnings[0].message);
}

#[test]
fn fee_mismatch_and_overflow_are_warnings() {
    let mut req = digital();
    let data = &mut req.card_ext.user_card.invoice_user_data;
    data.fee_without_tax = Fen(i64::MAX);
    data.tax = Fen(1);
    let warnings = req.validate().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("overflows"));
}

#[test]
fn missing_required_field_is_a_deserialisation_error() {
    let mut value: serde_json::Value = serde_json::from_str(SEED).unwrap();
    value["card_ext"]["user_card"]["invoice_user_data"]
        .as_object_mut()
        .unwrap()
        .remove("billing_no");
    let err = serde_json::from_value::<InsertInvoiceRequest>(value).unwrap_err();
    assert!(err.to_string().contains("billing_no"), "{err}");
}

#[test]
fn response_ignores_envelope_and_unknown_fields() {
    let resp: InsertInvoiceResponse = serde_json::from_str(
        r#"{"errcode":0,"errmsg":"ok","code":"682xxxx661927","openid":"ojZ8Ytz4lESxxxx_R1TvB2Kds","extra":1}"#,
    )
    .unwrap();
    assert_eq!(resp.code, "682xxxx661927");
    assert_eq!(resp.openid, "ojZ8Ytz4lESxxxx_R1TvB2Kds");
    assert_eq!(resp.unionid, None);
    let with_union: InsertInvoiceResponse = serde_json::from_str(r#"{"code":"c","openid":"o","unionid":"u"}"#).unwrap();
    assert_eq!(with_union.unionid.as_deref(), Some("u"));
    assert!(serde_json::from_str::<InsertInvoiceResponse>(r#"{"errcode":0}"#).is_err());
}
