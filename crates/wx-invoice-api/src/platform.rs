//! The invoicing platform's calls (spec invoice-api §3, P1–P7): get the platform id, create
//! card templates, upload and query invoice PDFs, insert the invoice card, update its status,
//! decrypt card codes from jump links.

use rand::distr::{Alphanumeric, SampleString};
use wx_auth::transport::{ApiCall, CallBody};
use wx_invoice_types::{
    ApiStatus, CreateCardRequest, CreateCardResponse, DecryptCodeRequest, DecryptCodeResponse, EmptyBody, FieldProblem,
    GetPdfRequest, GetPdfResponse, InsertInvoiceRequest, InsertInvoiceResponse, ReimburseStatus, SetPdfResponse,
    SetUrlResponse, UpdateStatusRequest, ValidationErrors,
};

use crate::client::InvoiceClient;
use crate::error::InvoiceError;
use crate::permission::{CARDS_OR_E_INVOICE, E_INVOICE_ONLY, Requirement};

const SET_URL: &str = "/card/invoice/seturl";
const CREATE_CARD: &str = "/card/invoice/platform/createcard";
const SET_PDF: &str = "/card/invoice/platform/setpdf";
const GET_PDF: &str = "/card/invoice/platform/getpdf";
const INSERT: &str = "/card/invoice/insert";
const UPDATE_STATUS: &str = "/card/invoice/platform/updatestatus";
const DECRYPT_CODE: &str = "/card/code/decrypt";

/// Codes with which WeChat says "this order or invoice is already in a card wallet".
const ALREADY_INSERTED: [i64; 3] = [72056, 72018, 72042];

/// `seturl`, `insert` and the card API `code/decrypt`: the card set (8) or the e-invoice set (26).
const CARD_OR_INVOICE_SET: Requirement = Requirement::AnyOf(CARDS_OR_E_INVOICE);
const E_INVOICE: Requirement = Requirement::AnyOf(E_INVOICE_ONLY);

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

/// The invoicing platform's calls, made with the token of `appid` (the platform's Official
/// Account). Get one from [`InvoiceClient::platform`].
#[derive(Debug, Clone, Copy)]
pub struct PlatformCalls<'a> {
    client: &'a InvoiceClient,
    appid: &'a str,
}

impl InvoiceClient {
    /// The invoicing platform's calls, as `appid`.
    pub fn platform<'a>(&'a self, appid: &'a str) -> PlatformCalls<'a> {
        PlatformCalls { client: self, appid }
    }

    /// Inserts an invoice card into the user's WeChat card wallet; see [`PlatformCalls::insert`].
    pub async fn insert(
        &self,
        appid: &str,
        request: &InsertInvoiceRequest,
    ) -> Result<InsertInvoiceResponse, InvoiceError> {
        self.platform(appid).insert(request).await
    }

    /// Uploads an invoice PDF; see [`PlatformCalls::upload_pdf`].
    pub async fn upload_pdf(
        &self,
        appid: &str,
        filename: &str,
        pdf: impl Into<Vec<u8>>,
    ) -> Result<String, InvoiceError> {
        self.platform(appid).upload_pdf(filename, pdf).await
    }

    /// Reads the download URL of an uploaded PDF; see [`PlatformCalls::get_pdf`].
    pub async fn get_pdf(&self, appid: &str, s_media_id: &str) -> Result<GetPdfResponse, InvoiceError> {
        self.platform(appid).get_pdf(s_media_id).await
    }

    /// Reports a status change of an inserted card; see [`PlatformCalls::update_status`].
    pub async fn update_status(
        &self,
        appid: &str,
        card_id: &str,
        code: &str,
        status: ReimburseStatus,
    ) -> Result<(), InvoiceError> {
        self.platform(appid).update_status(card_id, code, status).await
    }
}

