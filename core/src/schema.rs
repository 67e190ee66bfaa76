//! The event schema: one table of the spec's payload fields, from which everything that lists
//! them is generated.
//!
//! Each line of [`payload_fields!`] is one field: its name, its type, the signals it applies
//! to (`on`), the signals that require it (`required`), and optionally how a bad cell is
//! described (`text`), the check of a present value (`check`) and the name of its setter
//! (`set`). From the table come the record's payload ([`crate::EventRecord`]), the typed
//! payload of a row (`payload::Fields`), [`EVENT_FIELDS`], the allowed and required fields of
//! each signal as bits, the readers of a cell and of a [`Value`], the columns of a batch
//! ([`crate::EventColumns`]) and of [`crate::OwnedColumns`], the writers (CSV, Arrow), the
//! checks of the values and the setters of `EventKind`'s optional fields. A field's *meaning*
//! for a signal (which `EventKind` variant carries it, required or with a default) is the
//! signal's, and lives with `EventKind` in `payload`.
//!
//! Each module that needs the fields hands a generator macro of its own to
//! [`payload_fields!`], which calls it with the table; the table itself names no module.
//!
//! # Adding a payload field
//!
//! 1. A line in [`payload_fields!`]: name, type, the signals it applies to and those that
//!    require it, and optionally its check (a function in `payload`) and its setter.
//! 2. A line in the payload of each signal that carries it (`event_kinds!` in `payload`): a
//!    required field among the constructor's arguments (before the `;`), an optional one
//!    after it (`Option<T>`, or `T = default`). `EventKind`'s variant, constructor, reading
//!    from a row (`kind_of`), writing back, checks and canonical order come from it.
//! 3. Its packing in `compact` (the engine's 32-byte event): `Compact::new`, `kind`, `key`
//!    (and `same_event` for a float). The compiler names the first two; the tests, which
//!    build every combination of each signal's fields from the table, fail until all are
//!    done.
//! 4. The spec: `docs/interchange.md`.
//!
//! Code outside the crate is not touched: `EventKind`'s variants are `#[non_exhaustive]`, so
//! it builds payloads with constructors and setters and matches them with `{ .. }`.
//!
//! A trial (an optional `battery`, a whole percent, on `plug` and `heartbeat`; not merged)
//! touched: the table (+3 lines), the two payloads (+7 −1), its check in `event` (+5, now `payload`),
//! `compact` (+22 −6: a float would not have fitted the 32 bytes, a whole percent fits the
//! small bits), the spec (+1), Node's `EventInput`/`EventColumns` types (`dts-header.d.ts`
//! and `index.d.ts`, +2 each), and what pins the CSV's columns: a doc example's row and a
//! test's header (2 lines), and the Python fixture (regenerated). Before, it also took its
//! arms in `kind_of`, `From<&EventKind> for Fields`, `payload_key` and `validate_payload`, and
//! 76 lines in 32 files that wrote `EventKind::Plug { .. }` or `EventKind::Heartbeat`.

use std::fmt::Display;

use crate::clip::clip;
use crate::error::{Error, Result};
use crate::number::{float_text, whole, whole_from_text};
use crate::time::Timestamp;
use crate::value::{Value, bool_from_text};

