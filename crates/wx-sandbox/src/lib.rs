//! wx_sandbox
