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
use crate::macros::spec_enum;
use crate::number::{float_text, whole};
pub(crate) use crate::payload::kind_of;
pub use crate::payload::{DEFAULT_INTERVAL_S, EventKind};
use crate::payload::{check_fields, payload_key};
pub use crate::schema::EVENT_FIELDS;
use crate::schema::{Field, FieldType, HEAD, Kind, choice_fields, payload_fields, what};
use crate::time::Timestamp;
use crate::value::Value;

spec_enum! {
    /// What kind of signal an event carries (the spec's `signal` field).
    pub enum Signal {
        /// A phone call (`direction`, `answered`, optional `duration_s`).
        Call = "call",
        /// Steps counted by the phone's step app over an interval.
        Steps = "steps",
        /// A door contact sensor changed state.
        Door = "door",
        /// A smart-plug reading (`watts`, optional `lux`).
        Plug = "plug",
        /// Phone use seen by the monitoring app (`action`).
        App = "app",
        /// The outcome of an automatic check-in call.
        Checkin = "checkin",
        /// The person pressed the emergency button.
        Sos = "sos",
        /// The person registered an absence until `until`.
        Away = "away",
        /// A device reports that it is alive; not a sign of life of the person.
        Heartbeat = "heartbeat",
        /// A whole-home electricity meter's reading (`watts`, the household's average power over
        /// the reading's interval). It feeds the plug channel; a reading is a sign of life when it
        /// stands out from the household's base load for the hour (a fridge's cycling does not).
        Meter = "meter",
        /// What a call or a visit by a caseworker (or a responder) found (`finding`): it
        /// closes the alert episode (see [`Finding`]).
        Disposition = "disposition",
    }
}

spec_enum! {
    /// Direction of a call.
    pub enum Direction {
        /// The person was called.
        In = "in",
        /// The person called someone.
        Out = "out",
    }
}

spec_enum! {
    /// Door contact state after a door event.
    pub enum DoorState {
        /// The door is open.
        Open = "open",
        /// The door is closed.
        Closed = "closed",
    }
}

spec_enum! {
    /// Phone use seen by the monitoring app.
    pub enum AppAction {
        /// The screen was unlocked.
        Unlock = "unlock",
        /// A charger was plugged in.
        Charge = "charge",
        /// A text message was sent.
        SmsOut = "sms_out",
        /// Mobile data was used. Background sync does this too, so it shows that the phone
        /// is on, not that the person used it.
        Data = "data",
        /// An app was opened.
        AppOpen = "app_open",
    }
}

spec_enum! {
    /// Outcome of a check-in call (automatic, or a staff member's call or text: see [`CheckinBy`]).
    pub enum CheckinOutcome {
        /// The person answered and is fine.
        Answered = "answered",
        /// Nobody answered.
        Missed = "missed",
        /// Answered, but the person asked for help or reported pain.
        Concern = "concern",
        /// The call could not ring: the phone is off or out of service. A failed attempt,
        /// counted as `missed` is.
        Unreachable = "unreachable",
        /// The person answered a text message: a sign of life, as `answered` is.
        SmsReply = "sms_reply",
    }
}

spec_enum! {
    /// Who placed a check-in call (a `checkin` event's optional `by`; empty is `auto`, so
    /// files written before the field keep their meaning).
    pub enum CheckinBy {
        /// The automatic (AI) check-in call.
        Auto = "auto",
        /// A caseworker's or the control center's call or text.
        Staff = "staff",
    }
}

spec_enum! {
    /// Who found what a `disposition` reports (its optional `by`).
    pub enum FoundBy {
        /// A call (a caseworker's or the control center's).
        Call = "call",
        /// A staff visit.
        Visit = "visit",
        /// The police.
        Police = "police",
        /// The 119 emergency service (fire and ambulance).
        Rescue = "119",
    }
}

spec_enum! {
    /// The `by` column of the flat record: a [`CheckinBy`] on a `checkin` row, a [`FoundBy`]
    /// on a `disposition` row (one column, as the spec's table has one).
    pub enum By {
        /// [`CheckinBy::Auto`].
        Auto = "auto",
        /// [`CheckinBy::Staff`].
        Staff = "staff",
        /// [`FoundBy::Call`].
        Call = "call",
        /// [`FoundBy::Visit`].
        Visit = "visit",
        /// [`FoundBy::Police`].
        Police = "police",
        /// [`FoundBy::Rescue`].
        Rescue = "119",
    }
}

