//! `wx-invoice authorizers …` against a real Redis and grants made through the sandbox: list and
//! show never print a refresh token; export writes every grant to a file only its owner can read;
//! import restores it compare-and-set, never over a newer record, and refuses a damaged file
//! whole; ten thousand merchants go through export and import.

mod support;

use std::time::Instant;

use wx_auth::{AuthorizerRecord, ExposeSecret, SecretString, TokenSource as _};
use wx_sandbox::Sandbox;

use support::{TempDir, component, drop_prefix, env_pairs, platform_env, run, store, unique_prefix};

const MERCHANTS: [&str; 3] = ["wxc1100000000000001", "wxc1100000000000002", "wxc1100000000000003"];

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).expect("export readable by its owner")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_is_private_and_import_restores_it_without_replacing_newer_records() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let (from, to) = (unique_prefix("export-from"), unique_prefix("export-to"));
    let source = store(&from).await;
    let platform = component(&sandbox, source.clone()).await;
    for (i, m) in MERCHANTS.iter().enumerate() {
        let sets: &[u32] = if i == 0 { &[8, 26] } else { &[26] };
        platform
            .query_auth(&sandbox.authorize(m, sets))
            .await
            .expect("authorized");
    }
    platform.mark_unauthorized(MERCHANTS[2]).await.expect("revoked");
    let refresh: Vec<String> = MERCHANTS
        .iter()
        .map(|m| sandbox.current_refresh_token(m).expect("granted"))
        .collect();
    let dir = TempDir::new("export");
    let file = dir.0.join("grants.jsonl");
    let file_arg = file.to_str().expect("utf-8 path");
    let env_from = platform_env(&from);

    // list and show: everything but the refresh token.
    let listed = run(&dir.0, &env_pairs(&env_from, &[]), &["authorizers", "list"]).await;
    listed.assert_ok();
    for m in MERCHANTS {
        assert!(listed.stdout.contains(m), "{listed:#?}");
    }
    assert!(
        listed.stdout.contains("revoked") && listed.stdout.contains("8,26"),
        "{listed:#?}"
    );
    let json = run(&dir.0, &env_pairs(&env_from, &[]), &["authorizers", "list", "--json"]).await;
    let docs: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON document per line"))
        .collect();
    assert_eq!(docs.len(), 3);
    assert!(docs.iter().all(|d| d["refresh_token"] == "stored"), "{docs:?}");
    let shown = run(
        &dir.0,
        &env_pairs(&env_from, &[]),
        &["authorizers", "show", MERCHANTS[0]],
    )
    .await;
    shown.assert_ok();
    assert!(
        shown.stdout.contains("8,26") && shown.stdout.contains("authorized"),
        "{shown:#?}"
    );
    let unknown = run(&dir.0, &env_pairs(&env_from, &[]), &["authorizers", "show", "wxnobody"]).await;
    assert_eq!(unknown.code, Some(1), "{unknown:#?}");
    for r in [&listed, &json, &shown] {
        for token in &refresh {
            assert!(!r.all().contains(token.as_str()), "a refresh token was printed: {r:#?}");
        }
    }

    // export: every refresh token, in a file of mode 0600, and it says so.
    let exported = run(&dir.0, &env_pairs(&env_from, &[]), &["authorizers", "export", file_arg]).await;
    exported.assert_ok();
    assert!(exported.stdout.contains("wrote 3 authorizer records"), "{exported:#?}");
    assert!(exported.stdout.contains("mode 0600"), "{exported:#?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).expect("exported").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    let text = read(&file);
    assert_eq!(text.lines().count(), 4, "a header and three records");
    for token in &refresh {
        assert!(text.contains(token.as_str()), "the backup holds every refresh token");
        assert!(!exported.all().contains(token.as_str()));
    }
    assert!(!dir.0.join("grants.jsonl.partial").exists());
    let again = run(&dir.0, &env_pairs(&env_from, &[]), &["authorizers", "export", file_arg]).await;
    assert_eq!(
        again.code,
        Some(2),
        "an existing file is not replaced without --force: {again:#?}"
    );
    run(
        &dir.0,
        &env_pairs(&env_from, &[]),
        &["authorizers", "export", file_arg, "--force"],
    )
    .await
    .assert_ok();

    // import into an empty store: every record, as exported.
    let target = store(&to).await;
    let env_to = platform_env(&to);
    let dry = run(
        &dir.0,
        &env_pairs(&env_to, &[]),
        &["authorizers", "import", file_arg, "--dry-run"],
    )
    .await;
    dry.assert_ok();
    assert!(dry.stdout.contains("would write 3 records"), "{dry:#?}");
    assert!(
        target
            .list_authorizers(platform.component_appid())
            .await
            .expect("list")
            .is_empty()
    );
    let imported = run(&dir.0, &env_pairs(&env_to, &[]), &["authorizers", "import", file_arg]).await;
    imported.assert_ok();
    assert!(imported.stdout.contains("wrote 3 records"), "{imported:#?}");
    let appid = platform.component_appid();
    for (m, token) in MERCHANTS.iter().zip(&refresh) {
        let a = source.get_authorizer(appid, m).await.expect("read").expect("source");
        let b = target.get_authorizer(appid, m).await.expect("read").expect("imported");
        assert_eq!(b.refresh_token.expose_secret(), token);
        assert_eq!(
            (b.version, b.status, &b.permission_sets),
            (a.version, a.status, &a.permission_sets)
        );
    }
    // The restored store serves the merchants.
    let restored = component(&sandbox, target.clone()).await;
    restored
        .authorizer_tokens()
        .access_token(MERCHANTS[0])
        .await
        .expect("a token from the restored refresh token");

    // Since the export: one record got newer (a rotated refresh token), one older (an old copy
    // put back by hand). The import keeps the newer one and repairs the older one.
    let rotated = SecretString::from("refreshtoken@@@rotated-after-the-export");
    let current = target
        .get_authorizer(appid, MERCHANTS[0])
        .await
        .expect("read")
        .expect("stored");
    assert!(
        target
            .rotate_refresh_token(appid, MERCHANTS[0], &current.refresh_token, &rotated)
            .await
            .expect("rotate")
    );
    let mut stale = AuthorizerRecord::new(MERCHANTS[1], SecretString::from("refreshtoken@@@stale"), Some(vec![26]));
    stale.version = 0;
    target.put_authorizer(appid, &stale).await.expect("older copy");
    let second = run(&dir.0, &env_pairs(&env_to, &[]), &["authorizers", "import", file_arg]).await;
    second.assert_ok();
    assert!(
        second
            .stdout
            .contains("wrote 1 records; kept 1 the store holds in a newer version and 1 it holds in the same version"),
        "{second:#?}"
    );
    assert!(
        second.stderr.contains(MERCHANTS[0]),
        "the kept record is named: {second:#?}"
    );
    let kept = target
        .get_authorizer(appid, MERCHANTS[0])
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        kept.refresh_token.expose_secret(),
        rotated.expose_secret(),
        "never replaced by the older export"
    );
    let repaired = target
        .get_authorizer(appid, MERCHANTS[1])
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(repaired.refresh_token.expose_secret(), refresh[1]);

    drop_prefix(&from).await;
    drop_prefix(&to).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_or_foreign_export_is_refused_whole() {
    let prefix = unique_prefix("import-refused");
    let target = store(&prefix).await;
    let env = platform_env(&prefix);
    let dir = TempDir::new("import-refused");
    let appid = wx_sandbox::DEFAULT_COMPONENT_APPID;
    let record = |m: &str, v: u64| {
        let mut r = AuthorizerRecord::new(m, SecretString::from(format!("refreshtoken@@@{m}")), Some(vec![26]));
        r.version = v;
        wx_auth::store::encode_authorizer(&r)
    };
    let header = |component: &str, n: usize| {
        format!(
            r#"{{"format":"wx-invoice-authorizers","version":1,"component_appid":"{component}","exported_at":"2025-01-01T00:00:00Z","records":{n}}}"#
        )
    };
    let cases = [
        (
            "truncated",
            format!("{}\n{}\n{}\n", header(appid, 3), record("wxd1", 1), record("wxd2", 1)),
            "truncated",
        ),
        (
            "foreign",
            format!("{}\n{}\n", header("wxanotherplatform", 1), record("wxd1", 1)),
            "wxanotherplatform",
        ),
        (
            "garbage",
            format!(
                "{}\n{}\n{{\"refresh_token\":\"leaked-secret\"\n",
                header(appid, 2),
                record("wxd1", 1)
            ),
            "line 3",
        ),
        ("not-an-export", "hello\n".to_owned(), "header"),
    ];
    for (name, text, says) in cases {
        let file = dir.0.join(format!("{name}.jsonl"));
        std::fs::write(&file, text).expect("write");
        let r = run(
            &dir.0,
            &env_pairs(&env, &[]),
            &["authorizers", "import", file.to_str().expect("path")],
        )
        .await;
        assert_eq!(r.code, Some(2), "{name}: {r:#?}");
        assert!(r.stderr.contains(says), "{name}: {r:#?}");
        assert!(!r.all().contains("leaked-secret"), "{name}: {r:#?}");
    }
    assert!(
        target.list_authorizers(appid).await.expect("list").is_empty(),
        "nothing was written"
    );
    drop_prefix(&prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_merchants_go_through_export_and_import() {
    const N: usize = 10_000;
    let (from, to) = (unique_prefix("fleet-from"), unique_prefix("fleet-to"));
    let source = store(&from).await;
    let appid = wx_sandbox::DEFAULT_COMPONENT_APPID;
    let started = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for shard in 0..8 {
        let source = source.clone();
        writers.spawn(async move {
            for i in (shard..N).step_by(8) {
                let mut r = AuthorizerRecord::new(
                    format!("wxfleet{i:011}"),
                    SecretString::from(format!("refreshtoken@@@fleet-{i}")),
                    Some(vec![26]),
                );
                r.version = 1;
                source.put_authorizer(appid, &r).await.expect("seed");
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.expect("seeded");
    }
    eprintln!("seeded {N} records in {:?}", started.elapsed());
    let dir = TempDir::new("fleet");
    let file = dir.0.join("fleet.jsonl");
    let file_arg = file.to_str().expect("path");
    let started = Instant::now();
    let exported = run(
        &dir.0,
        &env_pairs(&platform_env(&from), &[]),
        &["authorizers", "export", file_arg],
    )
    .await;
    exported.assert_ok();
    eprintln!("exported {N} records in {:?}", started.elapsed());
    assert!(
        exported.stdout.contains(&format!("wrote {N} authorizer records")),
        "{exported:#?}"
    );
    assert_eq!(read(&file).lines().count(), N + 1);
    let started = Instant::now();
    let imported = run(
        &dir.0,
        &env_pairs(&platform_env(&to), &[]),
        &["authorizers", "import", file_arg],
    )
    .await;
    imported.assert_ok();
    eprintln!("imported {N} records in {:?}", started.elapsed());
    assert!(imported.stdout.contains(&format!("wrote {N} records")), "{imported:#?}");
    let target = store(&to).await;
    assert_eq!(target.list_authorizers(appid).await.expect("list").len(), N);
    let sample = target
        .get_authorizer(appid, "wxfleet00000004321")
        .await
        .expect("read")
        .expect("imported");
    assert_eq!(sample.refresh_token.expose_secret(), "refreshtoken@@@fleet-4321");
    drop_prefix(&from).await;
    drop_prefix(&to).await;
}
