//! Reimburser APIs and the card state machine; title APIs.

use serde_json::{Value, json};
use wx_sandbox::{CardStatus, SandboxEvent};

use crate::flow::setup;
use crate::support::{MERCHANT, PLATFORM, assert_err, authorizer, direct_token, http, post};

async fn set_status(f: &crate::flow::Flow, token: &str, card_id: &str, encrypt_code: &str, status: &str) -> Value {
    post(
        &f.sb,
        &format!("/card/invoice/reimburse/updateinvoicestatus?access_token={token}"),
        &json!({"card_id": card_id, "encrypt_code": encrypt_code, "reimburse_status": status}),
    )
    .await
}

#[tokio::test]
async fn getinvoiceinfo_and_batch() {
    let f = setup(false).await;
    let (code, ec, openid) = f.issued_card("o-1", "1", "erin").await;
    let (_, ec2, _) = f.issued_card("o-2", "2", "erin").await;
    let r = direct_token(&f.sb, "wxreimburser00001").await;
    let v = post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoiceinfo?access_token={r}"),
        &json!({"card_id": f.card_id, "encrypt_code": ec}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["openid"], openid.as_str());
    assert_eq!(v["payee"], "沙箱科技有限公司");
    assert_eq!(v["type"], "广东省增值税普通发票");
    let info = &v["user_info"];
    assert_eq!(info["reimburse_status"], "INVOICE_REIMBURSE_INIT");
    assert_eq!(info["billing_time"], 1_468_306_058);
    assert!(info.get("s_pdf_media_id").is_none());
    let pdf_url = info["pdf_url"].as_str().expect("pdf_url");
    let pdf = http()
        .get(pdf_url)
        .send()
        .await
        .expect("req")
        .bytes()
        .await
        .expect("bytes");
    assert!(pdf.starts_with(b"%PDF-"));
    let _ = code;

    let bad = post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoiceinfo?access_token={r}"),
        &json!({"card_id": "other", "encrypt_code": ec}),
    )
    .await;
    assert_err(&bad, 40056);
    let batch = post(&f.sb, &format!("/card/invoice/reimburse/getinvoicebatch?access_token={r}"),
        &json!({"item_list": [{"card_id": f.card_id, "encrypt_code": ec}, {"card_id": f.card_id, "encrypt_code": ec2}]})).await;
    assert_eq!(batch["item_list"].as_array().map(Vec::len), Some(2));
    let empty = post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoicebatch?access_token={r}"),
        &json!({"item_list": []}),
    )
    .await;
    assert_err(&empty, 72031);
}

