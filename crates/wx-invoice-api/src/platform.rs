//! The invoicing platform's calls: upload and query invoice PDFs, insert the invoice card,
//! update its status (spec invoice-api §3).

use rand::distr::{Alphanumeric, SampleString};
use wx_auth::transport::{ApiCall, CallBody, JsonCall};
use wx_invoice_types::{
    ApiStatus, GetPdfRequest, GetPdfResponse, InsertInvoiceRequest, InsertInvoiceResponse, ReimburseStatus,
    SetPdfResponse, UpdateStatusRequest,
};

use crate::client::InvoiceClient;
use crate::error::InvoiceError;
use crate::permission::{CARDS_OR_E_INVOICE, E_INVOICE_ONLY, Requirement};

const INSERT: &str = "/card/invoice/insert";
const SET_PDF: &str = "/card/invoice/platform/setpdf";
const GET_PDF: &str = "/card/invoice/platform/getpdf";
const UPDATE_STATUS: &str = "/card/invoice/platform/updatestatus";

/// Codes with which WeChat says "this order or invoice is already in a card wallet".
const ALREADY_INSERTED: [i64; 3] = [72056, 72018, 72042];

/// The multipart upload of `setpdf`: one file part named `pdf`.
struct SetPdfCall {
    filename: String,
    bytes: Vec<u8>,
}

impl ApiCall for SetPdfCall {
    type Output = SetPdfResponse;
    fn path(&self) -> &'static str {
        SET_PDF
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        Ok(CallBody::File {
            field: "pdf",
            filename: self.filename.clone(),
            mime: "application/pdf",
            bytes: self.bytes.clone(),
        })
    }
}

impl InvoiceClient {
    /// Inserts an invoice card into the user's WeChat card wallet (`card/invoice/insert`).
    ///
    /// `appid` is the account whose token is used: the invoicing platform's Official Account
    /// (the one that obtained the `s_pappid`). The body's `appid` is the merchant appid the
    /// user authorized. Before anything is sent the request is validated (all problems listed
    /// together; an empty `nonce_str` is filled with a random one) and, for third-party tokens,
    /// the authorizer must hold permission set 8 or 26. A rejected token is refreshed and the
    /// call retried once. WeChat's "already inserted" codes become
    /// [`InvoiceError::AlreadyInserted`].
    pub async fn insert(
        &self,
        appid: &str,
        request: &InsertInvoiceRequest,
    ) -> Result<InsertInvoiceResponse, InvoiceError> {
        let filled;
        let request = if request.card_ext.nonce_str.is_empty() {
            let mut copy = request.clone();
            copy.card_ext.nonce_str = Alphanumeric.sample_string(&mut rand::rng(), 32);
            filled = copy;
            &filled
        } else {
            request
        };
        for warning in request.validate()? {
            tracing::warn!(field = %warning.field, "{}", warning.message);
        }
        let call = JsonCall::<_, InsertInvoiceResponse>::new(INSERT, request);
        match self.call(appid, Requirement::AnyOf(CARDS_OR_E_INVOICE), &call).await {
            Err(InvoiceError::Wechat(wx_auth::AuthError::Api { errcode, errmsg, .. }))
                if ALREADY_INSERTED.contains(&errcode) =>
            {
                Err(InvoiceError::AlreadyInserted {
                    order_id: request.order_id.clone(),
                    errcode,
                    errmsg,
                })
            }
            other => other,
        }
    }

    /// Uploads an invoice PDF (`platform/setpdf`, multipart part `pdf`) and returns its
    /// `s_media_id`, valid for 3 days. Refuses, without sending, bytes that are not a PDF or
    /// exceed the builder's `max_pdf_bytes`.
    pub async fn upload_pdf(
        &self,
        appid: &str,
        filename: &str,
        pdf: impl Into<Vec<u8>>,
    ) -> Result<String, InvoiceError> {
        let bytes = pdf.into();
        if !bytes.starts_with(b"%PDF-") {
            return Err(InvoiceError::NotPdf {
                filename: filename.to_owned(),
            });
        }
        if bytes.len() > self.max_pdf_bytes() {
            return Err(InvoiceError::PdfTooLarge {
                filename: filename.to_owned(),
                size: bytes.len(),
                limit: self.max_pdf_bytes(),
            });
        }
        let call = SetPdfCall {
            filename: filename.to_owned(),
            bytes,
        };
        Ok(self
            .call(appid, Requirement::AnyOf(E_INVOICE_ONLY), &call)
            .await?
            .s_media_id)
    }

    /// Reads the download URL of an uploaded PDF (`platform/getpdf`; the URL lives 2 hours).
    pub async fn get_pdf(&self, appid: &str, s_media_id: &str) -> Result<GetPdfResponse, InvoiceError> {
        let body = GetPdfRequest::new(s_media_id);
        let call = JsonCall::<_, GetPdfResponse>::new(GET_PDF, &body).idempotent();
        self.call(appid, Requirement::AnyOf(E_INVOICE_ONLY), &call).await
    }

    /// Reports a status change of an inserted card (`platform/updatestatus`), e.g.
    /// [`ReimburseStatus::Cancel`] after a red-flush. `code` is the card code `insert` returned.
    pub async fn update_status(
        &self,
        appid: &str,
        card_id: &str,
        code: &str,
        status: ReimburseStatus,
    ) -> Result<(), InvoiceError> {
        let body = UpdateStatusRequest::new(card_id, code, status);
        let call = JsonCall::<_, ApiStatus>::new(UPDATE_STATUS, &body).idempotent();
        self.call(appid, Requirement::AnyOf(E_INVOICE_ONLY), &call)
            .await
            .map(|_| ())
    }
}
