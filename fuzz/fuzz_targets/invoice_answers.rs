//! Fuzzes the decoding of the invoice calls' answers WeChat sends most: insert, getinvoiceinfo
//! and getinvoicebatch. The first byte picks the call, the rest is the body. Must never panic,
//! and an error must never quote the body's values beyond what the SDK allows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wx_auth::fuzzing::answer;
use wx_invoice_types::{GetInvoiceBatchResponse, InsertInvoiceResponse, ReimburseInvoice};

fuzz_target!(|data: &[u8]| {
    let Some((which, body)) = data.split_first() else { return };
    let result = match which % 3 {
        0 => answer::<InsertInvoiceResponse>(body, "/card/invoice/insert").map(drop),
        1 => answer::<ReimburseInvoice>(body, "/card/invoice/reimburse/getinvoiceinfo").map(drop),
        _ => answer::<GetInvoiceBatchResponse>(body, "/card/invoice/reimburse/getinvoicebatch").map(drop),
    };
    if let Err(e) = result {
        let _ = e.to_string();
    }
});
