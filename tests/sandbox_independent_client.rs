//! A second, independent WeChat client — raw `reqwest` calls and `serde_json` values written
//! from the spec, sharing no code with `wx-auth` or `wx-invoice-api` — runs the whole family
//! against the sandbox: component token from a ticket, pre-auth code, query_auth, authorizer
//! token refresh, authorizer info and list, seturl, createcard, merchant settings, wx_card
//! ticket, getauthurl, user authorization, getauthdata, setpdf, getpdf, insert, decrypt,
//! platform status sync, reimburser reads and status changes, title URLs, rejectinsert, and
//! the error answers a client meets on the way.

use reqwest::Client;
use serde_json::{Value, json};
use wx_sandbox::{DEFAULT_COMPONENT_APPID as COMPONENT, DEFAULT_COMPONENT_SECRET as SECRET, Sandbox};

const PLATFORM: &str = "wxindependentplat";
const MERCHANT: &str = "wxindependentmerc";
const REIMBURSER: &str = "wxindependentreim";

/// The client under test: a base URL and a plain reqwest client.
struct Raw {
    base: String,
    http: Client,
}

impl Raw {
    async fn post(&self, path_and_query: &str, body: &Value) -> Value {
        let resp = self
            .http
            .post(format!("{}{path_and_query}", self.base))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path_and_query}: {e}"));
        assert_eq!(resp.status(), 200, "{path_and_query}");
        resp.json().await.expect("a JSON answer")
    }

    async fn get(&self, path_and_query: &str) -> Value {
        self.http
            .get(format!("{}{path_and_query}", self.base))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("a JSON answer")
    }

    /// A business call: `errcode` must be 0; returns the answer.
    async fn call(&self, path: &str, token: &str, body: &Value) -> Value {
        let sep = if path.contains('?') { '&' } else { '?' };
        let v = self.post(&format!("{path}{sep}access_token={token}"), body).await;
        assert_eq!(v["errcode"], 0, "{path}: {v}");
        assert_eq!(v["errmsg"], "ok", "{path}");
        v
    }

    /// A call expected to fail with `code`; the errmsg carries a rid.
    async fn refused(&self, path_and_query: &str, body: &Value, code: i64) -> Value {
        let v = self.post(path_and_query, body).await;
        assert_eq!(v["errcode"], code, "{path_and_query}: {v}");
        assert!(v["errmsg"].as_str().is_some_and(|m| m.contains("rid: ")), "{v}");
        v
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key} in {v}"))
        .to_owned()
}

/// The URL-decoded value of `key` in `url`'s query.
fn query_value(url: &str, key: &str) -> String {
    let url = reqwest::Url::parse(url).expect("url");
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map_or_else(|| panic!("no {key} in {url}"), |(_, v)| v.into_owned())
}

/// Exchanges a sandbox authorization for (authorizer token, refresh token).
async fn authorize(raw: &Raw, cat: &str, appid: &str, sets: &[u32]) -> (String, String) {
    let code = text(
        &raw.post(
            "/sandbox/authorize",
            &json!({"authorizer_appid": appid, "func_ids": sets}),
        )
        .await,
        "authorization_code",
    );
    let auth = raw
        .post(
            &format!("/cgi-bin/component/api_query_auth?component_access_token={cat}"),
            &json!({"component_appid": COMPONENT, "authorization_code": code}),
        )
        .await;
    let info = &auth["authorization_info"];
    assert_eq!(info["authorizer_appid"], appid);
    let granted: Vec<u64> = info["func_info"]
        .as_array()
        .expect("func_info")
        .iter()
        .filter_map(|f| f["funcscope_category"]["id"].as_u64())
        .collect();
    assert_eq!(granted, sets.iter().map(|s| u64::from(*s)).collect::<Vec<_>>());
    (
        text(info, "authorizer_access_token"),
        text(info, "authorizer_refresh_token"),
    )
}

