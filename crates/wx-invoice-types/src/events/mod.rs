//! Invoice push events (spec §7), read from and written to the plain XML WeChat pushes to
//! an account's message URL.
//!
//! [`InvoiceEvent::from_xml`] takes the **decrypted** (or plain-mode) body; decryption is
//! `wx-auth`'s job. Values may be CDATA or plain text, unknown elements are ignored, and
//! no input makes it panic. [`InvoiceEvent::to_xml`] writes the same shape, for the sandbox
//! and for tests that build pushes.
//!
//! Every event struct is `#[non_exhaustive]`: WeChat adds elements to pushes without notice.
//! Read their fields; outside this crate, build them by parsing XML with [`InvoiceEvent::from_xml`].
//!
//! ```
//! use wx_invoice_types::events::InvoiceEvent;
//!
//! let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>\
//!            <CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
//!            <Event><![CDATA[user_authorize_invoice]]></Event><SuccOrderId><![CDATA[order-1]]></SuccOrderId>\
//!            <FailOrderId><![CDATA[]]></FailOrderId><AuthorizeAppId><![CDATA[wxMERCHANT]]></AuthorizeAppId>\
//!            <Source><![CDATA[web]]></Source></xml>";
//! match InvoiceEvent::from_xml(xml)? {
//!     InvoiceEvent::UserAuthorizeInvoice(auth) => {
//!         assert_eq!(auth.authorized_order_id(), Some("order-1"));
//!         assert_eq!(auth.authorize_appid, "wxMERCHANT");
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), wx_invoice_types::events::EventParseError>(())
//! ```

mod error;
mod xml_read;
mod xml_write;

#[cfg(test)]
mod tests;

pub use error::EventParseError;

use crate::status::ReimburseStatus;
use crate::unified::{CLOUD_INVOICE_RESULT_EVENT, CloudInvoiceResult, CloudInvoiceStatus};
use xml_read::{PushFields, read_push_fields};
use xml_write::PushWriter;

/// Largest body [`InvoiceEvent::from_xml`] reads (64 KiB); real events are about 1 KiB.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// `Event` value of [`UserAuthorizeInvoice`].
pub const USER_AUTHORIZE_INVOICE: &str = "user_authorize_invoice";
/// `Event` value of [`UpdateInvoiceStatus`].
pub const UPDATE_INVOICE_STATUS: &str = "update_invoice_status";
/// `Event` value of [`SubmitInvoiceTitle`].
pub const SUBMIT_INVOICE_TITLE: &str = "submit_invoice_title";

/// A push to the account's message URL, keyed by its `Event`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvoiceEvent {
    /// `user_authorize_invoice`: the user authorized (or failed to authorize) an order.
    UserAuthorizeInvoice(UserAuthorizeInvoice),
    /// `update_invoice_status`: a reimburser changed an invoice card's status.
    UpdateInvoiceStatus(UpdateInvoiceStatus),
    /// `submit_invoice_title`: the user picked a title on the merchant's select-title page.
    SubmitInvoiceTitle(SubmitInvoiceTitle),
    /// `cloud_invoice_invoiceresult_event`: the outcome of a unified-invoicing request
    /// (legacy; see [`unified`](crate::unified)).
    CloudInvoiceResult(CloudInvoiceResult),
    /// Any other message or event (not an invoice event).
    Other {
        /// The `Event` value (`""` for messages that are not events).
        event: String,
        /// The `MsgType` value (`event`, `text`, …).
        msg_type: String,
    },
}

/// `user_authorize_invoice` (spec §7.1), pushed to the merchant that called `getauthurl`.
/// Exactly one of `succ_order_id` / `fail_order_id` is normally non-empty; WeChat may push
/// the same event again, so de-duplicate on the order id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UserAuthorizeInvoice {
    /// `ToUserName`: the receiving account's original id (`gh_…`).
    pub to_user_name: String,
    /// `FromUserName`: the user's openid.
    pub from_user_name: String,
    /// `CreateTime`: Unix seconds.
    pub create_time: i64,
    /// `SuccOrderId`: the order the user authorized, or `""`.
    pub succ_order_id: String,
    /// `FailOrderId`: the order whose authorization failed, or `""`.
    pub fail_order_id: String,
    /// `AuthorizeAppId` (or `AppId`, as some senders write it): the appid that requested the
    /// authorization; pass it as `appid` of `insert`.
    pub authorize_appid: String,
    /// `Source`: `web`, `app`, `wxa` or `wap`.
    pub source: String,
    /// `SPAppId` (undocumented, seen in real pushes): the platform's `s_pappid`.
    pub sp_appid: Option<String>,
}

impl UserAuthorizeInvoice {
    /// The authorized order id, when the authorization succeeded.
    pub fn authorized_order_id(&self) -> Option<&str> {
        Some(self.succ_order_id.as_str()).filter(|id| !id.is_empty())
    }

