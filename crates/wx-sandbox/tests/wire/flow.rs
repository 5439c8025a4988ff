//! The stateful invoice flow: seturl, createcard, setbizattr, getauthurl, user
//! authorization, getauthdata, rejectinsert, strict inserts, decrypt.

use serde_json::{Value, json};
use wx_sandbox::{Sandbox, SandboxEvent, UserAuthorization};

use crate::support::{MERCHANT, PLATFORM, assert_err, direct_token, http, insert, insert_body, post, upload_pdf};

/// The `s_pappid` query value of an `invoice_url`, URL-decoded.
fn s_pappid_of(invoice_url: &str) -> String {
    let url = url_query(invoice_url);
    url.into_iter()
        .find(|(k, _)| k == "s_pappid")
        .map(|(_, v)| v)
        .expect("s_pappid")
}

fn url_query(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf8")
}

pub struct Flow {
    pub sb: Sandbox,
    pub platform: String,
    pub merchant: String,
    pub s_pappid: String,
    pub card_id: String,
    pub ticket: String,
}

async fn getticket(sb: &Sandbox, token: &str) -> String {
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

pub async fn setup(strict: bool) -> Flow {
    Flow::with(Sandbox::builder().strict_orders(strict).start().await.expect("start")).await
}

impl Flow {
    /// A platform and a merchant (direct mode) ready for orders on `sb`.
    pub async fn with(sb: Sandbox) -> Flow {
        let platform = direct_token(&sb, PLATFORM).await;
        let merchant = direct_token(&sb, MERCHANT).await;
        let url = post(
            &sb,
            &format!("/card/invoice/seturl?access_token={platform}"),
            &json!({}),
        )
        .await;
        let s_pappid = s_pappid_of(url["invoice_url"].as_str().expect("invoice_url"));
        assert_eq!(s_pappid, sb.s_pappid(PLATFORM));
        let card = post(
            &sb,
            &format!("/card/invoice/platform/createcard?access_token={platform}"),
            &json!({
                "invoice_info": {"base_info": {"logo_url": "http://mmbiz.qpic.cn/logo.png", "title": "沙箱商户"},
                                 "payee": "沙箱科技有限公司", "type": "广东省增值税普通发票"}
            }),
        )
        .await;
        let card_id = card["card_id"].as_str().expect("card_id").to_owned();
        let contact = post(
            &sb,
            &format!("/card/invoice/setbizattr?action=set_contact&access_token={merchant}"),
            &json!({"contact": {"phone": "0755-1234", "time_out": 12345}}),
        )
        .await;
        assert_eq!(contact["errcode"], 0);
        let fields = post(
            &sb,
            &format!("/card/invoice/setbizattr?action=set_auth_field&access_token={merchant}"),
            &json!({"auth_field": {"user_field": {"show_title": 1}, "biz_field": {"show_title": 1, "show_tax_no": 1}}}),
        )
        .await;
        assert_eq!(fields["errcode"], 0, "{fields}");
        let ticket = getticket(&sb, &merchant).await;
        Flow {
            sb,
            platform,
            merchant,
            s_pappid,
            card_id,
            ticket,
        }
    }

    pub fn auth_url_body(&self, order_id: &str) -> Value {
        json!({"s_pappid": self.s_pappid, "order_id": order_id, "money": 1000, "timestamp": 1_700_000_000,
               "source": "web", "redirect_url": "https://example.com", "ticket": self.ticket, "type": 1})
    }

    pub async fn open_order(&self, order_id: &str) -> Value {
        post(
            &self.sb,
            &format!("/card/invoice/getauthurl?access_token={}", self.merchant),
            &self.auth_url_body(order_id),
        )
        .await
    }

    pub fn body(&self, order_id: &str, media: &str, billing_no: &str) -> Value {
        let mut body = insert_body(order_id, media, billing_no);
        body["card_id"] = json!(self.card_id);
        body
    }

    /// Opens, authorizes and inserts an order; returns (code, encrypt_code, openid).
    pub async fn issued_card(&self, order_id: &str, billing_no: &str, user: &str) -> (String, String, String) {
        assert_eq!(self.open_order(order_id).await["errcode"], 0);
        self.sb
            .user_authorize(&UserAuthorization::new(&self.s_pappid, order_id).user(user))
            .expect("authorize");
        let media = upload_pdf(&self.sb, &self.platform).await;
        let v = insert(&self.sb, &self.platform, &self.body(order_id, &media, billing_no)).await;
        assert_eq!(v["errcode"], 0, "{v}");
        let code = v["code"].as_str().expect("code").to_owned();
        let card = self.sb.card(&code).expect("card");
        (code, card.encrypt_code, card.openid)
    }
}

#[tokio::test]
async fn seturl_is_stable_and_createcard_validates() {
    let f = setup(false).await;
    let again = post(
        &f.sb,
        &format!("/card/invoice/seturl?access_token={}", f.platform),
        &json!({}),
    )
    .await;
    assert_eq!(s_pappid_of(again["invoice_url"].as_str().expect("url")), f.s_pappid);
    let path = format!("/card/invoice/platform/createcard?access_token={}", f.platform);
    let long_title = post(&f.sb, &path, &json!({"invoice_info": {"base_info": {"logo_url": "https://mmbiz.qpic.cn/mmbiz_png/logo/0", "title": "一二三四五六七八九十"}, "payee": "p", "type": "t"}})).await;
    assert_err(&long_title, 72031);
    assert!(
        long_title["errmsg"]
            .as_str()
            .expect("msg")
            .contains("invoice_info.base_info.title")
    );
    let misplaced = post(
        &f.sb,
        &path,
        &json!({"invoice_info": {"base_info": {"logo_url": "https://mmbiz.qpic.cn/mmbiz_png/logo/0", "title": "t", "payee": "p"}, "type": "t"}}),
    )
    .await;
    assert_err(&misplaced, 72031);
    assert!(misplaced["errmsg"].as_str().expect("msg").contains("payee"));
}

#[tokio::test]
async fn getauthurl_needs_contact_ticket_and_known_s_pappid() {
    let f = setup(false).await;
    let other = direct_token(&f.sb, "wxnocontact000001").await;
    let other_ticket = getticket(&f.sb, &other).await;
    let mut body = f.auth_url_body("o-1");
    body["ticket"] = json!(other_ticket);
    let v = post(&f.sb, &format!("/card/invoice/getauthurl?access_token={other}"), &body).await;
    assert_err(&v, 72063);

    let path = format!("/card/invoice/getauthurl?access_token={}", f.merchant);
    let mut bad_ticket = f.auth_url_body("o-1");
    bad_ticket["ticket"] = json!(other_ticket);
    assert_err(&post(&f.sb, &path, &bad_ticket).await, 72031);
    let mut bad_pappid = f.auth_url_body("o-1");
    bad_pappid["s_pappid"] = json!("bm9wZQ==");
    assert_err(&post(&f.sb, &path, &bad_pappid).await, 72031);
    let mut bad_source = f.auth_url_body("o-1");
    bad_source["source"] = json!("email");
    assert_err(&post(&f.sb, &path, &bad_source).await, 72031);

    let ok = f.open_order("o-1").await;
    assert_eq!(ok["errcode"], 0);
    assert!(ok["auth_url"].as_str().is_some_and(|u| u.contains("s_pappid=")));
    assert!(ok.get("appid").is_none());
    let mut wxa = f.auth_url_body("o-2");
    wxa["source"] = json!("wxa");
    assert!(post(&f.sb, &path, &wxa).await["appid"].is_string());
}

#[tokio::test]
async fn user_authorization_drives_getauthdata_and_event() {
    let f = setup(false).await;
    let data_path = format!("/card/invoice/getauthdata?access_token={}", f.merchant);
    let data_body = json!({"s_pappid": f.s_pappid, "order_id": "o-1"});
    f.open_order("o-1").await;
    assert_eq!(
        post(&f.sb, &data_path, &data_body).await["invoice_status"],
        "never auth"
    );
    assert!(
        f.sb.user_authorize(&UserAuthorization::new(&f.s_pappid, "nope"))
            .is_err()
    );

    let openid =
        f.sb.user_authorize(
            &UserAuthorization::new(&f.s_pappid, "o-1").company_title("沙箱科技有限公司", "91440300MA5EXAMPLE"),
        )
        .expect("authorize");
    let data = post(&f.sb, &data_path, &data_body).await;
    assert_eq!(data["errcode"], 0);
    assert_eq!(data["invoice_status"], "auth success");
    assert!(data["auth_time"].as_i64().is_some());
    assert_eq!(data["user_auth_info"]["biz_field"]["tax_no"], "91440300MA5EXAMPLE");
    assert!(f.sb.events().contains(&SandboxEvent::UserAuthorizeInvoice {
        merchant_appid: MERCHANT.into(),
        order_id: "o-1".into(),
        s_pappid: f.s_pappid.clone(),
        source: "web".into(),
        openid,
    }));
}

#[tokio::test]
async fn user_authorize_over_admin_http() {
    let f = setup(false).await;
    f.open_order("o-9").await;
    let resp = http()
        .post(format!("{}/sandbox/user_authorize", f.sb.base_url()))
        .json(&json!({"s_pappid": f.s_pappid, "order_id": "o-9", "title": "张三"}))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("json");
    assert!(v["openid"].is_string());
    let data = post(
        &f.sb,
        &format!("/card/invoice/getauthdata?access_token={}", f.merchant),
        &json!({"s_pappid": f.s_pappid, "order_id": "o-9"}),
    )
    .await;
    assert_eq!(data["user_auth_info"]["user_field"]["title"], "张三");
    let missing = http()
        .post(format!("{}/sandbox/user_authorize", f.sb.base_url()))
        .json(&json!({"s_pappid": f.s_pappid, "order_id": "unknown"}))
        .send()
        .await
        .expect("req");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn rejected_orders_cannot_be_inserted() {
    let f = setup(false).await;
    f.open_order("o-1").await;
    let path = format!("/card/invoice/rejectinsert?access_token={}", f.merchant);
    assert_err(
        &post(&f.sb, &path, &json!({"s_pappid": f.s_pappid, "order_id": "o-1"})).await,
        72031,
    );
    assert_err(
        &post(
            &f.sb,
            &path,
            &json!({"s_pappid": f.s_pappid, "order_id": "o-x", "reason": "r"}),
        )
        .await,
        72038,
    );
    let ok = post(
        &f.sb,
        &path,
        &json!({"s_pappid": f.s_pappid, "order_id": "o-1", "reason": "refunded"}),
    )
    .await;
    assert_eq!(ok, json!({"errcode": 0, "errmsg": "ok"}));
    let media = upload_pdf(&f.sb, &f.platform).await;
    assert_err(&insert(&f.sb, &f.platform, &f.body("o-1", &media, "1")).await, 72035);
}

#[tokio::test]
async fn strict_mode_requires_authorized_order_and_own_template() {
    let f = setup(true).await;
    let media = upload_pdf(&f.sb, &f.platform).await;
    f.open_order("o-1").await;
    assert_err(&insert(&f.sb, &f.platform, &f.body("o-1", &media, "1")).await, 72038);
    let openid_m =
        f.sb.user_authorize(&UserAuthorization::new(&f.s_pappid, "o-1").user("bob"))
            .expect("auth");
    let foreign_template = insert_body("o-1", &media, "1");
    assert_err(&insert(&f.sb, &f.platform, &foreign_template).await, 40078);
    let mut wrong_appid = f.body("o-1", &media, "1");
    wrong_appid["appid"] = json!(PLATFORM);
    assert_err(&insert(&f.sb, &f.platform, &wrong_appid).await, 72038);
    // Another platform's token cannot insert an order authorized through this s_pappid.
    let other = direct_token(&f.sb, "wxotherplatform01").await;
    let other_media = upload_pdf(&f.sb, &other).await;
    assert_err(&insert(&f.sb, &other, &f.body("o-1", &other_media, "1")).await, 72038);

    let v = insert(&f.sb, &f.platform, &f.body("o-1", &media, "1")).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_ne!(v["openid"], openid_m.as_str(), "openids are per account");
    let (_, _, bob_again) = f.issued_card("o-2", "2", "bob").await;
    assert_eq!(v["openid"], bob_again.as_str(), "same user, same platform, same openid");
    let (_, _, carol) = f.issued_card("o-3", "3", "carol").await;
    assert_ne!(carol, bob_again);
}
