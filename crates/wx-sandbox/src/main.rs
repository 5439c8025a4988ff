//! `wx-sandbox` binary: runs the emulator until Ctrl-C.
//!
//! ```text
//! cargo run -p wx-sandbox -- --port 8080 [--host 127.0.0.1] [--token-ttl SECS]
//!     [--rotate-refresh-tokens] [--strict-orders]
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
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 8080,
        token_ttl: None,
        rotate: false,
        strict: false,
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
            "--token-ttl" => {
                let v = value("--token-ttl")?;
                let secs: u64 = v
                    .parse()
                    .map_err(|_| format!("--token-ttl: not a number of seconds: {v}"))?;
                out.token_ttl = Some(Duration::from_secs(secs));
            }
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
    let mut builder = Sandbox::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .rotate_refresh_tokens(args.rotate)
        .strict_orders(args.strict);
    if let Some(ttl) = args.token_ttl {
        builder = builder.token_ttl(ttl);
    }
    let sandbox = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wx-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("wx-sandbox listening on {}", sandbox.base_url());
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
