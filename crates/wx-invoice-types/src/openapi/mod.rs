//! Management calls of a third-party platform and of every account (spec invoice-api-more §4):
//! the list of authorizers ([`AuthorizerListRequest`]), authorizer options
//! ([`GetAuthorizerOptionRequest`]), quota resets in their three forms ([`ClearQuotaRequest`],
//! [`ClearQuotaBySecretRequest`], [`ComponentClearQuotaRequest`]), today's quota of an API
//! ([`QuotaGetRequest`]) and the lookup of a failed call by its `rid` ([`RidGetRequest`],
//! [`Rid::find_in`]).
//!
//! Bodies that carry a secret print a placeholder in `Debug`. Request bodies stay exhaustive;
//! responses are `#[non_exhaustive]`.

mod authorizers;
mod quota;
mod rid;

pub use authorizers::{
    AUTHORIZER_LIST_MAX_COUNT, AuthorizerListItem, AuthorizerListRequest, AuthorizerListResponse, AuthorizerOptionName,
    AuthorizerOptionResponse, GetAuthorizerOptionRequest, SetAuthorizerOptionRequest,
};
pub use quota::{
    ApiQuota, ClearQuotaBySecretRequest, ClearQuotaRequest, ComponentClearQuotaRequest, QUOTA_RESETS_PER_MONTH,
    QuotaCounts, QuotaGetRequest, RateLimit,
};
pub use rid::{RID_LIFETIME_DAYS, Rid, RidGetRequest, RidInfo, RidRequest};