    /// The order id whose authorization failed, if any.
    pub fn failed_order_id(&self) -> Option<&str> {
        Some(self.fail_order_id.as_str()).filter(|id| !id.is_empty())
    }
}

/// `update_invoice_status` (spec §7.2), pushed to the platform and the merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateInvoiceStatus {
    /// `ToUserName`: the receiving account's original id.
    pub to_user_name: String,
    /// `FromUserName`: the user's openid.
    pub from_user_name: String,
    /// `CreateTime`: Unix seconds.
    pub create_time: i64,
    /// `Status`: the new reimbursement status.
    pub status: ReimburseStatus,
    /// `CardId`: the invoice card template id.
    pub card_id: String,
    /// `Code`: the card code returned by `insert`.
    pub code: String,
}

/// `submit_invoice_title` (spec §7.3), pushed to the merchant; its tags are lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SubmitInvoiceTitle {
    /// `ToUserName`: the receiving account's original id.
    pub to_user_name: String,
    /// `FromUserName`: the user's openid.
    pub from_user_name: String,
    /// `CreateTime`: Unix seconds.
    pub create_time: i64,
    /// `title`: the buyer title.
    pub title: String,
    /// `tax_no`: taxpayer id (company titles).
    pub tax_no: String,
    /// `addr`: address.
    pub addr: String,
    /// `phone`: phone number.
    pub phone: String,
    /// `bank_type`: bank name.
    pub bank_type: String,
    /// `bank_no`: bank account.
    pub bank_no: String,
    /// `attach`: the value passed to `getselecttitleurl`, echoed back.
    pub attach: String,
    /// `title_type`: `InvoiceUserTitleBusinessType` or `InvoiceUserTitlePersonType`.
    pub title_type: String,
}

impl SubmitInvoiceTitle {
    /// `title_type` of a personal title.
    pub const PERSONAL: &'static str = "InvoiceUserTitlePersonType";
    /// `title_type` of a company title.
    pub const BUSINESS: &'static str = "InvoiceUserTitleBusinessType";

    /// Whether the user picked a personal (not company) title.
    pub fn is_personal(&self) -> bool {
        self.title_type == Self::PERSONAL
    }
}

fn create_time(fields: &PushFields) -> Result<i64, EventParseError> {
    match fields.get("CreateTime") {
        None | Some("") => Ok(0),
        Some(text) => text.parse().map_err(|_| EventParseError::InvalidField {
            field: "CreateTime",
            expected: "an integer (Unix seconds)",
            value: text.chars().take(40).collect(),
        }),
    }
}

impl InvoiceEvent {
    /// Reads a decrypted push body. Fails only when the body is not a WeChat message at
    /// all (not XML, no `MsgType`, still encrypted, bad `CreateTime`); messages and events
    /// this crate does not model become [`InvoiceEvent::Other`]. A missing `CreateTime`
    /// reads as `0`, other missing fields as `""`.
    pub fn from_xml(plain: &str) -> Result<InvoiceEvent, EventParseError> {
        if plain.len() > MAX_EVENT_BYTES {
            return Err(EventParseError::TooLarge {
                len: plain.len(),
                max: MAX_EVENT_BYTES,
            });
        }
        let fields = read_push_fields(plain)?;
        let Some(msg_type) = fields.get("MsgType") else {
            return Err(if fields.get("Encrypt").is_some() {
                EventParseError::StillEncrypted
            } else {
                EventParseError::MissingField { field: "MsgType" }
            });
        };
        let event = fields.text("Event");
        if !msg_type.eq_ignore_ascii_case("event") {
            return Ok(InvoiceEvent::Other {
                event,
                msg_type: msg_type.to_owned(),
            });
        }
        let to_user_name = fields.text("ToUserName");
        let from_user_name = fields.text("FromUserName");
        let create_time = create_time(&fields)?;
        Ok(if event.eq_ignore_ascii_case(USER_AUTHORIZE_INVOICE) {
            InvoiceEvent::UserAuthorizeInvoice(UserAuthorizeInvoice {
                to_user_name,
                from_user_name,
                create_time,
                succ_order_id: fields.text("SuccOrderId"),
                fail_order_id: fields.text("FailOrderId"),
                authorize_appid: fields
                    .first_of(&["AuthorizeAppId", "AppId"])
                    .unwrap_or_default()
                    .to_owned(),
                source: fields.text("Source"),
                sp_appid: fields.get("SPAppId").map(str::to_owned),
            })
        } else if event.eq_ignore_ascii_case(UPDATE_INVOICE_STATUS) {
            InvoiceEvent::UpdateInvoiceStatus(UpdateInvoiceStatus {
                to_user_name,
                from_user_name,
                create_time,
                status: ReimburseStatus::from(fields.text("Status")),
                card_id: fields.text("CardId"),
                code: fields.text("Code"),
            })
        } else if event.eq_ignore_ascii_case(SUBMIT_INVOICE_TITLE) {
            InvoiceEvent::SubmitInvoiceTitle(SubmitInvoiceTitle {
                to_user_name,
                from_user_name,
                create_time,
                title: fields.text("title"),
                tax_no: fields.text("tax_no"),
                addr: fields.text("addr"),
                phone: fields.text("phone"),
                bank_type: fields.text("bank_type"),
                bank_no: fields.text("bank_no"),
                attach: fields.text("attach"),
                title_type: fields.text("title_type"),
            })
        } else if event.eq_ignore_ascii_case(CLOUD_INVOICE_RESULT_EVENT) {
            InvoiceEvent::CloudInvoiceResult(CloudInvoiceResult {
                to_user_name,
                from_user_name,
                create_time,
                fpqqlsh: fields.text("fpqqlsh"),
                nsrsbh: fields.text("nsrsbh"),
                status: CloudInvoiceStatus::from_wire(&fields.text("status")),
            })
        } else {
            InvoiceEvent::Other {
                event,
                msg_type: msg_type.to_owned(),
            }
        })
    }

