//! The merchant's endpoints (spec invoice-api §4, M1–M5, and the title APIs of §6, T1–T3).

use std::fmt;

use wx_auth::transport::{ApiCall, CallBody, CallMethod, QueryPairs, Repeat, Requirement};
use wx_invoice_types::{
    BizAttrAction, BizAttrResponse, EmptyBody, GetAuthDataRequest, GetAuthDataResponse, GetAuthUrlRequest,
    GetAuthUrlResponse, GetSelectTitleUrlRequest, GetUserTitleUrlRequest, RejectInsertRequest, ScanTitleRequest,
    ScanTitleResponse, SetBizAttrRequest, TicketResponse, TitleUrlResponse,
};

use super::E_INVOICE;

/// M1 `GET cgi-bin/ticket/getticket?type=wx_card`: the merchant's `wx_card` api ticket. A read
/// (the ticket stays the same until it expires); no permission set is listed for it.
#[derive(Debug, Clone, Copy, Default)]
pub struct GetTicket;

impl GetTicket {
    /// The API path.
    pub const PATH: &'static str = "/cgi-bin/ticket/getticket";
}

impl ApiCall for GetTicket {
    type Output = TicketResponse;
    fn path(&self) -> &'static str {
        Self::PATH
    }
    fn method(&self) -> CallMethod {
        CallMethod::Get
    }
    fn query(&self, pairs: &mut QueryPairs<'_>) {
        pairs.push("type", "wx_card");
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        Ok(CallBody::Empty)
    }
    fn repeat(&self) -> Repeat {
        Repeat::Safe
    }
    fn requirement(&self) -> Requirement {
        Requirement::Unchecked
    }
}

json_call! {
    /// M2 `card/invoice/getauthurl`: the page where the user authorizes invoicing for an order.
    /// Safe to repeat: a repeat only makes another link for the same order.
    GetAuthUrl(GetAuthUrlRequest) -> GetAuthUrlResponse {
        path: "/card/invoice/getauthurl",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// M3 `card/invoice/getauthdata`: whether (and with what title) the user authorized an
    /// order. A read.
    GetAuthData(GetAuthDataRequest) -> GetAuthDataResponse {
        path: "/card/invoice/getauthdata",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// M4 `card/invoice/rejectinsert`: refuses to invoice an authorized order, for good. Never
    /// repeated: WeChat's answer to a repeated rejection is not documented.
    RejectInsert(RejectInsertRequest) -> EmptyBody {
        path: "/card/invoice/rejectinsert",
        requires: E_INVOICE,
        repeat: Repeat::Never,
    }
}

/// M5 `card/invoice/setbizattr?action=…`: the authorization page's settings. Safe to repeat:
/// the `get_*` actions read, the `set_*` actions overwrite with the same value.
#[derive(Clone, Copy)]
pub struct SetBizAttr<'a> {
    /// The action (query parameter `action`).
    pub action: BizAttrAction,
    /// The body for that action.
    pub body: &'a SetBizAttrRequest,
}

impl SetBizAttr<'_> {
    /// The API path.
    pub const PATH: &'static str = "/card/invoice/setbizattr";
}

impl fmt::Debug for SetBizAttr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetBizAttr")
            .field("action", &self.action.as_str())
            .finish_non_exhaustive()
    }
}

impl ApiCall for SetBizAttr<'_> {
    type Output = BizAttrResponse;
    fn path(&self) -> &'static str {
        Self::PATH
    }
    fn query(&self, pairs: &mut QueryPairs<'_>) {
        pairs.push("action", self.action.as_str());
    }
    fn body(&self) -> Result<CallBody, serde_json::Error> {
        CallBody::json(self.body)
    }
    fn repeat(&self) -> Repeat {
        Repeat::Safe
    }
    fn requirement(&self) -> Requirement {
        E_INVOICE
    }
}

json_call! {
    /// T1 `card/invoice/biz/getusertitleurl`: a link that saves a title into the user's WeChat.
    /// Safe to repeat: a repeat only makes another link.
    GetUserTitleUrl(GetUserTitleUrlRequest) -> TitleUrlResponse {
        path: "/card/invoice/biz/getusertitleurl",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// T2 `card/invoice/biz/getselecttitleurl`: the merchant's "select a title" link. A read.
    GetSelectTitleUrl(GetSelectTitleUrlRequest) -> TitleUrlResponse {
        path: "/card/invoice/biz/getselecttitleurl",
        requires: E_INVOICE,
        repeat: Repeat::Safe,
    }
}

json_call! {
    /// T3 `card/invoice/scantitle`: parses a scanned title QR code. A read; a third-party
    /// platform may not make it for a merchant.
    ScanTitle(ScanTitleRequest) -> ScanTitleResponse {
        path: "/card/invoice/scantitle",
        requires: Requirement::NotForThirdParty,
        repeat: Repeat::Safe,
    }
}
