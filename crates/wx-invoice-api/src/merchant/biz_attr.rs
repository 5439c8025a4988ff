//! M5 `setbizattr`: the authorization page's fields, the WeChat Pay merchant link and the
//! merchant contact — six actions over one body, the action in the query string.

use wx_invoice_types::{AuthField, BizAttrAction, BizAttrResponse, Contact, PayMchInfo, SetBizAttrRequest};

use super::MerchantCalls;
use crate::calls;
use crate::error::InvoiceError;

impl MerchantCalls<'_> {
    /// Sends `setbizattr?action=…` with `body` (validated against the action first).
    pub async fn biz_attr(
        &self,
        action: BizAttrAction,
        body: &SetBizAttrRequest,
    ) -> Result<BizAttrResponse, InvoiceError> {
        body.validate(action)?;
        self.client.send(self.appid, &calls::SetBizAttr { action, body }).await
    }

    /// `set_auth_field`: which title fields the user fills on a type-1 authorization page.
    pub async fn set_auth_field(&self, auth_field: AuthField) -> Result<(), InvoiceError> {
        self.biz_attr(BizAttrAction::SetAuthField, &SetBizAttrRequest::auth_field(auth_field))
            .await
            .map(drop)
    }

    /// `get_auth_field`.
    pub async fn get_auth_field(&self) -> Result<Option<AuthField>, InvoiceError> {
        Ok(self
            .biz_attr(BizAttrAction::GetAuthField, &SetBizAttrRequest::default())
            .await?
            .auth_field)
    }

    /// `set_pay_mch`: links a WeChat Pay merchant id with the platform (post-payment invoicing).
    pub async fn set_pay_mch(&self, paymch_info: PayMchInfo) -> Result<(), InvoiceError> {
        self.biz_attr(BizAttrAction::SetPayMch, &SetBizAttrRequest::pay_mch(paymch_info))
            .await
            .map(drop)
    }

    /// `get_pay_mch`.
    pub async fn get_pay_mch(&self) -> Result<Option<PayMchInfo>, InvoiceError> {
        Ok(self
            .biz_attr(BizAttrAction::GetPayMch, &SetBizAttrRequest::default())
            .await?
            .paymch_info)
    }

    /// `set_contact`: the merchant contact; required before `getauthurl` (else 72063).
    pub async fn set_contact(&self, contact: Contact) -> Result<(), InvoiceError> {
        self.biz_attr(BizAttrAction::SetContact, &SetBizAttrRequest::contact(contact))
            .await
            .map(drop)
    }

    /// `get_contact`.
    pub async fn get_contact(&self) -> Result<Option<Contact>, InvoiceError> {
        Ok(self
            .biz_attr(BizAttrAction::GetContact, &SetBizAttrRequest::default())
            .await?
            .contact)
    }
}
