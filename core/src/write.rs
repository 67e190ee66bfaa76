//! Writers for assessments and events (CSV and JSON Lines). Being written.