impl PlatformCalls<'_> {
    /// P1 `seturl`: the platform's invoice URL, whose `s_pappid` (see
    /// [`SetUrlResponse::s_pappid`]) merchants need for their authorization pages. Stable per
    /// platform: call once and keep it. Needs permission set 8 or 26.
    pub async fn set_url(&self) -> Result<SetUrlResponse, InvoiceError> {
        self.client
            .post(self.appid, CARD_OR_INVOICE_SET, SET_URL, &EmptyBody {})
            .await
    }

    /// P2 `platform/createcard`: creates an invoice card template and returns its `card_id`.
    /// The template is validated first (title ≤ 9 characters, entry names ≤ 5, sub-titles ≤ 6).
    pub async fn create_card(&self, request: &CreateCardRequest) -> Result<String, InvoiceError> {
        request.validate()?;
        let out: CreateCardResponse = self.client.post(self.appid, E_INVOICE, CREATE_CARD, request).await?;
        Ok(out.card_id)
    }

    /// P3 `platform/setpdf`: uploads an invoice PDF (multipart part `pdf`) and returns its
    /// `s_media_id`, valid for 3 days. Refuses, without sending, bytes that are not a PDF or
    /// exceed the builder's `max_pdf_bytes`.
    pub async fn upload_pdf(&self, filename: &str, pdf: impl Into<Vec<u8>>) -> Result<String, InvoiceError> {
        let bytes = pdf.into();
        let limit = self.client.max_pdf_bytes();
        if !bytes.starts_with(b"%PDF-") {
            return Err(InvoiceError::NotPdf {
                filename: filename.to_owned(),
            });
        }
        if bytes.len() > limit {
            return Err(InvoiceError::PdfTooLarge {
                filename: filename.to_owned(),
                size: bytes.len(),
                limit,
            });
        }
        let call = SetPdfCall {
            filename: filename.to_owned(),
            bytes,
        };
        Ok(self.client.call(self.appid, E_INVOICE, &call).await?.s_media_id)
    }

    /// P4 `platform/getpdf`: the download URL of an uploaded PDF (valid 2 hours).
    pub async fn get_pdf(&self, s_media_id: &str) -> Result<GetPdfResponse, InvoiceError> {
        if s_media_id.trim().is_empty() {
            ValidationErrors::check(vec![FieldProblem::new("s_media_id", "must not be empty")])?;
        }
        self.client
            .post(self.appid, E_INVOICE, GET_PDF, &GetPdfRequest::new(s_media_id))
            .await
    }

    /// P5 `card/invoice/insert`: inserts the invoice card into the user's card wallet.
    ///
    /// `appid` (of this handle) must be the invoicing platform's Official Account — the one that
    /// obtained the `s_pappid`; the body's `appid` is the merchant appid the user authorized.
    /// Before anything is sent the request is validated (all problems listed together; an empty
    /// `nonce_str` is filled with a random one) and, for third-party tokens, the authorizer must
    /// hold permission set 8 or 26. A rejected token is refreshed and the call retried once.
    /// WeChat's "already inserted" codes become [`InvoiceError::AlreadyInserted`].
    pub async fn insert(&self, request: &InsertInvoiceRequest) -> Result<InsertInvoiceResponse, InvoiceError> {
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
            tracing::warn!(field = %warning.field, order_id = %request.order_id, "{}", warning.message);
        }
        match self.client.post(self.appid, CARD_OR_INVOICE_SET, INSERT, request).await {
            Err(InvoiceError::Wechat(wx_auth::AuthError::Api { errcode, errmsg, .. }))
                if ALREADY_INSERTED.contains(&errcode) =>
            {
                Err(InvoiceError::AlreadyInserted {
                    order_id: request.order_id.to_string(),
                    errcode,
                    errmsg,
                })
            }
            other => other,
        }
    }

    /// P6 `platform/updatestatus`: reports a status change of an inserted card, e.g.
    /// [`ReimburseStatus::Cancel`] after a red-flush. `code` is the card code `insert` returned.
    pub async fn update_status(&self, card_id: &str, code: &str, status: ReimburseStatus) -> Result<(), InvoiceError> {
        let body = UpdateStatusRequest::new(card_id, code, status);
        body.validate()?;
        let _: ApiStatus = self.client.post(self.appid, E_INVOICE, UPDATE_STATUS, &body).await?;
        Ok(())
    }

    /// P7 `card/code/decrypt`: turns the `encrypt_code` of a card jump link into the card code.
    /// A generic card API: permission set 8 (cards) or 26 (e-invoice) suffices. Only the
    /// card's platform or its merchant may decrypt it (others get 40056).
    pub async fn decrypt_code(&self, encrypt_code: &str) -> Result<String, InvoiceError> {
        let body = DecryptCodeRequest {
            encrypt_code: encrypt_code.to_owned(),
        };
        body.validate()?;
        let out: DecryptCodeResponse = self
            .client
            .post(self.appid, CARD_OR_INVOICE_SET, DECRYPT_CODE, &body)
            .await?;
        Ok(out.code)
    }
}
