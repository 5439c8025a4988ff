//! `card/invoice/makeoutinvoice` (U1): issue a blue invoice through WeChat.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::decimal::{Decimal, Yuan};
use crate::validation::{FieldPath, Findings, ValidationErrors, ValidationWarning};

/// `hylx`: the seller's industry. Sent as `"0"` / `"1"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IndustryType {
    /// `0`: commerce.
    Commerce,
    /// `1`: any other industry.
    Other,
}

/// `fphxz`: the nature of an invoice line. Sent as `"0"` / `"1"` / `"2"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LineNature {
    /// `0`: a normal line.
    Normal,
    /// `1`: a discount line (its amounts are negative).
    Discount,
    /// `2`: the line a discount applies to.
    Discounted,
}

/// Writes `n` as a JSON string and reads it from a string or an integer.
macro_rules! digit_enum {
    ($name:ident { $($variant:ident = $value:literal),+ }) => {
        impl $name {
            /// The wire value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = crate::lenient::string_or_number(deserializer)?;
                match text.trim() {
                    $($value => Ok(Self::$variant),)+
                    other => Err(serde::de::Error::invalid_value(
                        serde::de::Unexpected::Str(other),
                        &concat!("one of ", $($value, " "),+),
                    )),
                }
            }
        }
    };
}

digit_enum!(IndustryType { Commerce = "0", Other = "1" });
digit_enum!(LineNature { Normal = "0", Discount = "1", Discounted = "2" });

/// Body of `card/invoice/makeoutinvoice`: `{"invoiceinfo": …}`. The answer is the envelope
/// only; the outcome comes by the `cloud_invoice_invoiceresult_event` push and by
/// `queryinvoceinfo`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct MakeOutInvoiceRequest {
    /// The invoice to issue.
    pub invoiceinfo: MakeOutInvoice,
}

/// `invoiceinfo` of `makeoutinvoice`. WeChat's pinyin field names are kept; each field says
/// what it holds. Amounts are [`Yuan`] decimal strings.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct MakeOutInvoice {
    /// The buyer's openid under the merchant's Official Account.
    pub wxopenid: String,
    /// The merchant's order number (订单号).
    pub ddh: String,
    /// The request serial number (发票请求流水号): the idempotency key. Retry a timeout with
    /// the same one; never reuse one for another order.
    pub fpqqlsh: String,
    /// Seller taxpayer id (纳税人识别号).
    pub nsrsbh: String,
    /// Seller name.
    pub nsrmc: String,
    /// Seller address.
    pub nsrdz: String,
    /// Seller phone.
    pub nsrdh: String,
    /// Seller bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsrbank: Option<String>,
    /// Seller bank account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsrbankid: Option<String>,
    /// Buyer name: the invoice title (购货方名称).
    pub ghfmc: String,
    /// Buyer taxpayer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghfnsrsbh: Option<String>,
    /// Buyer address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghfdz: Option<String>,
    /// Buyer phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghfdh: Option<String>,
    /// Buyer bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghfbank: Option<String>,
    /// Buyer bank account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghfbankid: Option<String>,
    /// Drawer (开票人).
    pub kpr: String,
    /// Payee person (收款人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skr: Option<String>,
    /// Reviewer (复核人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fhr: Option<String>,
    /// Total including tax (价税合计).
    pub jshj: Yuan,
    /// Total excluding tax (合计金额).
    pub hjje: Yuan,
    /// Total tax (合计税额).
    pub hjse: Yuan,
    /// Remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bz: Option<String>,
    /// The seller's industry.
    pub hylx: IndustryType,
    /// The lines.
    pub invoicedetail_list: Vec<MakeOutInvoiceLine>,
}

/// One line of `invoicedetail_list`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct MakeOutInvoiceLine {
    /// The line's nature.
    pub fphxz: LineNature,
    /// The 19-digit tax classification code (税收分类编码), e.g. `1090418010000000000`.
    pub spbm: String,
    /// Item name.
    pub xmmc: String,
    /// Unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dw: Option<String>,
    /// Specification or model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ggxh: Option<String>,
    /// Quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xmsl: Option<Decimal>,
    /// Unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xmdj: Option<Yuan>,
    /// Line amount excluding tax (two decimals).
    pub xmje: Yuan,
    /// Tax rate as a fraction, e.g. `"0.13"`.
    pub sl: Decimal,
    /// Line tax (two decimals).
    pub se: Yuan,
}

