//! Every invoice endpoint answers 72031 naming a key it does not know, at any depth, as
//! WeChat's `invalid params` does.

use serde_json::{Value, json};

use crate::flow::{Flow, setup};
use crate::support::{assert_err, direct_token, post, upload_pdf};

/// Posts `body` to `path` with `token` and checks 72031 naming `key`.
async fn expect_unknown(f: &Flow, path: &str, token: &str, body: &Value, key: &str) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let v = post(&f.sb, &format!("{path}{sep}access_token={token}"), body).await;
    assert_err(&v, 72031);
    let msg = v["errmsg"].as_str().expect("errmsg");
    assert!(msg.contains(key) && msg.contains("not a known key"), "{path}: {msg}");
}

#[tokio::test]
async fn platform_endpoints_name_unknown_keys() {
    let f = setup(false).await;
    let p = f.platform.clone();
    expect_unknown(&f, "/card/invoice/seturl", &p, &json!({"extra": 1}), "extra").await;
    let base = json!({"logo_url": "http://mmbiz.qpic.cn/l/0", "title": "t", "subtitle": "x"});
    let card = json!({"invoice_info": {"base_info": base, "payee": "p", "type": "t"}});
    expect_unknown(
        &f,
        "/card/invoice/platform/createcard",
        &p,
        &card,
        "invoice_info.base_info.subtitle",
    )
    .await;
    let card = json!({"invoice_info": {"base_info": {"logo_url": "http://mmbiz.qpic.cn/l/0", "title": "t"},
                      "payee": "p", "type": "t", "color": "red"}});
    expect_unknown(&f, "/card/invoice/platform/createcard", &p, &card, "invoice_info.color").await;
    let card = json!({"invoice_info": {"base_info": {"logo_url": "http://mmbiz.qpic.cn/l/0", "title": "t"},
                      "payee": "p", "type": "t"}, "card_type": "INVOICE"});
    expect_unknown(&f, "/card/invoice/platform/createcard", &p, &card, "card_type").await;
    let media = upload_pdf(&f.sb, &p).await;
    let getpdf = json!({"action": "get_url", "s_media_id": media, "media_id": media});
    expect_unknown(&f, "/card/invoice/platform/getpdf", &p, &getpdf, "media_id").await;
    let (code, encrypt_code, _) = f.issued_card("o-keys", "1", "alice").await;
    let update =
        json!({"card_id": f.card_id, "code": code, "reimburse_status": "INVOICE_REIMBURSE_CANCEL", "why": "x"});
    expect_unknown(&f, "/card/invoice/platform/updatestatus", &p, &update, "why").await;
    let decrypt = json!({"encrypt_code": encrypt_code, "card_id": f.card_id});
    expect_unknown(&f, "/card/code/decrypt", &p, &decrypt, "card_id").await;
}

#[tokio::test]
async fn merchant_endpoints_name_unknown_keys() {
    let f = setup(false).await;
    let m = f.merchant.clone();
    let mut auth_url = f.auth_url_body("o-1");
    auth_url["callback"] = json!("x");
    expect_unknown(&f, "/card/invoice/getauthurl", &m, &auth_url, "callback").await;
    let data = json!({"s_pappid": f.s_pappid, "order_id": "o-1", "openid": "x"});
    expect_unknown(&f, "/card/invoice/getauthdata", &m, &data, "openid").await;
    let reject = json!({"s_pappid": f.s_pappid, "order_id": "o-1", "reason": "r", "note": "x"});
    expect_unknown(&f, "/card/invoice/rejectinsert", &m, &reject, "note").await;
    let attr = "/card/invoice/setbizattr?action=";
    let contact = json!({"contact": {"phone": "1", "time_out": 1, "email": "a@b"}});
    expect_unknown(&f, &format!("{attr}set_contact"), &m, &contact, "contact.email").await;
    let field = json!({"auth_field": {"user_field": {"show_titel": 1}, "biz_field": {}}});
    expect_unknown(
        &f,
        &format!("{attr}set_auth_field"),
        &m,
        &field,
        "auth_field.user_field.show_titel",
    )
    .await;
    let custom = json!({"auth_field": {"user_field": {}, "biz_field": {"custom_field": [{"key": "k", "hint": "h"}]}}});
    expect_unknown(
        &f,
        &format!("{attr}set_auth_field"),
        &m,
        &custom,
        "auth_field.biz_field.custom_field[0].hint",
    )
    .await;
    let pay = json!({"paymch_info": {"mchid": "1", "s_pappid": f.s_pappid, "key": "k"}});
    expect_unknown(&f, &format!("{attr}set_pay_mch"), &m, &pay, "paymch_info.key").await;
    expect_unknown(
        &f,
        &format!("{attr}get_contact"),
        &m,
        &json!({"contact": {}}),
        "contact",
    )
    .await;
    let title = json!({"title": "t", "email": "x"});
    expect_unknown(&f, "/card/invoice/biz/getusertitleurl", &m, &title, "email").await;
    let select = json!({"attach": "a", "name": "n"});
    expect_unknown(&f, "/card/invoice/biz/getselecttitleurl", &m, &select, "name").await;
    let direct = direct_token(&f.sb, "wxscanmerchant001").await;
    let scan = json!({"scan_text": "x", "type": 1});
    expect_unknown(&f, "/card/invoice/scantitle", &direct, &scan, "type").await;
}

#[tokio::test]
async fn reimburser_endpoints_name_unknown_keys() {
    let f = setup(false).await;
    let (_, encrypt_code, openid) = f.issued_card("o-r", "1", "alice").await;
    let r = direct_token(&f.sb, "wxreimburser00001").await;
    let item = json!({"card_id": f.card_id, "encrypt_code": encrypt_code});
    let mut info = item.clone();
    info["code"] = json!("1");
    expect_unknown(&f, "/card/invoice/reimburse/getinvoiceinfo", &r, &info, "code").await;
    let batch = json!({"item_list": [item.clone(), info.clone()]});
    expect_unknown(
        &f,
        "/card/invoice/reimburse/getinvoicebatch",
        &r,
        &batch,
        "item_list[1].code",
    )
    .await;
    let mut update = item.clone();
    update["reimburse_status"] = json!("INVOICE_REIMBURSE_LOCK");
    update["reason"] = json!("x");
    expect_unknown(&f, "/card/invoice/reimburse/updateinvoicestatus", &r, &update, "reason").await;
    let batch_update = json!({"openid": openid, "reimburse_status": "INVOICE_REIMBURSE_LOCK",
                              "invoice_list": [item], "card_id": f.card_id});
    expect_unknown(
        &f,
        "/card/invoice/reimburse/updatestatusbatch",
        &r,
        &batch_update,
        "card_id",
    )
    .await;
}
