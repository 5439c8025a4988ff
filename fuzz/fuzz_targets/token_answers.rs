//! Fuzzes the decoding of every token endpoint's answer (component token, authorizer token,
//! api_query_auth, pre-auth code, authorizer list), lifetimes and empty tokens included: the
//! first byte picks the endpoint, the rest is the body. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((endpoint, body)) = data.split_first() {
        let _ = wx_auth::fuzzing::token_answer(*endpoint, body);
    }
});
