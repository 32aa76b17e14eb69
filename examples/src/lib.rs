//! Thin HTTP wiring shared by the example binaries and their end-to-end tests.
//!
//! Everything protocol-specific lives in the crates; this only moves bytes between axum and
//! the sans-IO pieces.

pub mod telemt;
