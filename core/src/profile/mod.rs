//! Profiles: the rules, thresholds and weights that decide how a person is watched.
//!
//! A [`Profile`] is plain data (serde): TOML and JSON load the same structure. A profile
//! document only needs the keys it changes: it `extends` a built-in profile (`full` when
//! not said) and its keys are laid over it. Every key is checked; an error names the
//! dotted key and the reason.
//!
//! ```
//! use anbu::Profile;
//! let p = Profile::from_toml(r#"
//!     name = "plug_36h"
//!     extends = "plug_only"
//!     [inactivity.plug]
//!     threshold_h = 36
//! "#)?;
//! assert_eq!(p.inactivity.plug.threshold_h, 36.0);
//! assert_eq!(p.timezone, "Asia/Seoul");
//!
//! let err = Profile::from_json(r#"{"name": "x", "inactivity": {"plug": {"threshold_h": -1}}}"#).unwrap_err();
//! assert_eq!(err.to_string(), "profile `x`: key `inactivity.plug.threshold_h`: must be between 1 and 720, got -1");
//! # Ok::<(), anbu::Error>(())
//! ```

mod builtin;
mod catalog;
mod rules;
mod schedule;

use serde::{Deserialize, Serialize};

use crate::assessment::{Action, Level, Route};
use crate::clip::{MAX_PATH_CHARS, clip, clip_to};
use crate::error::{Error, Result};
use crate::holidays::Calendar;
use crate::macros::spec_enum;
use crate::messages::Locale;
use crate::vocab::{ConcernCategory, Signal};

pub use builtin::BUILTIN_PROFILES;
pub(crate) use catalog::Catalog;
pub(crate) use rules::Rules;
pub use schedule::Weekday;

pub(crate) use crate::limits::MAX_PROFILE_BYTES;

/// The rules for watching one kind of person (see the module docs for the format).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The profile's name; persons refer to it.
    pub name: String,
    /// The signals this profile expects to see; silence in an expected channel is evidence.
    pub signals: Vec<Signal>,
    /// IANA time zone of the person, for office hours and readable times.
    pub timezone: String,
    /// Office hours and holidays, for routing to the responder.
    pub schedule: Schedule,
    /// Score cut-offs for the levels.
    pub levels: Levels,
    /// Silence thresholds and weights per channel.
    pub inactivity: Inactivity,
    /// What counts as a change of a smart-plug reading.
    pub no_change: NoChange,
    /// When a whole-home meter's reading is a sign of life (absent from profiles written
    /// before meters: the defaults).
    #[serde(default)]
    pub meter: MeterRules,
    /// How a recent sign of life in one channel discounts silence in others.
    pub cross_check: CrossCheck,
    /// Missed and concerned automatic check-in calls.
    pub checkins: Checkins,
    /// The emergency button.
    pub sos: Sos,
    /// When a device counts as offline.
    pub device_offline: DeviceOffline,
    /// How far ahead of the engine's clock an event may be dated (absent from profiles
    /// written before it: the default).
    #[serde(default)]
    pub clock: Clock,
    /// The recommended action for each level.
    pub escalation: Escalation,
    /// Learning the person's own routine.
    pub routine: RoutineRules,
    /// The language of the assessments' reasons, `en` or `ko` (absent from profiles written
    /// before it: `en`).
    #[serde(default)]
    pub locale: Locale,
}

spec_enum! {
    /// How silence is judged.
    pub enum SilenceMode {
        /// Against the fixed thresholds of `inactivity` only (the seed rules).
        Fixed = "fixed",
        /// Against the person's learned routine, with the fixed thresholds as the prior
        /// while the history is short.
        Adaptive = "adaptive",
    }
}

/// Learning each person's routine (see the `routine` module docs for the model).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutineRules {
    /// `fixed` or `adaptive`.
    pub mode: SilenceMode,
    /// Weight of each new hour in the learned hourly probabilities (0 to 1).
    pub learning_rate: f64,
    /// Days of history after which the learned routine fully replaces the fixed thresholds.
    pub warmup_days: f64,
    /// The prior hazard: the probability, per day, that a person becomes unable to respond
    /// (0 to 1). It moves the whole trade-off: the silence score is the posterior that the
    /// person became unable to respond when their silence began, and this is its prior, so
    /// a higher sensitivity alerts sooner and more often (every silence is judged more
    /// likely to be an emergency), a lower one later and less often. Real rates are far
    /// lower; the built-in value is an operating point, tuned on simulated cohorts.
    #[serde(default = "default_sensitivity")]
    pub sensitivity: f64,
    /// No longer used (silence is scored by the posterior, see `sensitivity`); accepted so
    /// that older profiles and snapshots load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset_surprise: Option<f64>,
    /// No longer used; accepted so that older profiles and snapshots load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_surprise: Option<f64>,
    /// No longer used (the posterior maps to points through the level cut-offs); accepted
    /// so that older profiles and snapshots load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Points of a decline in daily activity against the person's own baseline, at full strength.
    pub decline_weight: f64,
    /// Drop of recent activity against the baseline (0 to 1) at which decline evidence starts.
    pub decline_onset: f64,
    /// Drop at which decline evidence is full.
    pub decline_full: f64,
}

