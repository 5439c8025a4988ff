//! Unified invoicing (legacy): makeoutinvoice accepts a request and pushes its result,
//! queryinvoceinfo reads it, clearoutinvoice red-flushes; the 73xxx answers.

use serde_json::{Value, json};
use wx_sandbox::{Sandbox, SandboxEvent};

use crate::support::{MERCHANT, assert_err, authorizer, direct_token, http, post};

const NSRSBH: &str = "110109500321655";

fn make_out(openid: &str, ddh: &str, fpqqlsh: &str) -> Value {
    json!({"invoiceinfo": {
        "wxopenid": openid, "ddh": ddh, "fpqqlsh": fpqqlsh, "nsrsbh": NSRSBH, "nsrmc": "某某公司",
        "nsrdz": "深圳市南山区", "nsrdh": "0755-12345678", "nsrbank": "中国银行", "nsrbankid": "6228",
        "ghfmc": "周一", "kpr": "小明", "jshj": "159.0", "hjje": "150.00", "hjse": "9.00", "hylx": "0",
        "invoicedetail_list": [{"fphxz": "0", "spbm": "1090418010000000000", "xmmc": "洗衣服务",
            "xmsl": "1", "xmdj": "150", "xmje": "150.00", "sl": "0.06", "se": "9.00"}]
    }})
}

struct Merchant {
    sb: Sandbox,
    token: String,
    openid: String,
}

async fn merchant() -> Merchant {
    let sb = Sandbox::start().await.expect("start");
    let token = direct_token(&sb, MERCHANT).await;
    let openid = sb.openid(MERCHANT, "june");
    Merchant { sb, token, openid }
}

impl Merchant {
    async fn call(&self, path: &str, body: &Value) -> Value {
        post(
            &self.sb,
            &format!("/card/invoice/{path}?access_token={}", self.token),
            body,
        )
        .await
    }

    async fn query(&self, fpqqlsh: &str) -> Value {
        self.call("queryinvoceinfo", &json!({"fpqqlsh": fpqqlsh, "nsrsbh": NSRSBH}))
            .await
    }

    fn results(&self) -> Vec<(String, i64)> {
        self.sb
            .events()
            .into_iter()
            .filter_map(|e| match e {
                SandboxEvent::CloudInvoiceResult { fpqqlsh, status, .. } => Some((fpqqlsh, status)),
                _ => None,
            })
            .collect()
    }
}

#[tokio::test]
async fn an_accepted_request_is_issued_pushed_and_queried() {
    let m = merchant().await;
    let ok = m
        .call("makeoutinvoice", &make_out(&m.openid, "order-1", "serial-1"))
        .await;
    assert_eq!(ok, json!({"errcode": 0, "errmsg": "ok"}));
    assert_eq!(m.results(), [("serial-1".to_owned(), 100)]);
    let q = m.query("serial-1").await;
    assert_eq!(q["errcode"], 0, "{q}");
    assert_eq!(q["errmsg"], "发票数据获取成功");
    let detail = &q["invoicedetail"];
    assert_eq!(detail["fpqqlsh"], "serial-1");
    assert_eq!(detail["fpdm"].as_str().map(str::len), Some(12));
    assert_eq!(detail["kprq"].as_str().map(str::len), Some(14));
    let pdf = http()
        .get(detail["pdfurl"].as_str().expect("pdfurl"))
        .send()
        .await
        .expect("req")
        .bytes()
        .await
        .expect("bytes");
    assert!(pdf.starts_with(b"%PDF-"));
    // A retry with the same serial for the same order is accepted, without a second result.
    let again = m
        .call("makeoutinvoice", &make_out(&m.openid, "order-1", "serial-1"))
        .await;
    assert_eq!(again["errcode"], 0);
    assert_eq!(m.results().len(), 1);
    assert_err(
        &m.call("makeoutinvoice", &make_out(&m.openid, "order-2", "serial-1"))
            .await,
        73106,
    );
    assert_err(
        &m.call("makeoutinvoice", &make_out(&m.openid, "order-1", "serial-2"))
            .await,
        73108,
    );
    assert_err(&m.query("serial-9").await, 73109);
    let other_taxpayer = m
        .call(
            "queryinvoceinfo",
            &json!({"fpqqlsh": "serial-1", "nsrsbh": "91440300MA5EXAMPLE"}),
        )
        .await;
    assert_err(&other_taxpayer, 73101);
}

