//! Events: what the monitored home and phone report, as validated values.
//!
//! An [`Event`] is one row of the spec's event table. It can only be built through
//! validation ([`Event::new`] or [`EventRecord::into_event`]), so every `Event` in the
//! program has a non-empty pseudonymous person id, a timestamp in range, and exactly
//! the fields its signal requires, each within range.
//!
//! Besides the spec's signals there is `meter` (an extension of the spec's event table, with
//! the same field names): a whole-home electricity meter's reading. It carries `watts`
//! (required, a number >= 0: the household's average power over the reading's interval,
//! typically 15 minutes) and nothing else: `lux` on a meter row is refused, as a meter
//! measures no light. A meter is a device kind (a person's `devices` may list `meter`), its
//! readings feed the plug channel (the appliance-power channel of [`Signal::CHANNELS`]), and
//! a reading is a sign of life only when it stands out from the household's usual base load
//! for the hour, so that a fridge's cycling is not (see the `meter` module).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::number::{float_text, whole};
pub(crate) use crate::payload::kind_of;
pub use crate::payload::{DEFAULT_INTERVAL_S, EventKind};
use crate::payload::{Fields, check_fields, payload_key};
pub use crate::schema::EVENT_FIELDS;
use crate::schema::{Field, FieldType, HEAD, Kind, payload_fields, what};
use crate::time::Timestamp;
use crate::value::Value;
use crate::vocab::{AppAction, By, CheckinOutcome, ConcernCategory, Direction, DoorState, Finding, Signal};

/// One validated event.
///
/// ```
/// use anbu::{Event, EventKind, Timestamp};
/// let e = Event::new("p-001", "2024-05-01T19:02:00+09:00".parse()?, Some("plug-tv"),
///                    EventKind::plug(85.5).with_lux(120.0))?;
/// assert_eq!(e.device(), "plug-tv");
/// assert!(Event::new("p-001", e.ts, None, EventKind::plug(-1.0)).is_err());
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "EventRecord", try_from = "EventRecord")]
pub struct Event {
    /// Pseudonymous id of the monitored person.
    pub person: String,
    /// When it happened.
    pub ts: Timestamp,
    device: Option<String>,
    /// The signal and its fields.
    pub kind: EventKind,
}

pub(crate) use crate::limits::MAX_ID_LEN;

impl Event {
    /// Builds and validates an event.
    pub fn new(person: &str, ts: Timestamp, device: Option<&str>, kind: EventKind) -> Result<Self> {
        check_person_id(person).map_err(|r| Error::field("person", r))?;
        if let Some(d) = device {
            check_id(d).map_err(|r| Error::field("device", r))?;
        }
        validate_kind(&kind, ts)?;
        Ok(Event { person: person.to_string(), ts, device: device.map(str::to_string), kind })
    }

    /// An event from parts that were validated already (by [`Event::new`]'s checks).
    pub(crate) fn from_valid_parts(person: &str, ts: Timestamp, device: Option<&str>, kind: EventKind) -> Self {
        Event { person: person.to_string(), ts, device: device.map(str::to_string), kind }
    }

    /// The signal of this event.
    pub fn signal(&self) -> Signal {
        self.kind.signal()
    }

    /// The source device id; defaults to the signal's name.
    pub fn device(&self) -> &str {
        self.device.as_deref().unwrap_or(self.signal().as_str())
    }

    /// The device id exactly as given (None when it defaulted).
    pub fn device_given(&self) -> Option<&str> {
        self.device.as_deref()
    }

    /// A total order on events of one person at one time, so that any arrival order of
    /// the same events is processed identically.
    pub(crate) fn canonical_cmp(&self, other: &Event) -> std::cmp::Ordering {
        self.ts
            .cmp(&other.ts)
            .then_with(|| self.signal().cmp(&other.signal()))
            .then_with(|| self.device().cmp(other.device()))
            .then_with(|| payload_key(&self.kind).cmp(&payload_key(&other.kind)))
            .then_with(|| self.device.is_some().cmp(&other.device.is_some()))
            .then_with(|| self.person.cmp(&other.person))
    }

    /// The flat record form of this event (the spec's columns).
    pub fn to_record(&self) -> EventRecord {
        self.clone().into()
    }
}

