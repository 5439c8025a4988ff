//! Wire-level tests of the sandbox over real loopback HTTP.

mod admin_http;
mod component;
mod direct;
mod faults;
mod flow;
mod insert;
mod management;
mod merchant;
mod nontax;
mod platform;
mod push;
mod push_outcomes;
mod quota;
mod refusals;
mod reimburse;
mod support;
mod unified;
mod unknown_keys;
mod wecom;