impl MakeOutInvoiceLine {
    /// A normal line: `xmmc` under tax code `spbm`, `xmje` excluding tax at rate `sl` with tax
    /// `se`.
    pub fn new(spbm: impl Into<String>, xmmc: impl Into<String>, xmje: Yuan, sl: Decimal, se: Yuan) -> Self {
        Self {
            fphxz: LineNature::Normal,
            spbm: spbm.into(),
            xmmc: xmmc.into(),
            dw: None,
            ggxh: None,
            xmsl: None,
            xmdj: None,
            xmje,
            sl,
            se,
        }
    }

    fn check(&self, at: &FieldPath<'_>, f: &mut Findings) {
        if self.spbm.len() != 19 || !self.spbm.bytes().all(|b| b.is_ascii_digit()) {
            f.problem(
                at.field("spbm"),
                format!("must be the 19-digit tax classification code, got {:?}", self.spbm),
            );
        }
        f.require(at.field("xmmc"), &self.xmmc);
        for (name, amount) in [("xmje", &self.xmje), ("se", &self.se)] {
            if amount.decimals() > 2 {
                f.problem(at.field(name), format!("must have at most 2 decimals, got {amount}"));
            }
        }
        if self.sl.is_negative() || self.sl >= Decimal::one() {
            f.problem(
                at.field("sl"),
                format!("must be a fraction from 0 to below 1 (0.13 for 13 %), got {}", self.sl),
            );
        }
    }
}

impl MakeOutInvoiceRequest {
    /// Every required field set (the ones WeChat answers `73xxx … empty` for), amounts with at
    /// most two decimals and not negative (lines of a discount may be), a non-empty line list
    /// with 19-digit tax codes and fractional rates. Warns, without refusing, when
    /// `jshj ≠ hjje + hjse` or the lines do not add up to `hjje` / `hjse`.
    pub fn validate(&self) -> Result<Vec<ValidationWarning>, ValidationErrors> {
        let mut f = Findings::default();
        let info = &self.invoiceinfo;
        let at = FieldPath::root("invoiceinfo");
        for (name, value) in [
            ("wxopenid", &info.wxopenid),
            ("ddh", &info.ddh),
            ("fpqqlsh", &info.fpqqlsh),
            ("nsrsbh", &info.nsrsbh),
            ("nsrmc", &info.nsrmc),
            ("nsrdz", &info.nsrdz),
            ("nsrdh", &info.nsrdh),
            ("ghfmc", &info.ghfmc),
            ("kpr", &info.kpr),
        ] {
            f.require(at.field(name), value);
        }
        for (name, amount) in [("jshj", &info.jshj), ("hjje", &info.hjje), ("hjse", &info.hjse)] {
            if amount.is_negative() || amount.decimals() > 2 {
                f.problem(
                    at.field(name),
                    format!("must be 0 or more yuan with at most 2 decimals, got {amount}"),
                );
            }
        }
        f.non_empty_list(at.field("invoicedetail_list"), &info.invoicedetail_list);
        for (i, line) in info.invoicedetail_list.iter().enumerate() {
            line.check(&at.item("invoicedetail_list", i), &mut f);
        }
        check_sums(info, &at, &mut f);
        f.finish()
    }
}

/// Warnings for totals that do not add up (in fen, when every amount has at most 2 decimals).
fn check_sums(info: &MakeOutInvoice, at: &FieldPath<'_>, f: &mut Findings) {
    let fen = |y: &Yuan| y.to_fen().map(|v| i128::from(v.0));
    if let (Some(total), Some(net), Some(tax)) = (fen(&info.jshj), fen(&info.hjje), fen(&info.hjse))
        && total != net + tax
    {
        f.warn(
            at.field("jshj"),
            format!("{} is not hjje + hjse ({} + {})", info.jshj, info.hjje, info.hjse),
        );
    }
    let lines = |pick: fn(&MakeOutInvoiceLine) -> &Yuan| {
        info.invoicedetail_list
            .iter()
            .map(|l| fen(pick(l)))
            .sum::<Option<i128>>()
    };
    for (name, total, sum) in [
        ("hjje", &info.hjje, lines(|l| &l.xmje)),
        ("hjse", &info.hjse, lines(|l| &l.se)),
    ] {
        if let (Some(expected), Some(sum)) = (fen(total), sum)
            && !info.invoicedetail_list.is_empty()
            && expected != sum
        {
            f.warn(at.field(name), format!("{total} is not the sum of the lines"));
        }
    }
}
