//! Invoice titles (spec invoice-api §6, T1–T3): save a title into the user's WeChat, the
//! merchant's "select a title" QR link, and parsing a scanned title QR.

use wx_invoice_types::{
    GetSelectTitleUrlRequest, GetUserTitleUrlRequest, ScanTitleRequest, ScanTitleResponse, TitleUrlResponse,
};

use super::{E_INVOICE, MerchantCalls};
use crate::error::InvoiceError;
use crate::permission::Requirement;

const USER_TITLE_URL: &str = "/card/invoice/biz/getusertitleurl";
const SELECT_TITLE_URL: &str = "/card/invoice/biz/getselecttitleurl";
const SCAN_TITLE: &str = "/card/invoice/scantitle";

impl MerchantCalls<'_> {
    /// T1 `biz/getusertitleurl`: a link that saves a title into the user's WeChat (validated
    /// first: tax number 15–20 letters or digits, phone digits or `-`).
    pub async fn user_title_url(&self, request: &GetUserTitleUrlRequest) -> Result<String, InvoiceError> {
        request.validate()?;
        let out: TitleUrlResponse = self.client.post(self.appid, E_INVOICE, USER_TITLE_URL, request).await?;
        Ok(out.url)
    }

    /// T2 `biz/getselecttitleurl`: the merchant's QR link where users pick a title (the choice
    /// arrives as a `submit_invoice_title` push).
    pub async fn select_title_url(&self, request: &GetSelectTitleUrlRequest) -> Result<String, InvoiceError> {
        let out: TitleUrlResponse = self
            .client
            .post(self.appid, E_INVOICE, SELECT_TITLE_URL, request)
            .await?;
        Ok(out.url)
    }

    /// T3 `scantitle`: parses the content of a user's title QR code. Not callable by a
    /// third-party platform on a merchant's behalf (refused without a call).
    pub async fn scan_title(&self, scan_text: &str) -> Result<ScanTitleResponse, InvoiceError> {
        let body = ScanTitleRequest::new(scan_text);
        body.validate()?;
        self.client
            .post(self.appid, Requirement::NotForThirdParty, SCAN_TITLE, &body)
            .await
    }
}
