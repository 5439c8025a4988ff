//! WeCom on its own base URL: the corp token, convert_to_openid and the reimbursement calls
//! W1–W4 over the shared invoice cards and state machine.

use serde_json::{Value, json};
use wx_sandbox::{CardStatus, Sandbox};

use crate::flow::setup;
use crate::support::{assert_err, direct_token, http};

const CORP: &str = "ww0123456789abcdef";
const SECRET: &str = "wecom-corp-secret-0123456789";

async fn get(url: String) -> Value {
    http()
        .get(url)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

async fn wecom_post(sb: &Sandbox, path: &str, token: &str, body: &Value) -> Value {
    http()
        .post(format!("{}{path}?access_token={token}", sb.wecom_base_url()))
        .json(body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

async fn corp_token(sb: &Sandbox) -> String {
    let v = get(format!(
        "{}/cgi-bin/gettoken?corpid={CORP}&corpsecret={SECRET}",
        sb.wecom_base_url()
    ))
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    v["access_token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn gettoken_checks_the_corp_and_answers_the_same_token_while_valid() {
    let sb = Sandbox::start().await.expect("start");
    sb.register_wecom_corp(CORP, SECRET);
    let base = sb.wecom_base_url();
    assert_err(
        &get(format!("{base}/cgi-bin/gettoken?corpsecret={SECRET}")).await,
        41002,
    );
    assert_err(&get(format!("{base}/cgi-bin/gettoken?corpid={CORP}")).await, 41004);
    assert_err(
        &get(format!("{base}/cgi-bin/gettoken?corpid=wwunknown&corpsecret={SECRET}")).await,
        40013,
    );
    let wrong = get(format!("{base}/cgi-bin/gettoken?corpid={CORP}&corpsecret=wrong")).await;
    assert_err(&wrong, 40001);
    let first = corp_token(&sb).await;
    assert_eq!(corp_token(&sb).await, first, "the same token while it is valid");
    sb.revoke_token(CORP);
    assert_ne!(corp_token(&sb).await, first, "a new one once revoked");
    assert_eq!(sb.count("/wecom/cgi-bin/gettoken"), 7);
    let post_instead = http()
        .post(format!("{base}/cgi-bin/gettoken?corpid={CORP}&corpsecret={SECRET}"))
        .send()
        .await
        .expect("request")
        .json::<Value>()
        .await
        .expect("json");
    assert_err(&post_instead, 43001);
}

#[tokio::test]
async fn the_two_hosts_and_their_tokens_stay_apart() {
    let f = setup(false).await;
    f.sb.register_wecom_corp(CORP, SECRET);
    let corp = corp_token(&f.sb).await;
    let card = json!({"card_id": f.card_id, "encrypt_code": "x"});
    // A WeChat token on WeCom, a WeCom token on WeChat.
    let v = wecom_post(
        &f.sb,
        "/cgi-bin/card/invoice/reimburse/getinvoiceinfo",
        &f.platform,
        &card,
    )
    .await;
    assert_err(&v, 40014);
    let on_wechat = crate::support::post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoiceinfo?access_token={corp}"),
        &card,
    )
    .await;
    assert_err(&on_wechat, 40001);
    // WeCom paths are not on the WeChat base, nor WeChat paths on the WeCom base.
    let resp = http()
        .post(format!(
            "{}/cgi-bin/card/invoice/reimburse/getinvoiceinfo?access_token={corp}",
            f.sb.base_url()
        ))
        .json(&card)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 404);
    let resp = http()
        .post(format!(
            "{}/card/invoice/seturl?access_token={corp}",
            f.sb.wecom_base_url()
        ))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn reimbursement_reads_and_moves_the_shared_cards() {
    let f = setup(false).await;
    f.sb.register_wecom_corp(CORP, SECRET);
    let (code, _, _) = f.issued_card("o-w-1", "31", "gina").await;
    let (code2, _, _) = f.issued_card("o-w-2", "32", "gina").await;
    let ec = f.sb.submit_invoice_to_wecom(&code, CORP, "gina.w").expect("submit");
    let ec2 = f.sb.submit_invoice_to_wecom(&code2, CORP, "gina.w").expect("submit");
    let token = corp_token(&f.sb).await;
    let openid = wecom_post(
        &f.sb,
        "/cgi-bin/user/convert_to_openid",
        &token,
        &json!({"userid": "gina.w"}),
    )
    .await;
    assert_eq!(openid["errcode"], 0, "{openid}");
    let openid = openid["openid"].as_str().expect("openid").to_owned();
    let unknown = wecom_post(
        &f.sb,
        "/cgi-bin/user/convert_to_openid",
        &token,
        &json!({"userid": "nobody"}),
    )
    .await;
    assert_err(&unknown, 60111);

    let one = wecom_post(
        &f.sb,
        "/cgi-bin/card/invoice/reimburse/getinvoiceinfo",
        &token,
        &json!({"card_id": f.card_id, "encrypt_code": ec}),
    )
    .await;
    assert_eq!(one["errcode"], 0, "{one}");
    assert_eq!(one["openid"], openid.as_str(), "the member's openid under the corp");
    assert_eq!(one["user_info"]["info"][0]["fee"], 30_000, "price × num");
    assert!(one["begin_time"].is_number());
    assert!(one.get("pdf_url_expire_time").is_none());

    let items =
        json!({"item_list": [{"card_id": f.card_id, "encrypt_code": ec}, {"card_id": f.card_id, "encrypt_code": ec2}]});
    let batch = wecom_post(
        &f.sb,
        "/cgi-bin/card/invoice/reimburse/getinvoiceinfobatch",
        &token,
        &items,
    )
    .await;
    assert_eq!(batch["errcode"], 0, "{batch}");
    let first = &batch["item_list"][0];
    assert!(first.get("begin_time").is_none() && first.get("end_time").is_none());
    assert_eq!(first["user_info"]["order_id"], "o-w-1");
    let old_name = wecom_post(&f.sb, "/cgi-bin/card/invoice/reimburse/getinvoicebatch", &token, &items).await;
    assert_eq!(
        old_name["errcode"], 40066,
        "the OA name is not served on WeCom: {old_name}"
    );

    let status = |ec: &str, s: &str| json!({"card_id": f.card_id, "encrypt_code": ec, "reimburse_status": s});
    let path = "/cgi-bin/card/invoice/reimburse/updateinvoicestatus";
    assert_err(
        &wecom_post(&f.sb, path, &token, &status(&ec, "INVOICE_REIMBURSE_CLOSURE")).await,
        72039,
    );
    assert_err(
        &wecom_post(&f.sb, path, &token, &status(&ec, "INVOICE_REIMBURSE_CANCEL")).await,
        72031,
    );
    let locked = wecom_post(&f.sb, path, &token, &status(&ec, "INVOICE_REIMBURSE_LOCK")).await;
    assert_eq!(locked["errcode"], 0, "{locked}");
    let card = f.sb.card(&code).expect("card");
    assert_eq!((card.status, card.locked_by.as_deref()), (CardStatus::Lock, Some(CORP)));
    // An Official-Account reimburser cannot use the encrypt code the corp received.
    let oa = direct_token(&f.sb, "wxreimburser00009").await;
    let foreign = crate::support::post(
        &f.sb,
        &format!("/card/invoice/reimburse/getinvoiceinfo?access_token={oa}"),
        &json!({"card_id": f.card_id, "encrypt_code": ec}),
    )
    .await;
    assert_err(&foreign, 72037);

    let batch_path = "/cgi-bin/card/invoice/reimburse/updatestatusbatch";
    let body = |owner: &str| {
        json!({"openid": owner, "reimburse_status": "INVOICE_REIMBURSE_LOCK",
               "invoice_list": [{"card_id": f.card_id, "encrypt_code": ec}, {"card_id": f.card_id, "encrypt_code": ec2}]})
    };
    assert_err(
        &wecom_post(&f.sb, batch_path, &token, &body("o-someone-else")).await,
        72037,
    );
    assert_eq!(
        f.sb.card(&code2).expect("card").status,
        CardStatus::Init,
        "all or nothing"
    );
    let both = wecom_post(&f.sb, batch_path, &token, &body(&openid)).await;
    assert_eq!(both["errcode"], 0, "{both}");
    assert_eq!(f.sb.card(&code2).expect("card").status, CardStatus::Lock);
}

#[tokio::test]
async fn unverified_and_small_enterprises_are_refused() {
    let f = setup(false).await;
    f.sb.register_wecom_corp(CORP, SECRET);
    let (code, _, _) = f.issued_card("o-w-3", "33", "hank").await;
    let ec = f.sb.submit_invoice_to_wecom(&code, CORP, "hank").expect("submit");
    let token = corp_token(&f.sb).await;
    let card = json!({"card_id": f.card_id, "encrypt_code": ec});
    f.sb.set_wecom_corp(CORP, true, 200).expect("corp");
    let one = wecom_post(&f.sb, "/cgi-bin/card/invoice/reimburse/getinvoiceinfo", &token, &card).await;
    assert_eq!(one["errcode"], 0, "{one}");
    let batch = wecom_post(
        &f.sb,
        "/cgi-bin/card/invoice/reimburse/getinvoiceinfobatch",
        &token,
        &json!({"item_list": [card]}),
    )
    .await;
    assert_err(&batch, 48002);
    f.sb.set_wecom_corp(CORP, false, 1000).expect("corp");
    let unverified = wecom_post(&f.sb, "/cgi-bin/card/invoice/reimburse/getinvoiceinfo", &token, &card).await;
    assert_err(&unverified, 48002);
    assert!(f.sb.set_wecom_corp("wwnobody", true, 1).is_err());
    assert!(f.sb.submit_invoice_to_wecom(&code, "wwnobody", "hank").is_err());
    assert!(f.sb.submit_invoice_to_wecom("000", CORP, "hank").is_err());
}
