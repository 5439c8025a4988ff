//! Named constructors and `with_*` setters of the insert request types.
//!
//! Required fields that are easy to confuse come in as their own types (an [`OrderId`], a
//! [`BillingNo`], a [`BillingCode`]); every other field is set by its name. Nothing here
//! checks values: [`InsertInvoiceRequest::validate`] reports every problem at once.

use super::{CardExt, InsertInvoiceRequest, InsertUserCard, InvoiceItem, InvoiceUserData};
use crate::ids::{BillingCode, BillingNo, OrderId};
use crate::money::Fen;

impl InsertInvoiceRequest {
    /// A request inserting `invoice_user_data` for the authorized `order_id`.
    ///
    /// Set the template with [`with_card_id`](Self::with_card_id) and the authorizing appid
    /// with [`with_appid`](Self::with_appid) — both are required, and `validate()` names them
    /// if they are missing. `nonce_str` starts empty, which the client fills with a random one.
    pub fn new(order_id: OrderId, invoice_user_data: InvoiceUserData) -> Self {
        Self {
            order_id,
            card_id: String::new(),
            appid: String::new(),
            card_ext: CardExt {
                nonce_str: String::new(),
                user_card: InsertUserCard { invoice_user_data },
            },
        }
    }

    /// Sets `card_id`: the invoice card template from `platform/createcard`.
    pub fn with_card_id(mut self, card_id: impl Into<String>) -> Self {
        self.card_id = card_id.into();
        self
    }

    /// Sets `appid`: the appid the order was authorized under (the merchant's; the
    /// `AuthorizeAppId` of the `user_authorize_invoice` event).
    pub fn with_appid(mut self, appid: impl Into<String>) -> Self {
        self.appid = appid.into();
        self
    }

    /// Sets `card_ext.nonce_str`, the anti-replay nonce (16–32 of `[A-Za-z0-9]`).
    pub fn with_nonce_str(mut self, nonce_str: impl Into<String>) -> Self {
        self.card_ext.nonce_str = nonce_str.into();
        self
    }

    /// The invoice face data (`card_ext.user_card.invoice_user_data`).
    pub fn invoice_user_data(&self) -> &InvoiceUserData {
        &self.card_ext.user_card.invoice_user_data
    }

    /// The invoice face data, to change in place.
    pub fn invoice_user_data_mut(&mut self) -> &mut InvoiceUserData {
        &mut self.card_ext.user_card.invoice_user_data
    }
}

impl InvoiceUserData {
    /// Face data of a 数电 (fully digital) invoice: its 20-digit number, no invoice code and no
    /// check code (both sent as `""`). Everything else starts empty or zero.
    pub fn digital(billing_no: BillingNo) -> Self {
        Self {
            billing_no,
            ..Self::default()
        }
    }

    /// Face data of an invoice from the tax-control system, which prints an invoice code
    /// (发票代码) beside its number (发票号码). Set its check code with
    /// [`with_check_code`](Self::with_check_code) when it has one.
    pub fn tax_control(billing_code: BillingCode, billing_no: BillingNo) -> Self {
        Self {
            billing_no,
            billing_code,
            ..Self::default()
        }
    }

    /// Sets `title`: the buyer title (抬头) exactly as printed on the invoice.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets `billing_time`: when the invoice was issued, in Unix seconds (10 digits).
    pub fn with_billing_time(mut self, unix_seconds: i64) -> Self {
        self.billing_time = unix_seconds;
        self
    }

    /// Sets `s_pdf_media_id`: the `s_media_id` that `platform/setpdf` returned for the
    /// invoice PDF (valid 3 days).
    pub fn with_pdf(mut self, s_media_id: impl Into<String>) -> Self {
        self.s_pdf_media_id = s_media_id.into();
        self
    }

