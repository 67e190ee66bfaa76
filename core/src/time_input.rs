//! Times and durations read from input: a [`Timestamp`] from epoch milliseconds, a number,
//! a [`Value`], text (`FromStr`) or serde, and durations from text or a [`Value`], each
//! refusal an [`Error`] naming the argument (the `time` module holds the type and its
//! reasons).

use std::fmt;
use std::str::FromStr;

use crate::clip::clip;
use crate::error::{Error, Result};
use crate::number::{float_text, whole};
use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, Timestamp};
use crate::value::Value;

impl Timestamp {
    /// A timestamp from epoch milliseconds; errors outside 1970-01-01T00:00:00Z..=9999-12-30T22:00:00Z.
    pub fn from_millis(ms: i64) -> Result<Self> {
        Timestamp::check_millis(ms).map_err(|reason| Error::argument("ts", reason))
    }

    /// A time given as a number (a JSON number, a CSV cell of digits, a Python `int`, a
    /// JavaScript number, an integer column): epoch milliseconds, in every language and input.
    /// Errors outside the accepted range, and for a number that can only be epoch seconds
    /// (within [`crate::SECONDS_LIKE`]), saying so. [`Timestamp::from_millis`] takes milliseconds
    /// without that check.
    ///
    /// ```
    /// use anbu::Timestamp;
    /// assert_eq!(Timestamp::from_number(1_714_525_200_000)?.to_string(), "2024-05-01T01:00:00Z");
    /// let err = Timestamp::from_number(1_714_525_200).unwrap_err().to_string();
    /// assert!(err.contains("epoch seconds (2024-05-01T01:00:00Z)"), "{err}");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn from_number(ms: i64) -> Result<Self> {
        Timestamp::check_number(ms).map_err(|reason| Error::argument("ts", reason))
    }

    /// A time argument (an evaluation time, a simulation's start, an incident's start) from a
    /// [`Value`]: RFC 3339 text, epoch milliseconds (as [`Timestamp::from_number`]) or a typed
    /// time. Errors are [`Error::InvalidArgument`] naming `name`.
    ///
    /// ```
    /// use anbu::{Timestamp, Value};
    /// let t = Timestamp::from_value("at", Value::Float(1_714_525_200_000.0))?;
    /// assert_eq!(t, Timestamp::from_value("at", Value::Text("2024-05-01T10:00:00+09:00"))?);
    /// let err = Timestamp::from_value("at", Value::Bool(true)).unwrap_err();
    /// assert_eq!(err.to_string(), "argument `at`: expected RFC 3339 text, epoch milliseconds or a time, got true");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn from_value(name: &str, value: Value<'_>) -> Result<Self> {
        Timestamp::check_value(value).map_err(|reason| Error::argument(name, reason))
    }

    /// [`Timestamp::from_value`]'s reading, with the reason of a refusal.
    pub(crate) fn check_value(value: Value<'_>) -> std::result::Result<Self, String> {
        match value {
            Value::Text(t) => Timestamp::parse_field(t),
            Value::Time(ms) => Timestamp::check_millis(ms),
            Value::Int(ms) => Timestamp::check_number(ms),
            Value::Float(x) => match whole(x) {
                Some(ms) => Timestamp::check_number(ms),
                None => Timestamp::parse_field(&float_text(x)),
            },
            other => Err(format!("expected RFC 3339 text, epoch milliseconds or a time, got {}", other.what())),
        }
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Timestamp::parse_field(s).map_err(|reason| Error::argument("ts", reason))
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
                Timestamp::check_value(Value::Int(v)).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Timestamp, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("epoch milliseconds out of range"))?;
                Timestamp::check_value(Value::Int(v)).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Timestamp, E> {
                Timestamp::check_value(Value::Float(v)).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Timestamp, E> {
                Timestamp::check_value(Value::Text(v)).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a duration such as `1h`, `15m`, `3600s`, `2d`, `500ms`, or a bare number of
/// milliseconds (as a number for a duration is in every language), into milliseconds.
/// It must be positive. Errors name the argument `every`; [`duration_ms`] names another.
///
/// ```
/// assert_eq!(anbu::parse_duration("1h")?, 3_600_000);
/// assert_eq!(anbu::parse_duration("15m")?, 900_000);
/// assert_eq!(anbu::parse_duration("3600s")?, 3_600_000);
/// assert_eq!(anbu::parse_duration("90000")?, 90_000);
/// assert!(anbu::parse_duration("0h").is_err());
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn parse_duration(text: &str) -> Result<i64> {
    let ms = duration_text("every", text)?;
    if ms == 0 {
        return Err(Error::argument("every", format!("duration `{}` must be positive", clip(text))));
    }
    Ok(ms)
}

/// Milliseconds of a duration text (`1h`, `15m`, `3600s`, `2d`, `500ms`, or bare milliseconds), >= 0.
fn duration_text(name: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || {
        Error::argument(
            name,
            format!(
                "cannot parse `{}` as a duration: use e.g. `1h`, `15m`, `3600s`, `2d`, or a number of milliseconds",
                clip(text)
            ),
        )
    };
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "ms"),
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
    n.checked_mul(unit_ms).ok_or_else(bad)
}

/// A duration argument `name` from a [`Value`], in milliseconds (>= 0; where it is used
/// says how long it may be): text with a unit as [`parse_duration`] reads it, or a number of
/// **milliseconds**, the unit of a number for a duration in every language (a whole float
/// is a whole number). Errors are [`Error::InvalidArgument`] naming `name`.
///
/// ```
/// use anbu::{Value, duration_ms};
/// assert_eq!(duration_ms("every", Value::Text("1h"))?, 3_600_000);
/// assert_eq!(duration_ms("every", Value::Int(3_600_000))?, 3_600_000);
/// assert_eq!(duration_ms("every", Value::Float(90_000.0))?, 90_000);
/// let err = duration_ms("retry", Value::Float(0.5)).unwrap_err();
/// assert_eq!(err.to_string(), "argument `retry`: a number for a duration is whole milliseconds, got 0.5");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn duration_ms(name: &str, value: Value<'_>) -> Result<i64> {
    let ms = match value {
        Value::Text(t) => return duration_text(name, t),
        Value::Int(ms) => ms,
        Value::Float(x) => match whole(x) {
            Some(ms) => ms,
            None => {
                return Err(Error::argument(
                    name,
                    format!("a number for a duration is whole milliseconds, got {}", float_text(x)),
                ));
            }
        },
        other => {
            return Err(Error::argument(
                name,
                format!(
                    "expected a duration: text such as `1h` or `15m`, or a number of milliseconds; got {}",
                    other.what()
                ),
            ));
        }
    };
    if ms < 0 {
        return Err(Error::argument(name, format!("a duration must be >= 0, got {ms} ms")));
    }
    Ok(ms)
}