/// Calls the macro `$gen` with the table of the spec's payload fields, in column order (the
/// order of [`EVENT_FIELDS`] after `person`, `ts`, `signal` and `device`). Each line:
///
/// `/// docs` `name: Type, on [signals], required [signals] (, text "what a cell must be")?
/// (, column ColumnType)? (, check function)? (, set with_name)?;` (the column type when a
/// column holds another type than the record: the type's [`FieldType::Cell`]; `check`: the
/// function of `payload` that checks a present value; `set`: the `EventKind` setter of a field
/// a signal carries optionally).
///
/// A new payload field is one line here, and one line in the payload of each signal that
/// carries it (`event_kinds!` in `payload`, from which `EventKind`, its constructor and its
/// conversions come), and its packing in `compact` (whose tests fail until it is packed and
/// ordered): see the module docs.
macro_rules! payload_fields {
    ($gen:ident) => {
        $gen! {
            /// `call`: incoming or outgoing.
            direction: Direction, on [Call], required [Call];
            /// `call`: whether the call was connected.
            answered: bool, on [Call], required [Call];
            /// `call` (optional): talk time in seconds.
            duration_s: f64, on [Call], required [], check finite_non_negative, set with_duration_s;
            /// `steps`: steps counted.
            steps: u32, on [Steps], required [Steps], text "a whole number >= 0";
            /// `steps` (optional): the interval's length in seconds (default 3600).
            interval_s: u32, on [Steps], required [], text "a whole number of seconds > 0", check positive,
                set with_interval_s;
            /// `door`: the state after the event.
            state: DoorState, on [Door], required [Door];
            /// `plug`, `meter`: power in watts.
            watts: f64, on [Plug, Meter], required [Plug, Meter], check finite_non_negative;
            /// `plug` (optional): ambient light in lux.
            lux: f64, on [Plug], required [], check finite_non_negative, set with_lux;
            /// `app`: what the person (or phone) did.
            action: AppAction, on [App], required [App];
            /// `checkin`: the call's outcome.
            outcome: CheckinOutcome, on [Checkin], required [Checkin];
            /// `away`: the end of the absence (a column holds epoch milliseconds).
            until: Timestamp, on [Away], required [Away], column i64;
            /// `checkin` with outcome `concern` (optional): what the person said.
            category: ConcernCategory, on [Checkin], required [], set with_category;
            /// `disposition`: what the call or visit found.
            finding: Finding, on [Disposition], required [Disposition];
            /// `checkin` (optional: `auto`, `staff`), `disposition` (optional: `call`, `visit`,
            /// `police`, `119`): who called or found.
            by: By, on [Checkin, Disposition], required [], set with_by;
        }
    };
}

pub(crate) use payload_fields;