    /// Sets `s_trip_pdf_media_id`: the `s_media_id` of an extra voucher PDF (itinerary,
    /// hotel folio…).
    pub fn with_trip_pdf(mut self, s_media_id: impl Into<String>) -> Self {
        self.s_trip_pdf_media_id = Some(s_media_id.into());
        self
    }

    /// Sets the amount excluding tax (金额) and the tax (税额), and `fee` (价税合计) to their
    /// sum, so the three always agree. (A sum beyond `i64` is capped; `validate()` then warns.)
    pub fn with_amounts(mut self, fee_without_tax: Fen, tax: Fen) -> Self {
        self.fee_without_tax = fee_without_tax;
        self.tax = tax;
        self.fee = Fen(fee_without_tax.0.saturating_add(tax.0));
        self
    }

    /// Sets the line items (`info`).
    pub fn with_items(mut self, items: Vec<InvoiceItem>) -> Self {
        self.info = Some(items);
        self
    }

    /// Adds one line item to `info`.
    pub fn with_item(mut self, item: InvoiceItem) -> Self {
        self.info.get_or_insert_with(Vec::new).push(item);
        self
    }

    /// Sets the check code (校验码); leave it `""` for 数电 invoices.
    pub fn with_check_code(mut self, check_code: impl Into<String>) -> Self {
        self.check_code = check_code.into();
        self
    }

    /// Sets `buyer_number`: the buyer's taxpayer id (纳税人识别号).
    pub fn with_buyer_number(mut self, buyer_number: impl Into<String>) -> Self {
        self.buyer_number = Some(buyer_number.into());
        self
    }

    /// Sets `buyer_address_and_phone`.
    pub fn with_buyer_address_and_phone(mut self, address_and_phone: impl Into<String>) -> Self {
        self.buyer_address_and_phone = Some(address_and_phone.into());
        self
    }

    /// Sets `buyer_bank_account`: bank and account number.
    pub fn with_buyer_bank_account(mut self, bank_account: impl Into<String>) -> Self {
        self.buyer_bank_account = Some(bank_account.into());
        self
    }

    /// Sets `seller_number`: the seller's taxpayer id.
    pub fn with_seller_number(mut self, seller_number: impl Into<String>) -> Self {
        self.seller_number = Some(seller_number.into());
        self
    }

    /// Sets `seller_address_and_phone`.
    pub fn with_seller_address_and_phone(mut self, address_and_phone: impl Into<String>) -> Self {
        self.seller_address_and_phone = Some(address_and_phone.into());
        self
    }

    /// Sets `seller_bank_account`: bank and account number.
    pub fn with_seller_bank_account(mut self, bank_account: impl Into<String>) -> Self {
        self.seller_bank_account = Some(bank_account.into());
        self
    }

    /// Sets `remarks` (备注).
    pub fn with_remarks(mut self, remarks: impl Into<String>) -> Self {
        self.remarks = Some(remarks.into());
        self
    }

    /// Sets `cashier`: the payee person (收款人).
    pub fn with_cashier(mut self, cashier: impl Into<String>) -> Self {
        self.cashier = Some(cashier.into());
        self
    }

    /// Sets `maker`: the drawer (开票人).
    pub fn with_maker(mut self, maker: impl Into<String>) -> Self {
        self.maker = Some(maker.into());
        self
    }

    /// Whether this is a 数电 (fully digital) invoice, i.e. `billing_code` is empty.
    pub fn is_digital(&self) -> bool {
        self.billing_code.is_blank()
    }
}

impl InvoiceItem {
    /// An item with a name and unit price; quantity and unit unset.
    pub fn new(name: impl Into<String>, price: Fen) -> Self {
        Self {
            name: name.into(),
            num: None,
            unit: None,
            price,
        }
    }

    /// Sets the quantity (`num`).
    pub fn with_num(mut self, num: i64) -> Self {
        self.num = Some(num);
        self
    }

    /// Sets the unit (`unit`), e.g. `个`.
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }
}
