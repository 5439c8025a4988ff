//! Who the SDK calls WeChat as.
#![forbid(unsafe_code)]

pub mod crypto;
pub mod push;
