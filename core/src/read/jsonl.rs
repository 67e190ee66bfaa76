//! The JSON Lines event reader.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{format_error, line_too_long, read_capped_line};
use crate::clip::clip;
use crate::error::{Error, Location, Result};
#[cfg(test)]
use crate::event::EventKind;
use crate::event::{EVENT_FIELDS, Event, EventRecord};
use crate::value::Value;

/// Reads events from JSON Lines: one JSON object per line, blank lines skipped.
///
/// The keys are the spec's field names ([`EVENT_FIELDS`]); a value is a string, a number,
/// `true`/`false`, or `null` (absent). Values are read exactly like the cells of a CSV file,
/// so both formats give the same events and the same errors; in addition `ts` and `until`
/// may be epoch milliseconds, and `person` and `device` may be whole numbers. A whole
/// float (`3.0`, `1e3`) is a whole number; a fraction is refused where a whole number is
/// expected, and a number that can only be epoch seconds is refused for a time.
///
/// Errors name the physical line (1-based). After an error about one line the iterator
/// goes on with the next line; after an I/O error it ends, and
/// [`JsonlEventReader::is_stopped`] says so.
///
/// ```
/// use anbu::{EventKind, JsonlEventReader};
/// let text = r#"{"person":"p-1","ts":1714557600000,"signal":"steps","steps":412}
///
/// {"person":"p-1","ts":"2024-05-01T10:00:00+09:00","signal":"steps","steps":4.5}
/// "#;
/// let mut rows = JsonlEventReader::new(text.as_bytes());
/// assert_eq!(rows.next().unwrap()?.kind, EventKind::steps(412));
/// let err = rows.next().unwrap().unwrap_err();
/// assert_eq!(err.to_string(), "line 3: field `steps`: expected a whole number >= 0, got `4.5`");
/// assert!(rows.next().is_none());
/// # Ok::<(), anbu::Error>(())
/// ```
pub struct JsonlEventReader<R: BufRead> {
    inner: R,
    buf: Vec<u8>,
    /// The number of the last line read.
    line: u64,
    state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Rows,
    Done,
    Stopped,
}

/// One physical line as read.
enum Line {
    /// The line is in `buf` (without its newline).
    Text,
    /// The line was longer than [`MAX_LINE_BYTES`](crate::limits::MAX_LINE_BYTES) and was skipped.
    TooLong,
}

impl<R: BufRead> JsonlEventReader<R> {
    /// A reader over JSON Lines text.
    pub fn new(reader: R) -> Self {
        JsonlEventReader { inner: reader, buf: Vec::new(), line: 0, state: State::Rows }
    }

    /// Whether the reader stopped for good after an I/O error (as opposed to an error about one line).
    pub fn is_stopped(&self) -> bool {
        self.state == State::Stopped
    }

    /// Reads one physical line into `buf` (see [`read_capped_line`]).
    fn read_line(&mut self) -> io::Result<Option<Line>> {
        let Some(too_long) = read_capped_line(&mut self.inner, &mut self.buf)? else { return Ok(None) };
        self.line += 1;
        Ok(Some(if too_long { Line::TooLong } else { Line::Text }))
    }
}

impl<R: BufRead> Iterator for JsonlEventReader<R> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        while self.state == State::Rows {
            match self.read_line() {
                Ok(None) => self.state = State::Done,
                Ok(Some(Line::TooLong)) => return Some(Err(line_too_long(self.line))),
                Ok(Some(Line::Text)) => {
                    if self.buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(parse_line(&self.buf, self.line));
                }
                Err(e) => {
                    self.state = State::Stopped;
                    return Some(Err(Error::Io(e)));
                }
            }
        }
        None
    }
}

/// Parses one non-blank line into an event.
fn parse_line(bytes: &[u8], line: u64) -> Result<Event> {
    let text = std::str::from_utf8(bytes).map_err(|_| format_error(line, "not valid UTF-8"))?;
    let first = text.trim_start().chars().next().unwrap_or(' ');
    if first != '{' {
        let got = match first {
            '[' => "an array",
            '"' => "a string",
            _ => "something else",
        };
        return Err(format_error(line, format!("expected a JSON object (one per line), got {got}")));
    }
    let mut record = EventRecord::default();
    let mut failure = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = RowSeed { record: &mut record, failure: &mut failure, text };
    let parsed = seed.deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = failure {
        return Err(e.at(Location::Line(line)));
    }
    if let Err(e) = parsed {
        let message = e.to_string();
        let message = message.rfind(" at line ").map_or(message.as_str(), |i| &message[..i]);
        return Err(format_error(line, format!("invalid JSON at column {}: {message}", e.column())));
    }
    record.into_event().map_err(|e| e.at(Location::Line(line)))
}

