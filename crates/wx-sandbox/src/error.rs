//! Errors of the sandbox's own Rust API (not WeChat errors, which travel on the wire).

use std::net::SocketAddr;

/// Why the sandbox could not start or answer an admin call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listening socket could not be bound.
    #[error("could not bind the sandbox to {addr}: {source}; pick another address or port (port 0 lets the OS choose)")]
    Bind {
        /// The address that was requested.
        addr: SocketAddr,
        /// The I/O error from the OS.
        #[source]
        source: std::io::Error,
    },
    /// The socket was bound but its local address could not be read.
    #[error("could not read the sandbox's local address: {0}; retry, or bind an explicit port")]
    LocalAddr(#[source] std::io::Error),
    /// An admin action named something the sandbox does not know.
    #[error("{0}")]
    NotFound(String),
    /// A builder setting is invalid.
    #[error("invalid sandbox setting: {0}")]
    InvalidSetting(String),
}
