//! `wx-invoice token status`, `insert`, `push verify` and `sandbox` against the sandbox and a
//! real Redis; and the rule that secrets come from the environment or files only and are never
//! printed.

mod support;

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use wx_auth::{TokenKey, TokenKind, TokenSource};
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::{BillingNo, Fen, InsertInvoiceRequest, InvoiceItem, InvoiceUserData, OrderId};
use wx_sandbox::Sandbox;

use support::{TempDir, component, drop_prefix, env_pairs, platform_env, run, store, unique_prefix};

const PLATFORM_OA: &str = "wxc1a0000000000001";
const MERCHANT: &str = "wxc1a0000000000002";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_status_shows_expiry_and_lock_holder_but_never_the_token() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let prefix = unique_prefix("token-status");
    let store = store(&prefix).await;
    let platform = component(&sandbox, store.clone()).await;
    platform
        .query_auth(&sandbox.authorize(MERCHANT, &[26]))
        .await
        .expect("authorized");
    let token = platform
        .authorizer_tokens()
        .access_token(MERCHANT)
        .await
        .expect("token");
    let component_token = platform.component_access_token().await.expect("component token");
    let key = TokenKey::new(platform.component_appid(), MERCHANT, TokenKind::AuthorizerAccessToken);
    assert!(
        store
            .try_lock(&key, "refresher-on-host-7", Duration::from_secs(60))
            .await
            .expect("lock")
    );
    let dir = TempDir::new("token-status");
    let env = platform_env(&prefix);

    let text = run(&dir.0, &env_pairs(&env, &[]), &["token", "status", MERCHANT]).await;
    text.assert_ok();
    for says in [
        "authorizer_token of",
        "cached:        yes",
        "last refresh:",
        "— valid",
        "refresh lock:  held by refresher-on-host-7 for another",
        "grant:         authorized, permission sets 26, refresh token stored",
    ] {
        assert!(text.stdout.contains(says), "{says}: {text:#?}");
    }
    let json = run(&dir.0, &env_pairs(&env, &[]), &["token", "status", MERCHANT, "--json"]).await;
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(json.stdout.trim()).expect("json");
    assert_eq!(doc["cached"], true);
    assert_eq!(doc["expired"], false);
    assert_eq!(doc["lock"]["owner"], "refresher-on-host-7");
    assert!(doc["remaining_secs"].as_u64().expect("secs") > 3600, "{doc}");
    assert!(doc["lock"]["expires_in_secs"].as_u64().expect("secs") <= 60, "{doc}");

    store.unlock(&key, "refresher-on-host-7").await.expect("unlock");
    let free = run(&dir.0, &env_pairs(&env, &[]), &["token", "status", MERCHANT]).await;
    assert!(free.stdout.contains("refresh lock:  free"), "{free:#?}");
    let own = run(
        &dir.0,
        &env_pairs(&env, &[]),
        &["token", "status", platform.component_appid()],
    )
    .await;
    assert!(
        own.stdout.contains("component_token of") && own.stdout.contains("cached:        yes"),
        "{own:#?}"
    );
    let unknown = run(
        &dir.0,
        &env_pairs(&env, &[]),
        &["token", "status", "wxc1a0000000000099"],
    )
    .await;
    unknown.assert_ok();
    assert!(
        unknown.stdout.contains("cached:        no") && unknown.stdout.contains("none stored"),
        "{unknown:#?}"
    );

    let refresh = sandbox.current_refresh_token(MERCHANT).expect("granted");
    for r in [&text, &json, &free, &own, &unknown] {
        for secret in [token.expose_secret(), component_token.expose_secret(), refresh.as_str()] {
            assert!(!r.all().contains(secret), "a secret was printed: {r:#?}");
        }
    }
    drop_prefix(&prefix).await;
}

