//! A backtest's incidents grouped by their `kind` label: how each kind of incident (a
//! collapse, an illness, a decline...) was found, and how soon it was first reached out to.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{IncidentOutcome, hours_cell, nearest_rank, within_24h};

/// How the incidents of one `kind` fared: detection as in [`super::Metrics`], and the first
/// assessment that asked for anything (an automatic call or more), which for a call-first
/// workflow comes before the alert.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KindMetrics {
    /// Incidents of this kind.
    pub incidents: usize,
    /// Of them, detected (an assessment at `warning` or above within the window).
    pub detected: usize,
    /// Of them, detected within [`super::WITHIN_MS`] (24 h) of their start.
    pub detected_within_24h: usize,
    /// Median time to detect, hours (nearest rank over the detected); none if none was.
    pub ttd_median_h: Option<f64>,
    /// 90th percentile of the time to detect, hours (nearest rank).
    pub ttd_p90_h: Option<f64>,
    /// Incidents where some assessment within the window asked for anything.
    pub asked: usize,
    /// Of them, asked within 24 h of their start.
    pub asked_within_24h: usize,
    /// Median hours from the start to the first ask (nearest rank over those asked).
    pub ask_median_h: Option<f64>,
}

/// The incidents with a `kind`, grouped by it (unlabelled incidents are left out: they are
/// in the report's `overall` and `by_profile` only).
pub(super) fn by_kind(outcomes: &[IncidentOutcome]) -> BTreeMap<String, KindMetrics> {
    let mut hours: BTreeMap<&str, (usize, Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for o in outcomes {
        let Some(kind) = o.kind.as_deref() else { continue };
        let (n, ttds, asks) = hours.entry(kind).or_default();
        *n += 1;
        ttds.extend(o.ttd_h);
        asks.extend(o.ask_h);
    }
    hours
        .into_iter()
        .map(|(kind, (incidents, mut ttds, mut asks))| {
            ttds.sort_by(f64::total_cmp);
            asks.sort_by(f64::total_cmp);
            let metrics = KindMetrics {
                incidents,
                detected: ttds.len(),
                detected_within_24h: within_24h(&ttds),
                ttd_median_h: nearest_rank(&ttds, 50.0),
                ttd_p90_h: nearest_rank(&ttds, 90.0),
                asked: asks.len(),
                asked_within_24h: within_24h(&asks),
                ask_median_h: nearest_rank(&asks, 50.0),
            };
            (kind.to_string(), metrics)
        })
        .collect()
}

/// The Markdown table of [`by_kind`]'s groups, one row per kind; empty without any.
pub(super) fn markdown(kinds: &BTreeMap<String, KindMetrics>) -> String {
    let mut out = String::new();
    if kinds.is_empty() {
        return out;
    }
    out.push_str(
        "| kind | incidents | detected | within 24 h | median TTD h | p90 TTD h | asked | asked within 24 h \
         | median h to ask |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let hours = hours_cell;
    for (kind, m) in kinds {
        let _ = writeln!(
            out,
            "| {kind} | {} | {} | {} | {} | {} | {} | {} | {} |",
            m.incidents,
            m.detected,
            m.detected_within_24h,
            hours(m.ttd_median_h),
            hours(m.ttd_p90_h),
            m.asked,
            m.asked_within_24h,
            hours(m.ask_median_h),
        );
    }
    out
}