#[tokio::test]
async fn reimburse_state_machine() {
    let f = setup(false).await;
    let (code, ec, _) = f.issued_card("o-1", "1", "frank").await;
    let r1 = direct_token(&f.sb, "wxreimburser00001").await;
    let r2 = direct_token(&f.sb, "wxreimburser00002").await;
    let cid = f.card_id.clone();
    assert_err(
        &set_status(&f, &r1, &cid, &ec, "INVOICE_REIMBURSE_CLOSURE").await,
        72039,
    );
    assert_err(&set_status(&f, &r1, &cid, &ec, "INVOICE_REIMBURSE_CANCEL").await, 72024);
    assert_eq!(
        set_status(&f, &r1, &cid, &ec, "INVOICE_REIMBURSE_LOCK").await["errcode"],
        0
    );
    let card = f.sb.card(&code).expect("card");
    assert_eq!(
        (card.status, card.locked_by.as_deref()),
        (CardStatus::Lock, Some("wxreimburser00001"))
    );
    assert_err(&set_status(&f, &r2, &cid, &ec, "INVOICE_REIMBURSE_LOCK").await, 72023);
    assert_err(&set_status(&f, &r2, &cid, &ec, "INVOICE_REIMBURSE_INIT").await, 72023);
    assert_err(
        &set_status(&f, &r2, &cid, &ec, "INVOICE_REIMBURSE_CLOSURE").await,
        72023,
    );
    assert_eq!(
        set_status(&f, &r1, &cid, &ec, "INVOICE_REIMBURSE_INIT").await["errcode"],
        0
    );
    assert_eq!(f.sb.card(&code).expect("card").locked_by, None);
    assert_eq!(
        set_status(&f, &r2, &cid, &ec, "INVOICE_REIMBURSE_LOCK").await["errcode"],
        0
    );
    assert_eq!(
        set_status(&f, &r2, &cid, &ec, "INVOICE_REIMBURSE_CLOSURE").await["errcode"],
        0
    );
    assert_eq!(f.sb.card(&code).expect("card").status, CardStatus::Closure);
    assert_err(&set_status(&f, &r2, &cid, &ec, "INVOICE_REIMBURSE_INIT").await, 72061);

    let statuses: Vec<(String, String)> =
        f.sb.events()
            .into_iter()
            .filter_map(|e| match e {
                SandboxEvent::UpdateInvoiceStatus { to_appid, status, .. } => Some((to_appid, status)),
                _ => None,
            })
            .collect();
    assert_eq!(statuses.len(), 8, "4 changes × (platform + merchant): {statuses:?}");
    assert_eq!(statuses[0], (PLATFORM.to_owned(), "INVOICE_REIMBURSE_LOCK".to_owned()));
    assert_eq!(statuses[1].0, MERCHANT);

    // Platform red-flush after unlock → CANCEL, then reimburser gets 72060.
    let (code2, ec2, _) = f.issued_card("o-2", "2", "frank").await;
    let cancel = post(
        &f.sb,
        &format!("/card/invoice/platform/updatestatus?access_token={}", f.platform),
        &json!({"card_id": cid, "code": code2, "reimburse_status": "INVOICE_REIMBURSE_CANCEL"}),
    )
    .await;
    assert_eq!(cancel["errcode"], 0);
    assert_err(&set_status(&f, &r1, &cid, &ec2, "INVOICE_REIMBURSE_LOCK").await, 72060);
}

#[tokio::test]
async fn batch_update_is_transactional_and_owner_checked() {
    let f = setup(false).await;
    let (c1, e1, openid) = f.issued_card("o-1", "1", "gina").await;
    let (c2, e2, _) = f.issued_card("o-2", "2", "gina").await;
    let (_, e3, _) = f.issued_card("o-3", "3", "hank").await;
    let r = direct_token(&f.sb, "wxreimburser00001").await;
    let path = format!("/card/invoice/reimburse/updatestatusbatch?access_token={r}");
    let item = |ec: &str| json!({"card_id": f.card_id, "encrypt_code": ec});
    let foreign = post(
        &f.sb,
        &path,
        &json!({"openid": openid, "reimburse_status": "INVOICE_REIMBURSE_LOCK",
        "invoice_list": [item(&e1), item(&e3)]}),
    )
    .await;
    assert_err(&foreign, 72037);
    assert_eq!(
        post(
            &f.sb,
            &path,
            &json!({"openid": openid, "reimburse_status": "INVOICE_REIMBURSE_LOCK",
        "invoice_list": [item(&e1)]})
        )
        .await["errcode"],
        0
    );
    // e1 locked, e2 still INIT: CLOSURE fails for e2 → nothing changes.
    let mixed = post(
        &f.sb,
        &path,
        &json!({"openid": openid, "reimburse_status": "INVOICE_REIMBURSE_CLOSURE",
        "invoice_list": [item(&e1), item(&e2)]}),
    )
    .await;
    assert_err(&mixed, 72039);
    assert_eq!(f.sb.card(&c1).expect("c1").status, CardStatus::Lock);
    assert_eq!(
        post(
            &f.sb,
            &path,
            &json!({"openid": openid, "reimburse_status": "INVOICE_REIMBURSE_LOCK",
        "invoice_list": [item(&e1), item(&e2)]})
        )
        .await["errcode"],
        0
    );
    assert_eq!(
        post(
            &f.sb,
            &path,
            &json!({"openid": openid, "reimburse_status": "INVOICE_REIMBURSE_CLOSURE",
        "invoice_list": [item(&e1), item(&e2)]})
        )
        .await["errcode"],
        0
    );
    assert_eq!(f.sb.card(&c2).expect("c2").status, CardStatus::Closure);
}

