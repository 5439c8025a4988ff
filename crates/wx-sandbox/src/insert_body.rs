//! Strict validation of the `card/invoice/insert` body (invoice-api.md §3 P5), done on
//! `serde_json::Value` so a client's serialization mistakes surface as WeChat would
//! report them: 72031 naming the field.

use serde_json::{Map, Value};

use crate::wire::{WxError, invalid_param};

/// The parts of a valid insert body the sandbox acts on.
#[derive(Debug, Clone)]
pub(crate) struct InsertBody {
    pub order_id: String,
    pub card_id: String,
    pub appid: String,
    pub billing_code: String,
    pub billing_no: String,
    pub pdf_media_id: String,
    pub trip_pdf_media_id: Option<String>,
    /// `invoice_user_data` as sent.
    pub user_data: Value,
}

const TOP_KEYS: &[&str] = &["order_id", "card_id", "appid", "card_ext"];
const CARD_EXT_KEYS: &[&str] = &["nonce_str", "user_card"];
const USER_CARD_KEYS: &[&str] = &["invoice_user_data"];
const USER_DATA_KEYS: &[&str] = &[
    "fee",
    "title",
    "billing_time",
    "billing_no",
    "billing_code",
    "info",
    "fee_without_tax",
    "tax",
    "s_pdf_media_id",
    "s_trip_pdf_media_id",
    "check_code",
    "buyer_number",
    "buyer_address_and_phone",
    "buyer_bank_account",
    "seller_number",
    "seller_address_and_phone",
    "seller_bank_account",
    "remarks",
    "cashier",
    "maker",
];
const OPTIONAL_STRINGS: &[&str] = &[
    "check_code",
    "buyer_number",
    "buyer_address_and_phone",
    "buyer_bank_account",
    "seller_number",
    "seller_address_and_phone",
    "seller_bank_account",
    "remarks",
    "cashier",
    "maker",
];
const INFO_KEYS: &[&str] = &["name", "num", "unit", "price"];

/// One JSON object being checked, with its dotted path for error messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn only_keys(&self, allowed: &[&str]) -> Result<(), WxError> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(invalid_param(&self.field(k), "is not a known key")),
            None => Ok(()),
        }
    }

    /// Present, non-null value (`None` if absent or null).
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn object(&self, key: &str) -> Result<Obj<'a>, WxError> {
        match self.get(key) {
            Some(Value::Object(map)) => Ok(Obj {
                map,
                path: self.field(key),
            }),
            Some(_) => Err(invalid_param(&self.field(key), "must be an object")),
            None => Err(invalid_param(&self.field(key), "is missing")),
        }
    }

    /// A required string; `non_empty` also rejects `""`.
    fn string(&self, key: &str, non_empty: bool) -> Result<&'a str, WxError> {
        match self.get(key) {
            Some(Value::String(s)) if non_empty && s.is_empty() => {
                Err(invalid_param(&self.field(key), "must not be empty"))
            }
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(invalid_param(&self.field(key), "must be a string")),
            None => Err(invalid_param(&self.field(key), "is missing")),
        }
    }

    fn optional_string(&self, key: &str) -> Result<Option<&'a str>, WxError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.string(key, false).map(Some),
        }
    }

    /// A required integer ≥ 0 (amounts in fen).
    fn amount(&self, key: &str) -> Result<i64, WxError> {
        match self.get(key) {
            Some(v) => {
                amount_value(v).ok_or_else(|| invalid_param(&self.field(key), "must be an integer number of fen >= 0"))
            }
            None => Err(invalid_param(&self.field(key), "is missing")),
        }
    }
}

fn amount_value(v: &Value) -> Option<i64> {
    v.as_i64().filter(|n| *n >= 0)
}

/// `billing_time`: 10-digit epoch seconds, as a number or a numeric string (WeChat's own
/// sample sends a string).
fn billing_time(data: &Obj<'_>) -> Result<i64, WxError> {
    let field = data.field("billing_time");
    let t = match data.get("billing_time") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        Some(_) => None,
        None => return Err(invalid_param(&field, "is missing")),
    };
    t.filter(|t| (1_000_000_000..10_000_000_000).contains(t))
        .ok_or_else(|| invalid_param(&field, "must be 10-digit epoch seconds"))
}

fn check_info(data: &Obj<'_>) -> Result<(), WxError> {
    let items = match data.get("info") {
        None => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid_param(&data.field("info"), "must be an array")),
    };
    for (i, item) in items.iter().enumerate() {
        let path = format!("{}[{i}]", data.field("info"));
        let Value::Object(map) = item else {
            return Err(invalid_param(&path, "must be an object"));
        };
        let item = Obj { map, path };
        item.only_keys(INFO_KEYS)?;
        item.string("name", true)?;
        item.amount("price")?;
        item.optional_string("unit")?;
        if let Some(num) = item.get("num")
            && amount_value(num).is_none()
        {
            return Err(invalid_param(&item.field("num"), "must be an integer >= 0"));
        }
    }
    Ok(())
}

/// Validates an insert body, first error wins.
pub(crate) fn parse(body: &Map<String, Value>) -> Result<InsertBody, WxError> {
    let top = Obj {
        map: body,
        path: String::new(),
    };
    top.only_keys(TOP_KEYS)?;
    let order_id = top.string("order_id", true)?;
    let card_id = top.string("card_id", true)?;
    let appid = top.string("appid", true)?;
    let card_ext = top.object("card_ext")?;
    card_ext.only_keys(CARD_EXT_KEYS)?;
    card_ext.string("nonce_str", true)?;
    let user_card = card_ext.object("user_card")?;
    user_card.only_keys(USER_CARD_KEYS)?;
    let data = user_card.object("invoice_user_data")?;
    data.only_keys(USER_DATA_KEYS)?;
    data.amount("fee")?;
    data.string("title", true)?;
    billing_time(&data)?;
    let billing_no = data.string("billing_no", true)?;
    let billing_code = data.string("billing_code", false)?;
    check_info(&data)?;
    data.amount("fee_without_tax")?;
    data.amount("tax")?;
    let pdf_media_id = data.string("s_pdf_media_id", true)?;
    let trip_pdf_media_id = data.optional_string("s_trip_pdf_media_id")?.filter(|s| !s.is_empty());
    for key in OPTIONAL_STRINGS {
        data.optional_string(key)?;
    }
    Ok(InsertBody {
        order_id: order_id.to_owned(),
        card_id: card_id.to_owned(),
        appid: appid.to_owned(),
        billing_code: billing_code.to_owned(),
        billing_no: billing_no.to_owned(),
        pdf_media_id: pdf_media_id.to_owned(),
        trip_pdf_media_id: trip_pdf_media_id.map(str::to_owned),
        user_data: Value::Object(data.map.clone()),
    })
}