fn request(order_id: &str, s_media_id: &str) -> InsertInvoiceRequest {
    let billing_time = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("seconds");
    let data = InvoiceUserData::digital(BillingNo::new("24440000000012345678"))
        .with_title("示例科技有限公司")
        .with_billing_time(billing_time)
        .with_pdf(s_media_id)
        .with_amounts(Fen(10_000), Fen(600))
        .with_item(InvoiceItem::new("技术服务费", Fen(10_000)));
    InsertInvoiceRequest::new(OrderId::new(order_id), data)
        .with_card_id("pjZ8Yt-cli-card")
        .with_appid(MERCHANT)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_validates_the_file_first_and_sends_only_a_valid_request() {
    const INSERT: &str = "/card/invoice/insert";
    let sandbox = Sandbox::start().await.expect("sandbox");
    let prefix = unique_prefix("insert");
    let store = store(&prefix).await;
    let platform = component(&sandbox, store.clone()).await;
    platform
        .query_auth(&sandbox.authorize(PLATFORM_OA, &[26]))
        .await
        .expect("authorized");
    let tokens: Arc<dyn TokenSource> = Arc::new(platform.authorizer_tokens());
    let client = InvoiceClient::builder(tokens)
        .api_base(sandbox.base_url())
        .build()
        .expect("client");
    let media = client
        .upload_pdf(PLATFORM_OA, "invoice.pdf", b"%PDF-1.4\n%%EOF\n".to_vec())
        .await
        .expect("upload");
    let dir = TempDir::new("insert");
    let good = dir.0.join("request.json");
    std::fs::write(
        &good,
        serde_json::to_string_pretty(&request("cli-order-1", &media)).expect("json"),
    )
    .expect("write");
    let mut broken = serde_json::to_value(request("cli-order-2", &media)).expect("json");
    broken["card_ext"]["user_card"]["invoice_user_data"]["billing_no"] = "123".into();
    let bad = dir.0.join("broken.json");
    std::fs::write(&bad, broken.to_string()).expect("write");
    let base = sandbox.base_url();
    let env = platform_env(&prefix);
    let with_secret = env_pairs(
        &env,
        &[
            ("WX_API_BASE", base.as_str()),
            ("WX_COMPONENT_SECRET", wx_sandbox::DEFAULT_COMPONENT_SECRET),
        ],
    );
    sandbox.reset_counts();

    let refused = run(
        &dir.0,
        &with_secret,
        &["insert", "--file", "broken.json", "--appid", PLATFORM_OA],
    )
    .await;
    assert_eq!(refused.code, Some(2), "{refused:#?}");
    assert!(
        refused.stderr.contains("billing_no"),
        "the field is named: {refused:#?}"
    );
    let dry = run(&dir.0, &with_secret, &["insert", "--file", "request.json", "--dry-run"]).await;
    dry.assert_ok();
    assert!(
        dry.stdout.contains("valid insert request for order cli-order-1"),
        "{dry:#?}"
    );
    let no_secret = run(
        &dir.0,
        &env_pairs(&env, &[("WX_API_BASE", base.as_str())]),
        &["insert", "--file", "request.json", "--appid", PLATFORM_OA],
    )
    .await;
    assert_eq!(no_secret.code, Some(2), "{no_secret:#?}");
    assert!(no_secret.stderr.contains("WX_COMPONENT_SECRET"), "{no_secret:#?}");
    assert_eq!(sandbox.count(INSERT), 0, "nothing invalid or unconfigured was sent");

    let sent = run(
        &dir.0,
        &with_secret,
        &["insert", "--file", "request.json", "--appid", PLATFORM_OA],
    )
    .await;
    sent.assert_ok();
    let out: serde_json::Value = serde_json::from_str(sent.stdout.trim()).expect("json answer");
    let code = out["code"].as_str().expect("card code");
    assert_eq!(out["order_id"], "cli-order-1");
    assert!(sandbox.card(code).is_some(), "the card is in the wallet: {out}");
    assert_eq!(sandbox.count(INSERT), 1);
    assert!(!sent.all().contains(wx_sandbox::DEFAULT_COMPONENT_SECRET));
    let _ = bad;
    drop_prefix(&prefix).await;
}

#[tokio::test]
async fn push_verify_opens_a_captured_push_and_refuses_a_tampered_one() {
    let crypt = wx_auth::crypto::MsgCrypt::new(
        wx_sandbox::DEFAULT_PUSH_TOKEN,
        wx_sandbox::DEFAULT_ENCODING_AES_KEY,
        wx_sandbox::DEFAULT_COMPONENT_APPID,
    )
    .expect("crypt");
    let ticket = "ticket@@@captured-verify-ticket-value";
    let plaintext = format!(
        "<xml><AppId><![CDATA[{}]]></AppId><CreateTime>1700000000</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>",
        wx_sandbox::DEFAULT_COMPONENT_APPID
    );
    let envelope = crypt.encrypt(&plaintext, "1700000000", "424242").expect("encrypt");
    let from = envelope.find("<MsgSignature><![CDATA[").expect("signature") + "<MsgSignature><![CDATA[".len();
    let signature = &envelope[from..from + 40];
    let legacy = crypt.query_signature("1700000000", "424242");
    let dir = TempDir::new("push-verify");
    std::fs::write(dir.0.join("push.xml"), &envelope).expect("write");
    std::fs::write(
        dir.0.join("aes.key"),
        format!("{}\n", wx_sandbox::DEFAULT_ENCODING_AES_KEY),
    )
    .expect("write");
    let url = format!(
        "https://platform.example.com/wechat/component?signature={legacy}&timestamp=1700000000&nonce=424242&encrypt_type=aes&msg_signature={signature}"
    );
    let env = [
        ("WX_COMPONENT_APPID", wx_sandbox::DEFAULT_COMPONENT_APPID),
        ("WX_PUSH_TOKEN", wx_sandbox::DEFAULT_PUSH_TOKEN),
        ("WX_ENCODING_AES_KEY_FILE", "aes.key"),
    ];
    let ok = run(&dir.0, &env, &["push", "verify", "--query", &url, "--body", "push.xml"]).await;
    ok.assert_ok();
    assert!(ok.stdout.contains("msg_signature:  valid"), "{ok:#?}");
    assert!(ok.stdout.contains("signature:      valid"), "{ok:#?}");
    assert!(ok.stdout.contains("VerifyTicket"), "{ok:#?}");
    assert!(ok.stdout.contains("2023-11-14T22:13:20Z"), "the signing time: {ok:#?}");
    assert!(!ok.all().contains(ticket), "the ticket is redacted: {ok:#?}");

    let tampered = url.replace("nonce=424242", "nonce=424243");
    let bad = run(
        &dir.0,
        &env,
        &["push", "verify", "--query", &tampered, "--body", "push.xml"],
    )
    .await;
    assert_eq!(bad.code, Some(1), "{bad:#?}");
    assert!(bad.stderr.contains("does not verify"), "{bad:#?}");
    let wrong_key = run(
        &dir.0,
        &[
            env[0],
            env[1],
            ("WX_ENCODING_AES_KEY", "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"),
        ],
        &["push", "verify", "--query", &url, "--body", "push.xml"],
    )
    .await;
    assert_eq!(wrong_key.code, Some(1), "{wrong_key:#?}");
    for r in [&ok, &bad, &wrong_key] {
        assert!(!r.all().contains(wx_sandbox::DEFAULT_ENCODING_AES_KEY), "{r:#?}");
        assert!(!r.all().contains(wx_sandbox::DEFAULT_PUSH_TOKEN), "{r:#?}");
    }
}

#[tokio::test]
async fn the_sandbox_command_serves_the_emulator() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wx-invoice"))
        .args(["sandbox", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("prints its address in time")
        .expect("reads")
        .expect("a line");
    let base = first
        .strip_prefix("sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let answer: serde_json::Value = reqwest_get(&format!(
        "{base}/cgi-bin/token?grant_type=client_credential&appid=x&secret=y"
    ))
    .await;
    assert!(
        answer.get("errcode").is_some(),
        "the emulator answers in WeChat's format: {answer}"
    );
    child.kill().await.expect("stopped");
}

async fn reqwest_get(url: &str) -> serde_json::Value {
    let client = wx_auth::reqwest::Client::new();
    client.get(url).send().await.expect("sent").json().await.expect("json")
}

#[tokio::test]
async fn secrets_come_only_from_the_environment_or_files_and_are_never_echoed() {
    let dir = TempDir::new("secrets");
    let prefix = unique_prefix("secrets");
    // A password in a --redis-url argument is refused, without repeating it.
    let url_with_password = support::redis_url().replacen("redis://", "redis://:hunter2-redis-password@", 1);
    let on_cli = run(
        &dir.0,
        &[("WX_COMPONENT_APPID", "wxc1a0000000000003")],
        &["--redis-url", &url_with_password, "authorizers", "list"],
    )
    .await;
    assert_eq!(on_cli.code, Some(2), "{on_cli:#?}");
    assert!(on_cli.stderr.contains("WX_REDIS_URL"), "{on_cli:#?}");
    assert!(!on_cli.all().contains("hunter2"), "{on_cli:#?}");
    // The same URL from the environment is taken (here the test Redis has no password, so the
    // connection fails or succeeds, but never prints the password).
    let from_env = run(
        &dir.0,
        &[
            ("WX_REDIS_URL", url_with_password.as_str()),
            ("WX_REDIS_PREFIX", prefix.as_str()),
            ("WX_COMPONENT_APPID", "wxc1a0000000000003"),
        ],
        &["authorizers", "list"],
    )
    .await;
    assert_ne!(from_env.code, Some(2), "not a usage error: {from_env:#?}");
    assert!(!from_env.all().contains("hunter2"), "{from_env:#?}");
    // --help shows which variables are read, never their values.
    let help = run(
        &dir.0,
        &[
            ("WX_REDIS_URL", url_with_password.as_str()),
            ("WX_COMPONENT_SECRET", "component-secret-in-env"),
        ],
        &["--help"],
    )
    .await;
    help.assert_ok();
    assert!(help.stdout.contains("WX_COMPONENT_SECRET"), "{help:#?}");
    assert!(
        !help.all().contains("hunter2") && !help.all().contains("component-secret-in-env"),
        "{help:#?}"
    );
    // There is no option that takes a secret's value.
    let as_option = run(&dir.0, &[], &["--component-secret", "x", "authorizers", "list"]).await;
    assert_eq!(as_option.code, Some(2), "{as_option:#?}");
    // A secret file that is missing is a usage error naming the file.
    std::fs::write(dir.0.join("push.xml"), "<xml><Encrypt>AAAA</Encrypt></xml>").expect("write");
    let missing = run(
        &dir.0,
        &[
            ("WX_COMPONENT_APPID", "wxc1a0000000000003"),
            ("WX_PUSH_TOKEN_FILE", "no-such-file"),
        ],
        &[
            "push",
            "verify",
            "--query",
            "timestamp=1&nonce=2&msg_signature=x",
            "--body",
            "push.xml",
        ],
    )
    .await;
    assert_eq!(missing.code, Some(2), "{missing:#?}");
    assert!(missing.stderr.contains("no-such-file"), "{missing:#?}");
}
