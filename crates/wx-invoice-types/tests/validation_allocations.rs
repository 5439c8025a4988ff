//! Validating a valid request allocates nothing: field paths and messages are written out only
//! for a finding. Counted with a per-thread counting global allocator, so tests running in
//! parallel do not disturb each other.
#![allow(clippy::unwrap_used)]

mod sample;

use allocation_counter::{AllocationInfo, measure};
use wx_invoice_types::{BizAttrAction, Fen};

/// Allocations made by `check` (the request is built before counting starts).
fn allocations(check: impl FnOnce()) -> AllocationInfo {
    measure(check)
}

fn assert_allocates_nothing(name: &str, info: &AllocationInfo) {
    assert_eq!(
        info.count_total, 0,
        "validating a valid {name} allocated {} times ({} bytes)",
        info.count_total, info.bytes_total
    );
}

#[test]
fn a_valid_twenty_item_insert_allocates_nothing() {
    let request = sample::insert_request();
    assert_eq!(
        request.invoice_user_data().info.as_ref().map(Vec::len),
        Some(sample::ITEMS)
    );
    let info = allocations(|| {
        let warnings = request.validate().unwrap();
        assert!(warnings.is_empty());
    });
    assert_allocates_nothing("InsertInvoiceRequest", &info);
}

#[test]
fn every_other_valid_request_allocates_nothing() {
    let auth_url = sample::auth_url_request();
    let auth_data = sample::auth_data_request();
    let reject = sample::reject_request();
    let auth_field = sample::auth_field_request();
    let pay_mch = sample::pay_mch_request();
    let contact = sample::contact_request();
    let empty = wx_invoice_types::SetBizAttrRequest::default();
    let create_card = sample::create_card_request();
    let decrypt = sample::decrypt_request();
    let card = sample::cards().remove(0);
    let batch = sample::invoice_batch_request();
    let update_invoice_status = sample::update_invoice_status_request();
    let update_batch = sample::update_status_batch_request();
    let update_status = sample::update_status_request();
    let user_title = sample::user_title_url_request();
    let scan = sample::scan_title_request();

    let checks: [(&str, &dyn Fn()); 16] = [
        ("GetAuthUrlRequest", &|| auth_url.validate().unwrap()),
        ("GetAuthDataRequest", &|| auth_data.validate().unwrap()),
        ("RejectInsertRequest", &|| reject.validate().unwrap()),
        ("SetBizAttrRequest (set_auth_field, 20 custom fields)", &|| {
            auth_field.validate(BizAttrAction::SetAuthField).unwrap();
        }),
        ("SetBizAttrRequest (set_pay_mch)", &|| {
            pay_mch.validate(BizAttrAction::SetPayMch).unwrap();
        }),
        ("SetBizAttrRequest (set_contact)", &|| {
            contact.validate(BizAttrAction::SetContact).unwrap();
        }),
        ("SetBizAttrRequest (get_contact)", &|| {
            empty.validate(BizAttrAction::GetContact).unwrap();
        }),
        ("CreateCardRequest", &|| create_card.validate().unwrap()),
        ("DecryptCodeRequest", &|| decrypt.validate().unwrap()),
        ("InvoiceCardRef", &|| card.validate().unwrap()),
        ("GetInvoiceBatchRequest (20 cards)", &|| batch.validate().unwrap()),
        ("UpdateInvoiceStatusRequest", &|| {
            update_invoice_status.validate().unwrap();
        }),
        ("UpdateStatusBatchRequest (20 cards)", &|| {
            update_batch.validate().unwrap();
        }),
        ("UpdateStatusRequest", &|| update_status.validate().unwrap()),
        ("GetUserTitleUrlRequest", &|| user_title.validate().unwrap()),
        ("ScanTitleRequest", &|| scan.validate().unwrap()),
    ];
    for (name, check) in checks {
        assert_allocates_nothing(name, &allocations(check));
    }
}

#[test]
fn the_counter_sees_the_allocations_of_a_finding() {
    // Guards the two tests above: if the counter counted nothing, they would pass vacuously.
    let mut request = sample::insert_request();
    request.card_ext.user_card.invoice_user_data.info.as_mut().unwrap()[19].price = Fen(-1);
    let mut field = String::new();
    let info = allocations(|| {
        let err = request.validate().unwrap_err();
        field.clone_from(&err.problems()[0].field);
    });
    assert_eq!(field, "card_ext.user_card.invoice_user_data.info[19].price");
    assert!(info.count_total >= 3, "path, message and list: {info:?}");

    let mut batch = sample::update_status_batch_request();
    batch.invoice_list[7].encrypt_code.clear();
    let info = allocations(|| {
        assert!(batch.validate().unwrap_err().mentions("invoice_list[7].encrypt_code"));
    });
    assert!(info.count_total > 0);
}

#[test]
fn a_fee_mismatch_is_still_a_warning() {
    let mut request = sample::insert_request();
    request.card_ext.user_card.invoice_user_data.fee = Fen(1);
    let warnings = request.validate().unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].field, "card_ext.user_card.invoice_user_data.fee");
}
