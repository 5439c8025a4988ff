//! `card/invoice/platform/createcard` (spec P2): an invoice card template per payee.

use serde::{Deserialize, Serialize};

use crate::validation::{FieldPath, Findings, ValidationErrors};

/// Body of `card/invoice/platform/createcard`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateCardRequest {
    /// The template.
    pub invoice_info: InvoiceInfo,
}

/// `invoice_info`: the template. `payee` and `type` sit beside `base_info` (putting them
/// inside it gives 72031 "payee is empty").
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceInfo {
    /// Display settings.
    pub base_info: BaseInfo,
    /// Full legal name of the payee (seller); use one template per payee.
    pub payee: String,
    /// Invoice type label, e.g. `广东省增值税普通发票` (JSON key `type`).
    #[serde(rename = "type")]
    pub invoice_type: String,
}

/// `invoice_info.base_info`: how the card looks in the wallet.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BaseInfo {
    /// Logo; must be an image uploaded with the permanent-material API (mmbiz.qpic.cn URL).
    pub logo_url: String,
    /// Payee short name shown in the list, at most 9 characters.
    pub title: String,
    /// Label of a custom entry, at most 5 characters; used with `custom_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url_name: Option<String>,
    /// Custom entry link; WeChat appends `encrypt_code` and `card_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url: Option<String>,
    /// Tip right of the custom entry, at most 6 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url_sub_title: Option<String>,
    /// Label of a marketing entry, at most 5 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url_name: Option<String>,
    /// Marketing link (parameters appended likewise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url: Option<String>,
    /// Tip right of the marketing entry, at most 6 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_url_sub_title: Option<String>,
}

/// Response of `card/invoice/platform/createcard`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateCardResponse {
    /// The new template id, used as `card_id` of `insert`.
    pub card_id: String,
}

impl CreateCardRequest {
    /// A template for the seller `payee` (its full legal name; one template per payee).
    ///
    /// Also required: [`with_invoice_type`](Self::with_invoice_type),
    /// [`with_logo_url`](Self::with_logo_url) and [`with_title`](Self::with_title).
    ///
    /// ```
    /// use wx_invoice_types::CreateCardRequest;
    ///
    /// let template = CreateCardRequest::new("某某科技有限公司")
    ///     .with_invoice_type("增值税电子普通发票")
    ///     .with_logo_url("http://mmbiz.qpic.cn/mmbiz/logo/0")
    ///     .with_title("某某科技")
    ///     .with_custom_url("查看详情", "https://merchant.example/invoice");
    /// assert_eq!(template.validate(), Ok(()));
    /// ```
    pub fn new(payee: impl Into<String>) -> Self {
        Self {
            invoice_info: InvoiceInfo {
                payee: payee.into(),
                ..InvoiceInfo::default()
            },
        }
    }

    /// Sets the invoice type label (`type`), e.g. `广东省增值税普通发票`.
    pub fn with_invoice_type(mut self, invoice_type: impl Into<String>) -> Self {
        self.invoice_info.invoice_type = invoice_type.into();
        self
    }

    /// Sets `logo_url`: an image uploaded with the permanent-material API (mmbiz.qpic.cn).
    pub fn with_logo_url(mut self, logo_url: impl Into<String>) -> Self {
        self.invoice_info.base_info.logo_url = logo_url.into();
        self
    }

    /// Sets `title`: the payee's short name in the card list, at most 9 characters.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.invoice_info.base_info.title = title.into();
        self
    }

    /// Sets the custom entry: its label `name` (at most 5 characters) and its link `url`.
    pub fn with_custom_url(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        let base = &mut self.invoice_info.base_info;
        base.custom_url_name = Some(name.into());
        base.custom_url = Some(url.into());
        self
    }

    /// Sets the tip right of the custom entry, at most 6 characters.
    pub fn with_custom_url_sub_title(mut self, sub_title: impl Into<String>) -> Self {
        self.invoice_info.base_info.custom_url_sub_title = Some(sub_title.into());
        self
    }

    /// Sets the marketing entry: its label `name` (at most 5 characters) and its link `url`.
    pub fn with_promotion_url(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        let base = &mut self.invoice_info.base_info;
        base.promotion_url_name = Some(name.into());
        base.promotion_url = Some(url.into());
        self
    }

    /// Sets the tip right of the marketing entry, at most 6 characters.
    pub fn with_promotion_url_sub_title(mut self, sub_title: impl Into<String>) -> Self {
        self.invoice_info.base_info.promotion_url_sub_title = Some(sub_title.into());
        self
    }

    /// Checks required fields and the length limits of spec §10 (characters, not bytes):
    /// title ≤ 9, entry names ≤ 5, sub titles ≤ 6.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        static BASE: FieldPath<'static> = FieldPath::root("invoice_info.base_info");
        let info = &self.invoice_info;
        let base = &info.base_info;
        let mut f = Findings::default();
        f.require(BASE.field("logo_url"), &base.logo_url);
        f.require(BASE.field("title"), &base.title);
        f.max_chars(BASE.field("title"), &base.title, 9);
        f.max_chars_opt(BASE.field("custom_url_name"), base.custom_url_name.as_deref(), 5);
        f.max_chars_opt(
            BASE.field("custom_url_sub_title"),
            base.custom_url_sub_title.as_deref(),
            6,
        );
        f.max_chars_opt(BASE.field("promotion_url_name"), base.promotion_url_name.as_deref(), 5);
        f.max_chars_opt(
            BASE.field("promotion_url_sub_title"),
            base.promotion_url_sub_title.as_deref(),
            6,
        );
        f.require("invoice_info.payee", &info.payee);
        f.require("invoice_info.type", &info.invoice_type);
        f.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::CreateCardRequest;

    #[test]
    fn valid_template() {
        let req = CreateCardRequest::new("某某科技有限公司")
            .with_invoice_type("增值税电子普通发票")
            .with_logo_url("http://mmbiz.qpic.cn/x")
            .with_title("一二三四五六七八九")
            .with_custom_url("查看详情", "https://example.com/detail")
            .with_custom_url_sub_title("一二三四五六")
            .with_promotion_url("优惠", "https://example.com/promo")
            .with_promotion_url_sub_title("限时");
        assert_eq!(req.validate(), Ok(()));
        let base = &req.invoice_info.base_info;
        assert_eq!(base.custom_url.as_deref(), Some("https://example.com/detail"));
        assert_eq!(base.promotion_url_name.as_deref(), Some("优惠"));
        assert_eq!(req.invoice_info.payee, "某某科技有限公司");
        assert_eq!(req.invoice_info.invoice_type, "增值税电子普通发票");
    }

    #[test]
    fn length_limits_count_characters() {
        let mut req = CreateCardRequest::new("").with_title("一二三四五六七八九十");
        let base = &mut req.invoice_info.base_info;
        base.custom_url_name = Some("一二三四五六".into());
        base.custom_url_sub_title = Some("一二三四五六七".into());
        base.promotion_url_name = Some("abcdef".into());
        base.promotion_url_sub_title = Some("abcdefg".into());
        let err = req.validate().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "invoice_info.base_info.logo_url",
                "invoice_info.base_info.title",
                "invoice_info.base_info.custom_url_name",
                "invoice_info.base_info.custom_url_sub_title",
                "invoice_info.base_info.promotion_url_name",
                "invoice_info.base_info.promotion_url_sub_title",
                "invoice_info.payee",
                "invoice_info.type",
            ]
        );
    }
}
