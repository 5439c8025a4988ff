//! The guide to the emulator: starting it, its admin endpoints, the error codes each API
//! answers and the invoice card state machine.
//!
//! The same page is in the `docs/` directory of the repository; its Rust examples are
//! compiled as this crate's doc-tests.

#[doc = include_str!("../docs/sandbox.md")]
pub mod sandbox {}
