//! `wx-sandbox` binary: runs the emulator until Ctrl-C.
//!
//! ```text
//! cargo run -p wx-sandbox -- --port 8080 [--host 127.0.0.1] [--token-ttl SECS]
//!     [--rotate-refresh-tokens] [--strict-orders] [--push-url URL]
//!     [--message-push-url URL] [--ticket-every SECS]
//! ```
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use wx_sandbox::{
    DEFAULT_COMPONENT_APPID, DEFAULT_COMPONENT_SECRET, DEFAULT_ENCODING_AES_KEY, DEFAULT_PUSH_TOKEN, Sandbox,
};

const USAGE: &str =
    "usage: wx-sandbox [--port N] [--host IP] [--token-ttl SECS] [--rotate-refresh-tokens] [--strict-orders]";

struct Args {
    host: IpAddr,
    port: u16,
    token_ttl: Option<Duration>,
    rotate: bool,
    strict: bool,
    push_url: Option<String>,
    message_push_url: Option<String>,
    ticket_every: Option<Duration>,
}

fn seconds(flag: &str, v: &str) -> Result<Duration, String> {
    v.parse()
        .map(Duration::from_secs)
        .map_err(|_| format!("{flag}: not a number of seconds: {v}"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 8080,
        token_ttl: None,
        rotate: false,
        strict: false,
        push_url: None,
        message_push_url: None,
        ticket_every: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                out.port = v.parse().map_err(|_| format!("--port: not a port number: {v}"))?;
            }
            "--host" => {
                let v = value("--host")?;
                out.host = v.parse().map_err(|_| format!("--host: not an IP address: {v}"))?;
            }
            "--token-ttl" => out.token_ttl = Some(seconds("--token-ttl", &value("--token-ttl")?)?),
            "--ticket-every" => {
                out.ticket_every = Some(seconds("--ticket-every", &value("--ticket-every")?)?);
            }
            "--push-url" => out.push_url = Some(value("--push-url")?),
            "--message-push-url" => out.message_push_url = Some(value("--message-push-url")?),
            "--rotate-refresh-tokens" => out.rotate = true,
            "--strict-orders" => out.strict = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !args.host.is_loopback() {
        eprintln!(
            "warning: the sandbox's admin API (/sandbox/...) has no authentication; binding to {} exposes it \
             to the network — use it only on a private test network",
            args.host
        );
    }
    let mut builder = Sandbox::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .rotate_refresh_tokens(args.rotate)
        .strict_orders(args.strict);
    if let Some(ttl) = args.token_ttl {
        builder = builder.token_ttl(ttl);
    }
    if let Some(url) = args.push_url {
        builder = builder.push_url(url);
    }
    if let Some(url) = args.message_push_url {
        builder = builder.message_push_url(url);
    }
    if let Some(every) = args.ticket_every {
        builder = builder.ticket_every(every);
    }
    let sandbox = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wx-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("wx-sandbox listening on {}", sandbox.base_url());
    // These are the sandbox's own published demo credentials (public constants of this crate,
    // valid nowhere but here): printing them is how a tester configures a client against it.
    println!("component appid:     {DEFAULT_COMPONENT_APPID}");
    println!("component secret:    {DEFAULT_COMPONENT_SECRET}");
    println!("push token:          {DEFAULT_PUSH_TOKEN}");
    println!("EncodingAESKey:      {DEFAULT_ENCODING_AES_KEY}");
    println!(
        "admin API:           {}/sandbox/... (see docs/sandbox.md)",
        sandbox.base_url()
    );
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("wx-sandbox: cannot listen for Ctrl-C; stopping");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
