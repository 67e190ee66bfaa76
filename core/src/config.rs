//! An engine's settings ([`EngineConfig`]).

use serde::{Deserialize, Serialize};

use crate::time::HOUR_MS;

/// Engine settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    /// How far behind a person's latest event another event of that person may arrive,
    /// in milliseconds (default one hour). Events within it may come in any order; later
    /// ones are refused with [`crate::Error::LateEvent`].
    pub allowed_lateness_ms: i64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { allowed_lateness_ms: HOUR_MS }
    }
}