#[tokio::test]
async fn title_apis() {
    let f = setup(false).await;
    let m = &f.merchant;
    let t1 = format!("/card/invoice/biz/getusertitleurl?access_token={m}");
    assert!(
        post(
            &f.sb,
            &t1,
            &json!({"user_fill": 0, "title": "沙箱", "tax_no": "91440300MA5EXAMPLE"})
        )
        .await["url"]
            .is_string()
    );
    assert_err(&post(&f.sb, &t1, &json!({"user_fill": 0})).await, 72031);
    assert_err(&post(&f.sb, &t1, &json!({"user_fill": 1, "phone": "abc"})).await, 72031);
    assert_err(
        &post(&f.sb, &t1, &json!({"user_fill": 1, "tax_no": "123"})).await,
        72031,
    );
    assert_eq!(post(&f.sb, &t1, &json!({"user_fill": 1})).await["errcode"], 0);
    let t2 = format!("/card/invoice/biz/getselecttitleurl?access_token={m}");
    assert!(post(&f.sb, &t2, &json!({"attach": "a", "biz_name": "b"})).await["url"].is_string());
    let t3 = format!("/card/invoice/scantitle?access_token={m}");
    let scan = "https://mp.weixin.qq.com/intp/invoice/usertitlewxa?action=list_auth&invoice_key=abc";
    let v = post(&f.sb, &t3, &json!({"scan_text": scan})).await;
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["title_type"], 0);
    assert_err(&post(&f.sb, &t3, &json!({"scan_text": "hello"})).await, 72044);
    let (third_party, _) = authorizer(&f.sb, "wxthirdparty00001", &[26]).await;
    let refused = post(
        &f.sb,
        &format!("/card/invoice/scantitle?access_token={third_party}"),
        &json!({"scan_text": scan}),
    )
    .await;
    assert_err(&refused, 48001);
}

#[tokio::test]
async fn an_invoice_submitted_to_a_reimburser_is_refused_to_others() {
    let f = setup(false).await;
    let (code, _, _) = f.issued_card("o-own", "1", "alice").await;
    let mine = direct_token(&f.sb, "wxreimburser00001").await;
    let other = direct_token(&f.sb, "wxreimburser00002").await;
    let bound = f.sb.submit_invoice(&code, "wxreimburser00001").expect("card");
    assert_eq!(
        f.sb.submit_invoice(&code, "wxreimburser00001").as_deref(),
        Some(bound.as_str())
    );
    let item = json!({"card_id": f.card_id, "encrypt_code": bound});
    let read = |token: &str| {
        let (sb, url, body) = (
            &f.sb,
            format!("/card/invoice/reimburse/getinvoiceinfo?access_token={token}"),
            item.clone(),
        );
        async move { post(sb, &url, &body).await }
    };
    let info = read(&mine).await;
    assert_eq!(info["errcode"], 0, "{info}");
    let card_openid = f.sb.card(&code).expect("card").openid;
    let my_openid = info["openid"].as_str().expect("openid").to_owned();
    assert_ne!(
        my_openid, card_openid,
        "the reimburser sees the user under its own appid"
    );
    assert_err(&read(&other).await, 72037);
    let batch = post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoicebatch?access_token={other}"),
        &json!({"item_list": [item]}),
    )
    .await;
    assert_err(&batch, 72037);
    assert_err(
        &set_status(&f, &other, &f.card_id, &bound, "INVOICE_REIMBURSE_LOCK").await,
        72037,
    );
    // The owner locks it in a batch with the openid it was shown.
    let lock = post(
        &f.sb,
        &format!("/card/invoice/reimburse/updatestatusbatch?access_token={mine}"),
        &json!({"openid": my_openid, "reimburse_status": "INVOICE_REIMBURSE_LOCK", "invoice_list": [item]}),
    )
    .await;
    assert_eq!(lock["errcode"], 0, "{lock}");
    assert_eq!(f.sb.card(&code).expect("card").status, CardStatus::Lock);
    // Over HTTP too.
    let resp = http()
        .post(format!("{}/sandbox/cards/{code}/submit", f.sb.base_url()))
        .json(&json!({"appid": "wxreimburser00002"}))
        .send()
        .await
        .expect("req");
    let v: Value = resp.json().await.expect("json");
    assert!(v["encrypt_code"].as_str().is_some_and(|c| c != bound));
}
