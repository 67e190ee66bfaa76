//! Timestamps and durations.
//!
//! A [`Timestamp`] is a whole number of milliseconds since the Unix epoch, UTC. It is read
//! from RFC 3339 text with an offset (`2024-05-01T09:30:00+09:00`) or from integer epoch
//! milliseconds, exactly as the spec allows, and written as RFC 3339 in UTC.

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Milliseconds in one second.
pub const SECOND_MS: i64 = 1_000;
/// Milliseconds in one minute.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in one day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The earliest accepted timestamp: the Unix epoch.
const MIN_MS: i64 = 0;
/// The latest accepted timestamp: 9999-12-30T22:00:00Z, the last that can be written (in any
/// time zone) and read back exactly.
const MAX_MS: i64 = 253_402_207_200_000;

/// A point in time, in milliseconds since the Unix epoch (UTC).
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
    /// A timestamp from epoch milliseconds; errors outside 1970-01-01 to 9999-12-30T22:00Z.
    pub fn from_millis(ms: i64) -> Result<Self> {
        Timestamp::check_millis(ms).map_err(|reason| Error::argument("ts", reason))
    }

    /// A timestamp from epoch milliseconds, or why they are out of range (the reason every
    /// input path gives: text, JSON numbers and columns).
    pub(crate) fn check_millis(ms: i64) -> std::result::Result<Self, String> {
        if (MIN_MS..=MAX_MS).contains(&ms) {
            Ok(Timestamp::from_millis_in_range(ms))
        } else {
            Err(format!("epoch milliseconds {ms} out of range (1970-01-01 to 9999-12-30T22:00Z)"))
        }
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

    /// The Unix epoch, the earliest accepted time.
    pub(crate) const EPOCH: Timestamp = Timestamp::from_millis_in_range(MIN_MS);

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

    pub(crate) fn to_jiff(self) -> jiff::Timestamp {
        // In range by construction; the fallback is unreachable.
        jiff::Timestamp::from_millisecond(self.as_millis()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// Formats the time in a time zone as `YYYY-MM-DD HH:MM`, for human-readable reasons.
    pub fn local_minute(self, tz: &jiff::tz::TimeZone) -> String {
        crate::text::local_minute(self, tz).to_string()
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
            let ms: i64 = text.parse().map_err(|_| format!("epoch milliseconds `{text}` out of range"))?;
            return Timestamp::check_millis(ms);
        }
        let t: jiff::Timestamp = text.parse().map_err(|_| {
            format!(
                "cannot parse `{}` as RFC 3339 with an offset (e.g. 2024-05-01T09:30:00+09:00) or epoch milliseconds",
                clip(text)
            )
        })?;
        // Sub-millisecond precision is truncated, not an error.
        let ms = t.as_millisecond();
        Timestamp::from_millis(ms).map_err(|_| format!("`{}` is before 1970-01-01", clip(text)))
    }
}

/// Shortens a user value for an error message.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_jiff())
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Timestamp::parse_field(s).map_err(|reason| Error::argument("ts", reason))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("RFC 3339 text with an offset or integer epoch milliseconds")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Timestamp, E> {
                Timestamp::from_millis(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Timestamp, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("epoch milliseconds out of range"))?;
                Timestamp::from_millis(v).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Timestamp, E> {
                Timestamp::parse_field(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a duration such as `1h`, `15m`, `3600s`, `2d` or a bare number of seconds, into milliseconds.
///
/// ```
/// assert_eq!(anbu::parse_duration("1h")?, 3_600_000);
/// assert_eq!(anbu::parse_duration("15m")?, 900_000);
/// assert_eq!(anbu::parse_duration("3600s")?, 3_600_000);
/// assert_eq!(anbu::parse_duration("90")?, 90_000);
/// assert!(anbu::parse_duration("0h").is_err());
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn parse_duration(text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || {
        Error::argument(
            "every",
            format!("cannot parse `{}` as a duration: use e.g. `1h`, `15m`, `3600s`, `2d`", clip(text)),
        )
    };
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: i64 = num.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "ms" => 1,
        "s" => SECOND_MS,
        "m" | "min" => MINUTE_MS,
        "h" => HOUR_MS,
        "d" => DAY_MS,
        _ => return Err(bad()),
    };
    let ms = n.checked_mul(unit_ms).ok_or_else(bad)?;
    if ms <= 0 {
        return Err(Error::argument("every", format!("duration `{}` must be positive", clip(text))));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_accepted_time_is_written_and_read_back_exactly() {
        // From 9999-12-30T22:00Z on, times were accepted but written as 1970-01-01.
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_714_523_400_123, "2024-05-01T00:30:00.123Z"),
            (MAX_MS - HOUR_MS - 1, "9999-12-30T20:59:59.999Z"),
            (MAX_MS, "9999-12-30T22:00:00Z"),
        ];
        for (ms, text) in cases {
            let t = Timestamp::from_millis(ms).unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(text.parse::<Timestamp>().unwrap(), t);
        }
        assert!(jiff::Timestamp::from_millisecond(MAX_MS + 1).is_err());
        assert!(Timestamp::from_millis(MAX_MS + 1).is_err());
        assert!(Timestamp::parse_field("9999-12-31T00:00:00Z").is_err());
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
    }
}
