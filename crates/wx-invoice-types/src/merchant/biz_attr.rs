//! `card/invoice/setbizattr?action=…` (M5): the authorization page's fields, the WeChat Pay
//! merchant link and the merchant contact.
//!
//! The parts ([`AuthField`], [`PayMchInfo`], [`Contact`] …) are what a caller sends and also
//! what a `get_*` action reads back. They stay exhaustive, so a struct literal builds a body;
//! the response wrapper [`BizAttrResponse`] is `#[non_exhaustive]`, so WeChat adding a part
//! to it is not a breaking change.

use serde::{Deserialize, Serialize};

use crate::int_flag;
use crate::lenient;
use crate::validation::{FieldPath, Findings, ValidationErrors};

/// The `action` query parameter of `setbizattr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BizAttrAction {
    /// `set_auth_field`: which title fields the type=1 page shows (one-off).
    SetAuthField,
    /// `get_auth_field`.
    GetAuthField,
    /// `set_pay_mch`: link a WeChat Pay mchid for post-payment invoicing (one-off).
    SetPayMch,
    /// `get_pay_mch`.
    GetPayMch,
    /// `set_contact`: merchant contact; required before any `getauthurl` (else 72063).
    SetContact,
    /// `get_contact`.
    GetContact,
}

impl BizAttrAction {
    /// The wire value, e.g. `set_contact`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetAuthField => "set_auth_field",
            Self::GetAuthField => "get_auth_field",
            Self::SetPayMch => "set_pay_mch",
            Self::GetPayMch => "get_pay_mch",
            Self::SetContact => "set_contact",
            Self::GetContact => "get_contact",
        }
    }
}

/// Body of `setbizattr`: exactly the part the action sets; `{}` for `get_*` actions.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct SetBizAttrRequest {
    /// For `set_auth_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_field: Option<AuthField>,
    /// For `set_pay_mch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paymch_info: Option<PayMchInfo>,
    /// For `set_contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// Response of `setbizattr`: for `get_*` actions the part asked for, otherwise empty.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BizAttrResponse {
    /// For `get_auth_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_field: Option<AuthField>,
    /// For `get_pay_mch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paymch_info: Option<PayMchInfo>,
    /// For `get_contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// `auth_field`: both objects are sent.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthField {
    /// Fields of a personal title.
    #[serde(default)]
    pub user_field: UserField,
    /// Fields of a company title.
    #[serde(default)]
    pub biz_field: BizField,
}

/// `auth_field.user_field`: which fields a personal title shows / requires (sent as 0/1).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct UserField {
    /// Show the name.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_title: Option<bool>,
    /// Show the phone.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_phone: Option<bool>,
    /// Show the e-mail.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_email: Option<bool>,
    /// Require the phone.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_phone: Option<bool>,
    /// Require the e-mail.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_email: Option<bool>,
    /// Extra fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
}

/// `auth_field.biz_field`: which fields a company title shows / requires (sent as 0/1).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BizField {
    /// Show the company name.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_title: Option<bool>,
    /// Show the taxpayer id.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_tax_no: Option<bool>,
    /// Show the address.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_addr: Option<bool>,
    /// Show the phone.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_phone: Option<bool>,
    /// Show the bank name.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_bank_type: Option<bool>,
    /// Show the bank account.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub show_bank_no: Option<bool>,
    /// Require the taxpayer id.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_tax_no: Option<bool>,
    /// Require the address.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_addr: Option<bool>,
    /// Require the phone.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_phone: Option<bool>,
    /// Require the bank name.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_bank_type: Option<bool>,
    /// Require the bank account.
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub require_bank_no: Option<bool>,
    /// Extra fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
}

/// One extra field on the authorization page.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomField {
    /// Field label (an old page limits it to 5 characters).
    pub key: String,
    /// Whether the user must fill it (sent as 0/1, default 0).
    #[serde(default, with = "int_flag", skip_serializing_if = "Option::is_none")]
    pub is_require: Option<bool>,
    /// Hint text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// `paymch_info`: the WeChat Pay merchant linked with a platform.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct PayMchInfo {
    /// WeChat Pay merchant id.
    pub mchid: String,
    /// Platform id.
    pub s_pappid: String,
}

/// `contact`: how the user can reach the merchant about invoicing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// Phone number (digits and `-`).
    pub phone: String,
    /// Invoicing timeout (unit undocumented; the sample uses 12345).
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub time_out: i64,
}

impl SetBizAttrRequest {
    /// Body of `set_auth_field`.
    pub fn auth_field(auth_field: AuthField) -> Self {
        Self {
            auth_field: Some(auth_field),
            ..Self::default()
        }
    }

