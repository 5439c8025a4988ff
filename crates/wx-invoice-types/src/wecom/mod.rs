//! WeCom (企业微信) reimbursement (spec invoice-api-more §2, W1–W4): an enterprise reads the
//! invoices an employee picked from the WeChat card wallet inside WeCom, and locks, unlocks or
//! closes them.
//!
//! The calls live on `qyapi.weixin.qq.com` under `/cgi-bin/`, with the enterprise's WeCom
//! `access_token` (no permission set). They mirror the Official-Account reimburser calls
//! (R1–R4) with three differences this module carries in its types: the batch read is called
//! `getinvoiceinfobatch` and its items may lack `begin_time`/`end_time` ([`WecomInvoice`]),
//! line items carry a `fee` ([`WecomInvoiceItem`]), and the status a reimburser may set never
//! includes `CANCEL` ([`WecomUpdateInvoiceStatusRequest::validate`]). The `openid` of W4 comes
//! from `user/convert_to_openid` ([`ConvertToOpenidRequest`]).
//!
//! The card references ([`InvoiceCardRef`]) and the batch-read body
//! ([`GetInvoiceBatchRequest`](crate::GetInvoiceBatchRequest), `{item_list}`) are those of
//! the Official-Account family. Request bodies stay exhaustive; responses are
//! `#[non_exhaustive]`.

mod invoice;

pub use invoice::{WecomInvoice, WecomInvoiceItem, WecomUserInfo};

use serde::{Deserialize, Serialize};

use crate::reimburse::InvoiceCardRef;
use crate::status::ReimburseStatus;
use crate::validation::{FieldPath, Findings, ValidationErrors};

/// Response of `cgi-bin/card/invoice/reimburse/getinvoiceinfobatch` (W2).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct WecomInvoiceBatchResponse {
    /// One entry per requested card.
    #[serde(default)]
    pub item_list: Vec<WecomInvoice>,
}

/// The statuses a WeCom reimburser may set: `INIT`, `LOCK`, `CLOSURE` (`CANCEL` is the
/// invoicing platform's, and unknown values are refused).
fn reimburser_status<'p>(f: &mut Findings, field: impl Into<FieldPath<'p>>, status: &ReimburseStatus) {
    if !matches!(
        status,
        ReimburseStatus::Init | ReimburseStatus::Lock | ReimburseStatus::Closure
    ) {
        f.problem(
            field,
            format!(
                "must be INVOICE_REIMBURSE_INIT, _LOCK or _CLOSURE (CANCEL is the invoicing platform's), got {:?}",
                status.as_str()
            ),
        );
    }
}

/// Body of `cgi-bin/card/invoice/reimburse/updateinvoicestatus` (W3). Response: envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct WecomUpdateInvoiceStatusRequest {
    /// Invoice card template id.
    pub card_id: String,
    /// Encrypted card code.
    pub encrypt_code: String,
    /// `Lock` when the expense flow starts, `Init` to unlock, `Closure` after payout
    /// (irreversible: the card leaves the wallet).
    pub reimburse_status: ReimburseStatus,
}

impl WecomUpdateInvoiceStatusRequest {
    /// Sets the status of one submitted card.
    pub fn new(card: InvoiceCardRef, reimburse_status: ReimburseStatus) -> Self {
        Self {
            card_id: card.card_id,
            encrypt_code: card.encrypt_code,
            reimburse_status,
        }
    }

    /// Both card fields set; the status `Init`, `Lock` or `Closure`.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("card_id", &self.card_id);
        f.require("encrypt_code", &self.encrypt_code);
        reimburser_status(&mut f, "reimburse_status", &self.reimburse_status);
        f.into_result()
    }
}

/// Body of `cgi-bin/card/invoice/reimburse/updatestatusbatch` (W4): all of one employee's
/// cards at once, transactionally (if one fails, none changes). Response: envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct WecomUpdateStatusBatchRequest {
    /// The employee's openid under the enterprise (from `user/convert_to_openid`).
    pub openid: String,
    /// New status for every card.
    pub reimburse_status: ReimburseStatus,
    /// The cards.
    pub invoice_list: Vec<InvoiceCardRef>,
}

impl WecomUpdateStatusBatchRequest {
    /// `openid` set, the status `Init`, `Lock` or `Closure`, a non-empty list of complete cards.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("openid", &self.openid);
        reimburser_status(&mut f, "reimburse_status", &self.reimburse_status);
        f.non_empty_list("invoice_list", &self.invoice_list);
        for (i, card) in self.invoice_list.iter().enumerate() {
            let at = FieldPath::root_item("invoice_list", i);
            f.require(at.field("card_id"), &card.card_id);
            f.require(at.field("encrypt_code"), &card.encrypt_code);
        }
        f.into_result()
    }
}

/// Body of `cgi-bin/user/convert_to_openid`: the openid of a WeCom member (`userid`), which W4
/// needs and W1/W2 report.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ConvertToOpenidRequest {
    /// The member's WeCom `userid`.
    pub userid: String,
}

impl ConvertToOpenidRequest {
    /// The openid of `userid`.
    pub fn new(userid: impl Into<String>) -> Self {
        Self { userid: userid.into() }
    }

    /// `userid` must not be empty.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("userid", &self.userid);
        f.into_result()
    }
}

/// Response of `cgi-bin/user/convert_to_openid`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConvertToOpenidResponse {
    /// The member's openid under the enterprise.
    pub openid: String,
}

#[cfg(test)]
mod tests {
    use super::{ConvertToOpenidRequest, WecomUpdateInvoiceStatusRequest, WecomUpdateStatusBatchRequest};
    use crate::reimburse::InvoiceCardRef;
    use crate::status::ReimburseStatus;

    #[test]
    fn cancel_and_unknown_statuses_are_refused() {
        for ok in [ReimburseStatus::Init, ReimburseStatus::Lock, ReimburseStatus::Closure] {
            let req = WecomUpdateInvoiceStatusRequest::new(InvoiceCardRef::new("c", "e"), ok);
            assert_eq!(req.validate(), Ok(()));
        }
        for bad in [ReimburseStatus::Cancel, ReimburseStatus::from("LOCKED")] {
            let req = WecomUpdateInvoiceStatusRequest::new(InvoiceCardRef::new("c", "e"), bad);
            let err = req.validate().unwrap_err();
            assert!(err.mentions("reimburse_status"), "{err}");
        }
    }

    #[test]
    fn batch_needs_an_owner_and_complete_cards() {
        let req = WecomUpdateStatusBatchRequest {
            openid: String::new(),
            reimburse_status: ReimburseStatus::Cancel,
            invoice_list: vec![InvoiceCardRef::new("c", "")],
        };
        let err = req.validate().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["openid", "reimburse_status", "invoice_list[0].encrypt_code"]);
        let empty = WecomUpdateStatusBatchRequest {
            openid: "o".into(),
            reimburse_status: ReimburseStatus::Lock,
            invoice_list: Vec::new(),
        };
        assert!(empty.validate().unwrap_err().mentions("invoice_list"));
        assert!(ConvertToOpenidRequest::new(" ").validate().is_err());
        assert_eq!(
            serde_json::to_value(ConvertToOpenidRequest::new("zhangsan")).unwrap(),
            serde_json::json!({"userid": "zhangsan"})
        );
    }
}
