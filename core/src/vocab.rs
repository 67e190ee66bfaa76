//! The spec's closed vocabularies: an event's [`Signal`] and the values of its choice fields
//! (a call's [`Direction`], a [`DoorState`], an [`AppAction`], a [`CheckinOutcome`] and its
//! [`ConcernCategory`], a visit's [`Finding`], who placed a check-in or found the person
//! ([`By`])), each read and written by its spec name.

use crate::error::{Error, Result};
use crate::macros::spec_enum;
use crate::schema::choice_fields;

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