/// Checks a device (or person) id: not blank, not too long, no control characters.
pub(crate) fn check_id(id: &str) -> std::result::Result<(), String> {
    if id.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if id.len() > MAX_ID_LEN {
        return Err(format!("longer than {MAX_ID_LEN} bytes"));
    }
    if id.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    Ok(())
}

/// Person ids are pseudonymous: a phone number or an e-mail address, in any spelling, is
/// refused so that none is stored (see `pseudonym`).
pub(crate) fn check_person_id(id: &str) -> std::result::Result<(), String> {
    check_id(id)?;
    match crate::pseudonym::personal_data(id) {
        Some(reason) => Err(reason.into()),
        None => Ok(()),
    }
}

/// The checks of a payload's values (ranges, `until` not before `ts`), as in [`Event::new`],
/// and of the event's time: epoch 0 is refused as a missing time (see [`Timestamp`]).
pub(crate) fn validate_kind(kind: &EventKind, ts: Timestamp) -> Result<()> {
    validate_payload(kind, ts)?;
    if ts == Timestamp::EPOCH {
        return Err(Error::field("ts", Timestamp::MISSING_REASON));
    }
    Ok(())
}

fn validate_payload(kind: &EventKind, ts: Timestamp) -> Result<()> {
    check_fields(kind)?;
    match kind {
        EventKind::Away { until, .. } if *until < ts => {
            Err(Error::field("until", format!("{until} is before ts {ts}")))
        }
        EventKind::Checkin { outcome, category: Some(_), .. } if *outcome != CheckinOutcome::Concern => {
            Err(Error::field(
                "category",
                format!("applies only to outcome `concern`, got outcome `{outcome}`; leave it empty"),
            ))
        }
        _ => Ok(()),
    }
}

