//! The `wx-sandbox` binary: its help lists every option, bad arguments are refused, and it
//! serves on the port it is given until stopped.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_wx-sandbox");

#[test]
fn help_lists_every_option_and_exits_0() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8(out.stdout).expect("utf8");
    for option in [
        "--port",
        "--host",
        "--token-ttl",
        "--rotate-refresh-tokens",
        "--strict-orders",
        "--push-url",
        "--message-push-url",
        "--ticket-every",
        "--push-retries",
        "--log-capacity",
        "--daily-limit",
        "--help",
        "--version",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn bad_arguments_are_refused_with_a_reason() {
    for args in [
        &["--port", "http"][..],
        &["--nope"],
        &["--daily-limit", "insert"],
        &["--host", "localhost:1"],
    ] {
        let out = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn serves_on_the_given_port_with_its_options() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new(BIN)
        .args([
            "--port",
            &port.to_string(),
            "--daily-limit",
            "/card/invoice/seturl=1",
            "--log-capacity",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let first = BufReader::new(stdout).lines().next().expect("a line").expect("read");
    assert_eq!(first, format!("wx-sandbox listening on http://127.0.0.1:{port}"));
    let _ = child.kill();
    let _ = child.wait();
}
