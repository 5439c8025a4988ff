//! Realistic, valid requests shared by the allocation tests and the benchmarks: a 20-item
//! insert with every optional field set, and one valid body of every other request type.

use wx_invoice_types::{
    AuthField, AuthSource, AuthUrlType, BillingNo, BizField, Contact, CreateCardRequest, CustomField,
    DecryptCodeRequest, Fen, GetAuthDataRequest, GetAuthUrlRequest, GetInvoiceBatchRequest, GetUserTitleUrlRequest,
    InsertInvoiceRequest, InvoiceCardRef, InvoiceItem, InvoiceUserData, OrderId, PayMchInfo, ReimburseStatus,
    RejectInsertRequest, ScanTitleRequest, SetBizAttrRequest, UpdateInvoiceStatusRequest, UpdateStatusBatchRequest,
    UpdateStatusRequest, UserField,
};

/// Number of line items / list entries in the samples.
pub const ITEMS: usize = 20;

/// A 数电 invoice with 20 line items and every optional field set; amounts add up, so it
/// validates without a warning.
pub fn insert_request() -> InsertInvoiceRequest {
    let items: Vec<InvoiceItem> = (1..=ITEMS)
        .map(|i| {
            InvoiceItem::new(format!("*信息技术服务*软件维护服务第{i}期"), Fen(12_345))
                .with_num(2)
                .with_unit("项")
        })
        .collect();
    let count = i64::try_from(ITEMS).unwrap_or(i64::MAX);
    let fee_without_tax = Fen(12_345 * 2 * count);
    let tax = Fen(fee_without_tax.0 * 6 / 100);
    let data = InvoiceUserData::digital(BillingNo::new("24442000000123456789"))
        .with_title("深圳市某某信息技术有限公司")
        .with_billing_time(1_700_000_000)
        .with_pdf("3035943877")
        .with_trip_pdf("3035943878")
        .with_amounts(fee_without_tax, tax)
        .with_items(items)
        .with_buyer_number("91440300MA5EXAMPLE")
        .with_buyer_address_and_phone("深圳市南山区科技园 0755-12345678")
        .with_buyer_bank_account("招商银行深圳分行 755912345678901")
        .with_seller_number("91440300MA5SELLER1")
        .with_seller_address_and_phone("深圳市福田区 0755-87654321")
        .with_seller_bank_account("中国银行深圳分行 7559000000001")
        .with_remarks("订单 2023-11-14-000123")
        .with_cashier("张三")
        .with_maker("李四");
    InsertInvoiceRequest::new(OrderId::new("order-2023-11-14-000123"), data)
        .with_card_id("pjZ8Yt9WoOePThU0NfUKz5-tBEWU")
        .with_appid("wxbeef000000000002")
        .with_nonce_str("k3Vd9QmX2pLr7Tz0")
}

/// 20 submitted cards.
pub fn cards() -> Vec<InvoiceCardRef> {
    (0..ITEMS)
        .map(|i| {
            InvoiceCardRef::new(
                "pjZ8Yt9WoOePThU0NfUKz5-tBEWU",
                format!("O/mPnGTpBu22a1szmK2OgzAtpEVKE7J8{i:02}"),
            )
        })
        .collect()
}

fn custom_fields(prefix: &str) -> Vec<CustomField> {
    (0..ITEMS / 2)
        .map(|i| CustomField {
            key: format!("{prefix}{i}"),
            is_require: Some(i % 2 == 0),
            notice: Some("请填写".into()),
        })
        .collect()
}

/// `set_auth_field` body with 20 custom fields (10 per title kind).
pub fn auth_field_request() -> SetBizAttrRequest {
    SetBizAttrRequest::auth_field(AuthField {
        user_field: UserField {
            show_title: Some(true),
            show_phone: Some(true),
            show_email: Some(true),
            require_phone: Some(true),
            require_email: Some(false),
            custom_field: custom_fields("个人字段"),
        },
        biz_field: BizField {
            show_title: Some(true),
            show_tax_no: Some(true),
            require_tax_no: Some(true),
            custom_field: custom_fields("企业字段"),
            ..BizField::default()
        },
    })
}

/// `set_pay_mch` body.
pub fn pay_mch_request() -> SetBizAttrRequest {
    SetBizAttrRequest::pay_mch(PayMchInfo {
        mchid: "1234567890".into(),
        s_pappid: "d3hmM2QzM2U3YTdlOGFlOTBiX1BYq+GHn4NhlQ==".into(),
    })
}

