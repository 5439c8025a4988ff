//! Wire-level tests of the sandbox over real loopback HTTP.

mod admin_http;
mod component;
mod direct;
mod faults;
mod insert;
mod platform;
mod support;
