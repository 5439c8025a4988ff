//! `wx-sandbox` binary: runs the emulator until Ctrl-C. `wx-sandbox --help` lists every
//! option; e.g. `cargo run -p wx-sandbox -- --port 8080`.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use wx_sandbox::{
    DEFAULT_COMPONENT_APPID, DEFAULT_COMPONENT_SECRET, DEFAULT_ENCODING_AES_KEY, DEFAULT_LOG_CAPACITY,
    DEFAULT_PUSH_RETRIES, DEFAULT_PUSH_TOKEN, Sandbox,
};

/// A local, stateful emulator of WeChat's third-party-platform and e-invoice APIs. Point any
/// WeChat client at the printed base URL; drive it with the admin API under /sandbox/ (see
/// docs/sandbox.md).
#[derive(Debug, Parser)]
#[command(name = "wx-sandbox", version)]
struct Args {
    /// Port to listen on (0: let the OS choose).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. The admin API has no authentication: keep it on loopback or a
    /// private test network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Lifetime of every access token, in seconds (default 7200).
    #[arg(long, value_name = "SECS")]
    token_ttl: Option<u64>,
    /// Issue a new refresh token on every api_authorizer_token (the old one then answers
    /// 61023) instead of echoing it.
    #[arg(long)]
    rotate_refresh_tokens: bool,
    /// Insert only orders a simulated user authorized, with templates from createcard.
    #[arg(long)]
    strict_orders: bool,
    /// The component's authorization-event URL: verify tickets and (un)authorization events
    /// are pushed there, signed and encrypted.
    #[arg(long, value_name = "URL")]
    push_url: Option<String>,
    /// The merchant message URL: invoice events are pushed there; `$APPID$` is replaced by
    /// the receiving account's appid.
    #[arg(long, value_name = "URL")]
    message_push_url: Option<String>,
    /// Push a fresh component_verify_ticket every SECS seconds (WeChat: 600).
    #[arg(long, value_name = "SECS")]
    ticket_every: Option<u64>,
    /// Retries of an unacknowledged push.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PUSH_RETRIES)]
    push_retries: u32,
    /// Events and push deliveries kept in the logs (older ones are dropped).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LOG_CAPACITY)]
    log_capacity: usize,
    /// A daily call limit per account for one path, e.g. /card/invoice/insert=1000
    /// (repeatable); beyond it calls answer 45009.
    #[arg(long = "daily-limit", value_name = "PATH=N", value_parser = daily_limit)]
    daily_limits: Vec<(String, u64)>,
}

fn daily_limit(text: &str) -> Result<(String, u64), String> {
    let (path, calls) = text
        .split_once('=')
        .ok_or_else(|| format!("expected PATH=N, e.g. /card/invoice/insert=1000, got {text}"))?;
    if !path.starts_with('/') {
        return Err(format!("the path must start with /: {path}"));
    }
    let calls = calls.parse().map_err(|_| format!("not a number of calls: {calls}"))?;
    Ok((path.to_owned(), calls))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    if !args.host.is_loopback() {
        eprintln!(
            "warning: the sandbox's admin API (/sandbox/...) has no authentication; binding to {} exposes it \
             to the network — use it only on a private test network",
            args.host
        );
    }
    let mut builder = Sandbox::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .rotate_refresh_tokens(args.rotate_refresh_tokens)
        .strict_orders(args.strict_orders)
        .push_retries(args.push_retries)
        .log_capacity(args.log_capacity);
    if let Some(ttl) = args.token_ttl {
        builder = builder.token_ttl(Duration::from_secs(ttl));
    }
    if let Some(url) = args.push_url {
        builder = builder.push_url(url);
    }
    if let Some(url) = args.message_push_url {
        builder = builder.message_push_url(url);
    }
    if let Some(every) = args.ticket_every {
        builder = builder.ticket_every(Duration::from_secs(every));
    }
    for (path, calls) in args.daily_limits {
        builder = builder.daily_limit(path, calls);
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