/// The index of each payload field: its bit in a mask of fields, and its column in
/// [`EVENT_FIELDS`] less [`HEAD`].
macro_rules! field_index {
    ($( $(#[$doc:meta])* $name:ident: $ty:ty, on [$($on:ident),*], required [$($req:ident),*] $(, text $what:literal)? $(, column $cell:ty)? $(, check $check:ident)? $(, set $set:ident)?; )*) => {
        /// The payload fields, in column order: `Field::x as u16` is field `x`'s bit in a
        /// mask of fields.
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum Field {
            $( $(#[$doc])* $name ),*
        }

        /// The spec's event columns, in order: `person`, `ts`, `signal`, `device`, then the
        /// payload fields of the schema's table (`category`, `finding` and `by` last: they came
        /// after the others, in that order).
        pub const EVENT_FIELDS: [&str; HEAD + PAYLOAD] = ["person", "ts", "signal", "device", $(stringify!($name)),*];

        /// Number of payload fields.
        pub(crate) const PAYLOAD: usize = [$(stringify!($name)),*].len();

        impl Field {
            /// Every payload field, in column order.
            pub(crate) const ALL: [Field; PAYLOAD] = [$(Field::$name),*];
        }
    };
}

payload_fields!(field_index);

/// Number of columns before the payload's in [`EVENT_FIELDS`] (`person`, `ts`, `signal`,
/// `device`).
pub(crate) const HEAD: usize = 4;

const _: () = assert!(PAYLOAD < 16, "a mask of fields is a u16 with a bit to spare (the device's)");

/// What a value is, for the Arrow schema and for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A name of a closed vocabulary.
    Text,
    /// `true` or `false`.
    Bool,
    /// A float.
    Number,
    /// A whole number >= 0.
    Count,
    /// A time.
    Time,
}

/// A type of a payload field: how it is read from a cell's text and from a [`Value`], how a
/// column stores it, and how it is written.
pub(crate) trait FieldType: Copy + Display {
    /// How a column of a batch holds it (a time as epoch milliseconds).
    type Cell: Copy;
    /// What it is.
    const KIND: Kind;
    /// The placeholder of an absent row in an owned column.
    const FILL: Self::Cell;
    /// What a value must be, for messages (when the table gives no `text`).
    const WHAT: &'static str = match Self::KIND {
        Kind::Text => "text",
        Kind::Bool => "true or false",
        Kind::Number => "a number",
        Kind::Count => "a whole number",
        Kind::Time => "RFC 3339 text, epoch milliseconds or a time",
    };

    /// Reads a cell's (non-empty) text; `what` says what it must be.
    fn from_text(field: &str, text: &str, what: &str) -> Result<Self>;

    /// Reads a value of a number or a boolean, whose reading is the type's own; `None` for a
    /// value read as text is (see [`FieldType::from_value`]).
    fn from_own(_field: &str, _value: Value<'_>) -> Option<Result<Self>> {
        None
    }

    /// Reads a [`Value`] by the rules of the `value` module: null and empty text are absent,
    /// a whole float is a whole number, other values are read as their text.
    #[inline]
    fn from_value(field: &str, value: Value<'_>, what: &str) -> Result<Option<Self>> {
        if let Some(own) = Self::from_own(field, value) {
            return own.map(Some);
        }
        match value {
            Value::Null | Value::Text("") => Ok(None),
            Value::Text(t) => Self::from_text(field, t, what).map(Some),
            Value::Time(_) => Err(Error::field(field, format!("expected {}, got {}", Self::WHAT, value.what()))),
            Value::Int(i) => Self::from_text(field, &i.to_string(), what).map(Some),
            Value::Float(x) => match whole(x) {
                Some(i) => Self::from_value(field, Value::Int(i), what),
                None => Self::from_text(field, &float_text(x), what).map(Some),
            },
            Value::Bool(b) => Self::from_text(field, if b { "true" } else { "false" }, what).map(Some),
        }
    }

    /// The column's value of it.
    fn to_cell(self) -> Self::Cell;

    /// A column's value, checked as a record's value is (a time in range).
    fn check_cell(field: &str, cell: Self::Cell) -> Result<Self>;

    /// A column's value known to be valid (checked by [`FieldType::check_cell`]).
    fn from_checked_cell(cell: Self::Cell) -> Self;

    /// A column's value of a value of the field's natural type (a table column of its type),
    /// without reading text; `None` for anything else (read as a record reads it instead).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    fn typed_cell(value: Value<'_>) -> Option<Self::Cell>;

    /// The value as a [`Value`], for writers.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    fn to_value(self) -> Value<'static>;
}

/// A cell's text that does not read as `what`.
fn not_a(field: &str, text: &str, what: &str) -> Error {
    Error::field(field, format!("expected {what}, got `{}`", clip(text)))
}

/// Implements [`FieldType`] for closed vocabularies (`spec_enum`s): read by name, held as
/// themselves, written as their name; `$fill` is an owned column's placeholder.
macro_rules! choice_fields {
    ($($t:ident = $fill:ident),+ $(,)?) => {$(
        impl $crate::schema::FieldType for $t {
            type Cell = $t;
            const KIND: $crate::schema::Kind = $crate::schema::Kind::Text;
            const FILL: $t = $t::$fill;

            fn from_text(field: &str, text: &str, _what: &str) -> $crate::Result<Self> {
                text.trim().parse().map_err(|r| $crate::Error::field(field, r))
            }

            #[inline]
            fn to_cell(self) -> $t {
                self
            }

            #[inline]
            fn check_cell(_field: &str, cell: $t) -> $crate::Result<Self> {
                Ok(cell)
            }

            #[inline]
            fn from_checked_cell(cell: $t) -> Self {
                cell
            }

            fn typed_cell(value: $crate::Value<'_>) -> Option<$t> {
                match value {
                    $crate::Value::Text(t) => t.parse().ok(),
                    _ => None,
                }
            }

            fn to_value(self) -> $crate::Value<'static> {
                $crate::Value::Text(self.as_str())
            }
        }
    )+};
}

pub(crate) use choice_fields;

/// Implements the column side of [`FieldType`] for a type a column holds as itself.
macro_rules! plain_cell {
    ($t:ty) => {
        type Cell = $t;

        #[inline]
        fn to_cell(self) -> $t {
            self
        }

        #[inline]
        fn check_cell(_field: &str, cell: $t) -> Result<Self> {
            Ok(cell)
        }

        #[inline]
        fn from_checked_cell(cell: $t) -> Self {
            cell
        }
    };
}

impl FieldType for bool {
    plain_cell!(bool);
    const KIND: Kind = Kind::Bool;
    const FILL: bool = false;

    fn from_text(field: &str, text: &str, what: &str) -> Result<Self> {
        bool_from_text(text).ok_or_else(|| not_a(field, text, what))
    }

    fn from_own(_field: &str, value: Value<'_>) -> Option<Result<Self>> {
        match value {
            Value::Bool(b) => Some(Ok(b)),
            Value::Int(i @ (0 | 1)) => Some(Ok(i == 1)),
            _ => None,
        }
    }

    fn typed_cell(value: Value<'_>) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn to_value(self) -> Value<'static> {
        Value::Bool(self)
    }
}

impl FieldType for f64 {
    plain_cell!(f64);
    const KIND: Kind = Kind::Number;
    const FILL: f64 = 0.0;

    fn from_text(field: &str, text: &str, what: &str) -> Result<Self> {
        text.trim().parse().map_err(|_| not_a(field, text, what))
    }

    /// A number, as its typed cell reads it.
    fn from_own(_field: &str, value: Value<'_>) -> Option<Result<Self>> {
        Self::typed_cell(value).map(Ok)
    }

    fn typed_cell(value: Value<'_>) -> Option<f64> {
        match value {
            Value::Int(i) => Some(i as f64),
            Value::Float(x) => Some(x),
            _ => None,
        }
    }

    fn to_value(self) -> Value<'static> {
        Value::Float(self)
    }
}

impl FieldType for u32 {
    plain_cell!(u32);
    const KIND: Kind = Kind::Count;
    const FILL: u32 = 0;

    /// A count: a whole number, also as a whole float's text (`3.0`, as pandas writes it).
    fn from_text(field: &str, text: &str, what: &str) -> Result<Self> {
        whole_from_text(text).and_then(|i| u32::try_from(i).ok()).ok_or_else(|| not_a(field, text, what))
    }

    fn from_own(_field: &str, value: Value<'_>) -> Option<Result<Self>> {
        match value {
            Value::Int(i) => u32::try_from(i).ok().map(Ok),
            _ => None,
        }
    }

    /// A count: a whole number that fits (pandas keeps a count column with gaps as floats).
    fn typed_cell(value: Value<'_>) -> Option<u32> {
        match value {
            Value::Int(_) | Value::Float(_) => value.as_whole().and_then(|i| u32::try_from(i).ok()),
            _ => None,
        }
    }

    fn to_value(self) -> Value<'static> {
        Value::Int(i64::from(self))
    }
}