/// The built-in `routine.sensitivity`.
pub(crate) const DEFAULT_SENSITIVITY: f64 = 0.01;

fn default_sensitivity() -> f64 {
    DEFAULT_SENSITIVITY
}

/// Office hours and holidays. On a holiday (of the calendar or of `holidays`) the control
/// center responds all day, and the learned routine counts the day as a weekend day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Days the day office works.
    pub office_days: Vec<Weekday>,
    /// Start of office hours, `HH:MM` local time.
    pub office_start: String,
    /// End of office hours (exclusive), `HH:MM` local time.
    pub office_end: String,
    /// The built-in calendar of public holidays: `KR` (the Korean public holidays with their
    /// substitute days, see [`crate::holidays`]) or `none` (absent from profiles written
    /// before it: `KR`).
    #[serde(default)]
    pub calendar: Calendar,
    /// More holidays, `YYYY-MM-DD` (election days, temporary holidays): the control center
    /// responds all day, as on the calendar's holidays.
    pub holidays: Vec<String>,
}

/// Score cut-offs: a score at or above a cut-off has that level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    /// Cut-off for `watch`.
    pub watch: f64,
    /// Cut-off for `warning`.
    pub warning: f64,
    /// Cut-off for `critical`.
    pub critical: f64,
    /// Hysteresis, points: once at a level, a person stays there until the score falls
    /// this far below the level's cut-off, so that levels do not flap.
    pub hysteresis: f64,
    /// Hysteresis window, hours: a level is held (see `hysteresis`) only while the previous
    /// assessment is at most this old. Absent in a profile: 6 h.
    #[serde(default = "default_hysteresis_h")]
    pub hysteresis_h: f64,
}

/// The built-in `levels.hysteresis_h`, hours.
pub const DEFAULT_HYSTERESIS_H: f64 = 6.0;

fn default_hysteresis_h() -> f64 {
    DEFAULT_HYSTERESIS_H
}

impl Levels {
    /// The score at which `level` begins (0 for `normal`).
    pub fn cut(&self, level: Level) -> f64 {
        match level {
            Level::Normal => 0.0,
            Level::Watch => self.watch,
            Level::Warning => self.warning,
            Level::Critical => self.critical,
        }
    }
}

/// Fixed silence rule of one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelRule {
    /// Hours of silence at which the channel's evidence is full.
    pub threshold_h: f64,
    /// Points the channel adds to the score at the threshold.
    pub weight: f64,
    /// Whether the channel's own silence is a safety floor even while the person is seen
    /// otherwise: its seed service watches it alone (the smart-plug service sees the plug and
    /// nothing else), so it alerts when the channel alone stays silent for `threshold_h`. The
    /// floor then asks for a check-in call before it would, and a missed one is a `warning`
    /// (never more on this alone); once a call is answered after it asked, or the person is
    /// seen after the rule fired, it asks again `threshold_h` after they were last seen. Default: `true`
    /// for `plug`, `false` for the others (their seed services watch them together).
    #[serde(default)]
    pub own_floor: bool,
}

/// Silence thresholds and weights per activity channel.
///
/// A channel's evidence starts at `onset × threshold_h` hours of silence, grows linearly
/// to `weight` points at `threshold_h`, and keeps growing to `1.25 × weight` at twice the
/// threshold, so that long silence weighs more than silence just past the threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inactivity {
    /// Fraction of the threshold at which evidence starts (0 to <1).
    pub onset: f64,
    /// Steps in one report below this are not a sign of life (a phone moved on a table).
    pub min_steps: u32,
    /// Calls: an outgoing call or an answered incoming call is a sign of life.
    pub call: ChannelRule,
    /// Steps from the phone's step app.
    pub steps: ChannelRule,
    /// Door openings and closings.
    pub door: ChannelRule,
    /// Changes in a smart plug's power or light.
    pub plug: ChannelRule,
    /// Phone use: unlocks, texts, app opens, charging.
    pub app: ChannelRule,
}

