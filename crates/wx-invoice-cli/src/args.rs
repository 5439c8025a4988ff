//! The command line: global settings (where the store is, which platform) and the commands.
//!
//! Secrets (the component secret, the push token, the EncodingAESKey, a Redis password) are
//! never command-line values: they come from environment variables or files, see `config.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Operations tooling for a WeChat third-party platform built on the wx-invoice SDK: the
/// authorizers in the token store (list, show, export as a backup, import), token status, inserts,
/// the sandbox, and checking captured pushes.
///
/// Secrets are read from environment variables or files only, never from arguments, and never
/// printed: WX_COMPONENT_SECRET (or --component-secret-file), WX_PUSH_TOKEN (or
/// --push-token-file), WX_ENCODING_AES_KEY (or --encoding-aes-key-file); a Redis URL with a
/// password goes in WX_REDIS_URL.
#[derive(Debug, Parser)]
#[command(name = "wx-invoice", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command may need.
#[derive(Debug, Args)]
pub struct Global {
    /// The token store: a Redis URL (redis:// or rediss://). A URL with a password must come
    /// from the environment variable, not the command line.
    #[arg(
        long,
        env = "WX_REDIS_URL",
        value_name = "URL",
        global = true,
        hide_env_values = true
    )]
    pub redis_url: Option<String>,
    /// The key prefix the SDK's RedisStore was given (with_prefix).
    #[arg(long, env = "WX_REDIS_PREFIX", value_name = "PREFIX", global = true)]
    pub redis_prefix: Option<String>,
    /// The third-party platform's appid (component_appid).
    #[arg(long, env = "WX_COMPONENT_APPID", value_name = "APPID", global = true)]
    pub component_appid: Option<String>,
    /// A file holding the component's AppSecret (else WX_COMPONENT_SECRET).
    #[arg(long, env = "WX_COMPONENT_SECRET_FILE", value_name = "FILE", global = true)]
    pub component_secret_file: Option<PathBuf>,
    /// A file holding the push message token (else WX_PUSH_TOKEN).
    #[arg(long, env = "WX_PUSH_TOKEN_FILE", value_name = "FILE", global = true)]
    pub push_token_file: Option<PathBuf>,
    /// A file holding the 43-character EncodingAESKey (else WX_ENCODING_AES_KEY).
    #[arg(long, env = "WX_ENCODING_AES_KEY_FILE", value_name = "FILE", global = true)]
    pub encoding_aes_key_file: Option<PathBuf>,
    /// WeChat's API base (default: WeChat's hosts, with fail-over); a sandbox or proxy URL in
    /// tests.
    #[arg(long, env = "WX_API_BASE", value_name = "URL", global = true)]
    pub api_base: Option<String>,
    /// Log level of the SDK's messages on stderr (error, warn, info, debug).
    #[arg(long, env = "WX_LOG", value_name = "LEVEL", default_value = "warn", global = true)]
    pub log: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The merchants that authorized the platform, as the store holds them.
    #[command(subcommand)]
    Authorizers(AuthorizersCommand),
    /// Cached tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Validates an insert request (a JSON file in WeChat's format), then sends it.
    Insert(InsertArgs),
    /// Runs the local WeChat emulator until Ctrl-C.
    Sandbox(SandboxArgs),
    /// Pushes WeChat sent.
    #[command(subcommand)]
    Push(PushCommand),
}

#[derive(Debug, Subcommand)]
pub enum AuthorizersCommand {
    /// Every authorizer of the platform: appid, status, permission sets, last write.
    List {
        /// One JSON document per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One authorizer's record (never its refresh token).
    Show {
        /// The merchant's appid.
        appid: String,
        /// A JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Writes every authorizer record, refresh tokens included, to FILE: the backup of the
    /// grants. The file is created readable and writable by its owner only (mode 0600).
    Export {
        /// Where to write (JSON Lines).
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Writes the records of an export into the store, each compare-and-set: a record is
    /// written only where the store has none or an older version, never over a newer one.
    Import {
        /// A file written by `authorizers export`.
        file: PathBuf,
        /// Say what would be written, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// When a cached token was last refreshed, when it expires and who holds its refresh lock
    /// (never the token itself).
    Status {
        /// The merchant's appid, or the component's own for the component token.
        appid: String,
        /// A direct-mode (self-built) account's access_token instead of an authorizer token.
        #[arg(long)]
        direct: bool,
        /// A JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct InsertArgs {
    /// The request: `POST /card/invoice/insert`'s JSON body.
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// The appid whose token the call is made with: the invoicing platform's Official Account
    /// (an authorizer of this component).
    #[arg(long, value_name = "APPID")]
    pub appid: Option<String>,
    /// Validate only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port to listen on (0: let the OS choose).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The sandbox's admin API has no authentication: keep it on
    /// loopback.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// The authorization-event URL verify tickets and authorization events are pushed to.
    #[arg(long, value_name = "URL")]
    pub push_url: Option<String>,
    /// The message URL invoice events are pushed to (`$APPID$` is replaced by the account).
    #[arg(long, value_name = "URL")]
    pub message_push_url: Option<String>,
    /// Push a fresh verify ticket every SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub ticket_every: Option<u64>,
    /// Issue a new refresh token on every refresh (the old one then answers 61023).
    #[arg(long)]
    pub rotate_refresh_tokens: bool,
    /// Insert only orders a simulated user authorized, with templates from createcard.
    #[arg(long)]
    pub strict_orders: bool,
}

#[derive(Debug, Subcommand)]
pub enum PushCommand {
    /// Checks a captured push against the configured token and EncodingAESKey: the signature,
    /// the decryption, the appid it is addressed to; prints what it holds (secrets redacted).
    Verify {
        /// The push's URL, or only its query (`timestamp=…&nonce=…&msg_signature=…`).
        #[arg(long, value_name = "URL_OR_QUERY")]
        query: String,
        /// The push's body (the `<xml>…<Encrypt>…</xml>` envelope).
        #[arg(long, value_name = "FILE")]
        body: PathBuf,
    },
}
