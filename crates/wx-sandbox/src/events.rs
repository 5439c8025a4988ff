//! Events the sandbox emits (what WeChat would push), recorded in order.

use serde::Serialize;

/// One event WeChat would push. Component events go to the authorization-event URL, the
/// others to the merchant message URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SandboxEvent {
    /// `InfoType = component_verify_ticket`.
    ComponentVerifyTicket {
        /// The ticket.
        ticket: String,
    },
    /// `InfoType = authorized` (a new grant).
    Authorized {
        /// The merchant that granted.
        authorizer_appid: String,
        /// The authorization code for `api_query_auth`.
        authorization_code: String,
    },
    /// `InfoType = updateauthorized` (permission sets changed).
    UpdateAuthorized {
        /// The merchant that re-granted.
        authorizer_appid: String,
        /// The authorization code for `api_query_auth`.
        authorization_code: String,
    },
    /// `InfoType = unauthorized` (grant revoked).
    Unauthorized {
        /// The merchant that revoked.
        authorizer_appid: String,
    },
    /// `Event = user_authorize_invoice`, to the merchant that called getauthurl.
    UserAuthorizeInvoice {
        /// The merchant (`AuthorizeAppId`).
        merchant_appid: String,
        /// The authorized order (`SuccOrderId`).
        order_id: String,
        /// The platform id (`SPAppId`).
        s_pappid: String,
        /// `Source` from getauthurl.
        source: String,
        /// The user's openid under the merchant (`FromUserName`).
        openid: String,
    },
    /// `Event = user_authorize_invoice` with `FailOrderId` set (`SuccOrderId` empty): the
    /// user's authorization of the order failed.
    UserAuthorizeInvoiceFailed {
        /// The merchant (`AuthorizeAppId`).
        merchant_appid: String,
        /// The order whose authorization failed (`FailOrderId`).
        order_id: String,
        /// The platform id (`SPAppId`).
        s_pappid: String,
        /// `Source` from getauthurl.
        source: String,
        /// The user's openid under the merchant (`FromUserName`).
        openid: String,
    },
    /// `Event = update_invoice_status`, to the platform and the merchant of the card.
    UpdateInvoiceStatus {
        /// The account this push goes to.
        to_appid: String,
        /// `CardId`.
        card_id: String,
        /// `Code` (card code).
        code: String,
        /// `Status` (reimburse_status wire value).
        status: String,
        /// The card holder's openid under `to_appid` (`FromUserName`).
        openid: String,
    },
    /// `Event = cloud_invoice_invoiceresult_event`: the outcome of a unified-invoicing
    /// request, to the merchant that made it.
    CloudInvoiceResult {
        /// The merchant this push goes to.
        to_appid: String,
        /// `fpqqlsh`: the request's serial number.
        fpqqlsh: String,
        /// `nsrsbh`: the seller's taxpayer id.
        nsrsbh: String,
        /// `status`: 100 success, 2 failure.
        status: i64,
        /// The buyer's openid under the merchant (`FromUserName`).
        openid: String,
    },
}