impl Inactivity {
    /// The rule of an activity channel.
    pub fn rule(&self, channel: Signal) -> Option<&ChannelRule> {
        match channel {
            Signal::Call => Some(&self.call),
            Signal::Steps => Some(&self.steps),
            Signal::Door => Some(&self.door),
            Signal::Plug => Some(&self.plug),
            Signal::App => Some(&self.app),
            _ => None,
        }
    }
}

/// When a smart-plug reading counts as a change (a sign of life) rather than a repeat.
///
/// A reading changes when its power differs from the previous reading by more than
/// `max(watts_tolerance, relative_tolerance × the larger reading)`, or its light by more
/// than `max(lux_tolerance, relative_tolerance × the larger light)`. A TV left on day and
/// night draws a steady load: its readings repeat, and repeating is not a sign of life. In
/// `adaptive` mode, light that goes on with its trend (daylight) and a load that wavers within
/// what this plug's load usually does while on are not changes either (see
/// `docs/interchange.md`, Signals).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoChange {
    /// Absolute power tolerance, watts.
    pub watts_tolerance: f64,
    /// Absolute light tolerance, lux.
    pub lux_tolerance: f64,
    /// Relative tolerance for both (0 to 1).
    pub relative_tolerance: f64,
    /// Power at or below which the appliance is off or on standby, watts.
    pub standby_watts: f64,
}

/// When a whole-home power meter's reading is a sign of life.
///
/// A meter sees the whole household, a fridge cycling and standby loads included, so its
/// readings are judged against what the household draws unattended at that hour: per local
/// hour, the usual base load is learned (a low running level of the readings), and the
/// household's swing (how far unattended readings vary: a fridge's cycle) from its quietest
/// hour. A reading is a sign of life when it, or the reading before it, stands above that
/// hour's base load plus swing by the margin, and it differs from the reading before by more
/// than the swing plus the margin: an appliance switched on or off (a kettle, cooking, a TV),
/// not a fridge's cycle and not a load left on. The margin is
/// `max(margin_watts, margin_ratio × (base load + swing))`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterRules {
    /// Least margin, watts (default 60).
    pub margin_watts: f64,
    /// Margin as a fraction of the hour's unattended load (default 0.3), for households
    /// whose base load is large.
    pub margin_ratio: f64,
}

impl Default for MeterRules {
    fn default() -> Self {
        MeterRules { margin_watts: 60.0, margin_ratio: 0.3 }
    }
}

/// Cross-checking between channels.
///
/// A person seen alive `r` hours ago (in any signal) has been inactive for at most `r`
/// hours, whatever one channel says. Silence a channel kept for longer than that (a door
/// not used for three days by someone who calls every evening) is contradicted by the
/// other channels: its points count at `contradicted_factor`. So silence that independent
/// channels agree on weighs fully, silence in one alone weighs little.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossCheck {
    /// Weight of silence contradicted by a later sign of life elsewhere (0 to 1).
    pub contradicted_factor: f64,
}

/// Automatic check-in calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkins {
    /// Missed calls since the last sign of life needed before they count.
    pub after: u32,
    /// Points per missed call once they count.
    pub points_each: f64,
    /// Most points missed calls can add.
    pub max_points: f64,
    /// Points of a `concern` outcome.
    pub concern_points: f64,
    /// Hours a `concern` is held, unless a later check-in is answered.
    pub concern_hold_h: f64,
    /// What a `concern` of each category calls for (absent from profiles written before
    /// categories: the defaults). A `concern` without a category, or with category `other`,
    /// scores `concern_points` as before.
    #[serde(default)]
    pub categories: ConcernRules,
}

/// What a `concern` of one category calls for: at least this level and action (other
/// evidence can raise them, never lower them), routed to `route`. Its points are the
/// level's cut-off in `levels`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcernRule {
    /// The level: `watch`, `warning` or `critical`.
    pub level: Level,
    /// The action: `checkin_call`, `notify` or `dispatch`.
    pub action: Action,
    /// Who it is routed to.
    pub route: Route,
}

