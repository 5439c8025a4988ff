//! Inserted invoice cards and their reimbursement status.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::ids;
use crate::wire::{WxError, code};

/// The `reimburse_status` of an inserted invoice card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum CardStatus {
    /// `INVOICE_REIMBURSE_INIT`: in the wallet, may be submitted.
    #[serde(rename = "INVOICE_REIMBURSE_INIT")]
    Init,
    /// `INVOICE_REIMBURSE_LOCK`: locked in a reimburser's expense flow.
    #[serde(rename = "INVOICE_REIMBURSE_LOCK")]
    Lock,
    /// `INVOICE_REIMBURSE_CLOSURE`: reimbursed, final.
    #[serde(rename = "INVOICE_REIMBURSE_CLOSURE")]
    Closure,
    /// `INVOICE_REIMBURSE_CANCEL`: red-flushed / voided by the platform, final.
    #[serde(rename = "INVOICE_REIMBURSE_CANCEL")]
    Cancel,
}

impl CardStatus {
    /// The wire spelling, e.g. `INVOICE_REIMBURSE_INIT`.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::Init => "INVOICE_REIMBURSE_INIT",
            Self::Lock => "INVOICE_REIMBURSE_LOCK",
            Self::Closure => "INVOICE_REIMBURSE_CLOSURE",
            Self::Cancel => "INVOICE_REIMBURSE_CANCEL",
        }
    }

    /// Parses the wire spelling.
    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "INVOICE_REIMBURSE_INIT" => Some(Self::Init),
            "INVOICE_REIMBURSE_LOCK" => Some(Self::Lock),
            "INVOICE_REIMBURSE_CLOSURE" => Some(Self::Closure),
            "INVOICE_REIMBURSE_CANCEL" => Some(Self::Cancel),
            _ => None,
        }
    }
}

/// A copy of an inserted invoice card's state, for assertions in tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CardSnapshot {
    /// The card code returned by `card/invoice/insert`.
    pub code: String,
    /// The `encrypt_code` a reimburser would receive for this card.
    pub encrypt_code: String,
    /// The merchant's `order_id`.
    pub order_id: String,
    /// The invoice template id.
    pub card_id: String,
    /// The body `appid` of the insert: the appid the order was authorized with.
    pub appid: String,
    /// The account whose token inserted the card (the invoicing platform).
    pub platform_appid: String,
    /// The user's openid under the platform account.
    pub openid: String,
    /// The current reimbursement status.
    pub status: CardStatus,
    /// The reimburser appid holding the lock, while `status` is `Lock`.
    pub locked_by: Option<String>,
    /// `card_ext.user_card.invoice_user_data` exactly as inserted.
    pub fields: Value,
    /// The simulated user holding the card.
    #[serde(skip)]
    pub(crate) user: String,
}

/// What an `encrypt_code` stands for.
#[derive(Debug, Clone)]
pub(crate) struct EncryptCode {
    /// The card code.
    pub code: String,
    /// The reimburser the user submitted the card to with this code (`None`: the card's own
    /// encrypt code, as in jump links, usable by any account).
    pub reimburser: Option<String>,
}

/// All cards, plus the uniqueness indexes insert checks.
#[derive(Debug, Default)]
pub(crate) struct Cards {
    pub by_code: HashMap<String, CardSnapshot>,
    pub by_encrypt_code: HashMap<String, EncryptCode>,
    /// The encrypt code handed to each (card code, reimburser appid).
    submitted: HashMap<(String, String), String>,
    /// (body appid, order_id) of every inserted card.
    pub orders: HashSet<(String, String)>,
    /// (billing_code, billing_no) of every inserted card.
    pub billing: HashSet<(String, String)>,
    /// openid per (platform appid, simulated user).
    openids: HashMap<(String, String), String>,
}

impl Cards {
    /// The stable openid of `user` under `appid`.
    pub(crate) fn openid(&mut self, appid: &str, user: &str) -> String {
        self.openids
            .entry((appid.to_owned(), user.to_owned()))
            .or_insert_with(ids::openid)
            .clone()
    }

    /// The openid of `user` under `appid`, if one was handed out.
    pub(crate) fn openid_if_known(&self, appid: &str, user: &str) -> Option<String> {
        self.openids.get(&(appid.to_owned(), user.to_owned())).cloned()
    }

