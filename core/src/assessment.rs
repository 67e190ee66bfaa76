//! Assessments: what evaluating a person at a moment returns, and its vocabularies (the
//! level, the action, the responder, the visit a dispatch is, and the route of a concern).

use serde::{Deserialize, Serialize};

use crate::macros::spec_enum;
use crate::time::Timestamp;
use crate::vocab::{CheckinBy, Signal};

spec_enum! {
    /// How worried to be, from the score and the profile's cut-offs.
    pub enum Level {
        /// Nothing unusual.
        Normal = "normal",
        /// Something is unusual; keep an eye on it.
        Watch = "watch",
        /// Likely a problem: confirm with a check-in call.
        Warning = "warning",
        /// Act now: someone must go.
        Critical = "critical",
    }
}

spec_enum! {
    /// The recommended next step.
    pub enum Action {
        /// Nothing to do.
        None = "none",
        /// Place an automatic check-in call.
        CheckinCall = "checkin_call",
        /// The caseworker calls or texts.
        Notify = "notify",
        /// On-site visit, with police or 119 if unreachable.
        Dispatch = "dispatch",
    }
}

spec_enum! {
    /// Which kind of visit a `dispatch` is: who goes to the door. Ordered from a staff visit
    /// to 119, the order in which one kind outranks another when several apply.
    pub enum VisitKind {
        /// A staff visit (the caseworker, the control center's staff).
        Visit = "visit",
        /// The police (112), who can open the door or answer a threat.
        Police = "police",
        /// 119: an ambulance, the fire service.
        Ambulance = "119",
    }
}

spec_enum! {
    /// Who handles it now, from the profile's schedule.
    pub enum Responder {
        /// The caseworker's office (weekday office hours).
        DayOffice = "day_office",
        /// The 24 h control center (nights, weekends, holidays).
        ControlCenter = "control_center",
    }
}

spec_enum! {
    /// The detector behind a reason.
    pub enum ReasonKind {
        /// A channel (calls, steps, door, phone use) has been silent.
        Inactivity = "inactivity",
        /// A plug's power and light have not changed (on but untouched, or off).
        NoChange = "no_change",
        /// Automatic check-in calls were missed since the last sign of life.
        MissedCheckins = "missed_checkins",
        /// Activity has been declining against the person's own baseline.
        Decline = "decline",
        /// A device stopped reporting: a technical fault, not evidence about the person.
        DeviceOffline = "device_offline",
        /// The emergency button was pressed.
        Sos = "sos",
        /// A check-in call was answered, but the person asked for help.
        Concern = "concern",
        /// A registered absence: silence is not counted.
        Away = "away",
        /// A recent sign of life in one channel discounts silence in the others.
        RecentActivity = "recent_activity",
        /// The score was held below critical until a check-in call can confirm the silence.
        Escalation = "escalation",
        /// The seed rule of the person's channels (the profile in `fixed` mode) called for
        /// more than the learned routine alone: its assessment is the floor, and this one.
        SafetyFloor = "safety_floor",
        /// Some expected channels cannot watch the person now (devices offline, or silent
        /// for days while the person was seen otherwise); names those that still do. A
        /// technical note for the operator: it adds no points.
        Unwatched = "unwatched",
        /// A device's clock runs ahead of the engine's: its events dated too far ahead were
        /// refused (see the profile's `clock.max_ahead_h`). A technical note: no points.
        ClockAhead = "clock_ahead",
        /// The person could not be assessed now (the reason says why): a technical problem
        /// with this person's data, reported in place of an assessment so that every other
        /// person is still assessed. No points; the level is the person's last one.
        Fault = "fault",
        /// What a call or a visit found asks for action: a confirmed incident (`emergency`,
        /// `deceased`) or nobody answering (`unreachable`); at least critical.
        Disposition = "disposition",
    }
}

impl Level {
    /// The level's rank, 0 (normal) to 3 (critical).
    pub const fn rank(self) -> u8 {
        self as u8
    }
}

/// One piece of evidence behind a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The signal the evidence is about.
    pub signal: Signal,
    /// The detector that produced it.
    pub kind: ReasonKind,
    /// A sentence a caseworker can read.
    pub detail: String,
    /// Points this evidence adds to the score (negative when it lowers it).
    pub contribution: f64,
}

