//! The decrypted XML of each push, and the encrypted envelope around it.

use std::fmt::Write;

use crate::events::SandboxEvent;
use crate::ids;

/// CDATA-wrapped text (a `]]>` inside is split so the XML stays well-formed).
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

fn element(out: &mut String, name: &str, text: &str) {
    let _ = write!(out, "<{name}>{}</{name}>", cdata(text));
}

fn number(out: &mut String, name: &str, value: i64) {
    let _ = write!(out, "<{name}>{value}</{name}>");
}

/// The plaintext XML of `event`, created at `now` (unix seconds).
pub(crate) fn plaintext(event: &SandboxEvent, component_appid: &str, now: i64) -> String {
    let mut x = String::from("<xml>");
    match event {
        SandboxEvent::ComponentVerifyTicket { ticket } => {
            element(&mut x, "AppId", component_appid);
            number(&mut x, "CreateTime", now);
            element(&mut x, "InfoType", "component_verify_ticket");
            element(&mut x, "ComponentVerifyTicket", ticket);
        }
        SandboxEvent::Authorized {
            authorizer_appid,
            authorization_code,
        }
        | SandboxEvent::UpdateAuthorized {
            authorizer_appid,
            authorization_code,
        } => {
            let info_type = if matches!(event, SandboxEvent::Authorized { .. }) {
                "authorized"
            } else {
                "updateauthorized"
            };
            element(&mut x, "AppId", component_appid);
            number(&mut x, "CreateTime", now);
            element(&mut x, "InfoType", info_type);
            element(&mut x, "AuthorizerAppid", authorizer_appid);
            element(&mut x, "AuthorizationCode", authorization_code);
            number(&mut x, "AuthorizationCodeExpiredTime", now + 3600);
            element(&mut x, "PreAuthCode", &ids::prefixed("preauthcode", 48));
        }
        SandboxEvent::Unauthorized { authorizer_appid } => {
            element(&mut x, "AppId", component_appid);
            number(&mut x, "CreateTime", now);
            element(&mut x, "InfoType", "unauthorized");
            element(&mut x, "AuthorizerAppid", authorizer_appid);
        }
        SandboxEvent::UserAuthorizeInvoice {
            merchant_appid,
            order_id,
            s_pappid,
            source,
            openid,
        }
        | SandboxEvent::UserAuthorizeInvoiceFailed {
            merchant_appid,
            order_id,
            s_pappid,
            source,
            openid,
        } => {
            let failed = matches!(event, SandboxEvent::UserAuthorizeInvoiceFailed { .. });
            let (succ, fail) = if failed {
                ("", order_id.as_str())
            } else {
                (order_id.as_str(), "")
            };
            element(&mut x, "ToUserName", &ids::gh_name(merchant_appid));
            element(&mut x, "FromUserName", openid);
            number(&mut x, "CreateTime", now);
            element(&mut x, "MsgType", "event");
            element(&mut x, "Event", "user_authorize_invoice");
            element(&mut x, "SuccOrderId", succ);
            element(&mut x, "FailOrderId", fail);
            element(&mut x, "AuthorizeAppId", merchant_appid);
            element(&mut x, "Source", source);
            element(&mut x, "SPAppId", s_pappid);
        }
        SandboxEvent::UpdateInvoiceStatus {
            to_appid,
            card_id,
            code,
            status,
            openid,
        } => {
            element(&mut x, "ToUserName", &ids::gh_name(to_appid));
            element(&mut x, "FromUserName", openid);
            number(&mut x, "CreateTime", now);
            element(&mut x, "MsgType", "event");
            element(&mut x, "Event", "update_invoice_status");
            element(&mut x, "Status", status);
            element(&mut x, "CardId", card_id);
            element(&mut x, "Code", code);
        }
        SandboxEvent::CloudInvoiceResult {
            to_appid,
            fpqqlsh,
            nsrsbh,
            status,
            openid,
        } => {
            element(&mut x, "ToUserName", &ids::gh_name(to_appid));
            element(&mut x, "FromUserName", openid);
            number(&mut x, "CreateTime", now);
            element(&mut x, "MsgType", "event");
            element(&mut x, "Event", "cloud_invoice_invoiceresult_event");
            element(&mut x, "fpqqlsh", fpqqlsh);
            element(&mut x, "nsrsbh", nsrsbh);
            number(&mut x, "status", *status);
        }
    }
    x.push_str("</xml>");
    x
}

/// The encrypted envelope: `<AppId>` for component pushes, `<ToUserName>` for message
/// pushes.
pub(crate) fn envelope(sibling: (&str, &str), encrypt: &str) -> String {
    let (name, value) = sibling;
    format!(
        "<xml><{name}>{}</{name}><Encrypt>{}</Encrypt></xml>",
        cdata(value),
        cdata(encrypt)
    )
}