/// The rule of each category of `concern` but `other` (which scores as a `concern` without
/// a category). The defaults follow the smart-care casebook.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcernRules {
    /// A request for welfare help: `warning`, `notify`, `caseworker_callback`.
    pub welfare_request: ConcernRule,
    /// Pain or illness: `critical`, `dispatch`, `ambulance`.
    pub pain: ConcernRule,
    /// Cold (no heating): `warning`, `notify`, `caseworker_callback`.
    pub cold: ConcernRule,
    /// A threat from someone: `critical`, `dispatch`, `police`.
    pub threat: ConcernRule,
    /// Talk of self-harm: `critical`, `dispatch`, `crisis_line`.
    pub self_harm: ConcernRule,
}

impl Default for ConcernRules {
    fn default() -> Self {
        let rule = |level, action, route| ConcernRule { level, action, route };
        ConcernRules {
            welfare_request: rule(Level::Warning, Action::Notify, Route::CaseworkerCallback),
            pain: rule(Level::Critical, Action::Dispatch, Route::Ambulance),
            cold: rule(Level::Warning, Action::Notify, Route::CaseworkerCallback),
            threat: rule(Level::Critical, Action::Dispatch, Route::Police),
            self_harm: rule(Level::Critical, Action::Dispatch, Route::CrisisLine),
        }
    }
}

impl ConcernRules {
    /// The rule of `category`; none for `other`.
    pub fn rule(&self, category: ConcernCategory) -> Option<&ConcernRule> {
        match category {
            ConcernCategory::WelfareRequest => Some(&self.welfare_request),
            ConcernCategory::Pain => Some(&self.pain),
            ConcernCategory::Cold => Some(&self.cold),
            ConcernCategory::Threat => Some(&self.threat),
            ConcernCategory::SelfHarm => Some(&self.self_harm),
            ConcernCategory::Other => None,
        }
    }
}

/// The emergency button.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sos {
    /// Points of a press.
    pub points: f64,
    /// Hours a press is held, unless a later check-in is answered.
    pub hold_h: f64,
    /// Whether a press is routed to the person's guardian as well, where the person has one
    /// (the SOS reason says so). Absent from profiles written before it: `false`.
    #[serde(default)]
    pub guardian: bool,
}

/// Devices that stop reporting.
///
/// Smart plugs and step apps report periodically, and any device may send heartbeats;
/// such a device that has not reported for `after_h` hours is offline. Its silence is
/// unknown, not evidence: the channel's silence is only counted while a device watched it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceOffline {
    /// Hours without a report after which a periodic device is offline.
    pub after_h: f64,
    /// Points when every expected channel is blind (all its periodic devices offline).
    /// 0 by default: a device fault is reported as a reason, not as risk to the person;
    /// set it (up to `levels.watch`, say) to list blind persons among those to watch.
    pub blind_points: f64,
}

/// Device clocks that run ahead.
///
/// An event dated further ahead of the engine's clock (the wall clock its caller gives,
/// [`crate::Engine::set_clock`]) than `max_ahead_h` hours is refused (a device clock set wrong, a
/// time zone taken for UTC, a clock reset to a year far ahead): it does not move the
/// person's lateness window, so the person's real events are still taken, and the
/// person's assessments say which device's clock runs ahead (`clock_ahead`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// Hours an event may be dated ahead of the engine's clock (0.1 to 168; default 2).
    pub max_ahead_h: f64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { max_ahead_h: 2.0 }
    }
}

/// The recommended action for each level, following the field workflow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Action at `watch`: by default an automatic check-in call, which goes first.
    pub watch: Action,
    /// Action at `warning`: by default the caseworker (or the control center) calls.
    pub warning: Action,
    /// Action at `warning` once a check-in call was missed since the last sign of life.
    pub warning_after_missed_checkin: Action,
    /// Action at `critical`.
    pub critical: Action,
    /// Where the person has check-in calls, silence alone is held below `critical` until
    /// this many check-in calls were missed since the last sign of life: nobody is sent
    /// before calls confirm the silence. In `adaptive` mode, where the missed calls' own
    /// points made the silence a `warning`, one more is needed (the misses weighed by how
    /// often the person answers). 0 turns the hold off.
    pub critical_after_missed_checkins: u32,
    /// Where the person has check-in calls, silence alone is held below `warning` until
    /// this many check-in calls were missed since the last sign of life, so that an
    /// automatic call goes first and nobody is bothered when the person answers it.
    /// 0 turns the hold off.
    pub warning_after_missed_checkins: u32,
    /// Hours the hold below `warning` waits for a check-in call to be missed or answered;
    /// after that, silence at warning strength is a warning anyway. The safety floor waits as
    /// long after it asked for its call (and at least until its seed rule fires): with
    /// nothing heard by then, the seed rule's alert (`warning`) stands. Missed calls closer
    /// together than this count as one attempt wherever missed calls are counted (a person
    /// out or asleep misses two calls minutes apart alike).
    pub confirm_within_h: f64,
    /// Hours before a channel's seed rule fires that the safety floor asks for the automatic
    /// check-in call, so that the call's outcome is known when the rule fires: a call missed
    /// then is `warning` when the seed rule alerts, not before (until then the call is asked
    /// for again; see `floor`). 0 asks for the call when the rule fires.
    #[serde(default = "default_floor_call_ahead_h")]
    pub floor_call_ahead_h: f64,
    /// The caseworker's rung: a `dispatch` on silence and missed automatic calls waits at
    /// `notify` until a staff call or text (`checkin` with `by` `staff`) is missed or
    /// unreachable after the automatic calls were missed, or this many hours have passed
    /// since the missed call that confirmed the silence, and since the first assessment that
    /// asked for the caseworker (where earlier assessments are known), without a sign of life.
    /// SOS and what the person said skip it. 0 turns the rung off (dispatch as the calls
    /// confirm).
    #[serde(default = "default_caseworker_h")]
    pub caseworker_h: f64,
}

