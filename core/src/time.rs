//! Timestamps and durations.
//!
//! A [`Timestamp`] is a whole number of milliseconds since the Unix epoch, UTC. It is read
//! from RFC 3339 text with an offset (`2024-05-01T09:30:00+09:00`) or from integer epoch
//! milliseconds, exactly as the spec allows, and written as RFC 3339 in UTC.
//!
//! **Units.** In every language and every input, a number for a time is epoch
//! *milliseconds*, and a number for a duration is *milliseconds* ([`crate::duration_ms`]); text for
//! a duration carries its unit (`1h`, `15m`, `3600s`, `2d`, `500ms`). A number that can only
//! be epoch *seconds* is refused with an error that says so ([`Timestamp::from_number`]).
//!
//! This module holds the type, its units and arithmetic, and why a text or number is not a
//! time (as a reason); reading times and durations from input, with an [`crate::Error`], is
//! `time_input`'s.

use std::fmt;
use std::num::NonZeroU64;

use crate::clip::clip;
use crate::number::whole;

/// Milliseconds in one second.
pub const SECOND_MS: i64 = 1_000;
/// Milliseconds in one minute.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in one day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// `h` hours (a profile's duration, finite and in its checked range) in milliseconds, to the
/// nearest one.
pub(crate) fn hours_ms(h: f64) -> i64 {
    (h * HOUR_MS as f64).round() as i64
}

/// The earliest accepted timestamp: the Unix epoch.
const MIN_MS: i64 = 0;
/// The latest accepted timestamp: 9999-12-30T22:00:00Z, the latest that can be written
/// exactly (RFC 3339 allows any offset up to 18 hours; later times could not be).
const MAX_MS: i64 = 253_402_207_200_000;
/// The range of accepted times, as error messages state it.
const RANGE: &str = "1970-01-01T00:00:00Z to 9999-12-30T22:00:00Z";
/// Largest UTC offset RFC 3339 text may carry, in seconds (RFC 3339 allows +/-18:00).
const MAX_OFFSET_S: i32 = 18 * 3600;
/// Epoch numbers that can only be seconds: as milliseconds they fall between
/// 1970-01-02T03:46:40Z and 1973-03-03T09:46:40Z, before any data anbu reads was recorded,
/// while as seconds they are 1973-03-03 to the year 5138 (today's epoch seconds are about
/// 1.7 * 10^9, which as milliseconds is 1970-01-20). Smaller numbers are read as
/// milliseconds (they are implausible either way, and tests use them).
pub const SECONDS_LIKE: std::ops::Range<i64> = 100_000_000..100_000_000_000;

/// A point in time, in milliseconds since the Unix epoch (UTC).
///
/// Accepted times run from 1970-01-01T00:00:00Z to 9999-12-30T22:00:00Z, the latest
/// time that prints exactly; RFC 3339 text may carry an offset up to +/-18:00. An event
/// dated exactly at the epoch (`ts` 0) is refused as a missing time.
///
/// ```
/// use anbu::Timestamp;
/// let t: Timestamp = "2024-05-01T09:30:00+09:00".parse()?;
/// assert_eq!(t, Timestamp::from_millis(1_714_523_400_000)?);
/// assert_eq!(t.to_string(), "2024-05-01T00:30:00Z");
/// // Eight bytes, and so is an optional one.
/// assert_eq!(std::mem::size_of::<Option<Timestamp>>(), 8);
/// # Ok::<(), anbu::Error>(())
/// ```
// Stored as `ms + 1` in a `NonZeroU64`: the order is that of the milliseconds (all in range
// are >= 0), and `Option<Timestamp>` needs no extra word, which halves the optional times of
// a person's state.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(NonZeroU64);

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.as_millis()).finish()
    }
}

impl Timestamp {
    /// A timestamp from epoch milliseconds, or why they are out of range (the reason every
    /// input path gives: text, JSON numbers and columns).
    pub(crate) fn check_millis(ms: i64) -> std::result::Result<Self, String> {
        if (MIN_MS..=MAX_MS).contains(&ms) {
            Ok(Timestamp::from_millis_in_range(ms))
        } else {
            Err(format!("epoch milliseconds {ms} out of range ({RANGE})"))
        }
    }

    /// The wall clock now (the system's clock), within range.
    ///
    /// ```
    /// let now = anbu::Timestamp::now();
    /// assert!(now > "2024-01-01T00:00:00Z".parse::<anbu::Timestamp>()?);
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn now() -> Self {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(MIN_MS, |d| i64::try_from(d.as_millis()).unwrap_or(MAX_MS));
        Timestamp::from_millis_in_range(ms)
    }

    /// A timestamp from epoch milliseconds known to be in range (a constant in the code).
    pub(crate) const fn from_millis_in_range(ms: i64) -> Self {
        let ms = if ms < MIN_MS {
            MIN_MS
        } else if ms > MAX_MS {
            MAX_MS
        } else {
            ms
        };
        // In range, `ms + 1` is positive; the fallback is unreachable.
        match NonZeroU64::new(ms as u64 + 1) {
            Some(v) => Timestamp(v),
            None => Timestamp(NonZeroU64::MIN),
        }
    }

