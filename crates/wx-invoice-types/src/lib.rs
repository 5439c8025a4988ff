//! wx_invoice_types