fn default_floor_call_ahead_h() -> f64 {
    DEFAULT_FLOOR_CALL_AHEAD_H
}

fn default_caseworker_h() -> f64 {
    DEFAULT_CASEWORKER_H
}

/// The default of `escalation.caseworker_h`: one hour. The caseworker or the control center
/// calls or texts at once when notified; an hour is enough for that call to have an outcome
/// on the backtests' hourly grid, and bounds what the rung can delay a visit by when no staff
/// call is recorded.
pub const DEFAULT_CASEWORKER_H: f64 = 1.0;

/// The default of `escalation.floor_call_ahead_h`: two hours, enough on the backtests'
/// hourly grid for the call and a retry to have an outcome before the rule fires (see
/// `floor`: a miss is a warning when the rule fires, not before).
pub const DEFAULT_FLOOR_CALL_AHEAD_H: f64 = 2.0;

/// Range checks, each naming its key.
struct Checker<'a> {
    profile: &'a str,
}

impl Checker<'_> {
    fn range(&self, key: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(())
        } else {
            Err(Error::profile(self.profile, key, format!("must be between {lo} and {hi}, got {v}")))
        }
    }
}

impl Profile {
    /// A built-in profile by name (`plug_only`, `call_only`, `call_app`, `call_iot`, `full`).
    ///
    /// ```
    /// let p = anbu::Profile::builtin("plug_only")?;
    /// assert_eq!(p.inactivity.plug.threshold_h, 24.0);
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn builtin(name: &str) -> Result<Profile> {
        builtin::builtin(name).ok_or_else(|| Error::UnknownProfile(name.to_string()))
    }

