//! Reimburser calls (spec R1–R4): read invoices the user submitted, and lock, unlock or
//! close them.
//!
//! The bodies a reimburser sends ([`InvoiceCardRef`], the status updates) stay exhaustive, so a
//! struct literal builds one; the invoices WeChat returns ([`ReimburseInvoice`],
//! [`ReimburseUserInfo`], [`GetInvoiceBatchResponse`]) are `#[non_exhaustive]` and may gain
//! fields.

mod invoice;

pub use invoice::{ReimburseInvoice, ReimburseUserInfo};

use serde::{Deserialize, Serialize};

use crate::status::ReimburseStatus;
use crate::validation::{FieldPath, Findings, ValidationErrors};

/// An invoice card the user submitted: `{card_id, encrypt_code}` as `chooseInvoice` returns it.
/// Also the body of `card/invoice/reimburse/getinvoiceinfo`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceCardRef {
    /// Invoice card template id.
    pub card_id: String,
    /// Encrypted card code.
    pub encrypt_code: String,
}

/// Body of `card/invoice/reimburse/getinvoiceinfo`.
pub type GetInvoiceInfoRequest = InvoiceCardRef;

/// Response of `card/invoice/reimburse/getinvoiceinfo`.
pub type GetInvoiceInfoResponse = ReimburseInvoice;

impl InvoiceCardRef {
    /// The card `card_id` with encrypted code `encrypt_code`.
    pub fn new(card_id: impl Into<String>, encrypt_code: impl Into<String>) -> Self {
        Self {
            card_id: card_id.into(),
            encrypt_code: encrypt_code.into(),
        }
    }

    /// Both fields must be non-empty.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        self.check(None, &mut f);
        f.into_result()
    }

    /// Checks both fields, under `at` when the card is an entry of a list.
    fn check(&self, at: Option<&FieldPath<'_>>, f: &mut Findings) {
        f.require(FieldPath::under(at, "card_id"), &self.card_id);
        f.require(FieldPath::under(at, "encrypt_code"), &self.encrypt_code);
    }
}

fn check_list(field: &'static str, list: &[InvoiceCardRef], f: &mut Findings) {
    f.non_empty_list(field, list);
    for (i, card) in list.iter().enumerate() {
        card.check(Some(&FieldPath::root_item(field, i)), f);
    }
}

/// Body of `card/invoice/reimburse/getinvoicebatch`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct GetInvoiceBatchRequest {
    /// The cards to read (maximum size undocumented).
    pub item_list: Vec<InvoiceCardRef>,
}

impl GetInvoiceBatchRequest {
    /// The list must hold at least one card, each with both fields.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        check_list("item_list", &self.item_list, &mut f);
        f.into_result()
    }
}

/// Response of `card/invoice/reimburse/getinvoicebatch`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct GetInvoiceBatchResponse {
    /// One entry per requested card.
    #[serde(default)]
    pub item_list: Vec<ReimburseInvoice>,
}

/// Body of `card/invoice/reimburse/updateinvoicestatus`. Response: envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UpdateInvoiceStatusRequest {
    /// Invoice card template id.
    pub card_id: String,
    /// Encrypted card code.
    pub encrypt_code: String,
    /// New status: `Lock` when the expense flow starts, `Init` to unlock, `Closure` after
    /// payout (irreversible: the card leaves the wallet).
    pub reimburse_status: ReimburseStatus,
}

impl UpdateInvoiceStatusRequest {
    /// Sets the status of one submitted card.
    pub fn new(card: InvoiceCardRef, reimburse_status: ReimburseStatus) -> Self {
        Self {
            card_id: card.card_id,
            encrypt_code: card.encrypt_code,
            reimburse_status,
        }
    }

    /// Fields non-empty and the status one WeChat knows.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("card_id", &self.card_id);
        f.require("encrypt_code", &self.encrypt_code);
        f.known_status("reimburse_status", &self.reimburse_status);
        f.into_result()
    }
}

/// Body of `card/invoice/reimburse/updatestatusbatch`: all of one user's cards at once,
/// transactionally (if one fails, none change). Response: envelope only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UpdateStatusBatchRequest {
    /// The user all the cards belong to.
    pub openid: String,
    /// New status for every card.
    pub reimburse_status: ReimburseStatus,
    /// The cards.
    pub invoice_list: Vec<InvoiceCardRef>,
}

impl UpdateStatusBatchRequest {
    /// `openid` set, a known status, a non-empty list of complete cards.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("openid", &self.openid);
        f.known_status("reimburse_status", &self.reimburse_status);
        check_list("invoice_list", &self.invoice_list, &mut f);
        f.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::{GetInvoiceBatchRequest, InvoiceCardRef, UpdateInvoiceStatusRequest, UpdateStatusBatchRequest};
    use crate::status::ReimburseStatus;

    #[test]
    fn batch_lists_must_not_be_empty_and_items_complete() {
        let err = GetInvoiceBatchRequest::default().validate().unwrap_err();
        assert!(err.mentions("item_list"));
        let req = GetInvoiceBatchRequest {
            item_list: vec![InvoiceCardRef::new("c", "e"), InvoiceCardRef::new("", "e")],
        };
        let err = req.validate().unwrap_err();
        assert_eq!(err.problems().len(), 1);
        assert!(err.mentions("item_list[1].card_id"));
    }

    #[test]
    fn status_updates_need_a_known_status() {
        let ok = UpdateInvoiceStatusRequest::new(InvoiceCardRef::new("c", "e"), ReimburseStatus::Lock);
        assert_eq!(ok.validate(), Ok(()));
        let batch = UpdateStatusBatchRequest {
            openid: String::new(),
            reimburse_status: ReimburseStatus::Other("LOCKED".into()),
            invoice_list: Vec::new(),
        };
        let err = batch.validate().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["openid", "reimburse_status", "invoice_list"]);
    }
}