/// Deserializes a JSON object straight into an [`EventRecord`], field by field.
///
/// A field error is kept in `failure` (serde only carries text), and parsing stops.
struct RowSeed<'r> {
    record: &'r mut EventRecord,
    failure: &'r mut Option<Error>,
    /// The line, whose number tokens are read as text (exactly, like CSV cells).
    text: &'r str,
}

impl RowSeed<'_> {
    fn fail<E: de::Error>(self, e: Error) -> std::result::Result<(), E> {
        *self.failure = Some(e);
        Err(E::custom("invalid field"))
    }
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen = 0u32;
        let mut numbers = NumberTokens { bytes: self.text.as_bytes(), pos: 0 };
        while let Some(key) = map.next_key::<FieldKey>()? {
            let idx = match key.0 {
                Ok(idx) => idx,
                Err(name) => {
                    return self.fail(Error::field(
                        &name,
                        format!("unknown field; the spec's fields are: {}", EVENT_FIELDS.join(", ")),
                    ));
                }
            };
            let field = EVENT_FIELDS[idx];
            if seen & (1 << idx) != 0 {
                return self.fail(Error::field(field, "given twice"));
            }
            seen |= 1 << idx;
            let value: Scalar<'de> = map.next_value()?;
            // serde_json rounds some floats differently from Rust's exact parser, so a number
            // is read from its text, as in CSV. Numbers come in document order, and the first
            // array or object (whose numbers would not be counted) is an error anyway.
            let token = match value {
                Scalar::I64(_) | Scalar::U64(_) | Scalar::F64(_) => numbers.next().and_then(|t| self.text.get(t)),
                _ => None,
            };
            if let Err(e) = apply(self.record, field, value, token) {
                return self.fail(e);
            }
        }
        Ok(())
    }
}

/// Sets one field from a JSON value: a number through its JSON text (`token`), read exactly
/// as a CSV cell is (a whole float's text, `3.0` or `1e3`, is a whole number); anything else
/// as the [`Value`] it is (ids take text or whole numbers).
fn apply(record: &mut EventRecord, field: &str, value: Scalar<'_>, token: Option<&str>) -> Result<()> {
    let id = matches!(field, "person" | "device");
    match value {
        Scalar::Null => Ok(()),
        Scalar::Str(s) => record.set_text(field, &s),
        Scalar::I64(i) => record.set_text(field, token.unwrap_or(&i.to_string())),
        Scalar::U64(u) => record.set_text(field, token.unwrap_or(&u.to_string())),
        Scalar::Bool(b) => record.set(field, Value::Bool(b)),
        Scalar::F64(x) if id => record.set(field, Value::Float(x)),
        Scalar::F64(x) => record.set_text(field, token.unwrap_or(&format!("{x:?}"))),
        Scalar::Nested(what) => {
            Err(Error::field(field, format!("expected a string, a number, true/false or null, got {what}")))
        }
    }
}

/// Finds the number tokens of a JSON text, in order: outside strings, a number is the only
/// token with a digit or a `-`.
struct NumberTokens<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for NumberTokens<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<std::ops::Range<usize>> {
        let mut in_string = false;
        while let Some(&b) = self.bytes.get(self.pos) {
            if in_string {
                match b {
                    b'\\' => self.pos += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if b == b'-' || b.is_ascii_digit() {
                let start = self.pos;
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.pos += 1;
                }
                return Some(start..self.pos);
            }
            self.pos += 1;
        }
        None
    }
}

/// An object key: the index of a spec field, or the (clipped) unknown name.
struct FieldKey(std::result::Result<usize, String>);

