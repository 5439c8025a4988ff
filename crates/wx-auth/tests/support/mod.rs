//! Helpers shared by the integration tests of `wx-auth`.
//!
//! Each test binary uses a subset of them.
#![allow(dead_code)]

#[cfg(feature = "redis")]
pub mod redis;
