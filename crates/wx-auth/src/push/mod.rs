//! Component push parsing (placeholder, being written).
