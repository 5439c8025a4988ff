//! The data: one entry per error code, sorted by code.

use super::ErrorClass::{
    AlreadyDone, Duplicate, FixRequest, NotAuthorized, Quota, RefreshToken, Retry, SetupMissing, State,
};
use super::{ErrorClass, ErrorCodeInfo};

const fn entry(code: i64, name: &'static str, meaning: &'static str, class: ErrorClass) -> ErrorCodeInfo {
    ErrorCodeInfo {
        code,
        name,
        meaning,
        class,
    }
}

/// Every known code, sorted ascending by `code`, without duplicates.
#[rustfmt::skip]
pub static CATALOGUE: &[ErrorCodeInfo] = &[
    entry(-1, "system error", "WeChat is busy; also reported for some malformed 数电 inserts", Retry),
    entry(40001, "invalid credential", "Access token invalid, superseded or of the wrong account (also a bad secret on token APIs)", RefreshToken),
    entry(40013, "invalid appid", "The appid is wrong", FixRequest),
    entry(40014, "invalid access_token", "Malformed or foreign access token", RefreshToken),
    entry(40078, "invalid card status", "card_id not usable: sandbox user not whitelisted, account lacks card permission, or the template was created moments ago", SetupMissing),
    entry(40125, "invalid appsecret", "The configured app secret is wrong", FixRequest),
    entry(40164, "invalid ip", "Caller IP is not in the account's IP whitelist", SetupMissing),
    entry(41001, "access_token missing", "No access token was sent (an empty token is treated like a rejected one: dropped, fetched again, the call retried once)", RefreshToken),
    entry(41004, "appsecret missing", "No app secret was sent", FixRequest),
    entry(42001, "access_token expired", "The access token expired", RefreshToken),
    entry(45009, "reach max api daily quota limit", "Daily API quota of this API used up; it clears at midnight China time (clear_quota can reset it, 10 times a month)", Quota),
    entry(47001, "data format error", "Body is not valid JSON, or setpdf was not multipart with a `pdf` file part", FixRequest),
    entry(48001, "api unauthorized", "The account (or third party) lacks this API or permission set 8/26", NotAuthorized),
    entry(48006, "forbid to clear quota", "The monthly number of quota resets is used up", State),
    entry(50001, "user unauthorized", "The user has not authorized this API", NotAuthorized),
    entry(61003, "component is not authorized by this account", "The merchant has not authorized, or revoked, the third-party platform", NotAuthorized),
    entry(61004, "access clientip is not registered", "Caller IP is not in the third-party platform's whitelist", SetupMissing),
    entry(61005, "component ticket is expired", "component_verify_ticket is stale: the pushes do not arrive; check that handle_push receives them, or call start_push_ticket", SetupMissing),
    entry(61006, "component ticket is invalid", "component_verify_ticket is wrong: store the newest pushed one; check that handle_push receives the pushes, or call start_push_ticket", SetupMissing),
    entry(61007, "api is unauthorized to component", "The merchant did not grant the permission set this API needs (8 or 26 for invoices)", NotAuthorized),
    entry(61009, "code is invalid", "Authorization code invalid; a new authorization is needed", NotAuthorized),
    entry(61010, "code is expired", "Authorization code expired; a new authorization is needed", NotAuthorized),
    entry(61011, "invalid component", "The component appid is wrong", FixRequest),
    entry(61023, "refresh_token is invalid", "Authorizer refresh token wrong, stale or revoked; recover it from api_get_authorizer_list once, else re-authorize", NotAuthorized),
    entry(72015, "unauthorized create invoice", "No invoice permission (platform or merchant) for this operation", NotAuthorized),
    entry(72017, "invalid invoice title", "Invoice title inconsistent with the authorized one (抬头不一致)", FixRequest),
    entry(72018, "duplicate order id, invoice had inserted to user", "This order_id already produced an invoice card", AlreadyDone),
    entry(72023, "invoice has been lock", "Locked by another reimburser", State),
    entry(72024, "invoice status error", "Illegal status or status transition", State),
    entry(72025, "invoice token error", "wx_invoice_token is invalid", FixRequest),
    entry(72027, "invoice action error", "Unknown `action`", FixRequest),
    entry(72028, "invoice never set pay mch info", "setbizattr set_pay_mch was never called", SetupMissing),
    entry(72029, "invoice never set auth field", "setbizattr set_auth_field was never called (needed for type=1)", SetupMissing),
    entry(72030, "invalid mchid", "The WeChat Pay mchid is wrong", FixRequest),
    entry(72031, "invalid params", "Unknown key or a value failing validation; errmsg may name the field", FixRequest),
    entry(72035, "biz reject insert", "The order was rejected with rejectinsert; a new order_id and authorization are needed", State),
    entry(72036, "invoice is busy, try again", "A concurrent status change is in progress", Retry),
    entry(72037, "invoice owner error", "The card does not belong to the caller", NotAuthorized),
    entry(72038, "invoice order never auth", "Order not authorized, or platform appid / merchant appid / order_id / card code do not match (wrong token, body appid or code)", NotAuthorized),
    entry(72039, "invoice must be lock first", "Lock the invoice before this operation", State),
    entry(72040, "invoice pdf error", "PDF invalid, or its media id expired (3 days) or is unusable; upload it again", FixRequest),
    entry(72041, "billing_code and billing_no invalid", "Invoice code and number are invalid", FixRequest),
    entry(72042, "billing_code and billing_no repeated", "This invoice (code + number) is already in a card package, possibly under another order", Duplicate),
    entry(72043, "billing_code or billing_no size error", "Invoice code or number has the wrong length (数电: 20 digits)", FixRequest),
    entry(72044, "scan text out of time", "The scanned title QR code expired; scan again", FixRequest),
    entry(72045, "check_code is empty", "check_code is required for this invoice", FixRequest),
    entry(72046, "pdf_url invalid", "The PDF does not match the invoice", FixRequest),
    entry(72047, "pdf billing_code or billing_no error", "The PDF's invoice code or number does not match the fields", FixRequest),
    entry(72048, "need auth again", "The authorization must be renewed", NotAuthorized),
    entry(72049, "never auth", "Never authorized", NotAuthorized),
    entry(72050, "auth expired", "The authorization expired", NotAuthorized),
    entry(72053, "user never auth", "The user never authorized", NotAuthorized),
    entry(72054, "invoices is inserting, wait", "An insert for this invoice is in flight", Retry),
    entry(72056, "order_id repeated, please check order_id", "This order_id was inserted before; if it was this same invoice the insert is done, otherwise a new order_id is needed", AlreadyDone),
    entry(72057, "today insert limit", "Daily insert quota reached; it clears at midnight China time", Quota),
    entry(72060, "invoice cancelled", "The card is already CANCEL (red-flushed)", State),
    entry(72061, "invoice closed", "The card is already CLOSURE (reimbursed)", State),
    entry(72063, "biz contact is empty, set contact first", "setbizattr set_contact must be called before getauthurl", SetupMissing),
    entry(72073, "Fee_Error", "Amount problem (trigger undocumented; check fee = fee_without_tax + tax)", FixRequest),
];