#[tokio::test]
async fn empty_fields_get_their_73xxx_code_and_bad_values_72031() {
    let m = merchant().await;
    for (field, code) in [
        ("wxopenid", 73003),
        ("ddh", 73002),
        ("fpqqlsh", 73004),
        ("ghfmc", 73010),
        ("jshj", 73012),
        ("hylx", 73015),
    ] {
        let mut body = make_out(&m.openid, "o", "s");
        body["invoiceinfo"][field] = json!("");
        assert_err(&m.call("makeoutinvoice", &body).await, code);
    }
    assert_err(
        &m.call("makeoutinvoice", &make_out("ounknownopenid", "o", "s")).await,
        73001,
    );
    let mut bad_amount = make_out(&m.openid, "o", "s");
    bad_amount["invoiceinfo"]["hjje"] = json!("150,00");
    assert_err(&m.call("makeoutinvoice", &bad_amount).await, 72031);
    let mut bad_code = make_out(&m.openid, "o", "s");
    bad_code["invoiceinfo"]["invoicedetail_list"][0]["spbm"] = json!("10904");
    let v = m.call("makeoutinvoice", &bad_code).await;
    assert_err(&v, 72031);
    assert!(
        v["errmsg"]
            .as_str()
            .expect("msg")
            .contains("invoicedetail_list[0].spbm")
    );
    let mut numbers = make_out(&m.openid, "o", "s");
    numbers["invoiceinfo"]["jshj"] = json!(159);
    numbers["invoiceinfo"]["hylx"] = json!(1);
    assert_eq!(
        m.call("makeoutinvoice", &numbers).await["errcode"],
        0,
        "numbers are accepted too"
    );
    let (no_set, _) = authorizer(&m.sb, "wxauthorizer00001", &[8]).await;
    let refused = post(
        &m.sb,
        &format!("/card/invoice/makeoutinvoice?access_token={no_set}"),
        &make_out(&m.openid, "o", "s"),
    )
    .await;
    assert_err(&refused, 48001);
}

#[tokio::test]
async fn held_results_are_processing_until_completed() {
    let m = merchant().await;
    m.sb.hold_unified_results(true);
    m.call("makeoutinvoice", &make_out(&m.openid, "order-1", "serial-1"))
        .await;
    m.call("makeoutinvoice", &make_out(&m.openid, "order-2", "serial-2"))
        .await;
    assert_err(&m.query("serial-1").await, 73107);
    assert!(m.results().is_empty());
    m.sb.complete_unified_request("serial-1", false).expect("complete");
    m.sb.complete_unified_request("serial-2", true).expect("complete");
    assert!(
        m.sb.complete_unified_request("serial-2", true).is_err(),
        "already decided"
    );
    assert_eq!(m.results(), [("serial-1".to_owned(), 2), ("serial-2".to_owned(), 100)]);
    assert_err(&m.query("serial-1").await, 73000);
    assert_eq!(m.query("serial-2").await["errcode"], 0);
}

#[tokio::test]
async fn a_red_flush_needs_the_blue_invoice_once() {
    let m = merchant().await;
    m.call("makeoutinvoice", &make_out(&m.openid, "order-1", "serial-1"))
        .await;
    let blue = m.query("serial-1").await["invoicedetail"].clone();
    let red = |serial: &str, nsrsbh: &str, fphm: &Value| {
        json!({"invoiceinfo": {"wxopenid": m.openid, "fpqqlsh": serial, "nsrsbh": nsrsbh, "nsrmc": "某某公司",
                               "yfpdm": blue["fpdm"], "yfphm": fphm}})
    };
    assert_err(
        &m.call("clearoutinvoice", &red("red-1", NSRSBH, &json!("00000000")))
            .await,
        72031,
    );
    assert_err(
        &m.call("clearoutinvoice", &red("red-1", "91440300MA5EXAMPLE", &blue["fphm"]))
            .await,
        73101,
    );
    let ok = m.call("clearoutinvoice", &red("red-1", NSRSBH, &blue["fphm"])).await;
    assert_eq!(ok["errcode"], 0, "{ok}");
    assert_eq!(m.results().last(), Some(&("red-1".to_owned(), 100)));
    let red_detail = m.query("red-1").await;
    assert_ne!(
        red_detail["invoicedetail"]["fphm"], blue["fphm"],
        "the red invoice has its own number"
    );
    assert_err(
        &m.call("clearoutinvoice", &red("red-2", NSRSBH, &blue["fphm"])).await,
        72060,
    );
    assert_err(
        &m.call("clearoutinvoice", &red("red-1", NSRSBH, &blue["fphm"])).await,
        73106,
    );
    let mut incomplete = red("red-3", NSRSBH, &blue["fphm"]);
    incomplete["invoiceinfo"].as_object_mut().expect("obj").remove("yfpdm");
    assert_err(&m.call("clearoutinvoice", &incomplete).await, 72031);
}

#[tokio::test]
async fn the_result_event_is_pushed_to_the_merchant_message_url() {
    let rx = crate::push::receiver(200, "success").await;
    let sb = Sandbox::builder()
        .message_push_url(format!("{}/msg/$APPID$", rx.url))
        .start()
        .await
        .expect("start");
    let token = direct_token(&sb, MERCHANT).await;
    let openid = sb.openid(MERCHANT, "june");
    let v = post(
        &sb,
        &format!("/card/invoice/makeoutinvoice?access_token={token}"),
        &make_out(&openid, "order-1", "serial-1"),
    )
    .await;
    assert_eq!(v["errcode"], 0);
    assert!(sb.flush_pushes(std::time::Duration::from_secs(5)).await);
    let got = rx.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, format!("/msg/{MERCHANT}"));
    let (xml, _) = crate::push::open(&got[0].1, &got[0].2);
    assert!(
        xml.contains("<Event><![CDATA[cloud_invoice_invoiceresult_event]]></Event>"),
        "{xml}"
    );
    assert!(xml.contains("<fpqqlsh><![CDATA[serial-1]]></fpqqlsh>"));
    assert!(xml.contains(&format!("<nsrsbh><![CDATA[{NSRSBH}]]></nsrsbh>")));
    assert!(xml.contains("<status>100</status>"));
    assert!(xml.contains(&format!("<FromUserName><![CDATA[{openid}]]></FromUserName>")));
}
