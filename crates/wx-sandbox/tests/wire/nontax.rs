//! Fiscal non-tax e-receipts: the bureau's template and insert, the unit's authorization page,
//! own tokens only, and receipts that join the invoice cards' state machine.

use serde_json::{Value, json};
use wx_sandbox::{CardStatus, Sandbox, UserAuthorization};

use crate::support::{PLATFORM, assert_err, authorizer, direct_token, http, post, upload_pdf};

const UNIT: &str = "wxcollectingunit01";

async fn wx_card_ticket(sb: &Sandbox, token: &str) -> String {
    let v: Value = http()
        .get(format!(
            "{}/cgi-bin/ticket/getticket?access_token={token}&type=wx_card",
            sb.base_url()
        ))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    v["ticket"].as_str().expect("ticket").to_owned()
}

struct Fiscal {
    sb: Sandbox,
    bureau: String,
    unit: String,
    s_pappid: String,
    card_id: String,
    ticket: String,
}

async fn fiscal(strict: bool) -> Fiscal {
    let sb = Sandbox::builder().strict_orders(strict).start().await.expect("start");
    let bureau = direct_token(&sb, PLATFORM).await;
    let unit = direct_token(&sb, UNIT).await;
    let seturl = post(&sb, &format!("/card/invoice/seturl?access_token={bureau}"), &json!({})).await;
    assert_eq!(seturl["errcode"], 0);
    let card = post(
        &sb,
        &format!("/nontax/createbillcard?access_token={bureau}"),
        &json!({"invoice_info": {"payee": "某某市财政局", "base_info": {"logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0"}}}),
    )
    .await;
    assert_eq!(card["errcode"], 0, "{card}");
    let ticket = wx_card_ticket(&sb, &unit).await;
    Fiscal {
        s_pappid: sb.s_pappid(PLATFORM),
        card_id: card["card_id"].as_str().expect("card_id").to_owned(),
        sb,
        bureau,
        unit,
        ticket,
    }
}

impl Fiscal {
    fn auth_body(&self, order_id: &str) -> Value {
        json!({"s_pappid": self.s_pappid, "order_id": order_id, "money": 5000, "timestamp": 1_700_000_000,
               "source": "web", "ticket": self.ticket})
    }

    fn bill(&self, order_id: &str, media: &str, billing_no: &str) -> Value {
        json!({"order_id": order_id, "card_id": self.card_id, "appid": UNIT,
               "card_ext": {"user_card": {"invoice_user_data": {
                   "fee": 5000, "title": "缴款人", "billing_time": "1511169724",
                   "billing_no": billing_no, "billing_code": "aabbccdd", "s_pdf_media_id": media}}}})
    }
}

#[tokio::test]
async fn a_receipt_goes_from_authorization_to_closure() {
    let f = fiscal(true).await;
    let url = post(
        &f.sb,
        &format!("/nontax/getbillauthurl?access_token={}", f.unit),
        &f.auth_body("fee-1"),
    )
    .await;
    assert_eq!(url["errcode"], 0, "{url}");
    assert_eq!(url["expire_time"], 7200);
    assert!(url["auth_url"].as_str().expect("auth_url").starts_with("https://"));
    let media = upload_pdf(&f.sb, &f.bureau).await;
    let path = format!("/nontax/insertbill?access_token={}", f.bureau);
    assert_err(&post(&f.sb, &path, &f.bill("fee-1", &media, "1511169724")).await, 72038);
    f.sb.user_authorize(&UserAuthorization::new(&f.s_pappid, "fee-1").user("ivy"))
        .expect("authorize");
    let data = post(
        &f.sb,
        &format!("/card/invoice/getauthdata?access_token={}", f.unit),
        &json!({"s_pappid": f.s_pappid, "order_id": "fee-1"}),
    )
    .await;
    assert_eq!(data["invoice_status"], "auth success", "{data}");
    let inserted = post(&f.sb, &path, &f.bill("fee-1", &media, "1511169724")).await;
    assert_eq!(inserted["errcode"], 0, "{inserted}");
    let code = inserted["code"].as_str().expect("code").to_owned();
    assert_err(&post(&f.sb, &path, &f.bill("fee-1", &media, "1511169725")).await, 72056);
    let card = f.sb.card(&code).expect("card");
    assert_eq!(card.fields["billing_code"], "aabbccdd");
    // The shared calls: a reimburser reads and closes it, the bureau's status call works.
    let r = direct_token(&f.sb, "wxreimburser00001").await;
    let info = post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoiceinfo?access_token={r}"),
        &json!({"card_id": f.card_id, "encrypt_code": card.encrypt_code}),
    )
    .await;
    assert_eq!(info["payee"], "某某市财政局", "{info}");
    assert_eq!(info["type"], "财政电子票据");
    let cancel = post(
        &f.sb,
        &format!("/card/invoice/platform/updatestatus?access_token={}", f.bureau),
        &json!({"card_id": f.card_id, "code": code, "reimburse_status": "INVOICE_REIMBURSE_CANCEL"}),
    )
    .await;
    assert_eq!(cancel["errcode"], 0, "{cancel}");
    assert_eq!(f.sb.card(&code).expect("card").status, CardStatus::Cancel);
}