    /// Body of `set_pay_mch`.
    pub fn pay_mch(paymch_info: PayMchInfo) -> Self {
        Self {
            paymch_info: Some(paymch_info),
            ..Self::default()
        }
    }

    /// Body of `set_contact`.
    pub fn contact(contact: Contact) -> Self {
        Self {
            contact: Some(contact),
            ..Self::default()
        }
    }

    /// Checks that the body fits `action`: a `set_*` action carries its part, valid;
    /// a `get_*` action carries nothing.
    pub fn validate(&self, action: BizAttrAction) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        let (needs_auth, needs_pay, needs_contact) = match action {
            BizAttrAction::SetAuthField => (true, false, false),
            BizAttrAction::SetPayMch => (false, true, false),
            BizAttrAction::SetContact => (false, false, true),
            BizAttrAction::GetAuthField | BizAttrAction::GetPayMch | BizAttrAction::GetContact => (false, false, false),
        };
        let presence = [
            ("auth_field", self.auth_field.is_some(), needs_auth),
            ("paymch_info", self.paymch_info.is_some(), needs_pay),
            ("contact", self.contact.is_some(), needs_contact),
        ];
        for (field, present, needed) in presence {
            if needed && !present {
                f.problem(field, format!("is required by action {}", action.as_str()));
            } else if present && !needed {
                f.problem(field, format!("must be left out for action {}", action.as_str()));
            }
        }
        if let Some(auth) = &self.auth_field {
            static AUTH: FieldPath<'static> = FieldPath::root("auth_field");
            let lists = [
                (AUTH.field("user_field"), &auth.user_field.custom_field),
                (AUTH.field("biz_field"), &auth.biz_field.custom_field),
            ];
            for (side, list) in &lists {
                for (i, custom) in list.iter().enumerate() {
                    f.require(side.item("custom_field", i).field("key"), &custom.key);
                }
            }
        }
        if let Some(pay) = &self.paymch_info {
            f.require("paymch_info.mchid", &pay.mchid);
            f.require("paymch_info.s_pappid", &pay.s_pappid);
        }
        if let Some(contact) = &self.contact {
            f.phone("contact.phone", &contact.phone);
            f.non_negative("contact.time_out", contact.time_out);
        }
        f.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::{AuthField, BizAttrAction, Contact, CustomField, PayMchInfo, SetBizAttrRequest};

    #[test]
    fn action_names() {
        let all = [
            (BizAttrAction::SetAuthField, "set_auth_field"),
            (BizAttrAction::GetAuthField, "get_auth_field"),
            (BizAttrAction::SetPayMch, "set_pay_mch"),
            (BizAttrAction::GetPayMch, "get_pay_mch"),
            (BizAttrAction::SetContact, "set_contact"),
            (BizAttrAction::GetContact, "get_contact"),
        ];
        for (action, name) in all {
            assert_eq!(action.as_str(), name);
        }
    }

    #[test]
    fn body_must_fit_the_action() {
        let contact = SetBizAttrRequest::contact(Contact {
            phone: "0755-1234".into(),
            time_out: 12345,
        });
        assert_eq!(contact.validate(BizAttrAction::SetContact), Ok(()));
        assert!(
            contact
                .validate(BizAttrAction::GetContact)
                .unwrap_err()
                .mentions("contact")
        );
        let err = SetBizAttrRequest::default()
            .validate(BizAttrAction::SetPayMch)
            .unwrap_err();
        assert!(err.mentions("paymch_info"));
        assert_eq!(
            SetBizAttrRequest::default().validate(BizAttrAction::GetAuthField),
            Ok(())
        );
    }

    #[test]
    fn parts_are_checked() {
        let mut auth = AuthField::default();
        auth.biz_field.custom_field.push(CustomField::default());
        let err = SetBizAttrRequest::auth_field(auth)
            .validate(BizAttrAction::SetAuthField)
            .unwrap_err();
        assert!(err.mentions("auth_field.biz_field.custom_field[0].key"));
        let err = SetBizAttrRequest::pay_mch(PayMchInfo::default())
            .validate(BizAttrAction::SetPayMch)
            .unwrap_err();
        assert_eq!(err.problems().len(), 2);
        let bad_contact = SetBizAttrRequest::contact(Contact {
            phone: "call me".into(),
            time_out: -1,
        });
        let err = bad_contact.validate(BizAttrAction::SetContact).unwrap_err();
        assert!(err.mentions("contact.phone") && err.mentions("contact.time_out"));
    }
}
