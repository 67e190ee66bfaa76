//! The typed payload of an event ([`EventKind`]): one table of each signal's payload, from
//! which the enum, its constructors and the code that lists its fields are generated.
//!
//! Each variant's fields are fields of the schema's table (`schema::payload_fields!`): the
//! required ones first (the constructor's arguments), then, after `;`, the optional ones
//! (`Option<T>`, or `T = default`). From the table below come [`EventKind`], its constructors,
//! its signal, `kind_of` (a row's fields to a payload: where a signal's fields get their
//! meaning and defaults), `From<&EventKind> for Fields` (back), `check_fields` (each value's
//! check, as the schema's table names it) and `payload_key` (the canonical order of events).
//! From the schema's table come the typed payload fields of a row (`Fields`, whichever way
//! the row came in), the checks of their values, the setters of [`EventKind`]'s optional
//! fields, and the fields each signal allows and requires.

use crate::error::{Error, Result};
use crate::schema::{EVENT_FIELDS, Field, FieldType, HEAD, payload_fields};
use crate::time::Timestamp;
use crate::vocab::{
    AppAction, By, CheckinBy, CheckinOutcome, ConcernCategory, Direction, DoorState, Finding, FoundBy, Signal,
};

/// How long a `steps` interval is when the row does not say (`interval_s`), in seconds.
pub const DEFAULT_INTERVAL_S: u32 = 3600;