#[tokio::test]
async fn third_party_tokens_and_wrong_fields_are_refused() {
    let f = fiscal(false).await;
    let (authorizer_token, _) = authorizer(&f.sb, "wxauthorizedunit01", &[26, 47]).await;
    for path in ["/nontax/getbillauthurl", "/nontax/createbillcard", "/nontax/insertbill"] {
        let v = post(&f.sb, &format!("{path}?access_token={authorizer_token}"), &json!({})).await;
        assert_err(&v, 48001);
    }
    let path = format!("/nontax/getbillauthurl?access_token={}", f.unit);
    let mut wxa = f.auth_body("fee-2");
    wxa["source"] = json!("wxa");
    assert_err(&post(&f.sb, &path, &wxa).await, 72031);
    let mut typed = f.auth_body("fee-2");
    typed["type"] = json!(1);
    assert_err(&post(&f.sb, &path, &typed).await, 72031);
    let mut foreign = f.auth_body("fee-2");
    foreign["ticket"] = json!("not-a-ticket");
    assert_err(&post(&f.sb, &path, &foreign).await, 72031);
    let card = post(
        &f.sb,
        &format!("/nontax/createbillcard?access_token={}", f.bureau),
        &json!({"invoice_info": {"payee": "p", "base_info": {"logo_url": "https://example.com/logo.png"}}}),
    )
    .await;
    assert_err(&card, 72031);
    let flat = post(
        &f.sb,
        &format!("/nontax/createbillcard?access_token={}", f.bureau),
        &json!({"payee": "p", "base_info": {"logo_url": "http://mmbiz.qpic.cn/x"}}),
    )
    .await;
    assert_err(&flat, 72031);
    let media = upload_pdf(&f.sb, &f.bureau).await;
    let insert = format!("/nontax/insertbill?access_token={}", f.bureau);
    let mut nonce = f.bill("fee-3", &media, "1");
    nonce["card_ext"]["nonce_str"] = json!("x");
    assert_err(&post(&f.sb, &insert, &nonce).await, 72031);
    let mut missing = f.bill("fee-3", &media, "1");
    missing["card_ext"]["user_card"]["invoice_user_data"]
        .as_object_mut()
        .expect("data")
        .remove("billing_code");
    let v = post(&f.sb, &insert, &missing).await;
    assert_err(&v, 72031);
    assert!(
        v["errmsg"]
            .as_str()
            .expect("msg")
            .contains("invoice_user_data.billing_code")
    );
    assert_err(&post(&f.sb, &insert, &f.bill("fee-3", "123", "1")).await, 72040);
    // Lenient mode: an order nobody authorized is accepted, as for invoices.
    assert_eq!(post(&f.sb, &insert, &f.bill("fee-3", &media, "1")).await["errcode"], 0);
}
