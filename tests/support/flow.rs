//! The invoice flow's shared set-up for the role tests: a strict-orders sandbox (inserts need a
//! real user authorization and the platform's own template), the platform, the merchant and any
//! reimbursers authorized for set 26, the platform's `s_pappid` and template, the merchant's
//! contact — and a way to issue one invoice card end to end.

use std::sync::Arc;

use wx_auth::MemoryStore;
use wx_invoice_api::InvoiceError;
use wx_invoice_types::{
    AuthField, AuthSource, AuthUrlType, Contact, CreateCardRequest, Fen, GetAuthUrlRequest, InvoiceCardRef,
};
use wx_sandbox::{CardStatus, Sandbox, UserAuthorization};

use crate::{MERCHANT, PLATFORM_OA, Platform, insert_request, now};

/// The expense SaaS the user submits invoices to.
pub const REIMBURSER: &str = "wx5eed000000000003";
/// Another reimburser the same user uses.
pub const OTHER_REIMBURSER: &str = "wx5eed000000000004";

/// See the module documentation.
#[derive(Debug)]
pub struct Flow {
    /// Sandbox, component and client.
    pub p: Platform,
    /// The platform's id from `seturl`.
    pub s_pappid: String,
    /// The platform's invoice template.
    pub card_id: String,
}

/// One issued invoice card: its code (platform side) and `{card_id, encrypt_code}` (what a
/// reimburser receives from `chooseInvoice`).
#[derive(Debug, Clone)]
pub struct Issued {
    /// The card code `insert` returned.
    pub code: String,
    /// The user's openid under the platform.
    pub openid: String,
    /// The reimburser's reference to the card.
    pub card: InvoiceCardRef,
}

/// The template every flow test creates.
pub fn template() -> CreateCardRequest {
    CreateCardRequest::new("深圳示例科技有限公司")
        .with_invoice_type("增值税电子普通发票")
        .with_logo_url("http://mmbiz.qpic.cn/mmbiz/sample-logo/0")
        .with_title("示例科技")
}

/// The merchant contact every flow test sets.
pub fn contact() -> Contact {
    Contact {
        phone: "0755-12345678".into(),
        time_out: 12345,
    }
}

/// A getauthurl request for `order_id` with an empty ticket (the client fills it).
pub fn auth_request(s_pappid: &str, order_id: &str) -> GetAuthUrlRequest {
    GetAuthUrlRequest {
        s_pappid: s_pappid.to_owned(),
        order_id: order_id.into(),
        money: Fen(10_600),
        timestamp: now(),
        source: AuthSource::Web,
        redirect_url: None,
        ticket: String::new(),
        auth_type: AuthUrlType::MerchantTitle,
    }
}

/// WeChat's code in `err`, or a panic naming what came instead.
pub fn wechat_code(err: &InvoiceError) -> i64 {
    err.errcode()
        .unwrap_or_else(|| panic!("expected a WeChat error code, got {err:?}"))
}

impl Flow {
    /// The set-up, with `more_appids` (e.g. reimbursers) also authorized for set 26.
    pub async fn start(more_appids: &[&str]) -> Self {
        let sandbox = Sandbox::builder()
            .strict_orders(true)
            .start()
            .await
            .expect("sandbox starts");
        let p = Platform::on(sandbox, Arc::new(MemoryStore::new())).await;
        for appid in [PLATFORM_OA, MERCHANT].iter().chain(more_appids) {
            p.authorize(appid, &[26]).await;
        }
        let platform = p.client.platform(PLATFORM_OA);
        let s_pappid = platform
            .set_url()
            .await
            .expect("seturl")
            .s_pappid()
            .expect("the invoice URL carries s_pappid");
        let card_id = platform.create_card(&template()).await.expect("createcard");
        p.client
            .merchant(MERCHANT)
            .set_contact(contact())
            .await
            .expect("set_contact");
        Self { p, s_pappid, card_id }
    }

    /// The merchant opens `order_id` and the simulated `user` (default user if `None`)
    /// authorizes it.
    pub async fn authorize_order(&self, order_id: &str, user: Option<&str>) {
        self.p
            .client
            .merchant(MERCHANT)
            .auth_url(&auth_request(&self.s_pappid, order_id))
            .await
            .expect("getauthurl");
        let mut authorization = UserAuthorization::new(&self.s_pappid, order_id);
        if let Some(user) = user {
            authorization = authorization.user(user);
        }
        self.p
            .sandbox
            .user_authorize(&authorization)
            .expect("the user authorizes");
    }

