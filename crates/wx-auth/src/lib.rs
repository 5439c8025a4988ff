//! wx_auth