#[tokio::test]
async fn an_independent_client_runs_the_whole_family() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let raw = Raw {
        base: sandbox.base_url(),
        http: Client::new(),
    };

    // Component token from the pushed ticket (taken here from the admin API).
    let ticket = text(&raw.post("/sandbox/verify_ticket", &json!({})).await, "ticket");
    let token_body =
        json!({"component_appid": COMPONENT, "component_appsecret": SECRET, "component_verify_ticket": ticket});
    let component = raw.post("/cgi-bin/component/api_component_token", &token_body).await;
    assert!(
        component.get("errcode").is_none(),
        "token APIs carry no errcode: {component}"
    );
    assert_eq!(component["expires_in"], 7200);
    let cat = text(&component, "component_access_token");
    let pre = raw
        .post(
            &format!("/cgi-bin/component/api_create_preauthcode?component_access_token={cat}"),
            &json!({"component_appid": COMPONENT}),
        )
        .await;
    assert!(text(&pre, "pre_auth_code").starts_with("preauthcode@@@"));

    // Three merchants authorize the component; the platform's token is refreshed once.
    let (_, platform_refresh) = authorize(&raw, &cat, PLATFORM, &[8, 26]).await;
    let (merchant, _) = authorize(&raw, &cat, MERCHANT, &[26]).await;
    let (reimburser, _) = authorize(&raw, &cat, REIMBURSER, &[26]).await;
    let refreshed = raw
        .post(
            &format!("/cgi-bin/component/api_authorizer_token?component_access_token={cat}"),
            &json!({"component_appid": COMPONENT, "authorizer_appid": PLATFORM, "authorizer_refresh_token": platform_refresh}),
        )
        .await;
    assert_eq!(refreshed["authorizer_refresh_token"], platform_refresh.as_str());
    let platform = text(&refreshed, "authorizer_access_token");
    let info = raw
        .post(
            &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={cat}"),
            &json!({"component_appid": COMPONENT, "authorizer_appid": MERCHANT}),
        )
        .await;
    assert!(text(&info["authorizer_info"], "user_name").starts_with("gh_"));
    let list = raw
        .post(
            &format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={cat}"),
            &json!({"component_appid": COMPONENT, "offset": 0, "count": 500}),
        )
        .await;
    assert_eq!(list["total_count"], 3);

    // Platform set-up: s_pappid and a card template.
    let url = raw.call("/card/invoice/seturl", &platform, &json!({})).await;
    let s_pappid = query_value(&text(&url, "invoice_url"), "s_pappid");
    let template = json!({"invoice_info": {
        "base_info": {"logo_url": "http://mmbiz.qpic.cn/mmbiz/independent/0", "title": "独立客户端"},
        "payee": "独立客户端有限公司", "type": "广东省增值税普通发票"}});
    let card_id = text(
        &raw.call("/card/invoice/platform/createcard", &platform, &template)
            .await,
        "card_id",
    );

    // Merchant set-up and one authorized order (type 1: the user picks a title).
    let attr = "/card/invoice/setbizattr?action=";
    raw.call(
        &format!("{attr}set_contact"),
        &merchant,
        &json!({"contact": {"phone": "0755-1", "time_out": 600}}),
    )
    .await;
    let fields = json!({"auth_field": {"user_field": {"show_title": 1, "show_phone": 1},
                                       "biz_field": {"show_title": 1, "show_tax_no": 1, "require_tax_no": 1}}});
    raw.call(&format!("{attr}set_auth_field"), &merchant, &fields).await;
    assert_eq!(
        raw.call(&format!("{attr}get_auth_field"), &merchant, &json!({})).await["auth_field"],
        fields["auth_field"]
    );
    let wx_card = raw
        .get(&format!(
            "/cgi-bin/ticket/getticket?access_token={merchant}&type=wx_card"
        ))
        .await;
    assert_eq!(wx_card["errcode"], 0, "{wx_card}");
    let order = |id: &str| {
        json!({"s_pappid": s_pappid, "order_id": id, "money": 12_300, "timestamp": 1_700_000_000,
               "source": "web", "redirect_url": "https://shop.example.com/done", "ticket": wx_card["ticket"], "type": 1})
    };
    let auth_url = raw.call("/card/invoice/getauthurl", &merchant, &order("ind-1")).await;
    assert!(text(&auth_url, "auth_url").starts_with("https://"));
    let user = raw
        .post(
            "/sandbox/user_authorize",
            &json!({"s_pappid": s_pappid, "order_id": "ind-1", "user": "indy", "title": "独立公司", "tax_no": "91440300MA5INDEPEN"}),
        )
        .await;
    assert!(text(&user, "openid").starts_with('o'));
    let data = raw
        .call(
            "/card/invoice/getauthdata",
            &merchant,
            &json!({"s_pappid": s_pappid, "order_id": "ind-1"}),
        )
        .await;
    assert_eq!(data["invoice_status"], "auth success");
    assert_eq!(data["user_auth_info"]["biz_field"]["tax_no"], "91440300MA5INDEPEN");

    // Platform: upload the PDF, read its URL back, insert the card.
    let part = reqwest::multipart::Part::bytes(&b"%PDF-1.4\n%%EOF\n"[..]).file_name("invoice.pdf");
    let uploaded: Value = raw
        .http
        .post(format!(
            "{}/card/invoice/platform/setpdf?access_token={platform}",
            raw.base
        ))
        .multipart(reqwest::multipart::Form::new().part("pdf", part))
        .send()
        .await
        .expect("setpdf")
        .json()
        .await
        .expect("json");
    let media = text(&uploaded, "s_media_id");
    let pdf = raw
        .call(
            "/card/invoice/platform/getpdf",
            &platform,
            &json!({"action": "get_url", "s_media_id": media}),
        )
        .await;
    assert_eq!(pdf["pdf_url_expire_time"], 7200);
    let bytes = raw
        .http
        .get(text(&pdf, "pdf_url"))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    let insert_body = |order_id: &str, billing_no: &str| {
        json!({"order_id": order_id, "card_id": card_id, "appid": MERCHANT, "card_ext": {
            "nonce_str": "independent0001", "user_card": {"invoice_user_data": {
                "fee": 12_300, "title": "独立公司", "billing_time": 1_700_000_000, "billing_no": billing_no,
                "billing_code": "044031900111", "fee_without_tax": 10_885, "tax": 1_415,
                "s_pdf_media_id": media, "check_code": "",
                "info": [{"name": "咨询服务", "num": 1, "unit": "次", "price": 10_885}]}}}})
    };
    let inserted = raw
        .call("/card/invoice/insert", &platform, &insert_body("ind-1", "00000001"))
        .await;
    let code = text(&inserted, "code");
    let card = raw.get(&format!("/sandbox/cards/{code}")).await;
    let encrypt_code = text(&card, "encrypt_code");
    let decrypted = raw
        .call("/card/code/decrypt", &platform, &json!({"encrypt_code": encrypt_code}))
        .await;
    assert_eq!(decrypted["code"], code.as_str());

    // Reimburser: read, lock, close.
    let item = json!({"card_id": card_id, "encrypt_code": encrypt_code});
    let read = raw
        .call("/card/invoice/reimburse/getinvoiceinfo", &reimburser, &item)
        .await;
    assert_eq!(read["user_info"]["fee"], 12_300);
    assert_eq!(read["user_info"]["reimburse_status"], "INVOICE_REIMBURSE_INIT");
    let batch = raw
        .call(
            "/card/invoice/reimburse/getinvoicebatch",
            &reimburser,
            &json!({"item_list": [item]}),
        )
        .await;
    assert_eq!(batch["item_list"].as_array().map(Vec::len), Some(1));
    let mut lock = item.clone();
    lock["reimburse_status"] = json!("INVOICE_REIMBURSE_LOCK");
    raw.call("/card/invoice/reimburse/updateinvoicestatus", &reimburser, &lock)
        .await;
    let close =
        json!({"openid": read["openid"], "reimburse_status": "INVOICE_REIMBURSE_CLOSURE", "invoice_list": [item]});
    raw.call("/card/invoice/reimburse/updatestatusbatch", &reimburser, &close)
        .await;
    assert_eq!(
        raw.get(&format!("/sandbox/cards/{code}")).await["status"],
        "INVOICE_REIMBURSE_CLOSURE"
    );

    // A second order: inserted, then red-flushed by the platform.
    raw.call("/card/invoice/getauthurl", &merchant, &order("ind-2")).await;
    raw.post(
        "/sandbox/user_authorize",
        &json!({"s_pappid": s_pappid, "order_id": "ind-2", "user": "indy"}),
    )
    .await;
    let second = text(
        &raw.call("/card/invoice/insert", &platform, &insert_body("ind-2", "00000002"))
            .await,
        "code",
    );
    let cancel = json!({"card_id": card_id, "code": second, "reimburse_status": "INVOICE_REIMBURSE_CANCEL"});
    raw.call("/card/invoice/platform/updatestatus", &platform, &cancel)
        .await;
    assert_eq!(
        raw.get(&format!("/sandbox/cards/{second}")).await["status"],
        "INVOICE_REIMBURSE_CANCEL"
    );

    // A third order rejected by the merchant; title URLs.
    raw.call("/card/invoice/getauthurl", &merchant, &order("ind-3")).await;
    let reject = json!({"s_pappid": s_pappid, "order_id": "ind-3", "reason": "已退款"});
    raw.call("/card/invoice/rejectinsert", &merchant, &reject).await;
    let title = raw
        .call("/card/invoice/biz/getusertitleurl", &merchant, &json!({"user_fill": 1}))
        .await;
    assert!(text(&title, "url").starts_with("https://"));
    let select = raw
        .call(
            "/card/invoice/biz/getselecttitleurl",
            &merchant,
            &json!({"biz_name": "独立商户"}),
        )
        .await;
    assert!(text(&select, "url").starts_with("https://"));

    // Error answers on the way.
    raw.refused(
        &format!("/card/invoice/insert?access_token={platform}"),
        &insert_body("ind-1", "00000009"),
        72056,
    )
    .await;
    raw.refused(
        &format!("/card/invoice/insert?access_token={platform}"),
        &insert_body("ind-3", "00000003"),
        72035,
    )
    .await;
    raw.refused("/card/invoice/seturl", &json!({}), 41001).await;
    raw.refused(
        &format!("/card/invoice/seturl?access_token={platform}"),
        &json!({"extra": true}),
        72031,
    )
    .await;
    raw.refused(&format!("/card/invoice/seturl?access_token={cat}"), &json!({}), 40001)
        .await;
    let stale = json!({"component_appid": COMPONENT, "component_appsecret": SECRET, "component_verify_ticket": "ticket@@@stale"});
    raw.refused("/cgi-bin/component/api_component_token", &stale, 61006)
        .await;
    let no_secret = json!({"component_appid": COMPONENT, "component_verify_ticket": ticket});
    raw.refused("/cgi-bin/component/api_component_token", &no_secret, 41004)
        .await;
    raw.refused(
        &format!("/cgi-bin/ticket/getticket?access_token={merchant}&type=wx_card"),
        &json!({}),
        43001,
    )
    .await;
    let mut with_jsapi = order("ind-4");
    let jsapi = raw
        .get(&format!("/cgi-bin/ticket/getticket?access_token={merchant}&type=jsapi"))
        .await;
    with_jsapi["ticket"] = jsapi["ticket"].clone();
    raw.refused(
        &format!("/card/invoice/getauthurl?access_token={merchant}"),
        &with_jsapi,
        72031,
    )
    .await;
    sandbox.shutdown().await;
}
