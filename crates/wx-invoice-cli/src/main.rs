//! `wx-invoice`: the operations CLI of the wx-invoice SDK. `wx-invoice --help` lists the commands
//! and every setting; the crate's README says how to configure it.
#![forbid(unsafe_code)]

mod args;
mod authorizers;
mod backup;
mod config;
mod display;
mod error;
mod insert;
mod push_verify;
mod sandbox;
mod token_status;

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use args::{AuthorizersCommand, Cli, Command, PushCommand, TokenCommand};
use config::Settings;
use error::CliError;

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let redis_url_on_command_line = matches.value_source("redis_url") == Some(ValueSource::CommandLine);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.global.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let settings = Settings {
        global: cli.global,
        redis_url_on_command_line,
    };
    match run(&settings, cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wx-invoice: {e}");
            e.exit_code()
        }
    }
}

async fn run(settings: &Settings, command: Command) -> Result<(), CliError> {
    match command {
        Command::Authorizers(command) => {
            let component_appid = settings.component_appid()?;
            let store = settings.store().await?;
            match command {
                AuthorizersCommand::List { json } => authorizers::list(&store, component_appid, json).await,
                AuthorizersCommand::Show { appid, json } => {
                    authorizers::show(&store, component_appid, &appid, json).await
                }
                AuthorizersCommand::Export { file, force } => {
                    backup::export(&store, component_appid, &file, force).await
                }
                AuthorizersCommand::Import { file, dry_run } => {
                    backup::import(&store, component_appid, &file, dry_run).await
                }
            }
        }
        Command::Token(TokenCommand::Status { appid, direct, json }) => {
            let component_appid = if direct {
                None
            } else {
                Some(settings.component_appid()?)
            };
            let store = settings.store().await?;
            token_status::status(&store, component_appid, &appid, direct, json).await
        }
        Command::Insert(args) => insert::insert(settings, &args.file, args.appid.as_deref(), args.dry_run).await,
        Command::Sandbox(args) => sandbox::run(args).await,
        Command::Push(PushCommand::Verify { query, body }) => push_verify::verify(settings, &query, &body),
    }
}