    /// Loads a profile from JSON text (see the module docs).
    pub fn from_json(text: &str) -> Result<Profile> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::profile("?", "", format!("invalid JSON: {e}")))?;
        Profile::from_value(value)
    }

    /// Loads a profile from TOML text (see the module docs).
    pub fn from_toml(text: &str) -> Result<Profile> {
        let value: toml::Table =
            toml::from_str(text).map_err(|e| Error::profile("?", "", format!("invalid TOML: {}", e.message())))?;
        let value = serde_json::to_value(value).map_err(|e| Error::profile("?", "", e.to_string()))?;
        Profile::from_value(value)
    }

    /// A copy with some keys changed, checked as a loaded profile is: `changes` maps dotted
    /// keys (`routine.sensitivity`, `inactivity.plug.threshold_h`, `name`) to their new
    /// values. A key the profile does not have, or a value out of its range, is an error
    /// naming the key. With the same `name` as a built-in profile, the copy overrides it in an
    /// engine or a replay that is given it (a parameter sweep needs no renaming).
    ///
    /// ```
    /// use anbu::Profile;
    /// let full = Profile::builtin("full")?;
    /// let changes = serde_json::json!({"routine.sensitivity": 0.02, "inactivity.plug.threshold_h": 36});
    /// let p = full.replace(changes.as_object().unwrap())?;
    /// assert_eq!((p.name.as_str(), p.routine.sensitivity, p.inactivity.plug.threshold_h), ("full", 0.02, 36.0));
    /// let err = full.replace(serde_json::json!({"routine.sensitivty": 1}).as_object().unwrap()).unwrap_err();
    /// assert!(err.to_string().contains("key `routine.sensitivty`: no such key"), "{err}");
    /// assert!(full.replace(serde_json::json!({"levels.warning": -5}).as_object().unwrap()).is_err());
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn replace(&self, changes: &serde_json::Map<String, serde_json::Value>) -> Result<Profile> {
        let mut tree = serde_json::to_value(self).map_err(|e| Error::profile(&self.name, "", e.to_string()))?;
        for (key, value) in changes {
            let mut slot = &mut tree;
            for part in key.split('.') {
                slot = slot.get_mut(part).ok_or_else(|| Error::profile(&self.name, key, "no such key"))?;
            }
            *slot = value.clone();
        }
        Profile::from_value(tree)
    }

    /// Loads a profile from a JSON-like tree: its keys are laid over the profile it `extends`.
    pub fn from_value(value: serde_json::Value) -> Result<Profile> {
        let serde_json::Value::Object(mut doc) = value else {
            return Err(Error::profile("?", "", "a profile must be a table/object of keys"));
        };
        let name = match doc.get("name") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(_) => return Err(Error::profile("?", "name", "must be a non-empty string")),
            None => return Err(Error::profile("?", "name", "required")),
        };
        let base_name = match doc.remove("extends") {
            None => "full".to_string(),
            Some(serde_json::Value::String(s)) => s,
            Some(_) => return Err(Error::profile(&name, "extends", "must be the name of a built-in profile")),
        };
        let base = builtin::builtin(&base_name).ok_or_else(|| {
            Error::profile(&name, "extends", format!("unknown built-in profile `{}`", clip(&base_name)))
        })?;
        let mut tree = serde_json::to_value(base).map_err(|e| Error::profile(&name, "", e.to_string()))?;
        overlay(&mut tree, serde_json::Value::Object(doc));
        let profile: Profile = serde_path_to_error::deserialize(tree).map_err(|e| {
            let key = e.path().to_string();
            Error::profile(&name, &key, e.into_inner().to_string())
        })?;
        profile.validate()?;
        Ok(profile)
    }

    /// Reads a profile file: `.toml` as TOML, anything else as JSON. A file larger than
    /// [`MAX_PROFILE_BYTES`] is refused before it is read whole; I/O errors name the path.
    ///
    /// ```
    /// let err = anbu::Profile::from_path("no/such/profile.toml").unwrap_err();
    /// assert!(err.to_string().starts_with("i/o: cannot read profile `no/such/profile.toml`: "), "{err}");
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Profile> {
        use std::io::Read;
        let path = path.as_ref();
        let shown = || clip_to(&path.display().to_string(), MAX_PATH_CHARS).into_owned();
        let io = |e: std::io::Error| {
            Error::Io(std::io::Error::new(e.kind(), format!("cannot read profile `{}`: {e}", shown())))
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.take(MAX_PROFILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > MAX_PROFILE_BYTES {
            return Err(Error::profile(
                "?",
                "",
                format!("file `{}` is larger than {MAX_PROFILE_BYTES} bytes: not a profile", shown()),
            ));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::profile("?", "", format!("file `{}` is not valid UTF-8", shown())))?;
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
            Profile::from_toml(&text)
        } else {
            Profile::from_json(&text)
        }
    }

    /// The profile as JSON text (every key, so it can be edited and loaded again).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every key's range; the error names the key.
    pub fn validate(&self) -> Result<()> {
        let c = Checker { profile: &self.name };
        if self.name.trim().is_empty() {
            return Err(Error::profile("?", "name", "must not be empty"));
        }
        if self.name.len() > crate::event::MAX_ID_LEN {
            return Err(Error::profile(&self.name, "name", format!("longer than {} bytes", crate::event::MAX_ID_LEN)));
        }
        if self.signals.is_empty() {
            return Err(Error::profile(&self.name, "signals", "must name at least one signal"));
        }
        for s in &self.signals {
            if *s == Signal::Meter {
                return Err(Error::profile(
                    &self.name,
                    "signals",
                    "`meter` feeds the plug channel: list `plug` to watch a whole-home meter",
                ));
            }
            if s.channel_index().is_none() && *s != Signal::Checkin {
                return Err(Error::profile(
                    &self.name,
                    "signals",
                    format!("`{s}` is not a signal that can be expected (call, steps, door, plug, app, checkin)"),
                ));
            }
        }
        let mut uniq = self.signals.clone();
        uniq.sort();
        uniq.dedup();
        if uniq.len() != self.signals.len() {
            return Err(Error::profile(&self.name, "signals", "names a signal twice"));
        }
        let l = &self.levels;
        c.range("levels.watch", l.watch, 0.1, 100.0)?;
        c.range("levels.warning", l.warning, 0.1, 100.0)?;
        c.range("levels.critical", l.critical, 0.1, 100.0)?;
        if !(l.watch < l.warning && l.warning < l.critical) {
            return Err(Error::profile(&self.name, "levels", "cut-offs must rise: watch < warning < critical"));
        }
        c.range("levels.hysteresis", l.hysteresis, 0.0, l.watch)?;
        c.range("levels.hysteresis_h", l.hysteresis_h, 0.0, 72.0)?;
        c.range("inactivity.onset", self.inactivity.onset, 0.0, 0.95)?;
        let r = &self.routine;
        c.range("routine.learning_rate", r.learning_rate, 0.001, 1.0)?;
        c.range("routine.warmup_days", r.warmup_days, 0.0, 365.0)?;
        c.range("routine.sensitivity", r.sensitivity, 1e-6, 1.0)?;
        c.range("routine.decline_weight", r.decline_weight, 0.0, 100.0)?;
        c.range("routine.decline_onset", r.decline_onset, 0.0, 0.95)?;
        c.range("routine.decline_full", r.decline_full, r.decline_onset + 0.01, 1.0)?;
        c.range("inactivity.min_steps", f64::from(self.inactivity.min_steps), 0.0, 10_000.0)?;
        for ch in Signal::CHANNELS {
            if let Some(rule) = self.inactivity.rule(ch) {
                c.range(&format!("inactivity.{ch}.threshold_h"), rule.threshold_h, 1.0, 720.0)?;
                c.range(&format!("inactivity.{ch}.weight"), rule.weight, 0.0, 100.0)?;
            }
        }
        let n = &self.no_change;
        c.range("no_change.watts_tolerance", n.watts_tolerance, 0.0, 10_000.0)?;
        c.range("no_change.lux_tolerance", n.lux_tolerance, 0.0, 100_000.0)?;
        c.range("no_change.relative_tolerance", n.relative_tolerance, 0.0, 1.0)?;
        c.range("no_change.standby_watts", n.standby_watts, 0.0, 10_000.0)?;
        c.range("meter.margin_watts", self.meter.margin_watts, 0.0, 10_000.0)?;
        c.range("meter.margin_ratio", self.meter.margin_ratio, 0.0, 10.0)?;
        c.range("cross_check.contradicted_factor", self.cross_check.contradicted_factor, 0.0, 1.0)?;
        let k = &self.checkins;
        c.range("checkins.after", f64::from(k.after), 1.0, 100.0)?;
        c.range("checkins.points_each", k.points_each, 0.0, 100.0)?;
        c.range("checkins.max_points", k.max_points, 0.0, 100.0)?;
        c.range("checkins.concern_points", k.concern_points, 0.0, 100.0)?;
        c.range("checkins.concern_hold_h", k.concern_hold_h, 0.1, 720.0)?;
        for &category in ConcernCategory::ALL {
            if let Some(rule) = k.categories.rule(category) {
                if rule.level == Level::Normal {
                    let key = format!("checkins.categories.{category}.level");
                    return Err(Error::profile(&self.name, &key, "must be watch, warning or critical, got normal"));
                }
                if rule.action == Action::None {
                    let key = format!("checkins.categories.{category}.action");
                    return Err(Error::profile(&self.name, &key, "must be checkin_call, notify or dispatch, got none"));
                }
            }
        }
        c.range("sos.points", self.sos.points, 0.0, 100.0)?;
        c.range("sos.hold_h", self.sos.hold_h, 0.1, 720.0)?;
        c.range(
            "escalation.critical_after_missed_checkins",
            f64::from(self.escalation.critical_after_missed_checkins),
            0.0,
            10.0,
        )?;
        c.range(
            "escalation.warning_after_missed_checkins",
            f64::from(self.escalation.warning_after_missed_checkins),
            0.0,
            10.0,
        )?;
        c.range("escalation.confirm_within_h", self.escalation.confirm_within_h, 0.0, 72.0)?;
        c.range("escalation.floor_call_ahead_h", self.escalation.floor_call_ahead_h, 0.0, 12.0)?;
        c.range("escalation.caseworker_h", self.escalation.caseworker_h, 0.0, 72.0)?;
        c.range("device_offline.after_h", self.device_offline.after_h, 0.1, 720.0)?;
        c.range("device_offline.blind_points", self.device_offline.blind_points, 0.0, 100.0)?;
        c.range("clock.max_ahead_h", self.clock.max_ahead_h, 0.1, 168.0)?;
        Rules::compile(self).map(|_| ())
    }
}

