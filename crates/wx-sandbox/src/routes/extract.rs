//! Extractors that never answer with axum's plain-text rejections, only WeChat errors.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use super::Query;
use crate::wire::{WxError, code, parse_query};

/// The query string as a map (`access_token`, `component_access_token`, `action`, …).
pub(crate) struct WxQuery(pub Query);

impl<S: Send + Sync> FromRequestParts<S> for WxQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parse_query(parts.uri.query())))
    }
}

/// The raw body, limited by the sandbox's body limit (too large → 47001).
pub(crate) struct WxBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for WxBody {
    type Rejection = WxError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state).await.map(Self).map_err(|e| {
            WxError::new(
                code::DATA_FORMAT_ERROR,
                format!("data format error: request body unreadable ({e})"),
            )
        })
    }
}