/// The risk assessment of one person at one time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The person.
    pub person: String,
    /// The evaluation time.
    pub at: Timestamp,
    /// Fused risk, 0 to 100 (one decimal).
    pub score: f64,
    /// The level for the score.
    pub level: Level,
    /// The recommended next step.
    pub action: Action,
    /// Who handles it now.
    pub responder: Responder,
    /// The evidence, strongest first.
    pub reasons: Vec<Reason>,
    /// Which kind of visit a `dispatch` is; none for every other action (and absent from
    /// files written before it). Decided once, from the evidence, the strongest kind that
    /// applies: an SOS or a disposition that found an `emergency` is `119`; a disposition
    /// that found nobody at the door (`unreachable`) or the person dead (`deceased`) is
    /// `police` (who open the door); what the person said, if its category's rule
    /// dispatches, goes where the category is routed ([`Route::visit`](crate::Route::visit):
    /// `ambulance` is `119`, `police` is `police`, the others a staff `visit`); anything
    /// else (silence, missed calls, decline) is a staff `visit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitKind>,
    /// The check-in call a closed-loop replay placed after this assessment: `auto` (the
    /// automatic call, at `checkin_call`) or `staff` (the caseworker's or the control
    /// center's, at `notify`); none where it placed none (at most one per the call policy's
    /// `retry`, and none for a person without check-in calls or while a household waits for
    /// the day office), and always none from an engine or an open-loop replay (absent from
    /// files written before it). Counting them counts the calls placed
    /// ([`crate::backtest::Metrics::automatic_calls_placed_per_100_pm`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CheckinBy>,
}

impl Assessment {
    /// What a backtest checks of each assessment it is given (a replay's rows come back from a
    /// table a caller may have edited): a pseudonymous person id (as [`crate::Person::new`]
    /// checks it) and a score from 0 to 100. The error is [`assessment_error`]'s, at `row`.
    pub(crate) fn check_given(&self, row: usize, id_checked: bool) -> crate::Result<()> {
        if !(self.score.is_finite() && (0.0..=100.0).contains(&self.score)) {
            return Err(assessment_error(row, "score", format!("{} is not a score from 0 to 100", self.score)));
        }
        if !id_checked {
            crate::event::check_person_id(&self.person).map_err(|r| assessment_error(row, "person", r))?;
        }
        Ok(())
    }
}

/// The error for a rejected value of an assessments table or list given back (to the
/// backtest): an [`Error::InvalidArgument`](crate::Error::InvalidArgument) of `assessments`
/// naming the row (0-based, in the order given) and the field.
pub(crate) fn assessment_error(row: usize, field: &str, reason: impl std::fmt::Display) -> crate::Error {
    crate::Error::InvalidArgument {
        name: "assessments".into(),
        reason: format!("row {row}: field `{field}`: {reason}"),
    }
}

/// The spec's assessment columns, in order.
/// (Columns added later come last, `visit` then `call`, so that a reader of the older ones
/// knows the columns it knows.)
pub const ASSESSMENT_FIELDS: [&str; 9] =
    ["person", "at", "score", "level", "action", "responder", "reasons", "visit", "call"];

spec_enum! {
    /// Who a `concern` of a category is routed to; the reason names it.
    pub enum Route {
        /// The caseworker calls the person back (a welfare request, a referral).
        CaseworkerCallback = "caseworker_callback",
        /// Someone visits the home.
        Visit = "visit",
        /// 119: an ambulance.
        Ambulance = "ambulance",
        /// 112: the police.
        Police = "police",
        /// The suicide-prevention crisis line (109), and the caseworker.
        CrisisLine = "crisis_line",
    }
}

impl Route {
    /// The kind of visit a `dispatch` on a `concern` routed here is: `ambulance` is `119`,
    /// `police` is `police`; the others are a staff `visit` (the crisis line and a call-back
    /// send nobody, so if the rule dispatches, staff go).
    ///
    /// ```
    /// use anbu::{Route, VisitKind};
    /// assert_eq!(Route::Ambulance.visit(), VisitKind::Ambulance);
    /// assert_eq!(Route::CrisisLine.visit(), VisitKind::Visit);
    /// ```
    pub fn visit(self) -> VisitKind {
        match self {
            Route::Ambulance => VisitKind::Ambulance,
            Route::Police => VisitKind::Police,
            Route::CaseworkerCallback | Route::Visit | Route::CrisisLine => VisitKind::Visit,
        }
    }
}
