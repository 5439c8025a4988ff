//! Requests built with the named constructors and setters serialise to exactly the bodies of
//! the spec (the request fixtures, and the official `insertinvoice` example with the two
//! documented corrections: `billing_time` sent as a number, `check_code` always sent), and
//! read back equal. The identifier types are bare JSON strings.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use wx_invoice_types::{
    AuthSource, AuthUrlType, BillingCode, BillingNo, CreateCardRequest, Fen, GetAuthDataRequest, GetAuthUrlRequest,
    InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId, RejectInsertRequest,
};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// `built` serialises to exactly `expected` and deserialises back to itself.
fn assert_wire<T>(built: &T, expected: &Value)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let sent = serde_json::to_value(built).unwrap();
    assert_eq!(&sent, expected);
    let text = serde_json::to_string(built).unwrap();
    assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), built);
}

#[test]
fn official_insert_example_from_the_builders() {
    // The official example prints a code and a number, so it is a tax-control invoice; its
    // amounts do not add up (fee 123, excluding tax 2345, tax 123), so they are set by field.
    let mut data = InvoiceUserData::tax_control(BillingCode::new("4541212454512"), BillingNo::new("4545145712"))
        .with_title("灌哥发票")
        .with_billing_time(1_468_306_058)
        .with_pdf("s_pdf_media_id_abc123")
        .with_item(InvoiceItem::new("牙膏", Fen(10_000)).with_num(3).with_unit("个"))
        .with_buyer_number("123456789012345678");
    data.fee = Fen(123);
    data.fee_without_tax = Fen(2345);
    data.tax = Fen(123);
    let request = InsertInvoiceRequest::new(OrderId::new("111163"), data)
        .with_card_id("pjZ8Yt9WoOePThU0NfUKz5-tBEWU")
        .with_appid("wxc0b84a53ed8e8d29")
        .with_nonce_str("j!Re1WxaHv");

    let mut expected = fixture("card_invoice_insert");
    let face = &mut expected["card_ext"]["user_card"]["invoice_user_data"];
    assert_eq!(face["billing_time"], json!("1468306058"), "the example sends a string");
    face["billing_time"] = json!(1_468_306_058);
    face["check_code"] = json!("");
    assert_wire(&request, &expected);

    // And the example, read as WeChat would send it, equals the built request.
    let read: InsertInvoiceRequest = serde_json::from_value(fixture("card_invoice_insert")).unwrap();
    assert_eq!(read, request);
    assert_eq!(read.validate().unwrap().len(), 1, "only the fee warning");
}

#[test]
fn digital_insert_wire_shape() {
    let request = InsertInvoiceRequest::new(
        OrderId::new("order-1"),
        InvoiceUserData::digital(BillingNo::new("24442000000123456789"))
            .with_title("某某科技有限公司")
            .with_billing_time(1_700_000_000)
            .with_pdf("3035943877")
            .with_trip_pdf("3035943878")
            .with_amounts(Fen(10_000), Fen(600))
            .with_item(InvoiceItem::new("咨询服务", Fen(10_000)))
            .with_seller_number("91440300MA5SELLER1")
            .with_remarks("备注")
            .with_cashier("张三")
            .with_maker("李四"),
    )
    .with_card_id("card-1")
    .with_appid("wxMERCHANT")
    .with_nonce_str("abcdef0123456789");
    let expected = json!({
        "order_id": "order-1",
        "card_id": "card-1",
        "appid": "wxMERCHANT",
        "card_ext": {
            "nonce_str": "abcdef0123456789",
            "user_card": {
                "invoice_user_data": {
                    "fee": 10_600,
                    "title": "某某科技有限公司",
                    "billing_time": 1_700_000_000,
                    "billing_no": "24442000000123456789",
                    "billing_code": "",
                    "info": [{"name": "咨询服务", "price": 10_000}],
                    "fee_without_tax": 10_000,
                    "tax": 600,
                    "s_pdf_media_id": "3035943877",
                    "s_trip_pdf_media_id": "3035943878",
                    "check_code": "",
                    "seller_number": "91440300MA5SELLER1",
                    "remarks": "备注",
                    "cashier": "张三",
                    "maker": "李四"
                }
            }
        }
    });
    assert_wire(&request, &expected);
    assert_eq!(request.validate(), Ok(Vec::new()));
}

#[test]
fn createcard_from_the_builder_matches_the_fixture() {
    let template = CreateCardRequest::new("深圳某某餐饮管理有限公司")
        .with_invoice_type("广东省增值税普通发票")
        .with_logo_url(
            "http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZJkmG8xXhiaHqkKSVMMWeN3hLut7X7hicFNjakmxibMLGWpXrEXB33367o7zHN0CwngnQY7zb7g/0",
        )
        .with_title("某某餐厅")
        .with_custom_url("查看详情", "https://example.com/invoice")
        .with_custom_url_sub_title("点击查看")
        .with_promotion_url("优惠", "https://example.com/promo")
        .with_promotion_url_sub_title("领券");
    assert_wire(&template, &fixture("card_invoice_platform_createcard.request"));
    assert_eq!(template.validate(), Ok(()));
}

#[test]
fn merchant_bodies_from_the_builders_match_the_fixtures() {
    const S_PAPPID: &str = "d3hmM2QzM2U3YTdlOGFlOTBiX1BYq+GHn4NhlQ==";
    let order = OrderId::new("1202933957956");

    let auth_url = GetAuthUrlRequest::new(order.clone(), Fen(11), AuthSource::Web, AuthUrlType::UserTitle)
        .with_s_pappid(S_PAPPID)
        .with_timestamp(1_474_875_876)
        .with_redirect_url("https://mp.weixin.qq.com")
        .with_ticket("fToOrtmB_EHy1m-l1Q");
    assert_wire(&auth_url, &fixture("card_invoice_getauthurl.request"));
    assert_eq!(auth_url.validate(), Ok(()));

    let auth_data = GetAuthDataRequest::new(S_PAPPID, order.clone());
    assert_wire(&auth_data, &fixture("card_invoice_getauthdata.request"));

    let reject = RejectInsertRequest::new(order, "订单已退款")
        .with_s_pappid(S_PAPPID)
        .with_url("https://example.com/help");
    assert_wire(&reject, &fixture("card_invoice_rejectinsert.request"));
    assert_eq!(reject.validate(), Ok(()));
}

#[test]
fn identifiers_are_bare_strings_on_the_wire() {
    assert_eq!(serde_json::to_value(OrderId::new("111163")).unwrap(), json!("111163"));
    assert_eq!(
        serde_json::to_value(BillingNo::new("4545145712")).unwrap(),
        json!("4545145712")
    );
    assert_eq!(serde_json::to_value(BillingCode::default()).unwrap(), json!(""));
    let read: BillingCode = serde_json::from_value(json!("044001900111")).unwrap();
    assert_eq!(read, "044001900111");
    assert!(serde_json::from_value::<OrderId>(json!(111_163)).is_err());
}