    /// Writes the event as WeChat pushes it (text in CDATA), readable by
    /// [`from_xml`](Self::from_xml). [`Other`](Self::Other) writes only `MsgType` and
    /// `Event` (the latter when non-empty).
    pub fn to_xml(&self) -> String {
        let mut w = PushWriter::new();
        let header = |w: &mut PushWriter, to: &str, from: &str, time: i64, event: &str| {
            w.text("ToUserName", to)
                .text("FromUserName", from)
                .number("CreateTime", time)
                .text("MsgType", "event")
                .text("Event", event);
        };
        match self {
            InvoiceEvent::UserAuthorizeInvoice(e) => {
                header(
                    &mut w,
                    &e.to_user_name,
                    &e.from_user_name,
                    e.create_time,
                    USER_AUTHORIZE_INVOICE,
                );
                w.text("SuccOrderId", &e.succ_order_id)
                    .text("FailOrderId", &e.fail_order_id)
                    .text("AuthorizeAppId", &e.authorize_appid)
                    .text("Source", &e.source);
                if let Some(sp_appid) = &e.sp_appid {
                    w.text("SPAppId", sp_appid);
                }
            }
            InvoiceEvent::UpdateInvoiceStatus(e) => {
                header(
                    &mut w,
                    &e.to_user_name,
                    &e.from_user_name,
                    e.create_time,
                    UPDATE_INVOICE_STATUS,
                );
                w.text("Status", e.status.as_str())
                    .text("CardId", &e.card_id)
                    .text("Code", &e.code);
            }
            InvoiceEvent::SubmitInvoiceTitle(e) => {
                header(
                    &mut w,
                    &e.to_user_name,
                    &e.from_user_name,
                    e.create_time,
                    SUBMIT_INVOICE_TITLE,
                );
                w.text("title", &e.title)
                    .text("tax_no", &e.tax_no)
                    .text("addr", &e.addr)
                    .text("phone", &e.phone)
                    .text("bank_type", &e.bank_type)
                    .text("bank_no", &e.bank_no)
                    .text("attach", &e.attach)
                    .text("title_type", &e.title_type);
            }
            InvoiceEvent::CloudInvoiceResult(e) => {
                header(
                    &mut w,
                    &e.to_user_name,
                    &e.from_user_name,
                    e.create_time,
                    CLOUD_INVOICE_RESULT_EVENT,
                );
                w.text("fpqqlsh", &e.fpqqlsh).text("nsrsbh", &e.nsrsbh);
                match e.status.as_str().parse::<i64>() {
                    Ok(n) => w.number("status", n),
                    Err(_) => w.text("status", e.status.as_str()),
                };
            }
            InvoiceEvent::Other { event, msg_type } => {
                w.text("MsgType", msg_type);
                if !event.is_empty() {
                    w.text("Event", event);
                }
            }
        }
        w.finish()
    }

    /// The `Event` value of this push.
    pub fn event_name(&self) -> &str {
        match self {
            InvoiceEvent::UserAuthorizeInvoice(_) => USER_AUTHORIZE_INVOICE,
            InvoiceEvent::UpdateInvoiceStatus(_) => UPDATE_INVOICE_STATUS,
            InvoiceEvent::SubmitInvoiceTitle(_) => SUBMIT_INVOICE_TITLE,
            InvoiceEvent::CloudInvoiceResult(_) => CLOUD_INVOICE_RESULT_EVENT,
            InvoiceEvent::Other { event, .. } => event,
        }
    }
}
