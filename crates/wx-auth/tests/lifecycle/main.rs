//! The token lifecycle under hostile answers, replays and faults: lifetimes WeChat could never
//! mean, durations at their limits, a refresher whose jobs fail or panic, replayed pushes.

#![allow(dead_code)]

mod hostile;
mod lifetimes;
mod lock;
mod logs;
#[cfg(feature = "redis")]
mod outage;
mod push_replay;
mod records;
#[path = "../support/redis.rs"]
mod redis_support;
mod refresher;
mod small_defects;
mod support;