    /// Issues an invoice for `order_id` to the default user.
    pub async fn issue(&self, order_id: &str) -> Issued {
        self.issue_for(order_id, None, false).await
    }

    /// Issues an invoice for `order_id` to `user`, with a trip PDF if asked: authorization, PDF
    /// upload, insert. The new card is checked to start in INIT.
    pub async fn issue_for(&self, order_id: &str, user: Option<&str>, with_trip: bool) -> Issued {
        self.authorize_order(order_id, user).await;
        let media = self.p.upload(PLATFORM_OA).await;
        let mut insert = insert_request(order_id, &media);
        insert.card_id.clone_from(&self.card_id);
        if with_trip {
            insert.card_ext.user_card.invoice_user_data.s_trip_pdf_media_id = Some(self.p.upload(PLATFORM_OA).await);
        }
        let out = self.p.client.insert(PLATFORM_OA, &insert).await.expect("insert");
        let snapshot = self.p.sandbox.card(&out.code).expect("card stored");
        assert_eq!(snapshot.status, CardStatus::Init, "a new card starts in INIT");
        Issued {
            code: out.code,
            openid: out.openid,
            card: InvoiceCardRef::new(&self.card_id, snapshot.encrypt_code),
        }
    }

    /// The card's status as the sandbox holds it.
    pub fn status(&self, issued: &Issued) -> CardStatus {
        self.p.sandbox.card(&issued.code).expect("card").status
    }
}

/// The merchant side's set-up: the platform and the merchant authorized for set 26, the
/// platform's `s_pappid` known (default, non-strict sandbox).
#[derive(Debug)]
pub struct MerchantSide {
    /// Sandbox, component and client.
    pub p: Platform,
    /// The platform's id from `seturl`.
    pub s_pappid: String,
}

impl MerchantSide {
    /// The platform and merchant authorized for set 26 on a default sandbox.
    pub async fn start() -> Self {
        Self::on(Platform::start().await).await
    }

    /// The same on an existing platform.
    pub async fn on(p: Platform) -> Self {
        p.authorize(PLATFORM_OA, &[26]).await;
        p.authorize(MERCHANT, &[26]).await;
        let s_pappid = p
            .client
            .platform(PLATFORM_OA)
            .set_url()
            .await
            .expect("seturl")
            .s_pappid()
            .expect("s_pappid");
        Self { p, s_pappid }
    }

    /// The same, with the merchant's contact and authorization-page fields already set (a
    /// type-1 getauthurl needs both).
    pub async fn with_contact() -> Self {
        let m = Self::start().await;
        let merchant = m.p.client.merchant(MERCHANT);
        merchant.set_contact(contact()).await.expect("set_contact");
        merchant
            .set_auth_field(AuthField::default())
            .await
            .expect("set_auth_field");
        m
    }

    /// A getauthurl request for `order_id` with an empty ticket (the client fills it).
    pub fn auth_request(&self, order_id: &str) -> GetAuthUrlRequest {
        GetAuthUrlRequest {
            s_pappid: self.s_pappid.clone(),
            order_id: order_id.into(),
            money: Fen(10_600),
            timestamp: now(),
            source: AuthSource::Web,
            redirect_url: Some("https://shop.example.com/invoice/done".into()),
            ticket: String::new(),
            auth_type: AuthUrlType::UserTitle,
        }
    }
}

/// Asserts that `err` is a local refusal of `appid`'s call to `path` for lack of `required`,
/// with `granted` named.
pub fn assert_permission_missing(err: &InvoiceError, appid: &str, path: &str, required: &[u32], granted: &[u32]) {
    match err {
        InvoiceError::PermissionMissing {
            appid: refused_appid,
            path: refused,
            required: needed,
            granted: had,
        } => {
            assert_eq!(refused_appid, appid);
            assert_eq!(*refused, path);
            assert_eq!(*needed, required);
            assert_eq!(had.as_slice(), granted);
        }
        other => panic!("{path}: expected PermissionMissing, got {other:?}"),
    }
}
