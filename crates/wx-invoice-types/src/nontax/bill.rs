//! `nontax/insertbill` (N8): a fiscal receipt into the payer's card wallet.

use serde::{Deserialize, Serialize};

use crate::ids::{BillingCode, BillingNo, OrderId};
use crate::lenient;
use crate::money::Fen;
use crate::validation::{FieldPath, Findings, ValidationErrors};

/// Body of `nontax/insertbill`. The nesting `card_ext.user_card.invoice_user_data` follows
/// WeChat's sample (its table lists the fields directly under `user_card`); unlike an invoice
/// insert there is no `nonce_str`.
///
/// ```
/// use wx_invoice_types::{BillingCode, BillingNo, Fen, OrderId};
/// use wx_invoice_types::nontax::{BillUserData, InsertBillRequest};
///
/// let data = BillUserData::new(Fen(5_000), "缴费单位名称", 1_700_000_000)
///     .with_billing(BillingNo::new("1511169724"), BillingCode::new("aabbccdd"))
///     .with_pdf("s_media_id_from_setpdf");
/// let request = InsertBillRequest::new(OrderId::new("fee-2024-001"), "pBillCardId", "wxUNIT", data);
/// assert_eq!(request.validate(), Ok(()));
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct InsertBillRequest {
    /// The authorized order id.
    pub order_id: OrderId,
    /// The template from `nontax/createbillcard`.
    pub card_id: String,
    /// The appid the order was authorized with (normally the collecting unit's).
    pub appid: String,
    /// The receipt.
    pub card_ext: BillCardExt,
}

/// `card_ext` of `nontax/insertbill`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BillCardExt {
    /// The receipt data.
    pub user_card: BillUserCard,
}

/// `card_ext.user_card` of `nontax/insertbill`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BillUserCard {
    /// The receipt's face data.
    pub invoice_user_data: BillUserData,
}

/// `invoice_user_data` of a fiscal receipt: six fields, all required.
///
/// WeChat's fiscal page labels `billing_no` "票据代码" and `billing_code` "票据号码" (the old
/// e-invoice convention): pass them as the bureau's system names them, under these JSON keys.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct BillUserData {
    /// Amount paid.
    pub fee: Fen,
    /// The paying party (缴费单位 / 缴款人).
    pub title: String,
    /// Issue time, Unix seconds (read from a number or a numeric string, as WeChat's sample
    /// sends it).
    #[serde(deserialize_with = "lenient::i64_or_numeric_string")]
    pub billing_time: i64,
    /// `billing_no` of the receipt.
    pub billing_no: BillingNo,
    /// `billing_code` of the receipt.
    pub billing_code: BillingCode,
    /// The receipt PDF's `s_media_id` from `platform/setpdf`.
    pub s_pdf_media_id: String,
}

impl BillUserData {
    /// A receipt of `fee` paid by `title`, issued at `billing_time` (Unix seconds). Also
    /// required: [`with_billing`](Self::with_billing) and [`with_pdf`](Self::with_pdf).
    pub fn new(fee: Fen, title: impl Into<String>, billing_time: i64) -> Self {
        Self {
            fee,
            title: title.into(),
            billing_time,
            ..Self::default()
        }
    }

    /// Sets `billing_no` and `billing_code`.
    pub fn with_billing(mut self, billing_no: BillingNo, billing_code: BillingCode) -> Self {
        self.billing_no = billing_no;
        self.billing_code = billing_code;
        self
    }

    /// Sets `s_pdf_media_id`.
    pub fn with_pdf(mut self, s_media_id: impl Into<String>) -> Self {
        self.s_pdf_media_id = s_media_id.into();
        self
    }
}

impl InsertBillRequest {
    /// Inserts the receipt `data` for the authorized `order_id` of `appid`, with template
    /// `card_id`.
    pub fn new(order_id: OrderId, card_id: impl Into<String>, appid: impl Into<String>, data: BillUserData) -> Self {
        Self {
            order_id,
            card_id: card_id.into(),
            appid: appid.into(),
            card_ext: BillCardExt {
                user_card: BillUserCard {
                    invoice_user_data: data,
                },
            },
        }
    }

    /// Every field set, `fee` not negative, a 10-digit `billing_time`; all problems together.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut f = Findings::default();
        f.require("order_id", self.order_id.as_str());
        f.require("card_id", &self.card_id);
        f.require("appid", &self.appid);
        let data = &self.card_ext.user_card.invoice_user_data;
        let at = FieldPath::root("card_ext.user_card.invoice_user_data");
        f.non_negative(at.field("fee"), data.fee.0);
        f.require(at.field("title"), &data.title);
        f.epoch_seconds(at.field("billing_time"), data.billing_time);
        f.require(at.field("billing_no"), data.billing_no.as_str());
        f.require(at.field("billing_code"), data.billing_code.as_str());
        f.require(at.field("s_pdf_media_id"), &data.s_pdf_media_id);
        f.into_result()
    }
}

/// Response of `nontax/insertbill`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsertBillResponse {
    /// The card code of the inserted receipt; `platform/updatestatus` needs it.
    pub code: String,
    /// The payer's openid.
    pub openid: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{BillUserData, InsertBillRequest};
    use crate::ids::OrderId;
    use crate::money::Fen;

    #[test]
    fn shape_follows_the_sample_and_reads_a_string_time() {
        let sample = json!({
            "order_id": "o-1", "card_id": "pc", "appid": "wxUNIT",
            "card_ext": {"user_card": {"invoice_user_data": {
                "fee": 123, "title": "t", "billing_time": "1511169724",
                "billing_no": "1511169724", "billing_code": "aabbccdd", "s_pdf_media_id": "m"
            }}}
        });
        let req: InsertBillRequest = serde_json::from_value(sample).unwrap();
        assert_eq!(req.validate(), Ok(()));
        let back = serde_json::to_value(&req).unwrap();
        assert_eq!(
            back["card_ext"]["user_card"]["invoice_user_data"]["billing_time"],
            1_511_169_724
        );
        assert!(back["card_ext"].get("nonce_str").is_none());
    }

    #[test]
    fn every_field_is_required() {
        let req = InsertBillRequest::new(OrderId::default(), "", "", BillUserData::new(Fen(-1), "", 0));
        let err = req.validate().unwrap_err();
        assert_eq!(err.problems().len(), 9, "{err}");
        assert!(err.mentions("card_ext.user_card.invoice_user_data.s_pdf_media_id"));
    }
}
