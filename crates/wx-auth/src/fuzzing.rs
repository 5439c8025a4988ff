//! Entry points for the fuzz targets in the repository's `fuzz/` directory: WeChat's answers
//! decoded exactly as the SDK decodes them, for inputs no honest WeChat sends. Not a public
//! API (hidden from the docs, behind the `fuzzing` feature); every function must return, never
//! panic, whatever the bytes.

use serde::de::DeserializeOwned;

use crate::component::wire;
use crate::error::AuthError;
use crate::token::AccessToken;
use crate::transport::response::Secrets;
use crate::transport::response::decode_answer;

/// Decodes `body` as the answer of `path` into `T`, the errcode envelope first.
pub fn answer<T: DeserializeOwned>(body: &[u8], path: &str) -> Result<T, AuthError> {
    decode_answer(body, path, &Secrets::default())
}

/// Decodes `body` as the answer of one token endpoint (chosen by `endpoint`, modulo their
/// number) and, like the SDK, turns it into a checked credential: lifetimes and empty tokens
/// included.
pub fn token_answer(endpoint: u8, body: &[u8]) -> Result<(), AuthError> {
    let now = std::time::SystemTime::now();
    match endpoint % 5 {
        0 => {
            let out: wire::ComponentTokenResponse = answer(body, wire::COMPONENT_TOKEN_PATH)?;
            AccessToken::from_answer(
                out.component_access_token,
                out.expires_in,
                wire::COMPONENT_TOKEN_PATH,
                now,
            )
            .map(drop)
        }
        1 => {
            let out: wire::AuthorizerTokenResponse = answer(body, wire::AUTHORIZER_TOKEN_PATH)?;
            AccessToken::from_answer(
                out.authorizer_access_token,
                out.expires_in,
                wire::AUTHORIZER_TOKEN_PATH,
                now,
            )
            .map(drop)
        }
        2 => {
            let out: wire::QueryAuthResponse = answer(body, wire::QUERY_AUTH_PATH)?;
            let info = out.authorization_info;
            let _ = info.permission_sets();
            match (info.authorizer_access_token, info.expires_in) {
                (Some(token), Some(lifetime)) => {
                    AccessToken::from_answer(token, lifetime, wire::QUERY_AUTH_PATH, now).map(drop)
                }
                _ => Ok(()),
            }
        }
        3 => {
            let out: wire::PreAuthCodeResponse = answer(body, wire::PRE_AUTH_CODE_PATH)?;
            out.expires_in.checked(wire::PRE_AUTH_CODE_PATH).map(drop)
        }
        _ => {
            let out: wire::AuthorizerListResponse = answer(body, wire::AUTHORIZER_LIST_PATH)?;
            let _ = out
                .list
                .len()
                .min(usize::try_from(out.total_count).unwrap_or(usize::MAX));
            Ok(())
        }
    }
}