    /// [`Timestamp::from_number`]'s check, as a reason.
    pub(crate) fn check_number(ms: i64) -> std::result::Result<Self, String> {
        let t = Timestamp::check_millis(ms)?;
        if SECONDS_LIKE.contains(&ms) {
            let as_seconds = Timestamp::from_millis_in_range(ms * SECOND_MS);
            return Err(format!(
                "{ms} can only be epoch seconds ({as_seconds}), not milliseconds ({t}): a number for a time \
                 is epoch milliseconds; multiply by 1000 or give RFC 3339 text"
            ));
        }
        Ok(t)
    }

    /// The latest accepted time (`9999-12-30T22:00:00Z`).
    pub(crate) const LATEST: Timestamp = Timestamp::from_millis_in_range(MAX_MS);

    /// The Unix epoch, the earliest accepted time.
    pub(crate) const EPOCH: Timestamp = Timestamp::from_millis_in_range(MIN_MS);

    /// Why an event dated exactly at the epoch is refused: epoch 0 is the value a missing
    /// time most often takes (an unset clock, an empty field read as 0), never a real reading.
    pub(crate) const MISSING_REASON: &str = "epoch 0 (1970-01-01T00:00:00Z) is taken as a missing time, not a real one; leave the row out or fix its source";

    /// Epoch milliseconds.
    #[inline]
    pub const fn as_millis(self) -> i64 {
        (self.0.get() - 1) as i64
    }

    /// This time plus `ms` milliseconds, saturating at the accepted range.
    pub fn plus_millis(self, ms: i64) -> Self {
        Timestamp::from_millis_in_range(self.as_millis().saturating_add(ms))
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later).
    #[inline]
    pub const fn millis_since(self, earlier: Timestamp) -> i64 {
        self.as_millis() - earlier.as_millis()
    }

    /// Hours from `earlier` to `self`, as a float.
    pub fn hours_since(self, earlier: Timestamp) -> f64 {
        self.millis_since(earlier) as f64 / HOUR_MS as f64
    }

    /// This time plus `h` hours (a profile's duration), to the nearest millisecond.
    pub(crate) fn plus_hours(self, h: f64) -> Self {
        self.plus_millis(hours_ms(h))
    }

