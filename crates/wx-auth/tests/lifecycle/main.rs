//! The token lifecycle under hostile answers, replays and faults: lifetimes WeChat could never
//! mean, durations at their limits, a refresher whose jobs fail or panic, replayed pushes.

#![allow(dead_code)]

mod hostile;
mod lifetimes;
mod lock;
mod push_replay;
mod refresher;
mod support;