impl From<CheckinBy> for By {
    fn from(b: CheckinBy) -> By {
        match b {
            CheckinBy::Auto => By::Auto,
            CheckinBy::Staff => By::Staff,
        }
    }
}

impl From<FoundBy> for By {
    fn from(b: FoundBy) -> By {
        match b {
            FoundBy::Call => By::Call,
            FoundBy::Visit => By::Visit,
            FoundBy::Police => By::Police,
            FoundBy::Rescue => By::Rescue,
        }
    }
}

impl By {
    /// The value for a `checkin` row, or the error naming the values that apply.
    pub(crate) fn checkin(self) -> Result<CheckinBy> {
        match self {
            By::Auto => Ok(CheckinBy::Auto),
            By::Staff => Ok(CheckinBy::Staff),
            _ => Err(Error::field(
                "by",
                format!("`{self}` does not apply to signal `checkin`, expected one of: {}", CheckinBy::expected()),
            )),
        }
    }

    /// The value for a `disposition` row, or the error naming the values that apply.
    pub(crate) fn disposition(self) -> Result<FoundBy> {
        match self {
            By::Call => Ok(FoundBy::Call),
            By::Visit => Ok(FoundBy::Visit),
            By::Police => Ok(FoundBy::Police),
            By::Rescue => Ok(FoundBy::Rescue),
            _ => Err(Error::field(
                "by",
                format!("`{self}` does not apply to signal `disposition`, expected one of: {}", FoundBy::expected()),
            )),
        }
    }
}

impl CheckinOutcome {
    /// Whether the outcome shows the person alive (`answered`, `concern`, `sms_reply`).
    pub fn is_life(self) -> bool {
        !self.is_failed()
    }

    /// Whether the attempt failed (`missed`, `unreachable`).
    pub fn is_failed(self) -> bool {
        matches!(self, CheckinOutcome::Missed | CheckinOutcome::Unreachable)
    }
}

spec_enum! {
    /// What a person said on a check-in call that ended in `concern` (the event's optional
    /// `category`): a fixed vocabulary, so that the vendor's free text is never stored. The
    /// profile's `checkins.categories` maps each to a level, an action and a route.
    pub enum ConcernCategory {
        /// A request for welfare help: bills, care after a hospital stay, heating, counselling.
        WelfareRequest = "welfare_request",
        /// The person reported pain or feeling ill.
        Pain = "pain",
        /// The person is cold (no heating in a cold snap).
        Cold = "cold",
        /// The person reported a threat from someone.
        Threat = "threat",
        /// The person spoke of harming themselves.
        SelfHarm = "self_harm",
        /// Anything else (handled as a `concern` without a category).
        Other = "other",
    }
}

spec_enum! {
    /// What a call or a visit found about the person (a `disposition` event's `finding`).
    pub enum Finding {
        /// The person was seen well: a sign of life, and the silence just ended was normal
        /// for them (the learned routine learns it, bounded; never the safety floor).
        Fine = "fine",
        /// The person is away (a trip, a stay with family): an absence until their next
        /// sign of life.
        Away = "away",
        /// The person is in hospital: an absence until their next sign of life.
        Hospital = "hospital",
        /// The silent channel's devices have a technical problem: their silence is not
        /// evidence about the person until they report again.
        DeviceFault = "device_fault",
        /// The person was found in an emergency: a confirmed incident.
        Emergency = "emergency",
        /// The person was found dead: a confirmed incident.
        Deceased = "deceased",
        /// Nobody answered the door or the phone: the visit could not see the person.
        Unreachable = "unreachable",
    }
}

choice_fields! {
    Signal = Sos,
    Direction = In,
    DoorState = Open,
    AppAction = Unlock,
    CheckinOutcome = Missed,
    ConcernCategory = Other,
    Finding = Fine,
    By = Auto,
}

impl Finding {
    /// Whether the finding confirms an incident (`emergency`, `deceased`): a backtest's label.
    pub fn is_incident(self) -> bool {
        matches!(self, Finding::Emergency | Finding::Deceased)
    }
}

