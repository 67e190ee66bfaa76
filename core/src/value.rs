//! One value of a field or an option, as any source gives it.
//!
//! Every way in maps its values to a [`Value`] (a binding: Python objects and JavaScript
//! values; a Python Arrow cell; the JSON Lines reader: `true`/`false`), and the core reads
//! each field, option or table cell from it by one set of rules, whichever language the
//! value came from:
//!
//! - [`Value::Null`], and empty text, are absent (as an empty CSV cell is).
//! - A whole float is a whole number: `3.0` is `3` (pandas stores a count column with gaps as
//!   floats, and writes `3.0` to CSV); `0.5` is not a count.
//! - A number for a time is **epoch milliseconds**; a number that can only be epoch seconds
//!   is refused, saying so (see [`Timestamp::from_number`]).
//! - A number for a duration is **milliseconds**; text carries a unit (`"1h"`, `"15m"`,
//!   `"3600s"`) (see [`crate::duration_ms`]).
//! - A typed time (an aware `datetime`, a JavaScript `Date`, an Arrow timestamp column) is
//!   [`Value::Time`]: it has no unit to guess.
//!
//! Text is what a CSV cell holds: [`crate::EventRecord::set_text`] reads it, and
//! `Value::Text` goes there.

use crate::number::{float_text, whole, whole_from_text};
use crate::time::Timestamp;

/// One value as a source gives it (how each kind is read: the `value` module docs).
///
/// ```
/// use anbu::{EventRecord, Value};
/// let mut r = EventRecord::default();
/// r.set("person", Value::Text("p-1"))?;
/// r.set("ts", Value::Int(1_714_525_200_000))?;
/// r.set("signal", Value::Text("steps"))?;
/// r.set("steps", Value::Float(412.0))?; // a whole float is a whole number
/// r.set("device", Value::Text(""))?; // empty text is absent
/// let e = r.into_event()?;
/// assert_eq!((e.device(), e.ts.to_string().as_str()), ("steps", "2024-05-01T01:00:00Z"));
///
/// let err = EventRecord::default().set("ts", Value::Int(1_714_525_200)).unwrap_err();
/// assert!(err.to_string().contains("epoch seconds"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// No value (`None`, `null`, `undefined`, a null cell): the field is absent.
    Null,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A floating-point number (a whole one is read as [`Value::Int`]).
    Float(f64),
    /// Text, read as a CSV cell is (empty text is absent).
    Text(&'a str),
    /// A typed time, in epoch milliseconds.
    Time(i64),
}

impl Value<'_> {
    /// The whole number a number stands for: an `Int`, or a `Float` without a fraction that
    /// fits in an `i64`.
    pub fn as_whole(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Float(x) => whole(x),
            _ => None,
        }
    }

    /// The text of a cell that holds a list of names (a persons table's `devices` given as a
    /// Python list or a JavaScript array): the names joined by `,`, as a CSV cell holds them
    /// and [`crate::Person::with_devices`] reads them.
    ///
    /// ```
    /// use anbu::Value;
    /// assert_eq!(Value::list_text(["plug", "door"]), "plug,door");
    /// assert_eq!(Value::list_text(Vec::<String>::new()), "");
    /// ```
    pub fn list_text<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
        let mut text = String::new();
        for (i, name) in names.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(name.as_ref());
        }
        text
    }

    /// What the value is, for messages (`a number`, `true/false`, `text`...).
    pub(crate) fn what(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("{b}"),
            Value::Int(i) => format!("{i}"),
            Value::Float(x) => float_text(*x),
            Value::Text(t) => format!("text `{}`", crate::clip::clip(t)),
            Value::Time(ms) => match Timestamp::check_millis(*ms) {
                Ok(t) => format!("the time {t}"),
                Err(_) => format!("a time of {ms} ms"),
            },
        }
    }
}

/// A count argument `name` (a number of persons, days or threads): a whole number >= 0
/// (a whole float is one). Errors are [`crate::Error::InvalidArgument`] naming `name`.
pub(crate) fn count<T: TryFrom<i64>>(name: &str, value: Value<'_>) -> crate::Result<T> {
    let bad = |what: String| crate::Error::argument(name, format!("must be a whole number >= 0, got {what}"));
    match value.as_whole() {
        Some(n) if n >= 0 => T::try_from(n).map_err(|_| bad(format!("{n}, which is too large"))),
        _ => Err(bad(value.what())),
    }
}

/// A yes/no read from text (a CSV cell): `true` or `false` in any case, or the whole numbers
/// `1` and `0`. `None` for anything else.
pub(crate) fn bool_from_text(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        t => match whole_from_text(t) {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_devices_is_the_text_a_persons_table_reads() {
        let text = Value::list_text(["door", "plug", "phone"]);
        assert_eq!(text, "door,plug,phone");
        let p = crate::Person::new("p-1", "call_iot").unwrap().with_devices(&text).unwrap();
        let back = Value::list_text(p.devices().unwrap().iter().map(|s| s.as_str()));
        assert_eq!(back, "call,door,plug");
        assert_eq!(crate::PersonRecord::from(p).devices.as_deref(), Some(back.as_str()));
        assert_eq!(Value::list_text(["plug"]), "plug");
        assert_eq!(Value::list_text(Vec::<&str>::new()), "");
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(whole(3.0), Some(3));
        assert_eq!(whole(-0.0), Some(0));
        assert_eq!(whole(0.5), None);
        assert_eq!(whole(f64::NAN), None);
        assert_eq!(whole(f64::INFINITY), None);
        assert_eq!(whole(9.3e18), None);
        assert_eq!(whole(-9_223_372_036_854_775_808.0), None);
        for (text, want) in [("3", Some(3)), ("3.0", Some(3)), (" 1e3 ", Some(1000)), ("0.5", None), ("NaN", None)] {
            assert_eq!(whole_from_text(text), want, "{text}");
        }
        assert_eq!(whole_from_text("inf"), None);
        assert_eq!(whole_from_text("+7"), Some(7));
        assert_eq!(Value::Float(2.0).as_whole(), Some(2));
        assert_eq!(Value::Text("2").as_whole(), None);
    }
}
