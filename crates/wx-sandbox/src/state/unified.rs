//! Unified invoicing (`makeoutinvoice` / `clearoutinvoice` / `queryinvoceinfo`): requests by
//! serial number and the invoices they produced.

use std::collections::HashMap;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RequestKind {
    /// `makeoutinvoice` for order `ddh`.
    Blue { ddh: String },
    /// `clearoutinvoice` of the blue invoice `(fpdm, fphm)`.
    Red { original: (String, String) },
}

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Accepted, no result yet (while results are held).
    Processing,
    /// Issued (blue) or red-flushed (red).
    Issued(IssuedInvoice),
    /// The invoicing platform refused it.
    Failed,
}

/// An invoice as `queryinvoceinfo` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedInvoice {
    pub fpdm: String,
    pub fphm: String,
    pub kprq: String,
    pub jym: String,
    pub pdf_media_id: String,
    /// Set on a blue invoice once a red-flush of it succeeded.
    pub red_flushed: bool,
}

/// One accepted request.
#[derive(Debug, Clone)]
pub(crate) struct UnifiedRequest {
    pub merchant: String,
    pub fpqqlsh: String,
    pub nsrsbh: String,
    pub openid: String,
    pub kind: RequestKind,
    pub outcome: Outcome,
}

/// All requests, by (merchant appid, fpqqlsh).
#[derive(Debug, Default)]
pub(crate) struct Unified {
    pub requests: HashMap<(String, String), UnifiedRequest>,
    /// While set, accepted requests stay `Processing` until completed by the tester.
    pub hold: bool,
}

impl Unified {
    /// The serial already used for order `ddh` of `merchant`, if any.
    pub(crate) fn serial_of_order(&self, merchant: &str, ddh: &str) -> Option<&str> {
        self.requests
            .values()
            .find(|r| r.merchant == merchant && r.kind == RequestKind::Blue { ddh: ddh.to_owned() })
            .map(|r| r.fpqqlsh.as_str())
    }

    /// The blue request of `merchant` that issued the invoice with this code and number.
    pub(crate) fn blue_mut(
        &mut self,
        merchant: &str,
        invoice_code: &str,
        invoice_number: &str,
    ) -> Option<&mut UnifiedRequest> {
        self.requests.values_mut().find(|r| {
            r.merchant == merchant
                && matches!(r.kind, RequestKind::Blue { .. })
                && matches!(&r.outcome, Outcome::Issued(i) if i.fpdm == invoice_code && i.fphm == invoice_number)
        })
    }
}
