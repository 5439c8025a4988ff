//! The CLI's one error type, and its exit codes.

use std::process::ExitCode;

/// Why a command failed. The message says what to do next and never holds a secret.
#[derive(Debug)]
pub enum CliError {
    /// The command or its configuration is wrong (exit code 2).
    Usage(String),
    /// The command was right but could not be carried out (exit code 1).
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::FAILURE,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}

/// A store failure while doing `what`.
pub fn store_failed(what: &str, e: &wx_auth::StoreError) -> CliError {
    CliError::Failed(format!("{what}: {e}"))
}