    pub(crate) fn to_jiff(self) -> jiff::Timestamp {
        // In range by construction; the fallback is unreachable.
        jiff::Timestamp::from_millisecond(self.as_millis()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// Parses one field's text: integer epoch milliseconds or RFC 3339 with an offset.
    pub(crate) fn parse_field(text: &str) -> std::result::Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty timestamp".into());
        }
        let bytes = text.as_bytes();
        let numeric = bytes.iter().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && *b == b'-'));
        if numeric {
            let ms: i64 = text.parse().map_err(|_| format!("epoch milliseconds `{}` out of range", clip(text)))?;
            return Timestamp::check_number(ms);
        }
        // A float's text (`1714525200000.0`, as pandas writes a time column with gaps): a whole
        // one is a whole number of milliseconds.
        if text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'))
            && let Ok(x) = text.parse::<f64>()
        {
            return match whole(x) {
                Some(ms) => Timestamp::check_number(ms),
                None if x.is_finite() && x.fract() == 0.0 => {
                    Err(format!("epoch milliseconds `{}` out of range ({RANGE})", clip(text)))
                }
                None => Err(format!("epoch milliseconds must be a whole number, got `{}`", clip(text))),
            };
        }
        let t: jiff::Timestamp = text.parse().map_err(|_| {
            format!(
                "cannot parse `{}` as RFC 3339 with an offset (e.g. 2024-05-01T09:30:00+09:00) or epoch milliseconds",
                clip(text)
            )
        })?;
        let offset = jiff::fmt::temporal::Pieces::parse(text).ok().and_then(|p| p.to_numeric_offset());
        if offset.is_some_and(|o| o.seconds().abs() > MAX_OFFSET_S) {
            return Err(format!("`{}` has a UTC offset beyond +/-18:00", clip(text)));
        }
        // Sub-millisecond precision is truncated, not an error.
        let ms = t.as_millisecond();
        Timestamp::check_millis(ms).map_err(|_| format!("`{}` is out of range ({RANGE})", clip(text)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_jiff())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time_input::{duration_ms, parse_duration};
    use crate::value::Value;

    #[test]
    fn parses_both_forms() {
        let a = Timestamp::parse_field("2024-05-01T09:30:00+09:00").unwrap();
        let b = Timestamp::parse_field("1714523400000").unwrap();
        assert_eq!(a, b);
        assert_eq!(Timestamp::parse_field("2024-05-01T00:30:00Z").unwrap(), a);
    }

    #[test]
    fn rejects_bad_timestamps_with_reasons() {
        assert!(Timestamp::parse_field("2024-05-01T09:30:00").unwrap_err().contains("offset"));
        assert!(Timestamp::parse_field("yesterday").unwrap_err().contains("yesterday"));
        assert!(Timestamp::parse_field("-5").unwrap_err().contains("out of range"));
        assert!(Timestamp::parse_field("99999999999999999999").unwrap_err().contains("out of range"));
        assert!(Timestamp::parse_field("").is_err());
    }

    #[test]
    fn every_accepted_time_prints_exactly_and_reads_back() {
        let last = Timestamp::from_millis(MAX_MS).unwrap();
        assert_eq!(last.to_string(), "9999-12-30T22:00:00Z");
        assert_eq!(Timestamp::parse_field(&last.to_string()).unwrap(), last);
        assert!(jiff::Timestamp::from_millisecond(MAX_MS + 1).is_err());
        // Past it, refused on every path (it printed as 1970-01-01T00:00:00Z).
        assert!(Timestamp::parse_field("9999-12-31T23:59:59Z").is_err());
        for text in ["253402207200001", "9999-12-30T22:00:00.001Z"] {
            let err = Timestamp::parse_field(text).unwrap_err();
            assert!(err.contains("out of range") && err.contains("9999-12-30T22:00:00Z"), "{text}: {err}");
        }
        assert!(Timestamp::from_millis(MAX_MS + 1).is_err());
    }

    #[test]
    fn offsets_beyond_18_hours_are_refused() {
        for text in ["2024-05-01T09:30:00+24:00", "2024-05-01T09:30:00+25:00", "2024-05-01T09:30:00-18:01"] {
            let err = Timestamp::parse_field(text).unwrap_err();
            assert!(err.contains("offset beyond +/-18:00"), "{text}: {err}");
        }
        for text in ["2024-05-01T09:30:00+18:00", "2024-05-01T09:30:00-18:00", "2024-05-01T09:30:00Z"] {
            assert!(Timestamp::parse_field(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn a_huge_value_is_quoted_clipped() {
        let digits = "9".repeat(1 << 20);
        let err = Timestamp::parse_field(&digits).unwrap_err();
        assert!(err.len() < 200, "{} bytes", err.len());
        let err = Timestamp::parse_field(&format!("2024-{digits}")).unwrap_err();
        assert!(err.len() < 200, "{} bytes", err.len());
    }

    #[test]
    fn saturating_arithmetic() {
        let t = Timestamp::from_millis(MAX_MS).unwrap();
        assert_eq!(t.plus_millis(i64::MAX).as_millis(), MAX_MS);
        assert_eq!(Timestamp::from_millis(0).unwrap().plus_millis(-5).as_millis(), 0);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2d").unwrap(), 2 * DAY_MS);
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("5 fortnights").is_err());
        assert!(parse_duration("99999999999999999d").is_err());
        // A bare number is milliseconds, as a number for a duration is everywhere.
        assert_eq!(parse_duration("3600").unwrap(), 3600);
        assert_eq!(parse_duration("250ms").unwrap(), 250);
        assert_eq!(duration_ms("delay", Value::Int(0)).unwrap(), 0);
        for bad in [Value::Int(-1), Value::Float(f64::NAN), Value::Bool(true), Value::Null, Value::Text("1 hour")] {
            let err = duration_ms("delay", bad).unwrap_err();
            assert!(err.to_string().starts_with("argument `delay`: "), "{err}");
        }
    }

    #[test]
    fn numbers_for_times_are_milliseconds_and_seconds_are_refused() {
        let seconds = 1_714_525_200;
        for text in ["1714525200", "1714525200.0"] {
            let err = Timestamp::parse_field(text).unwrap_err();
            assert!(err.contains("can only be epoch seconds (2024-05-01T01:00:00Z)"), "{text}: {err}");
            assert!(err.contains("not milliseconds (1970-01-20T20:15:25.2Z)"), "{text}: {err}");
        }
        assert!(Timestamp::check_value(Value::Int(seconds)).is_err());
        assert!(Timestamp::check_value(Value::Float(seconds as f64)).is_err());
        // A typed time has no unit to guess; `from_millis` is explicit.
        assert!(Timestamp::check_value(Value::Time(seconds)).is_ok());
        assert!(Timestamp::from_millis(seconds).is_ok());
        // The bounds.
        assert!(Timestamp::check_number(SECONDS_LIKE.start - 1).is_ok());
        assert!(Timestamp::check_number(SECONDS_LIKE.start).is_err());
        assert!(Timestamp::check_number(SECONDS_LIKE.end - 1).is_err());
        assert!(Timestamp::check_number(SECONDS_LIKE.end).is_ok());
        // A whole float's text is a whole number of milliseconds; a fraction is refused.
        assert_eq!(Timestamp::parse_field("1714525200000.0").unwrap().as_millis(), seconds * 1000);
        assert!(Timestamp::parse_field("1714525200000.5").unwrap_err().contains("whole number"));
        assert!(Timestamp::parse_field("1e300").unwrap_err().contains("out of range"));
        assert!(Timestamp::parse_field("NaN").unwrap_err().contains("RFC 3339"));
        // JSON numbers (a binding's objects, incidents) are read by the same rule.
        let t: Timestamp = serde_json::from_str("1714525200000").unwrap();
        assert_eq!(t.as_millis(), seconds * 1000);
        assert!(serde_json::from_str::<Timestamp>("1714525200").unwrap_err().to_string().contains("epoch seconds"));
    }
}