impl<'de> de::Deserialize<'de> for FieldKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FieldKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<FieldKey, E> {
                Ok(FieldKey(EVENT_FIELDS.iter().position(|f| *f == v).ok_or_else(|| clip(v).into_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON value as the reader accepts it.
enum Scalar<'de> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(Cow<'de, str>),
    /// An array or object, which no field accepts.
    Nested(&'static str),
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Scalar<'de>, D::Error> {
                de::Deserialize::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::U64(v))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Scalar<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Scalar<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_LINE_BYTES;

    fn errors(text: &str) -> Vec<String> {
        JsonlEventReader::new(text.as_bytes()).filter_map(|r| r.err()).map(|e| e.to_string()).collect()
    }

    #[test]
    fn messages() {
        let base = r#""person":"p","ts":0,"signal":"#;
        let cases = [
            (format!("{{{base}\"sos\",\"wats\":3}}"), "line 1: field `wats`: unknown field; the spec's fields are: "),
            (format!("{{{base}\"sos\",\"ts\":3}}"), "line 1: field `ts`: given twice"),
            (format!("{{{base}\"plug\",\"watts\":[1]}}"), "line 1: field `watts`: expected a string, a number"),
            (format!("{{{base}\"plug\",\"watts\":true}}"), "line 1: field `watts`: expected a number, got `true`"),
            (
                format!("{{{base}\"sos\",\"device\":1.5}}"),
                "line 1: field `device`: expected text or a whole number, got 1.5",
            ),
            (
                format!("{{{base}\"sos\",\"device\":true}}"),
                "line 1: field `device`: expected text or a whole number, got true",
            ),
            (
                format!("{{{base}\"steps\",\"steps\":1.5e0}}"),
                "line 1: field `steps`: expected a whole number >= 0, got `1.5e0`",
            ),
            (
                format!("{{{base}\"sos\",\"device\":\"d\"}}").replace("\"ts\":0", "\"ts\":1714525200"),
                "line 1: field `ts`: 1714525200 can only be epoch seconds",
            ),
            (format!("{{{base}\"sos\""), "line 1: invalid JSON at column 35: EOF while parsing an object"),
            (format!("{{{base}\"sos\"}} x"), "line 1: invalid JSON at column 38: trailing characters"),
            ("[1,2]".to_string(), "line 1: expected a JSON object (one per line), got an array"),
        ];
        for (line, want) in cases {
            let got = errors(&line);
            assert_eq!(got.len(), 1, "{line}");
            assert!(got[0].starts_with(want), "{line}\n got: {}\nwant: {want}", got[0]);
        }
    }

    #[test]
    fn number_tokens() {
        let text = r#"{"a-1":"x\\\"9","b":-12.5e+3,"c":[1],"d":7}"#;
        let tokens: Vec<&str> = NumberTokens { bytes: text.as_bytes(), pos: 0 }.map(|r| &text[r]).collect();
        assert_eq!(tokens, ["-12.5e+3", "1", "7"]);
    }

    #[test]
    fn floats_are_read_exactly() {
        let text = r#"{"person":"p","ts":1,"signal":"plug","watts":9639.187417598921,"lux":1e-7}"#;
        let e = JsonlEventReader::new(text.as_bytes()).next().unwrap().unwrap();
        assert_eq!(e.kind, EventKind::plug(9639.187417598921).with_lux(1e-7));
    }

    #[test]
    fn numbers_and_nulls() {
        let text = r#"{"person":1001,"ts":1714557600000,"signal":"call","direction":"in","answered":false,"duration_s":null,"steps":null}"#;
        let e = JsonlEventReader::new(text.as_bytes()).next().unwrap().unwrap();
        assert_eq!(e.person, "1001");
        assert_eq!(e.ts.as_millis(), 1_714_557_600_000);
        // Whole floats are whole numbers, as in every other input.
        let text = r#"{"person":1001.0,"ts":1714557600000.0,"signal":"steps","steps":3.0,"interval_s":1e3}"#;
        let e = JsonlEventReader::new(text.as_bytes()).next().unwrap().unwrap();
        assert_eq!((e.person.as_str(), e.ts.as_millis()), ("1001", 1_714_557_600_000));
        assert_eq!(e.kind, EventKind::steps(3).with_interval_s(1000));
    }

    #[test]
    fn long_lines_and_crlf() {
        let long = "x".repeat(MAX_LINE_BYTES + 1);
        let ok = r#"{"person":"p","ts":1,"signal":"sos"}"#;
        let text = format!("{ok}\r\n{long}\n\r\n{ok}\n{long}");
        let got: Vec<_> = JsonlEventReader::new(text.as_bytes()).map(|r| r.map_err(|e| e.to_string())).collect();
        assert_eq!(got.len(), 4);
        assert!(got[0].is_ok() && got[2].is_ok());
        assert_eq!(got[1].as_ref().unwrap_err(), "line 2: longer than 1 MiB");
        assert_eq!(got[3].as_ref().unwrap_err(), "line 5: longer than 1 MiB");
    }
}
