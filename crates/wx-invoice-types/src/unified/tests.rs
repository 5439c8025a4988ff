use serde_json::json;

use super::{
    ClearOutInvoiceRequest, CloudInvoiceStatus, Decimal, IndustryType, IssuedInvoice, LineNature, MakeOutInvoice,
    MakeOutInvoiceLine, MakeOutInvoiceRequest, QueryInvoiceInfoRequest, QueryInvoiceInfoResponse, Yuan,
};

fn yuan(text: &str) -> Yuan {
    Yuan::parse(text).unwrap()
}

fn request() -> MakeOutInvoiceRequest {
    MakeOutInvoiceRequest {
        invoiceinfo: MakeOutInvoice {
            wxopenid: "oabc".into(),
            ddh: "30001".into(),
            fpqqlsh: "fpqqlsh-1".into(),
            nsrsbh: "110109500321655".into(),
            nsrmc: "百度在线网络技术（北京）有限公司".into(),
            nsrdz: "深圳市南山区".into(),
            nsrdh: "0755-12345678".into(),
            nsrbank: Some("中国银行".into()),
            nsrbankid: Some("6228888888888888".into()),
            ghfmc: "周一".into(),
            ghfnsrsbh: None,
            ghfdz: None,
            ghfdh: None,
            ghfbank: None,
            ghfbankid: None,
            kpr: "小明".into(),
            skr: None,
            fhr: None,
            jshj: yuan("159.0"),
            hjje: yuan("150.00"),
            hjse: yuan("9"),
            bz: None,
            hylx: IndustryType::Commerce,
            invoicedetail_list: vec![MakeOutInvoiceLine {
                xmsl: Some(Decimal::parse("1").unwrap()),
                xmdj: Some(yuan("150")),
                dw: Some("次".into()),
                ..MakeOutInvoiceLine::new(
                    "1090418010000000000",
                    "洗衣服务",
                    yuan("150.00"),
                    Decimal::parse("0.06").unwrap(),
                    yuan("9.00"),
                )
            }],
        },
    }
}

#[test]
fn every_value_goes_out_as_a_string() {
    let value = serde_json::to_value(request()).unwrap();
    let info = &value["invoiceinfo"];
    assert_eq!(info["jshj"], "159.0");
    assert_eq!(info["hylx"], "0");
    assert_eq!(info["invoicedetail_list"][0]["fphxz"], "0");
    assert_eq!(info["invoicedetail_list"][0]["sl"], "0.06");
    assert!(info.get("ghfnsrsbh").is_none());
    let back: MakeOutInvoiceRequest = serde_json::from_value(value).unwrap();
    assert_eq!(back, request());
    assert_eq!(
        serde_json::from_value::<LineNature>(json!(1)).unwrap(),
        LineNature::Discount
    );
    assert!(serde_json::from_value::<IndustryType>(json!("3")).is_err());
}

#[test]
fn a_valid_request_has_no_warning_and_bad_sums_warn() {
    assert_eq!(request().validate(), Ok(vec![]));
    let mut off = request();
    off.invoiceinfo.jshj = yuan("160");
    let warnings = off.validate().unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].field, "invoiceinfo.jshj");
    let mut lines = request();
    lines.invoiceinfo.invoicedetail_list[0].se = yuan("8.00");
    let fields: Vec<String> = lines.validate().unwrap().into_iter().map(|w| w.field).collect();
    assert_eq!(fields, ["invoiceinfo.hjse"]);
}

#[test]
fn required_fields_amounts_and_lines_are_checked() {
    let mut bad = request();
    bad.invoiceinfo.wxopenid.clear();
    bad.invoiceinfo.fpqqlsh = " ".into();
    bad.invoiceinfo.hjse = yuan("-1");
    bad.invoiceinfo.jshj = yuan("1.234");
    let line = &mut bad.invoiceinfo.invoicedetail_list[0];
    line.spbm = "10904".into();
    line.sl = Decimal::parse("6").unwrap();
    line.se = yuan("9.001");
    let err = bad.validate().unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "invoiceinfo.wxopenid",
            "invoiceinfo.fpqqlsh",
            "invoiceinfo.jshj",
            "invoiceinfo.hjse",
            "invoiceinfo.invoicedetail_list[0].spbm",
            "invoiceinfo.invoicedetail_list[0].se",
            "invoiceinfo.invoicedetail_list[0].sl",
        ]
    );
    let mut empty = request();
    empty.invoiceinfo.invoicedetail_list.clear();
    assert!(empty.validate().unwrap_err().mentions("invoiceinfo.invoicedetail_list"));
}

#[test]
fn clear_out_and_query_need_every_field() {
    let err = ClearOutInvoiceRequest {
        invoiceinfo: super::ClearOutInvoice::default(),
    }
    .validate()
    .unwrap_err();
    assert_eq!(err.problems().len(), 6);
    assert!(err.mentions("invoiceinfo.yfphm"));
    assert_eq!(QueryInvoiceInfoRequest::new("a", "b").validate(), Ok(()));
    assert_eq!(
        serde_json::to_value(QueryInvoiceInfoRequest::new("a", "b")).unwrap(),
        json!({"fpqqlsh": "a", "nsrsbh": "b"})
    );
}

#[test]
fn query_answers_with_or_without_detail() {
    let done: QueryInvoiceInfoResponse = serde_json::from_str(
        r#"{"errcode":0,"errmsg":"发票数据获取成功","invoicedetail":{"fpqqlsh":"f","fpdm":"044001900111",
            "fphm":"12345678","kprq":"20171204172159","jym":"123456","pdfurl":"https://pdf"}}"#,
    )
    .unwrap();
    let detail = done.invoicedetail.unwrap();
    assert_eq!(detail.fphm, "12345678");
    assert_eq!(detail.issued_at(), Some(1_512_379_319));
    let pending: QueryInvoiceInfoResponse = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
    assert_eq!(pending.invoicedetail, None);
}

#[test]
fn issue_times_are_read_as_beijing_time() {
    let at = |text: &str| {
        IssuedInvoice {
            kprq: text.into(),
            ..IssuedInvoice::default()
        }
        .issued_at()
    };
    assert_eq!(at("19700101080000"), Some(0));
    assert_eq!(at("20240229235959"), Some(1_709_222_399));
    for bad in [
        "20230229000000",
        "20241301000000",
        "2024010100000",
        "2024010100000x",
        "20240101240000",
        "",
    ] {
        assert_eq!(at(bad), None, "{bad}");
    }
}

#[test]
fn statuses_keep_unknown_values() {
    assert_eq!(CloudInvoiceStatus::from_wire("100"), CloudInvoiceStatus::Success);
    assert_eq!(CloudInvoiceStatus::from_wire(" 2 "), CloudInvoiceStatus::Failure);
    assert_eq!(CloudInvoiceStatus::from_wire("7").as_str(), "7");
}
