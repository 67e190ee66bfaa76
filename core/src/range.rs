//! The range check of a number restored from a snapshot.

/// Checks that a restored number is finite and within `[lo, hi]`.
pub(crate) fn in_range(field: &str, value: f64, lo: f64, hi: f64) -> std::result::Result<(), String> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("{field}: must be a finite number from {lo} to {hi}, got {value}"))
    }
}