/// How a payload's variant holds a field of the schema's table (whose type is `C`): read
/// from a row's cell and written back to it. The field's own type is required; an `Option`
/// of it is optional; `by` is a [`CheckinBy`] on a `checkin` (absent: `auto`) and an
/// optional [`FoundBy`] on a `disposition`.
pub(crate) trait Slot<C>: Sized {
    /// The value of a row whose cell is `cell` (`None`: absent).
    fn read<E: KindError>(cell: Option<C>, field: &'static str, signal: Signal) -> std::result::Result<Self, E>;
    /// The cell it is written to (`None`: left empty).
    fn write(self) -> Option<C>;
}

impl<C: FieldType> Slot<C> for C {
    #[inline]
    fn read<E: KindError>(cell: Option<C>, field: &'static str, signal: Signal) -> std::result::Result<C, E> {
        cell.ok_or_else(|| E::missing(field, signal))
    }
    #[inline]
    fn write(self) -> Option<C> {
        Some(self)
    }
}

impl<C: FieldType> Slot<C> for Option<C> {
    #[inline]
    fn read<E: KindError>(cell: Option<C>, _: &'static str, _: Signal) -> std::result::Result<Self, E> {
        Ok(cell)
    }
    #[inline]
    fn write(self) -> Option<C> {
        self
    }
}

impl Slot<By> for CheckinBy {
    #[inline]
    fn read<E: KindError>(cell: Option<By>, _: &'static str, _: Signal) -> std::result::Result<Self, E> {
        cell.map_or(Ok(CheckinBy::Auto), By::checkin).map_err(E::unfit)
    }
    /// `auto` is the default: left empty, as files before the field had it.
    #[inline]
    fn write(self) -> Option<By> {
        (self != CheckinBy::Auto).then_some(By::from(self))
    }
}

impl Slot<By> for Option<FoundBy> {
    #[inline]
    fn read<E: KindError>(cell: Option<By>, _: &'static str, _: Signal) -> std::result::Result<Self, E> {
        cell.map(By::disposition).transpose().map_err(E::unfit)
    }
    #[inline]
    fn write(self) -> Option<By> {
        self.map(By::from)
    }
}

/// The value of an optional field a constructor leaves out: absent, or `auto` for who called.
trait Blank {
    /// The value.
    fn blank() -> Self;
}

impl<T> Blank for Option<T> {
    fn blank() -> Self {
        None
    }
}

impl Blank for CheckinBy {
    fn blank() -> Self {
        CheckinBy::Auto
    }
}

/// A payload field's value as an integer of the canonical order of events (see `payload_key`):
/// a float by its bits (never NaN here; an absent one is `u64::MAX`), a choice by its index (an
/// absent one is 0, a present one its index + 1).
trait Key {
    /// The integer.
    fn key(self) -> u64;
}

impl Key for f64 {
    fn key(self) -> u64 {
        self.to_bits()
    }
}

impl Key for Option<f64> {
    fn key(self) -> u64 {
        self.map_or(u64::MAX, f64::to_bits)
    }
}

impl Key for bool {
    fn key(self) -> u64 {
        u64::from(self)
    }
}

impl Key for Option<u32> {
    fn key(self) -> u64 {
        self.map_or(u64::MAX, u64::from)
    }
}

impl Key for u32 {
    fn key(self) -> u64 {
        u64::from(self)
    }
}

impl Key for Timestamp {
    fn key(self) -> u64 {
        self.as_millis() as u64
    }
}

/// [`Key`] of choices (and of optional ones).
macro_rules! choice_keys {
    ($($t:ty),+) => {$(
        impl Key for $t {
            fn key(self) -> u64 {
                self as u64
            }
        }

        impl Key for Option<$t> {
            fn key(self) -> u64 {
                self.map_or(0, |c| c as u64 + 1)
            }
        }
    )+};
}

choice_keys!(Direction, DoorState, AppAction, CheckinOutcome, ConcernCategory, Finding, CheckinBy, FoundBy);

/// The payload's keys, padded to the length of the canonical order's payload key.
#[inline]
fn key<const N: usize>(keys: [u64; N]) -> [u64; 3] {
    const { assert!(N <= 3, "a payload of more fields needs a longer key") };
    let mut out = [0; 3];
    out[..N].copy_from_slice(&keys);
    out
}

/// A field's value in [`kind_of`]: read by its [`Slot`], or its default when absent.
macro_rules! read_slot {
    ($ty:ty, $cell:expr, $field:ident, $signal:ident, $e:ident, $default:expr) => {
        $cell.unwrap_or($default)
    };
    ($ty:ty, $cell:expr, $field:ident, $signal:ident, $e:ident) => {
        <$ty as Slot<_>>::read::<$e>($cell, stringify!($field), $signal)?
    };
}

/// An optional field's value in a constructor: its default, or [`Blank`].
macro_rules! blank_slot {
    ($ty:ty, $default:expr) => {
        $default
    };
    ($ty:ty) => {
        <$ty as Blank>::blank()
    };
}

/// Generates, from the table of the signals' payloads below, [`EventKind`] with its
/// constructors and its signal, and the conversions and orders that list its fields:
/// [`kind_of`] (a row's fields to a payload), `From<&EventKind> for Fields` (back),
/// `check_fields` (each value's check, as the schema's table says) and `payload_key` (the
/// canonical order). Each line is a variant, its constructor, its required fields (the
/// constructor's arguments), `;`, and its optional fields (absent, or `= default`). Each field
/// is a field of the schema's table (`schema::payload_fields!`), of that type or one whose
/// [`Slot`] reads it.
macro_rules! event_kinds {
    ($(
        $(#[$vdoc:meta])*
        $variant:ident: $ctor:ident $({
            $( $(#[$rdoc:meta])* $req:ident: $rty:ty ),* ;
            $( $(#[$odoc:meta])* $opt:ident: $oty:ty $(= $default:expr)? ),* $(,)?
        })?
    ),* $(,)?) => {
        /// The payload of an event: the fields its signal carries.
        ///
        /// Every variant is `#[non_exhaustive]` and has braces (`Sos {}` too), as a signal may gain
        /// an optional field: outside this crate a payload is made by its constructor
        /// ([`EventKind::plug`]...), its optional fields set by the `with_` setters
        /// ([`EventKind::with_lux`]...), and a variant is matched with `{ .. }`.
        ///
        /// ```
        /// use anbu::{CheckinOutcome, ConcernCategory, EventKind};
        /// let k = EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::Pain);
        /// assert!(matches!(k, EventKind::Checkin { category: Some(ConcernCategory::Pain), .. }));
        /// ```
        #[derive(Clone, Debug, PartialEq)]
        pub enum EventKind {
            $(
                $(#[$vdoc])*
                #[non_exhaustive]
                $variant { $( $( $(#[$rdoc])* $req: $rty, )* $( $(#[$odoc])* $opt: $oty, )* )? },
            )*
        }

        impl EventKind {
            $(
                #[doc = concat!("A `", stringify!($ctor), "` payload of the fields it requires; its optional fields absent (or at their default).")]
                #[inline]
                pub fn $ctor($($( $req: $rty ),*)?) -> EventKind {
                    EventKind::$variant { $( $( $req, )* $( $opt: blank_slot!($oty $(, $default)?), )* )? }
                }
            )*

            /// The signal of this payload.
            pub fn signal(&self) -> Signal {
                match self {
                    $( EventKind::$variant { .. } => Signal::$variant, )*
                }
            }
        }

        /// The payload for `signal` from the fields of a row (which carries no field `signal`
        /// does not allow: see [`Fields::into_kind`]): the fields it requires must be present.
        /// This is where a signal's fields get their meaning and defaults.
        #[inline]
        pub(crate) fn kind_of<E: KindError>(f: &impl PayloadSource, signal: Signal) -> std::result::Result<EventKind, E> {
            Ok(match signal {
                $( Signal::$variant => EventKind::$variant { $(
                    $( $req: read_slot!($rty, f.$req(), $req, signal, E), )*
                    $( $opt: read_slot!($oty, f.$opt(), $opt, signal, E $(, $default)?), )*
                )? }, )*
            })
        }

        impl From<&EventKind> for Fields {
            /// The fields of a payload, as a record has them (the inverse of [`kind_of`]).
            fn from(kind: &EventKind) -> Fields {
                let mut f = Fields::default();
                match *kind {
                    $( EventKind::$variant { $( $( $req, )* $( $opt, )* )? } => {
                        $( $( f.$req = Slot::write($req); )* $( f.$opt = Slot::write($opt); )* )?
                    } )*
                }
                f
            }
        }

        /// Each value's check as the schema's table says (`check`), in the variant's order.
        #[inline]
        pub(crate) fn check_fields(kind: &EventKind) -> Result<()> {
            match *kind {
                $( EventKind::$variant { $( $( $req, )* $( $opt, )* )? } => {
                    $( $( Check::$req(Slot::write($req))?; )* $( Check::$opt(Slot::write($opt))?; )* )?
                } )*
            }
            Ok(())
        }

        /// Payload as comparable integers (see [`Key`]), the fields in the variant's order.
        pub(crate) fn payload_key(kind: &EventKind) -> [u64; 3] {
            match *kind {
                $( EventKind::$variant { $( $( $req, )* $( $opt, )* )? } => {
                    key([ $( $( Key::key($req), )* $( Key::key($opt), )* )? ])
                } )*
            }
        }
    };
}

event_kinds! {
    /// A phone call.
    Call: call {
        /// Incoming or outgoing.
        direction: Direction,
        /// Whether the call was connected.
        answered: bool;
        /// Talk time in seconds.
        duration_s: Option<f64>,
    },
    /// Steps counted in the interval of `interval_s` seconds that ends at the event's time.
    Steps: steps {
        /// Steps counted.
        steps: u32;
        /// Length of the interval in seconds (default [`DEFAULT_INTERVAL_S`]).
        interval_s: u32 = DEFAULT_INTERVAL_S,
    },
    /// A door contact changed state.
    Door: door {
        /// State after the event.
        state: DoorState;
    },
    /// A smart-plug reading.
    Plug: plug {
        /// Power drawn, in watts.
        watts: f64;
        /// Ambient light, in lux.
        lux: Option<f64>,
    },
    /// Phone use.
    App: app {
        /// What the person (or phone) did.
        action: AppAction;
    },
    /// A check-in call: the automatic one, or a staff member's call or text.
    Checkin: checkin {
        /// Its outcome.
        outcome: CheckinOutcome;
        /// What the person said, for outcome `concern` only (refused with any other outcome).
        category: Option<ConcernCategory>,
        /// Who called (`auto` when the row leaves it empty; writers leave it empty for `auto`).
        by: CheckinBy,
    },
    /// The emergency button.
    Sos: sos,
    /// A registered absence from the event's time until `until`; `until == ts` cancels.
    Away: away {
        /// End of the absence.
        until: Timestamp;
    },
    /// A device is alive.
    Heartbeat: heartbeat,
    /// A whole-home electricity meter's reading.
    Meter: meter {
        /// The household's average power over the reading's interval, in watts.
        watts: f64;
    },
    /// What a call or a visit found, at the event's time.
    Disposition: disposition {
        /// The finding.
        finding: Finding;
        /// Who found it, if the row says.
        by: Option<FoundBy>,
    },
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

/// Generates, from the schema's table (see `schema`), the typed payload fields of a row
/// ([`Fields`]), their checks, the setters of [`EventKind`] and the fields each signal allows
/// and requires.
macro_rules! payload_row {
    ($( $(#[$doc:meta])* $name:ident: $ty:ty, on [$($on:ident),*], required [$($req:ident),*] $(, text $what:literal)? $(, column $cell:ty)? $(, check $check:ident)? $(, set $set:ident)?; )*) => {
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
                #[doc = concat!("Sets `", stringify!($name), "` (`None`: absent) where this payload's signal carries it; on another signal's payload, or with a value the signal does not take, the payload is returned as it is. [`Event::new`](crate::Event::new) then checks the value.")]
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
    };
}

payload_fields!(payload_row);

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