    /// Whether `openid` is one the sandbox handed out under `appid`.
    pub(crate) fn is_openid_of(&self, appid: &str, openid: &str) -> bool {
        self.openids.iter().any(|((a, _), o)| a == appid && o == openid)
    }

    /// A card code not used yet.
    pub(crate) fn fresh_code(&self) -> String {
        loop {
            let c = ids::digits(12);
            if !self.by_code.contains_key(&c) {
                return c;
            }
        }
    }

    /// Stores a new card.
    pub(crate) fn insert(&mut self, card: CardSnapshot, billing: (String, String)) {
        self.orders.insert((card.appid.clone(), card.order_id.clone()));
        self.billing.insert(billing);
        self.by_encrypt_code.insert(
            card.encrypt_code.clone(),
            EncryptCode {
                code: card.code.clone(),
                reimburser: None,
            },
        );
        self.by_code.insert(card.code.clone(), card);
    }

    /// The user submits card `code` to `reimburser` (as chooseInvoice in its page): the
    /// encrypt code only that reimburser may use (stable per card and reimburser).
    pub(crate) fn submit(&mut self, code: &str, reimburser: &str) -> Option<String> {
        if !self.by_code.contains_key(code) {
            return None;
        }
        let key = (code.to_owned(), reimburser.to_owned());
        if let Some(existing) = self.submitted.get(&key) {
            return Some(existing.clone());
        }
        let encrypt_code = ids::alphanumeric(64);
        self.by_encrypt_code.insert(
            encrypt_code.clone(),
            EncryptCode {
                code: code.to_owned(),
                reimburser: Some(reimburser.to_owned()),
            },
        );
        self.submitted.insert(key, encrypt_code.clone());
        Some(encrypt_code)
    }
}

/// Status changes the invoicing platform may make with `platform/updatestatus`:
/// INIT/LOCK → CANCEL (red-flush), INIT/LOCK → CLOSURE (reimbursed elsewhere), INIT → INIT.
/// Final states answer 72060 (CANCEL) / 72061 (CLOSURE); anything else 72024.
pub(crate) fn platform_change(from: CardStatus, to: CardStatus) -> Result<(), WxError> {
    match (from, to) {
        (CardStatus::Cancel, _) => Err(cancelled()),
        (CardStatus::Closure, _) => Err(closed()),
        (_, CardStatus::Cancel | CardStatus::Closure) | (CardStatus::Init, CardStatus::Init) => Ok(()),
        (CardStatus::Lock, CardStatus::Init) => Err(WxError::new(
            code::INVOICE_STATUS_ERROR,
            "invoice status error: only the reimburser holding the lock can unlock it",
        )),
        (_, CardStatus::Lock) => Err(WxError::new(
            code::INVOICE_STATUS_ERROR,
            "invoice status error: the platform cannot lock a card",
        )),
    }
}

pub(crate) fn cancelled() -> WxError {
    WxError::new(code::INVOICE_CANCELLED, "invoice cancelled")
}

pub(crate) fn closed() -> WxError {
    WxError::new(code::INVOICE_CLOSED, "invoice closed")
}

/// Status changes a reimburser may make (R3/R4): INIT → LOCK, LOCK → INIT / CLOSURE by the
/// lock holder, same-state no-ops. CLOSURE without a lock → 72039; a lock held by another
/// reimburser → 72023; CANCEL is the platform's → 72024; final states → 72060 / 72061.
pub(crate) fn reimburser_change(card: &CardSnapshot, reimburser: &str, to: CardStatus) -> Result<(), WxError> {
    let holder_ok = || match &card.locked_by {
        Some(holder) if holder != reimburser => Err(WxError::new(
            code::INVOICE_LOCKED_BY_OTHERS,
            "invoice has been lock by others",
        )),
        _ => Ok(()),
    };
    match (card.status, to) {
        (CardStatus::Cancel, _) => Err(cancelled()),
        (CardStatus::Closure, _) => Err(closed()),
        (_, CardStatus::Cancel) => Err(WxError::new(
            code::INVOICE_STATUS_ERROR,
            "invoice status error: only the invoicing platform can cancel a card",
        )),
        (CardStatus::Init, CardStatus::Init | CardStatus::Lock) => Ok(()),
        (CardStatus::Init, CardStatus::Closure) => {
            Err(WxError::new(code::MUST_LOCK_FIRST, "invoice must be lock first"))
        }
        (CardStatus::Lock, _) => holder_ok(),
    }
}