/// Generates, from the schema's table (see `schema`), the flat record and the readers of a
/// field (the typed payload of a row is `payload`'s).
macro_rules! event_payload {
    ($( $(#[$doc:meta])* $name:ident: $ty:ty, on [$($on:ident),*], required [$($req:ident),*] $(, text $what:literal)? $(, column $cell:ty)? $(, check $check:ident)? $(, set $set:ident)?; )*) => {
        /// An event as the spec's flat record: every column optional.
        ///
        /// This is the shape events have in JSON objects, CSV rows, Python dicts and JS objects.
        /// [`EventRecord::into_event`] checks it: required fields present, fields that do not
        /// apply to the signal absent, values in range.
        ///
        /// ```
        /// use anbu::EventRecord;
        /// let r: EventRecord = serde_json::from_str(
        ///     r#"{"person":"p-1","ts":"2024-05-01T10:00:00+09:00","signal":"checkin","outcome":"missed"}"#)?;
        /// let e = r.into_event()?;
        /// assert_eq!(e.device(), "checkin");
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct EventRecord {
            /// Pseudonymous id of the monitored person.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub person: Option<String>,
            /// When it happened.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub ts: Option<Timestamp>,
            /// The signal.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub signal: Option<Signal>,
            /// The source device id (empty: the signal's name).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub device: Option<String>,
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $name: Option<$ty>,
            )*
        }

        impl EventRecord {
            /// Whether the spec's event column `field` holds a time (`ts`, `until`): a binding
            /// gives such a value back as its language's time.
            ///
            /// ```
            /// use anbu::EventRecord;
            /// assert!(EventRecord::is_time_field("ts") && EventRecord::is_time_field("until"));
            /// assert!(!EventRecord::is_time_field("watts") && !EventRecord::is_time_field("wats"));
            /// ```
            pub fn is_time_field(field: &str) -> bool {
                field == "ts" $( || (<$ty as FieldType>::KIND == Kind::Time && field == stringify!($name)) )*
            }

            /// The payload fields of this record.
            pub(crate) fn fields(&self) -> Fields {
                Fields { $( $name: self.$name ),* }
            }

            /// The record of an event's parts.
            fn of_parts(person: String, ts: Timestamp, signal: Signal, device: Option<String>, f: Fields) -> Self {
                EventRecord { person: Some(person), ts: Some(ts), signal: Some(signal), device, $( $name: f.$name ),* }
            }

            /// Sets payload field `field` from a cell's (non-empty) text.
            fn set_payload_text(&mut self, field: Field, text: &str) -> Result<()> {
                match field {
                    $( Field::$name => {
                        self.$name = Some(<$ty as FieldType>::from_text(stringify!($name), text, what!($ty $(, $what)?))?);
                    } )*
                }
                Ok(())
            }

            /// Sets payload field `field` from a [`Value`] (null and empty text leave it as it is).
            fn set_payload(&mut self, field: Field, value: Value<'_>) -> Result<()> {
                match field {
                    $( Field::$name => {
                        if let Some(v) = <$ty as FieldType>::from_value(stringify!($name), value, what!($ty $(, $what)?))? {
                            self.$name = Some(v);
                        }
                    } )*
                }
                Ok(())
            }

            /// Hands the visitor each payload field: its name, its column in [`EVENT_FIELDS`] and
            /// how to read it from a record (a writer's columns).
            pub(crate) fn visit_payload(v: &mut impl PayloadVisitor) {
                $( v.field(stringify!($name), HEAD + Field::$name as usize, |r: &EventRecord| r.$name); )*
            }
        }
    };
}

payload_fields!(event_payload);

/// What a writer does with each payload field (see [`EventRecord::visit_payload`]).
pub(crate) trait PayloadVisitor {
    /// The field `name`, at `column` of [`EVENT_FIELDS`], as `get` reads it from a record.
    fn field<T: FieldType>(&mut self, name: &'static str, column: usize, get: impl Fn(&EventRecord) -> Option<T>);
}

/// Reads an id (`person`, `device`) from a [`Value`]: text, or a whole number.
fn id_value(field: &str, value: Value<'_>) -> Result<Option<String>> {
    let bad = |what: String| Err(Error::field(field, format!("expected text or a whole number, got {what}")));
    match value {
        Value::Null | Value::Text("") => Ok(None),
        Value::Text(t) => Ok(Some(t.to_string())),
        Value::Int(i) => Ok(Some(i.to_string())),
        Value::Float(x) => match whole(x) {
            Some(i) => Ok(Some(i.to_string())),
            None => bad(float_text(x)),
        },
        Value::Bool(b) => bad(format!("{b}")),
        Value::Time(_) => bad(value.what()),
    }
}

impl EventRecord {
    /// Validates the record into an [`Event`]; the error names the field and the reason.
    pub fn into_event(self) -> Result<Event> {
        let person = self.person.as_deref().ok_or_else(|| Error::field("person", "required"))?;
        let ts = self.ts.ok_or_else(|| Error::field("ts", "required"))?;
        let signal = self.signal.ok_or_else(|| Error::field("signal", "required"))?;
        let kind = self.fields().into_kind(signal)?;
        Event::new(person, ts, self.device.as_deref(), kind)
    }

    /// Sets one field from a [`Value`], as every source gives its values (a Python object, a
    /// JavaScript value, an Arrow cell): null and empty text leave it absent; text is read as
    /// a CSV cell ([`Self::set_text`]); a whole float is a whole number; a number for `ts` or
    /// `until` is epoch milliseconds ([`Timestamp::from_number`]); ids are text or whole
    /// numbers.
    ///
    /// The error names the field and quotes (a clipped copy of) the bad value.
    pub fn set(&mut self, field: &str, value: Value<'_>) -> Result<()> {
        match EVENT_FIELDS.iter().position(|f| *f == field) {
            Some(column) => self.set_column(column, value),
            None if matches!(value, Value::Null | Value::Text("")) => Ok(()),
            None => self.set_text(field, "?"),
        }
    }

    /// [`Self::set`] of the field `EVENT_FIELDS[column]`.
    pub(crate) fn set_column(&mut self, column: usize, value: Value<'_>) -> Result<()> {
        let Some(&field) = EVENT_FIELDS.get(column) else {
            return Err(Error::field("column", format!("no spec field at column {column}")));
        };
        let what = <Timestamp as FieldType>::WHAT;
        match column {
            0 => self.person = id_value(field, value)?.or(self.person.take()),
            1 => self.ts = <Timestamp as FieldType>::from_value(field, value, what)?.or(self.ts),
            2 => self.signal = <Signal as FieldType>::from_value(field, value, what)?.or(self.signal),
            3 => self.device = id_value(field, value)?.or(self.device.take()),
            _ => self.set_payload(Field::ALL[column - HEAD], value)?,
        }
        Ok(())
    }

    /// Sets one field from its text form (a CSV cell); empty text leaves it absent.
    ///
    /// The error names the field and quotes (a clipped copy of) the bad value.
    pub fn set_text(&mut self, field: &str, text: &str) -> Result<()> {
        match EVENT_FIELDS.iter().position(|f| *f == field) {
            Some(column) => self.set_column_text(column, text),
            None if text.is_empty() => Ok(()),
            None => {
                Err(Error::field(field, format!("unknown field; the spec's fields are: {}", EVENT_FIELDS.join(", "))))
            }
        }
    }

    /// [`Self::set_text`] of the field `EVENT_FIELDS[column]` (a reader that knows its columns'
    /// positions need not compare their names again on every row).
    pub(crate) fn set_column_text(&mut self, column: usize, text: &str) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let Some(&field) = EVENT_FIELDS.get(column) else {
            return Err(Error::field("column", format!("no spec field at column {column}")));
        };
        match column {
            0 => self.person = Some(text.to_string()),
            1 => self.ts = Some(<Timestamp as FieldType>::from_text(field, text, "")?),
            2 => self.signal = Some(<Signal as FieldType>::from_text(field, text, "")?),
            3 => self.device = Some(text.to_string()),
            _ => self.set_payload_text(Field::ALL[column - HEAD], text)?,
        }
        Ok(())
    }
}

impl TryFrom<EventRecord> for Event {
    type Error = Error;
    fn try_from(r: EventRecord) -> Result<Self> {
        r.into_event()
    }
}

impl From<Event> for EventRecord {
    fn from(e: Event) -> Self {
        let fields = Fields::from(&e.kind);
        EventRecord::of_parts(e.person, e.ts, e.kind.signal(), e.device, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pairs: &[(&str, &str)]) -> Result<Event> {
        let mut r = EventRecord::default();
        for (k, v) in pairs {
            r.set_text(k, v)?;
        }
        r.into_event()
    }

    const BASE: [(&str, &str); 2] = [("person", "p-1"), ("ts", "2024-05-01T10:00:00+09:00")];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        BASE.iter().chain(extra).copied().collect()
    }

    #[test]
    fn every_signal_parses() {
        let cases: &[&[(&str, &str)]] = &[
            &[("signal", "call"), ("direction", "out"), ("answered", "true"), ("duration_s", "12.5")],
            &[("signal", "steps"), ("steps", "412")],
            &[("signal", "door"), ("state", "open")],
            &[("signal", "plug"), ("watts", "85.5"), ("lux", "120")],
            &[("signal", "app"), ("action", "unlock")],
            &[("signal", "checkin"), ("outcome", "concern")],
            &[("signal", "checkin"), ("outcome", "concern"), ("category", "welfare_request")],
            &[("signal", "sos")],
            &[("signal", "away"), ("until", "2024-05-09T00:00:00+09:00")],
            &[("signal", "heartbeat"), ("device", "door-front")],
            &[("signal", "meter"), ("device", "meter-home"), ("watts", "412.5")],
            &[("signal", "disposition"), ("finding", "fine")],
            &[("signal", "disposition"), ("finding", "device_fault"), ("device", "plug-tv")],
            &[("signal", "checkin"), ("outcome", "unreachable"), ("by", "staff")],
            &[("signal", "checkin"), ("outcome", "sms_reply")],
            &[("signal", "disposition"), ("finding", "unreachable"), ("by", "119")],
            &[("signal", "disposition"), ("finding", "fine"), ("by", "visit")],
        ];
        for c in cases {
            let e = rec(&with(c)).unwrap();
            // Round trip through the record and JSON.
            let json = serde_json::to_string(&e).unwrap();
            let back: Event = serde_json::from_str(&json).unwrap();
            assert_eq!(back, e, "{json}");
        }
        let steps = rec(&with(&[("signal", "steps"), ("steps", "5")])).unwrap();
        assert_eq!(steps.kind, EventKind::steps(5));
        // `by` empty is `auto`, and `auto` is written empty (as files before the field had it).
        let auto = rec(&with(&[("signal", "checkin"), ("outcome", "missed"), ("by", "auto")])).unwrap();
        assert_eq!(auto, rec(&with(&[("signal", "checkin"), ("outcome", "missed")])).unwrap());
        assert_eq!(auto.kind, EventKind::checkin(CheckinOutcome::Missed));
        assert_eq!(auto.to_record().by, None);
        let found = rec(&with(&[("signal", "disposition"), ("finding", "fine"), ("by", "police")])).unwrap();
        assert_eq!(found.to_record().by, Some(By::Police));
    }

    #[test]
    fn errors_name_the_field() {
        let err = |extra: &[(&'static str, &'static str)]| rec(&with(extra)).unwrap_err().to_string();
        assert_eq!(err(&[("signal", "plug"), ("watts", "-3")]), "field `watts`: must be >= 0, got -3");
        assert_eq!(err(&[("signal", "plug"), ("watts", "NaN")]), "field `watts`: must be a number, got NaN");
        assert!(err(&[("signal", "plgu")]).starts_with("field `signal`: unknown value `plgu`"));
        assert_eq!(err(&[("signal", "plug")]), "field `watts`: required for signal `plug`");
        assert_eq!(err(&[("signal", "meter")]), "field `watts`: required for signal `meter`");
        assert_eq!(err(&[("signal", "meter"), ("watts", "-1")]), "field `watts`: must be >= 0, got -1");
        assert_eq!(
            err(&[("signal", "meter"), ("watts", "300"), ("lux", "40")]),
            "field `lux`: does not apply to signal `meter`; leave it empty"
        );
        assert!(err(&[("signal", "door"), ("state", "open"), ("watts", "3")]).contains("does not apply"));
        assert!(err(&[("signal", "call"), ("direction", "out"), ("answered", "yes")]).contains("true or false"));
        assert!(err(&[("signal", "steps"), ("steps", "-1")]).contains("whole number"));
        assert!(err(&[("signal", "steps"), ("steps", "3"), ("interval_s", "0")]).contains("> 0"));
        assert!(err(&[("signal", "away"), ("until", "2024-04-01T00:00:00Z")]).contains("before ts"));
        assert!(rec(&[("person", "p"), ("signal", "sos")]).unwrap_err().to_string().contains("`ts`: required"));
        assert_eq!(
            err(&[("signal", "checkin"), ("outcome", "concern"), ("category", "lonely")]),
            "field `category`: unknown value `lonely`, expected one of: welfare_request, pain, cold, threat, self_harm, other"
        );
        assert_eq!(
            err(&[("signal", "checkin"), ("outcome", "answered"), ("category", "pain")]),
            "field `category`: applies only to outcome `concern`, got outcome `answered`; leave it empty"
        );
        assert_eq!(
            err(&[("signal", "steps"), ("steps", "3"), ("category", "pain")]),
            "field `category`: does not apply to signal `steps`; leave it empty"
        );
        assert_eq!(err(&[("signal", "disposition")]), "field `finding`: required for signal `disposition`");
        assert_eq!(
            err(&[("signal", "disposition"), ("finding", "ok")]),
            "field `finding`: unknown value `ok`, expected one of: fine, away, hospital, device_fault, emergency, deceased, unreachable"
        );
        assert_eq!(
            err(&[("signal", "checkin"), ("outcome", "missed"), ("finding", "fine")]),
            "field `finding`: does not apply to signal `checkin`; leave it empty"
        );
        // `by`: one column, each signal's own values.
        let by: [(&[(&str, &str)], &str); 5] = [
            (
                &[("signal", "checkin"), ("outcome", "missed"), ("by", "robot")],
                "field `by`: unknown value `robot`, expected one of: auto, staff, call, visit, police, 119",
            ),
            (
                &[("signal", "checkin"), ("outcome", "missed"), ("by", "visit")],
                "field `by`: `visit` does not apply to signal `checkin`, expected one of: auto, staff",
            ),
            (
                &[("signal", "disposition"), ("finding", "fine"), ("by", "staff")],
                "field `by`: `staff` does not apply to signal `disposition`, expected one of: call, visit, police, 119",
            ),
            (&[("signal", "sos"), ("by", "staff")], "field `by`: does not apply to signal `sos`; leave it empty"),
            (
                &[("signal", "checkin"), ("outcome", "answerd")],
                "field `outcome`: unknown value `answerd`, expected one of: answered, missed, concern, unreachable, sms_reply",
            ),
        ];
        for (pairs, want) in by {
            assert_eq!(rec(&with(pairs)).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn whole_floats_are_whole_numbers() {
        // As pandas writes a count column with gaps to CSV.
        let e = rec(&with(&[("signal", "steps"), ("steps", "0.0"), ("interval_s", "3600.0")])).unwrap();
        assert_eq!(e.kind, EventKind::steps(0));
        let e = rec(&with(&[("signal", "call"), ("direction", "in"), ("answered", "1.0")])).unwrap();
        assert!(matches!(e.kind, EventKind::Call { answered: true, .. }));
        let err = rec(&with(&[("signal", "steps"), ("steps", "0.5")])).unwrap_err().to_string();
        assert_eq!(err, "field `steps`: expected a whole number >= 0, got `0.5`");
    }

    #[test]
    fn values_are_read_by_one_rule() {
        let event = |pairs: &[(&str, Value<'_>)]| -> Result<Event> {
            let mut r = EventRecord::default();
            for (k, v) in [("person", Value::Text("p-1")), ("ts", Value::Int(1_714_525_200_000))].iter().chain(pairs) {
                r.set(k, *v)?;
            }
            r.into_event()
        };
        // Empty text is absent, as an empty CSV cell is.
        let e = event(&[("signal", Value::Text("sos")), ("device", Value::Text(""))]).unwrap();
        assert_eq!(e.device_given(), None);
        // Whole floats are whole numbers; ids take them too.
        let e = event(&[("signal", Value::Text("steps")), ("steps", Value::Float(3.0)), ("device", Value::Float(7.0))])
            .unwrap();
        assert_eq!((e.device(), &e.kind), ("7", &EventKind::steps(3)));
        let err = |pairs: &[(&str, Value<'_>)]| event(pairs).unwrap_err().to_string();
        assert_eq!(
            err(&[("signal", Value::Text("steps")), ("steps", Value::Float(0.5))]),
            "field `steps`: expected a whole number >= 0, got `0.5`"
        );
        assert_eq!(
            err(&[("signal", Value::Text("sos")), ("device", Value::Float(1.5))]),
            "field `device`: expected text or a whole number, got 1.5"
        );
        assert_eq!(
            err(&[("signal", Value::Text("sos")), ("device", Value::Bool(true))]),
            "field `device`: expected text or a whole number, got true"
        );
        assert_eq!(
            err(&[("signal", Value::Text("plug")), ("watts", Value::Float(f64::NAN))]),
            "field `watts`: must be a number, got NaN"
        );
        // A number for a time is epoch milliseconds; one that can only be seconds is refused.
        let e = event(&[("signal", Value::Text("away")), ("until", Value::Float(1_714_611_600_000.0))]).unwrap();
        assert_eq!(e.kind, EventKind::away(Timestamp::from_millis(1_714_611_600_000).unwrap()));
        let until = err(&[("signal", Value::Text("away")), ("until", Value::Int(1_714_611_600))]);
        assert!(until.starts_with("field `until`: 1714611600 can only be epoch seconds"), "{until}");
        assert!(event(&[("signal", Value::Text("away")), ("until", Value::Time(1_714_611_600_000))]).is_ok());
        // Unknown fields are named unless absent.
        let mut r = EventRecord::default();
        assert!(r.set("wats", Value::Null).is_ok() && r.set("wats", Value::Text("")).is_ok());
        assert!(r.set("wats", Value::Int(3)).unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn channels_and_the_meter() {
        for (i, c) in Signal::CHANNELS.into_iter().enumerate() {
            assert_eq!(c.channel_index(), Some(i));
            assert_eq!(c.channel(), Some(c));
        }
        assert_eq!(Signal::Meter.channel(), Some(Signal::Plug));
        for s in [Signal::Checkin, Signal::Sos, Signal::Away, Signal::Heartbeat, Signal::Disposition] {
            assert_eq!(s.channel_index(), None);
        }
        let e = rec(&with(&[("signal", "meter"), ("watts", "0")])).unwrap();
        assert_eq!((&e.kind, e.device()), (&EventKind::meter(0.0), "meter"));
    }

    #[test]
    fn phone_numbers_are_not_person_ids() {
        for id in ["010-1234-5678", "01012345678", "+82 10 1234 5678"] {
            assert!(check_person_id(id).is_err(), "{id}");
        }
        for id in ["p-001", "100234567", "a1b2c3"] {
            assert!(check_person_id(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn unknown_json_fields_are_rejected() {
        let r: std::result::Result<EventRecord, _> =
            serde_json::from_str(r#"{"person":"p","ts":0,"signal":"plug","wats":3}"#);
        assert!(r.unwrap_err().to_string().contains("wats"));
    }
}
