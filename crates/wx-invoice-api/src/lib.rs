//! wx_invoice_api
