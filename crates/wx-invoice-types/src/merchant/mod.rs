//! Merchant calls (spec M1–M5): the `wx_card` ticket, the authorization URL, authorization
//! data, rejecting an order and the authorization-page settings (`setbizattr`).
//!
//! Request bodies stay exhaustive, so a struct literal builds one; the responses WeChat sends
//! are `#[non_exhaustive]` and may gain fields (see the crate docs, "Which types may grow").

mod auth_data;
mod auth_url;
mod biz_attr;

pub use auth_data::{
    CompanyTitleInfo, CustomFieldValue, GetAuthDataRequest, GetAuthDataResponse, PersonalTitleInfo,
    RejectInsertRequest, UserAuthInfo,
};
pub use auth_url::{AuthSource, AuthUrlType, GetAuthUrlRequest, GetAuthUrlResponse, TicketResponse};
pub use biz_attr::{
    AuthField, BizAttrAction, BizAttrResponse, BizField, Contact, CustomField, PayMchInfo, SetBizAttrRequest, UserField,
};
