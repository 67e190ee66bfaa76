//! Numbers as cells give them: the whole number a float or a text stands for, and a
//! float's text.

/// The whole number `x` stands for, if it has no fraction and fits in an `i64`.
pub(crate) fn whole(x: f64) -> Option<i64> {
    // 2^63 is exact as a float; every whole float below it in size converts exactly.
    (x.fract() == 0.0 && x.abs() < 9_223_372_036_854_775_808.0).then_some(x as i64)
}

/// A float as text that reads back as the same float (`NaN`, `inf`, `-inf`, `0.5`, `1e300`).
pub(crate) fn float_text(x: f64) -> String {
    if x.is_nan() { "NaN".to_string() } else { format!("{x}") }
}

/// A whole number read from text: digits, or a float's text without a fraction (`3.0`,
/// `1e3`), as [`whole`] reads a float. `None` for anything else.
pub(crate) fn whole_from_text(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i);
    }
    // Only number-looking text: Rust also parses `inf` and `NaN`, which are not whole anyway.
    if !t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return None;
    }
    t.parse::<f64>().ok().and_then(whole)
}
