//! The invoicing platform's calls (spec invoice-api §3, P1–P7): get the platform id, create
//! card templates, upload and query invoice PDFs, insert the invoice card, update its status,
//! decrypt card codes from jump links.

use rand::distr::{Alphanumeric, SampleString};
use wx_auth::AuthError;
use wx_auth::transport::CallReport;
use wx_invoice_types::{
    CreateCardRequest, DecryptCodeRequest, ErrorClass, FieldProblem, GetPdfRequest, GetPdfResponse,
    InsertInvoiceRequest, InsertInvoiceResponse, ReimburseStatus, SetUrlResponse, UpdateStatusRequest,
    ValidationErrors,
};

use crate::calls;
use crate::client::InvoiceClient;
use crate::error::InvoiceError;

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
        self.client.send(self.appid, &calls::SetUrl).await
    }

    /// P2 `platform/createcard`: creates an invoice card template and returns its `card_id`.
    /// The template is validated first (title ≤ 9 characters, entry names ≤ 5, sub-titles ≤ 6).
    pub async fn create_card(&self, request: &CreateCardRequest) -> Result<String, InvoiceError> {
        request.validate()?;
        Ok(self.client.send(self.appid, &calls::CreateCard(request)).await?.card_id)
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
        let call = calls::SetPdf::new(filename, bytes);
        Ok(self.client.send(self.appid, &call).await?.s_media_id)
    }

    /// P4 `platform/getpdf`: the download URL of an uploaded PDF (valid 2 hours).
    pub async fn get_pdf(&self, s_media_id: &str) -> Result<GetPdfResponse, InvoiceError> {
        if s_media_id.trim().is_empty() {
            ValidationErrors::check(vec![FieldProblem::new("s_media_id", "must not be empty")])?;
        }
        self.client
            .send(self.appid, &calls::GetPdf(&GetPdfRequest::new(s_media_id)))
            .await
    }

    /// P5 `card/invoice/insert`: inserts the invoice card into the user's card wallet.
    ///
    /// `appid` (of this handle) must be the invoicing platform's Official Account — the one that
    /// obtained the `s_pappid`; the body's `appid` is the merchant appid the user authorized.
    /// Before anything is sent the request is validated (all problems listed together; an empty
    /// `nonce_str` is filled with a random one) and, for third-party tokens, the authorizer must
    /// hold permission set 8 or 26. A rejected token is refreshed and the call retried once.
    ///
    /// Insert is safe to retry: after a transient failure (WeChat busy, a timeout, a dropped
    /// answer, HTTP 5xx) the identical request is sent again. WeChat's "already inserted" codes
    /// become [`InvoiceError::AlreadyInserted`], or
    /// [`InvoiceError::InsertedByEarlierAttempt`] when an earlier attempt of this very call went
    /// unanswered and WeChat then answered that the order id was inserted (72056/72018): that
    /// earlier attempt most likely succeeded.
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
        let exchange = self.client.exchange(self.appid, &calls::Insert(request)).await?;
        exchange
            .result
            .map_err(|error| insert_error(error, request.order_id.as_str(), exchange.report))
    }

    /// P6 `platform/updatestatus`: reports a status change of an inserted card, e.g.
    /// [`ReimburseStatus::Cancel`] after a red-flush. `code` is the card code `insert` returned.
    pub async fn update_status(&self, card_id: &str, code: &str, status: ReimburseStatus) -> Result<(), InvoiceError> {
        let body = UpdateStatusRequest::new(card_id, code, status);
        body.validate()?;
        self.client.send(self.appid, &calls::UpdateStatus(&body)).await?;
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
        Ok(self.client.send(self.appid, &calls::DecryptCode(&body)).await?.code)
    }
}

/// WeChat's "already inserted" answers, told apart by the catalogue's classes and by whether an
/// earlier attempt of this call went unanswered.
pub(crate) fn insert_error(error: AuthError, order_id: &str, report: CallReport) -> InvoiceError {
    match error {
        AuthError::Api { errcode, errmsg, .. }
            if error_class(errcode) == Some(ErrorClass::AlreadyDone) && report.earlier_attempt_unanswered() =>
        {
            InvoiceError::InsertedByEarlierAttempt {
                order_id: order_id.to_owned(),
                errcode,
                errmsg,
                attempts: report.attempts,
            }
        }
        AuthError::Api { errcode, errmsg, .. }
            if matches!(
                error_class(errcode),
                Some(ErrorClass::AlreadyDone | ErrorClass::Duplicate)
            ) =>
        {
            InvoiceError::AlreadyInserted {
                order_id: order_id.to_owned(),
                errcode,
                errmsg,
            }
        }
        other => InvoiceError::Wechat(other),
    }
}

fn error_class(errcode: i64) -> Option<ErrorClass> {
    wx_invoice_types::lookup(errcode).map(|info| info.class)
}