impl Signal {
    /// The signals whose silence is evidence (the activity channels), in a fixed order.
    pub const CHANNELS: [Signal; 5] = [Signal::Call, Signal::Steps, Signal::Door, Signal::Plug, Signal::App];

    /// The index in [`Signal::CHANNELS`] of the activity channel this signal feeds, if any: its
    /// own, or for `meter` the plug channel (a whole-home meter is watched as the appliance-power
    /// channel, so a profile that watches `plug` watches a meter too).
    #[inline]
    pub fn channel_index(self) -> Option<usize> {
        match self {
            Signal::Call => Some(0),
            Signal::Steps => Some(1),
            Signal::Door => Some(2),
            Signal::Plug | Signal::Meter => Some(3),
            Signal::App => Some(4),
            Signal::Checkin | Signal::Sos | Signal::Away | Signal::Heartbeat | Signal::Disposition => None,
        }
    }

    /// The activity channel this signal feeds (see [`Signal::channel_index`]).
    pub fn channel(self) -> Option<Signal> {
        self.channel_index().map(|i| Signal::CHANNELS[i])
    }
}

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

/// The checks of a field's value the schema's table names (`check`).
///
/// A float: a number (not NaN), finite, >= 0.
fn finite_non_negative(field: &str, x: f64) -> Result<()> {
    if x.is_nan() {
        return Err(Error::field(field, "must be a number, got NaN"));
    }
    if x.is_infinite() {
        return Err(Error::field(field, "must be finite"));
    }
    if x < 0.0 {
        return Err(Error::field(field, format!("must be >= 0, got {x}")));
    }
    Ok(())
}

/// A count > 0.
fn positive(field: &str, x: u32) -> Result<()> {
    if x == 0 { Err(Error::field(field, "must be > 0")) } else { Ok(()) }
}

/// A field's check from the table, or none.
macro_rules! check {
    ($field:expr, $value:expr) => {{
        let _ = $value;
        Ok(())
    }};
    ($field:expr, $value:expr, $check:ident) => {
        match $value {
            Some(x) => $check($field, x),
            None => Ok(()),
        }
    };
}

