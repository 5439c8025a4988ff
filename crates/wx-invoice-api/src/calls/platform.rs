//! The invoicing platform's endpoints (spec invoice-api §3, P1–P7).

use std::fmt;

use wx_auth::transport::{ApiCall, Bytes, CallBody, Repeat, Requirement};
use wx_invoice_types::{
    CreateCardRequest, CreateCardResponse, DecryptCodeRequest, DecryptCodeResponse, EmptyBody, GetPdfRequest,
    GetPdfResponse, InsertInvoiceRequest, InsertInvoiceResponse, SetPdfResponse, SetUrlResponse, UpdateStatusRequest,
};

use super::{CARDS_OR_E_INVOICE, E_INVOICE};

/// P1 `card/invoice/seturl`: the platform's invoice URL (body `{}`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SetUrl;

impl SetUrl {
    /// The API path.
    pub const PATH: &'static str = "/card/invoice/seturl";
}

impl ApiCall for SetUrl {
    type Output = SetUrlResponse;
    fn path(&self) -> &'static str {
        Self::PATH
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        CallBody::json(&EmptyBody {})
    }
    /// The platform has one stable URL: asking again answers the same.
    fn repeat(&self) -> Repeat {
        Repeat::Safe
    }
    fn requirement(&self) -> Requirement {
        CARDS_OR_E_INVOICE
    }
}

json_call! {
    /// P2 `card/invoice/platform/createcard`: creates an invoice card template. Never repeated:
    /// a repeat would create a second template.
    CreateCard(CreateCardRequest) -> CreateCardResponse {
        path: "/card/invoice/platform/createcard",
        requires: E_INVOICE,
        repeat: Repeat::Never,
    }
}

/// P3 `card/invoice/platform/setpdf`: uploads a PDF (multipart part `pdf`). Safe to repeat: a
/// repeat only leaves an unused upload behind, which expires after 3 days.
#[derive(Clone)]
pub struct SetPdf {
    filename: String,
    pdf: Bytes,
}

impl SetPdf {
    /// The API path.
    pub const PATH: &'static str = "/card/invoice/platform/setpdf";

    /// An upload of `pdf` named `filename` (checks belong to the caller: see
    /// [`PlatformCalls::upload_pdf`](crate::PlatformCalls::upload_pdf)).
    pub fn new(filename: impl Into<String>, pdf: impl Into<Bytes>) -> Self {
        Self {
            filename: filename.into(),
            pdf: pdf.into(),
        }
    }
}

impl fmt::Debug for SetPdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetPdf")
            .field("filename", &self.filename)
            .field("bytes", &self.pdf.len())
            .finish()
    }
}

impl ApiCall for SetPdf {
    type Output = SetPdfResponse;
    fn path(&self) -> &'static str {
        Self::PATH
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        Ok(CallBody::File {
            field: "pdf",
            filename: self.filename.clone(),
            mime: "application/pdf",
            bytes: self.pdf.clone(),
        })
    }
    fn repeat(&self) -> Repeat {
        Repeat::Safe
    }
    fn requirement(&self) -> Requirement {
        E_INVOICE
    }
}

json_call! {
    /// P4 `card/invoice/platform/getpdf`: the download URL of an uploaded PDF. A read.
    GetPdf(GetPdfRequest) -> GetPdfResponse {
        path: "/card/invoice/platform/getpdf",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

/// P5 `card/invoice/insert`: puts the invoice card into the user's card package.
///
/// [`Repeat::Detected`]: WeChat keys an insert on its order id and answers a repeat with
/// 72056/72018, so after an attempt whose answer was lost the identical request is sent again
/// and the answer tells whether the lost attempt went through.
#[derive(Clone, Copy)]
pub struct Insert<'a>(pub &'a InsertInvoiceRequest);

impl Insert<'_> {
    /// The API path.
    pub const PATH: &'static str = "/card/invoice/insert";
}

impl fmt::Debug for Insert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Insert")
            .field("order_id", &self.0.order_id)
            .finish_non_exhaustive()
    }
}

impl ApiCall for Insert<'_> {
    type Output = InsertInvoiceResponse;
    fn path(&self) -> &'static str {
        Self::PATH
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        // About 800 bytes of fixed fields and face data, and 90 per line item.
        let items = self.0.invoice_user_data().info.as_ref().map_or(0, Vec::len);
        CallBody::json_with_capacity(self.0, 1024 + 96 * items)
    }
    fn repeat(&self) -> Repeat {
        Repeat::Detected
    }
    fn requirement(&self) -> Requirement {
        CARDS_OR_E_INVOICE
    }
}

json_call! {
    /// P6 `card/invoice/platform/updatestatus`: reports a status change of an inserted card.
    /// Never repeated: WeChat's answer to a repeated change is not documented, so it could not
    /// be told from a real conflict.
    UpdateStatus(UpdateStatusRequest) -> EmptyBody {
        path: "/card/invoice/platform/updatestatus",
        requires: E_INVOICE,
        repeat: Repeat::Never,
    }
}

json_call! {
    /// P7 `card/code/decrypt`: the card code behind a jump link's `encrypt_code`. A read; the
    /// generic card API, so set 8 or 26 suffices.
    DecryptCode(DecryptCodeRequest) -> DecryptCodeResponse {
        path: "/card/code/decrypt",
        requires: CARDS_OR_E_INVOICE,
        repeat: Repeat::Safe,
    }
}
