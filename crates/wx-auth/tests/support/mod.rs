//! Helpers shared by the integration tests of `wx-auth`: real servers started on loopback
//! when none is configured.
//!
//! Each test binary uses a subset of them.
#![allow(dead_code)]

pub mod postgres;
pub mod redis;
pub mod redis_cluster;
pub mod redis_sentinel;
pub mod redis_store;
