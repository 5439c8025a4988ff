//! `sandbox`: the local WeChat emulator, until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use wx_sandbox::{
    DEFAULT_COMPONENT_APPID, DEFAULT_COMPONENT_SECRET, DEFAULT_ENCODING_AES_KEY, DEFAULT_PUSH_TOKEN, Sandbox,
};

use crate::args::SandboxArgs;
use crate::error::CliError;

pub async fn run(args: SandboxArgs) -> Result<(), CliError> {
    if !args.host.is_loopback() {
        eprintln!(
            "warning: the sandbox's admin API (/sandbox/...) has no authentication; binding to {} exposes it to the network",
            args.host
        );
    }
    let mut builder = Sandbox::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .rotate_refresh_tokens(args.rotate_refresh_tokens)
        .strict_orders(args.strict_orders);
    if let Some(url) = args.push_url {
        builder = builder.push_url(url);
    }
    if let Some(url) = args.message_push_url {
        builder = builder.message_push_url(url);
    }
    if let Some(every) = args.ticket_every {
        builder = builder.ticket_every(Duration::from_secs(every));
    }
    let sandbox = builder
        .start()
        .await
        .map_err(|e| CliError::Failed(format!("the sandbox did not start: {e}")))?;
    println!("sandbox listening on {}", sandbox.base_url());
    // The sandbox's own published demo credentials (public constants, valid nowhere else):
    // printing them is how a tester points a client at it.
    println!("WX_API_BASE={}", sandbox.base_url());
    println!("WX_COMPONENT_APPID={DEFAULT_COMPONENT_APPID}");
    println!("WX_COMPONENT_SECRET={DEFAULT_COMPONENT_SECRET}");
    println!("WX_PUSH_TOKEN={DEFAULT_PUSH_TOKEN}");
    println!("WX_ENCODING_AES_KEY={DEFAULT_ENCODING_AES_KEY}");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::Failed(format!("could not wait for Ctrl-C: {e}")))?;
    sandbox.shutdown().await;
    Ok(())
}
