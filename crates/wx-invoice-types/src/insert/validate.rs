//! Client-side checks of an insert request (spec §10), all reported together.

use super::{InsertInvoiceRequest, InvoiceUserData};
use crate::validation::{FieldPath, Findings, ValidationErrors, ValidationWarning};

/// Where the face data sits in the body.
static DATA: FieldPath<'static> = FieldPath::root("card_ext.user_card.invoice_user_data");

impl InsertInvoiceRequest {
    /// Checks the request against the rules WeChat enforces and reports every problem at
    /// once: empty required strings, negative amounts, a 数电 `billing_no` that is not
    /// exactly 20 ASCII digits, a `billing_time` that is not a 10-digit epoch second, items
    /// with an empty name or a negative quantity.
    ///
    /// On success returns warnings for values WeChat accepts but that look wrong
    /// (`fee != fee_without_tax + tax`).
    ///
    /// An empty `card_ext.nonce_str` is a problem here; the client's `insert` fills it with a
    /// random one before it validates. Checking a valid request allocates nothing.
    pub fn validate(&self) -> Result<Vec<ValidationWarning>, ValidationErrors> {
        let mut findings = Findings::default();
        findings.require("order_id", self.order_id.as_str());
        findings.require("card_id", &self.card_id);
        findings.require("appid", &self.appid);
        findings.require("card_ext.nonce_str", &self.card_ext.nonce_str);
        check_user_data(self.invoice_user_data(), &mut findings);
        findings.finish()
    }
}

fn check_user_data(data: &InvoiceUserData, findings: &mut Findings) {
    findings.non_negative(DATA.field("fee"), data.fee.0);
    findings.require(DATA.field("title"), &data.title);
    findings.epoch_seconds(DATA.field("billing_time"), data.billing_time);
    check_billing_no(data, findings);
    if let Some(items) = &data.info {
        for (i, item) in items.iter().enumerate() {
            let at = DATA.item("info", i);
            findings.require(at.field("name"), &item.name);
            if let Some(num) = item.num.filter(|n| *n < 0) {
                findings.problem(at.field("num"), format!("must be 0 or more, got {num}"));
            }
            findings.non_negative(at.field("price"), item.price.0);
        }
    }
    findings.non_negative(DATA.field("fee_without_tax"), data.fee_without_tax.0);
    findings.non_negative(DATA.field("tax"), data.tax.0);
    findings.require(DATA.field("s_pdf_media_id"), &data.s_pdf_media_id);
    match data.fee_without_tax.checked_add(data.tax) {
        Some(sum) if sum == data.fee => {}
        sum => findings.warn(
            DATA.field("fee"),
            format!(
                "fee {} is not fee_without_tax {} + tax {}{}; WeChat does not check this, \
                 but the card will show inconsistent amounts",
                data.fee,
                data.fee_without_tax,
                data.tax,
                sum.map_or_else(|| " (overflows)".to_owned(), |s| format!(" = {s}")),
            ),
        ),
    }
}

fn check_billing_no(data: &InvoiceUserData, findings: &mut Findings) {
    let field = DATA.field("billing_no");
    let billing_no = data.billing_no.as_str();
    if billing_no.trim().is_empty() {
        findings.problem(field, "must not be empty");
    } else if data.is_digital() && !(billing_no.len() == 20 && billing_no.bytes().all(|b| b.is_ascii_digit())) {
        findings.problem(
            field,
            format!("a 数电 invoice (empty billing_code) needs exactly 20 ASCII digits, got {billing_no:?}"),
        );
    }
}