/// Generates, from the schema's table (see `schema`), the flat record, the typed payload of a
/// row, the fields each signal allows and requires, and the readers of a field.
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

        /// The payload fields of one row, typed and each optional: what a record, a CSV row or a
        /// row of columns carries besides person, ts, signal and device.
        ///
        /// [`Fields::into_kind`] is the one place where a row's payload is checked against its
        /// signal, whichever way the row came in.
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub(crate) struct Fields {
            $( pub $name: Option<$ty>, )*
        }

        impl EventKind {
            $($(
                #[doc = concat!("Sets `", stringify!($name), "` (`None`: absent) where this payload's signal carries it; on another signal's payload, or with a value the signal does not take, the payload is returned as it is. [`Event::new`] then checks the value.")]
                pub fn $set(self, value: impl Into<Option<$ty>>) -> EventKind {
                    let mut f = Fields::from(&self);
                    f.$name = value.into();
                    kind_of::<()>(&f, self.signal()).unwrap_or(self)
                }
            )?)*
        }

        /// The checks of the payload fields' values, one function per field (the table's `check`).
        pub(crate) struct Check;

        impl Check {
            $( #[inline] pub(crate) fn $name(value: Option<$ty>) -> Result<()> { check!(stringify!($name), value $(, $check)?) } )*
        }

        /// A row's payload fields, each read when asked for: [`kind_of`] reads only those of
        /// the row's signal.
        pub(crate) trait PayloadSource {
            $( $(#[$doc])* fn $name(&self) -> Option<$ty>; )*
        }

        impl PayloadSource for Fields {
            $( #[inline] fn $name(&self) -> Option<$ty> { self.$name } )*
        }

        impl Fields {
            /// The fields of `mask` present, each with a valid value of its type (a test's).
            #[cfg(test)]
            pub(crate) fn filled(mask: u16) -> Fields {
                Fields { $( $name: (mask & (1 << Field::$name as u16) != 0)
                    .then(|| <$ty as FieldType>::from_checked_cell(<$ty as FieldType>::FILL)), )* }
            }

            /// The fields that are present, as bits (see [`Field`]).
            #[inline]
            fn present(&self) -> u16 {
                0 $( | (u16::from(self.$name.is_some()) << Field::$name as u16) )*
            }
        }

        /// The payload fields `signal` allows (`required`: requires), as bits (see [`Field`]).
        #[allow(clippy::match_single_binding)]
        const fn signal_fields(signal: Signal, required: bool) -> u16 {
            let allowed = 0 $( | match signal { $(Signal::$on => 1 << Field::$name as u16,)* _ => 0 } )*;
            let needed = 0 $( | match signal { $(Signal::$req => 1 << Field::$name as u16,)* _ => 0 } )*;
            if required { needed } else { allowed }
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

/// The payload fields each signal allows, as bits by [`Field`], computed from the schema.
const ALLOWED: [u16; Signal::ALL.len()] = signal_masks(false);
/// The payload fields each signal requires, as bits by [`Field`], computed from the schema.
const REQUIRED: [u16; Signal::ALL.len()] = signal_masks(true);

const fn signal_masks(required: bool) -> [u16; Signal::ALL.len()] {
    let mut out = [0; Signal::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = signal_fields(Signal::ALL[i], required);
        i += 1;
    }
    out
}

/// The payload fields `signal` may carry, as bits (see [`Field`]).
#[inline]
pub(crate) const fn allowed_fields(signal: Signal) -> u16 {
    ALLOWED[signal as usize]
}

/// The payload fields `signal` requires, as bits (see [`Field`]): what [`kind_of`] asks for
/// (a test checks that the two agree on every combination of fields).
#[inline]
pub(crate) const fn required_fields(signal: Signal) -> u16 {
    REQUIRED[signal as usize]
}

/// How [`kind_of`] reports a row it cannot read: a record's reader wants the error that names
/// the field ([`Error`]); the checked columns, whose rows passed their checks, want only to
/// know (`()`), and so carry no `Error` through their hot path.
pub(crate) trait KindError: Sized {
    /// A field `signal` requires is missing.
    fn missing(field: &'static str, signal: Signal) -> Self;
    /// A value does not fit the signal (a `by` of the wrong kind).
    fn unfit(e: Error) -> Self;
}

impl KindError for Error {
    #[inline]
    fn missing(field: &'static str, signal: Signal) -> Self {
        Error::field(field, format!("required for signal `{signal}`"))
    }
    #[inline]
    fn unfit(e: Error) -> Self {
        e
    }
}

impl KindError for () {
    #[inline]
    fn missing(_: &'static str, _: Signal) -> Self {}
    #[inline]
    fn unfit(_: Error) -> Self {}
}

impl Fields {
    /// The payload for `signal`: every present field must apply to it (the first that does
    /// not is named), and the fields it requires must be present ([`kind_of`]). Values are
    /// checked by [`validate_kind`], after the ids.
    #[inline]
    pub fn into_kind(self, signal: Signal) -> Result<EventKind> {
        let stray = self.present() & !allowed_fields(signal);
        if stray != 0 {
            let field = EVENT_FIELDS[HEAD + stray.trailing_zeros() as usize];
            return Err(Error::field(field, format!("does not apply to signal `{signal}`; leave it empty")));
        }
        kind_of::<Error>(&self, signal)
    }
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
    fn field_masks_agree_with_into_kind() {
        for &signal in Signal::ALL {
            for mask in 0..(1u16 << crate::schema::PAYLOAD) {
                let mut f = Fields::filled(mask);
                if signal == Signal::Disposition && f.by.is_some() {
                    f.by = Some(By::Visit);
                }
                assert_eq!(f.present(), mask);
                let ok = mask & !allowed_fields(signal) == 0 && required_fields(signal) & !mask == 0;
                assert_eq!(f.into_kind(signal).is_ok(), ok, "{signal} {mask:b}");
            }
        }
    }

    #[test]
    fn unknown_json_fields_are_rejected() {
        let r: std::result::Result<EventRecord, _> =
            serde_json::from_str(r#"{"person":"p","ts":0,"signal":"plug","wats":3}"#);
        assert!(r.unwrap_err().to_string().contains("wats"));
    }
}
