//! Invoice titles (spec invoice-api §6, T1–T3): save a title into the user's WeChat, the
//! merchant's "select a title" QR link, and parsing a scanned title QR.

use wx_invoice_types::{GetSelectTitleUrlRequest, GetUserTitleUrlRequest, ScanTitleRequest, ScanTitleResponse};

use super::MerchantCalls;
use crate::calls;
use crate::error::InvoiceError;

impl MerchantCalls<'_> {
    /// T1 `biz/getusertitleurl`: a link that saves a title into the user's WeChat (validated
    /// first: tax number 15–20 letters or digits, phone digits or `-`).
    pub async fn user_title_url(&self, request: &GetUserTitleUrlRequest) -> Result<String, InvoiceError> {
        request.validate()?;
        Ok(self
            .client
            .send(self.appid, &calls::GetUserTitleUrl(request))
            .await?
            .url)
    }

    /// T2 `biz/getselecttitleurl`: the merchant's QR link where users pick a title (the choice
    /// arrives as a `submit_invoice_title` push).
    pub async fn select_title_url(&self, request: &GetSelectTitleUrlRequest) -> Result<String, InvoiceError> {
        Ok(self
            .client
            .send(self.appid, &calls::GetSelectTitleUrl(request))
            .await?
            .url)
    }

    /// T3 `scantitle`: parses the content of a user's title QR code. Not callable by a
    /// third-party platform on a merchant's behalf (refused without a call).
    pub async fn scan_title(&self, scan_text: &str) -> Result<ScanTitleResponse, InvoiceError> {
        let body = ScanTitleRequest::new(scan_text);
        body.validate()?;
        self.client.send(self.appid, &calls::ScanTitle(&body)).await
    }
}
