//! Push-message crypto (placeholder, being written).