/// Lays `patch` over `base`: objects merge key by key, anything else replaces.
fn overlay(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) => overlay(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid_and_round_trip() {
        for name in BUILTIN_PROFILES {
            let p = Profile::builtin(name).unwrap();
            p.validate().unwrap();
            assert_eq!(&p.name, name);
            let again = Profile::from_json(&p.to_json()).unwrap();
            assert_eq!(again, p);
        }
        assert!(matches!(Profile::builtin("nope"), Err(Error::UnknownProfile(_))));
    }

    #[test]
    fn a_profile_written_before_the_calendar_has_the_korean_one() {
        // As a snapshot holds a profile: every key, but no `schedule.calendar` before it.
        let mut tree = serde_json::to_value(Profile::builtin("call_only").unwrap()).unwrap();
        let removed = tree["schedule"].as_object_mut().unwrap().remove("calendar");
        assert_eq!(removed, Some(serde_json::json!("KR")));
        let p: Profile = serde_json::from_value(tree).unwrap();
        assert_eq!(p.schedule.calendar, Calendar::Kr);
        let p = Profile::from_json(r#"{"name":"x","schedule":{"calendar":"none"}}"#).unwrap();
        assert_eq!(p.schedule.calendar, Calendar::None);
    }

    #[test]
    fn toml_and_json_load_the_same_structure() {
        let t = Profile::from_toml(
            "name = \"p\"\nextends = \"call_iot\"\nsignals = [\"call\", \"door\"]\n[levels]\nwarning = 45\n",
        )
        .unwrap();
        let j = Profile::from_json(
            r#"{"name":"p","extends":"call_iot","signals":["call","door"],"levels":{"warning":45}}"#,
        )
        .unwrap();
        assert_eq!(t, j);
        assert_eq!(t.levels.warning, 45.0);
        assert_eq!(t.levels.critical, 80.0);
    }

    #[test]
    fn errors_name_the_key() {
        let msg = |j: &str| Profile::from_json(j).unwrap_err().to_string();
        assert!(msg(r#"{"name":"x","inactivity":{"plug":{"threshhold_h":3}}}"#)
            .starts_with("profile `x`: key `inactivity.plug.threshhold_h`: unknown field `threshhold_h`, expected one of `threshold_h`, `weight`, `own_floor`"));
        assert!(msg(r#"{"name":"x","levels":{"watch":"high"}}"#).starts_with("profile `x`: key `levels.watch`:"));
        assert_eq!(
            msg(r#"{"name":"x","levels":{"watch":60}}"#),
            "profile `x`: key `levels`: cut-offs must rise: watch < warning < critical"
        );
        assert!(msg(r#"{"name":"x","timezone":"Mars/Olympus"}"#).contains("key `timezone`"));
        assert!(msg(r#"{"name":"x","schedule":{"office_start":"9h"}}"#).contains("key `schedule.office_start`"));
        assert!(msg(r#"{"name":"x","schedule":{"holidays":["2024-13-01"]}}"#).contains("key `schedule.holidays`"));
        assert!(
            msg(r#"{"name":"x","schedule":{"calendar":"KOR"}}"#)
                .contains("key `schedule.calendar`: unknown value `KOR`, expected one of: KR, none")
        );
        assert!(msg(r#"{"name":"x","signals":["sos"]}"#).contains("key `signals`"));
        assert!(msg(r#"{"name":"x","signals":["meter"]}"#).contains("list `plug`"));
        assert_eq!(
            msg(r#"{"name":"x","meter":{"margin_watts":-5}}"#),
            "profile `x`: key `meter.margin_watts`: must be between 0 and 10000, got -5"
        );
        assert!(msg(r#"{"name":"x","meter":{"margin_ratio":11}}"#).contains("key `meter.margin_ratio`"));
        assert!(msg(r#"{"name":"x","meter":{"margin":1}}"#).contains("key `meter.margin`"));
        assert!(msg(r#"{"name":"x","extends":"nope"}"#).contains("key `extends`"));
        assert!(msg(r#"{"levels":{}}"#).contains("key `name`: required"));
        assert!(msg("[1,2]").contains("table/object"));
        assert!(msg("{").contains("invalid JSON"));
        assert!(Profile::from_toml("name = ").unwrap_err().to_string().contains("invalid TOML"));
    }
}