/// `set_contact` body.
pub fn contact_request() -> SetBizAttrRequest {
    SetBizAttrRequest::contact(Contact {
        phone: "0755-12345678".into(),
        time_out: 12345,
    })
}

/// `getauthurl` body.
pub fn auth_url_request() -> GetAuthUrlRequest {
    GetAuthUrlRequest {
        s_pappid: "d3hmM2QzM2U3YTdlOGFlOTBiX1BYq+GHn4NhlQ==".into(),
        order_id: "order-2023-11-14-000123".into(),
        money: Fen(523_770),
        timestamp: 1_700_000_000,
        source: AuthSource::Web,
        redirect_url: Some("https://merchant.example/invoice/done".into()),
        ticket: "bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA".into(),
        auth_type: AuthUrlType::UserTitle,
    }
}

/// `getauthdata` body.
pub fn auth_data_request() -> GetAuthDataRequest {
    GetAuthDataRequest::new(
        "d3hmM2QzM2U3YTdlOGFlOTBiX1BYq+GHn4NhlQ==",
        OrderId::new("order-2023-11-14-000123"),
    )
}

/// `rejectinsert` body.
pub fn reject_request() -> RejectInsertRequest {
    RejectInsertRequest {
        s_pappid: "d3hmM2QzM2U3YTdlOGFlOTBiX1BYq+GHn4NhlQ==".into(),
        order_id: "order-2023-11-14-000123".into(),
        reason: "订单已退款".into(),
        url: Some("https://merchant.example/refund".into()),
    }
}

/// `createcard` body with every optional entry set.
pub fn create_card_request() -> CreateCardRequest {
    CreateCardRequest::new("深圳市某某信息技术有限公司")
        .with_invoice_type("广东省增值税普通发票")
        .with_logo_url(
            "http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZJkmG8xXhiaHqkKSVMMWeN3hLut7X7hicFNjakmxibMLGWpXrEXB33367o7zHN0CwngnQY7zb7g/0",
        )
        .with_title("某某信息")
        .with_custom_url("查看详情", "https://merchant.example/invoice")
        .with_custom_url_sub_title("点击查看")
        .with_promotion_url("更多优惠", "https://merchant.example/promo")
        .with_promotion_url_sub_title("限时活动")
}

/// `card/code/decrypt` body.
pub fn decrypt_request() -> DecryptCodeRequest {
    DecryptCodeRequest::new("XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE")
}

/// `getinvoicebatch` body with 20 cards.
pub fn invoice_batch_request() -> GetInvoiceBatchRequest {
    GetInvoiceBatchRequest { item_list: cards() }
}

/// `updateinvoicestatus` body.
pub fn update_invoice_status_request() -> UpdateInvoiceStatusRequest {
    UpdateInvoiceStatusRequest::new(
        InvoiceCardRef::new("pjZ8Yt9WoOePThU0NfUKz5-tBEWU", "O/mPnGTpBu22a1szmK2OgzAtpEVKE7J8"),
        ReimburseStatus::Lock,
    )
}

/// `updatestatusbatch` body with 20 cards.
pub fn update_status_batch_request() -> UpdateStatusBatchRequest {
    UpdateStatusBatchRequest {
        openid: "oV-gpwdQ0Ln5ayl3Rj5nObTZWyWc".into(),
        reimburse_status: ReimburseStatus::Closure,
        invoice_list: cards(),
    }
}

/// `platform/updatestatus` body.
pub fn update_status_request() -> UpdateStatusRequest {
    UpdateStatusRequest::new("pjZ8Yt9WoOePThU0NfUKz5-tBEWU", "682xxxx661927", ReimburseStatus::Cancel)
}

/// `getusertitleurl` body with a well-formed phone and taxpayer id.
pub fn user_title_url_request() -> GetUserTitleUrlRequest {
    GetUserTitleUrlRequest {
        user_fill: Some(false),
        title: Some("深圳市某某信息技术有限公司".into()),
        phone: Some("0755-12345678".into()),
        tax_no: Some("91440300MA5EXAMPLE".into()),
        addr: Some("深圳市南山区科技园".into()),
        bank_type: Some("招商银行".into()),
        bank_no: Some("755912345678901".into()),
        out_title_id: Some("title-1".into()),
    }
}

/// `scantitle` body.
pub fn scan_title_request() -> ScanTitleRequest {
    ScanTitleRequest::new("https://mp.weixin.qq.com/intp/invoice/usertitlewxa?action=list_auth&invoice_key=gOD")
}