impl FieldType for Timestamp {
    type Cell = i64;
    const KIND: Kind = Kind::Time;
    const FILL: i64 = 0;

    fn from_text(field: &str, text: &str, _what: &str) -> Result<Self> {
        Timestamp::parse_field(text).map_err(|r| Error::field(field, r))
    }

    /// A number for a time is epoch milliseconds; a typed time has no unit to guess.
    fn from_own(field: &str, value: Value<'_>) -> Option<Result<Self>> {
        match value {
            Value::Time(_) | Value::Int(_) => Some(Timestamp::check_value(value).map_err(|r| Error::field(field, r))),
            _ => None,
        }
    }

    #[inline]
    fn to_cell(self) -> i64 {
        self.as_millis()
    }

    #[inline]
    fn check_cell(field: &str, cell: i64) -> Result<Self> {
        Timestamp::check_millis(cell).map_err(|r| Error::field(field, r))
    }

    #[inline]
    fn from_checked_cell(cell: i64) -> Self {
        Timestamp::from_millis_in_range(cell)
    }

    /// A typed time, or a number of epoch milliseconds the core takes (not one that can only
    /// be epoch seconds: the record's reading names it).
    fn typed_cell(value: Value<'_>) -> Option<i64> {
        match value {
            Value::Time(ms) => Some(ms),
            Value::Int(ms) => Timestamp::from_number(ms).ok().map(Timestamp::as_millis),
            _ => None,
        }
    }

    fn to_value(self) -> Value<'static> {
        Value::Time(self.as_millis())
    }
}

/// A field's `text` from the table, or its type's [`FieldType::WHAT`].
macro_rules! what {
    ($ty:ty) => {
        <$ty as $crate::schema::FieldType>::WHAT
    };
    ($ty:ty, $what:literal) => {
        $what
    };
}

pub(crate) use what;

/// A field's column type from the table, or its type.
macro_rules! column_type {
    ($ty:ty) => {
        $ty
    };
    ($ty:ty, $cell:ty) => {
        $cell
    };
}

pub(crate) use column_type;
