//! Readers for the spec's event tables (CSV and JSON Lines). Being written.
