//! Every tuning constant of the model that is not a profile key, in one place.
//!
//! The trade-offs an operator or a data scientist moves are profile keys (`routine.sensitivity`,
//! the level cut-offs, the channels' thresholds, the ladder; `docs/interchange.md`, Profile
//! keys). What is here shapes the model itself: its priors, how fast it learns and forgets,
//! and how its parts meet. Each was chosen on the simulated world anbu is tuned on (`anbu::sim`,
//! world A) and checked on the world built apart from it (`world-tus`, world B); a change here
//! is a change of the model, measured as such (`cargo run --release -p anbu-world-tus --example
//! worlds`). Representation constants (bin counts, fixed-point scales, numeric margins) stay
//! beside the code they shape.

use crate::time::DAY_MS;

// --- Learned routine: hourly probabilities of a sign of life (`routine`) ---------------------

/// The prior of an hour bin's probability of a sign of life before anything is learned.
pub(crate) const PRIOR_P: f64 = 0.1;
/// That prior's worth, in days of the person's own data.
pub(crate) const PRIOR_DAYS: f64 = 3.0;
/// The prior probability that a person answers an automatic check-in call.
pub(crate) const ANSWER_PRIOR: f64 = 0.9;
/// Weight of each call's outcome in the learned answer rate (an exponential average).
pub(crate) const ANSWER_RATE: f64 = 0.1;
/// Weight of each day in the recent (fast) daily averages of activity and steps.
pub(crate) const DAILY_FAST: f64 = 0.35;
/// Weight of each day in the usual (slow) daily averages, the baseline a decline is judged by.
pub(crate) const DAILY_SLOW: f64 = 0.06;
/// Weight of the other channels' surprise in the joint surprise of channels silent together
/// (the largest counts fully): channels are not independent given the person's state.
pub(crate) const OTHERS: f64 = 0.35;

// --- The survival of the person's own gaps between signs of life (`routine::GapHist`) --------

/// Gaps are kept from this many nats of joint surprise (`s0`).
pub(crate) const GAP_FLOOR: f64 = 1.0;
/// Width of a gap bin, nats.
pub(crate) const GAP_BIN: f64 = 0.5;
/// Days over which gaps are forgotten (each closed day keeps `1 − 1/GAP_MEMORY_DAYS` of them).
pub(crate) const GAP_MEMORY_DAYS: f64 = 28.0;
/// A `fine` disposition's lesson: the silence it ended counts `LESSON_GAPS` more times among
/// the person's gaps, while the lessons kept (fading as the gaps do) stay under
/// `MAX_LESSONS`; past that, a `fine` is an ordinary gap. So at most `LESSON_GAPS ×
/// MAX_LESSONS` gaps of weight come from lessons, a bounded stretch of the person's survival
/// (the safety floor's seed rules never read it).
pub(crate) const LESSON_GAPS: f64 = 3.0;
/// See [`LESSON_GAPS`].
pub(crate) const MAX_LESSONS: f64 = 4.0;
/// The population prior of the survival: `S0(x) = w·e^(−x) + (1 − w)·e^(−x/τ)` for a silence
/// `x` nats past `GAP_FLOOR`: what independent hours predict (`w`), mixed with a heavier tail
/// (`τ`) for the irregular days of anyone.
pub(crate) const POP_W: f64 = 0.6;
/// See [`POP_W`].
pub(crate) const POP_TAU: f64 = 2.0;
/// The population prior's worth, in gaps: a person with fewer of their own leans on it.
pub(crate) const POP_GAPS: f64 = 4.0;
/// Gaps reaching `GAP_FLOOR` a day before anything is learned.
pub(crate) const POP_GAPS_PER_DAY: f64 = 3.0;
/// That prior's worth, in days.
pub(crate) const POP_DAYS: f64 = 3.0;

// --- The activity deficit: reduced activity, not only silence (`routine`) -------------------

/// The most the hours of one silence add to the activity deficit, nats.
pub(crate) const DEFICIT_CAP: f64 = 3.0;
/// Activity, as a share of usual, that the deficit looks for.
pub(crate) const DEFICIT_RHO: f64 = 0.3;
/// Share of data a channel's routine must hold before its hours count in the deficit.
pub(crate) const DEFICIT_MIN_HELD: f64 = 0.3;
/// Ceiling of the deficit, nats.
pub(crate) const DEFICIT_MAX: f64 = 100.0;
/// The activity deficit (nats of its CUSUM) from which it is evidence.
pub(crate) const DEFICIT_ONSET: f64 = 2.0;
/// A deficit's excursion ends when it falls back to this (nats); its peak is then learned.
pub(crate) const DEFICIT_RESET: f64 = 0.5;
/// The nominal prior's worth, in excursions (see `Routine::deficit_llr`).
pub(crate) const POP_EXCURSIONS: f64 = 4.0;

// --- An appliance left on (`routine`, "An appliance left on") --------------------------------

/// A bin in which a plug is on in less than this share of hours is one where it is usually
/// off: a plug left on, untouched, through such hours adds to its channel's surprise.
/// Chosen on world A (three seeds, closed loop): from 0.1 to 0.5 the same three collapses
/// with the TV left on were found sooner (by 8 to 10 h, one not found before), 0.05 found
/// one of them; 0.1 asked for the fewest calls of those (worlds.md, fourteenth session).
pub(crate) const ON_USUALLY_OFF: f64 = 0.1;
/// The least chance of being on an hour of a plug left on is priced at: an hour adds at most
/// `−ln ON_MIN_P` (3 nats, as much as the costliest hour of silence, `MAX_HOUR_COST`).
pub(crate) const ON_MIN_P: f64 = 0.05;

// --- A decline in daily activity (`detect::decline`) -----------------------------------------

/// Usual daily steps below which steps are not judged for a decline.
pub(crate) const DECLINE_MIN_STEPS: f32 = 500.0;
/// Days of history before a decline can be judged.
pub(crate) const DECLINE_MIN_DAYS: u16 = 10;
/// How long a missed check-in call waits, unanswered by any sign of life, before it counts for
/// the learned routine (`adaptive` mode; see `detect::missed_checkins::counted_misses`).
pub(crate) const MISS_SETTLE_MS: i64 = 45 * crate::time::MINUTE_MS;
/// Share of decline evidence kept after an answered check-in call in the last day.
pub(crate) const DECLINE_AFTER_ANSWER: f64 = 0.3;
/// Days without a caseworker's call answered or a visit after which a decline that the
/// person's answers to automatic calls keep below `watch` asks for the caseworker (see
/// `detect::decline::explained_away`).
pub(crate) const DECLINE_LOOK_DAYS: f64 = 7.0;
/// Hours after an answered check-in call during which a fade it explains away asks for the
/// caseworker (see `detect::decline::explained_away`); later, the answer's weakening of the
/// trend (a day) is near its end. Measured 2026-12-07 on eight seeds of A and B: with 24 h,
/// one decline on A was found a day later (the caseworker's "fine" at 09:00 weakened the
/// trend that would have reached `warning` at 11:00); with 12 h it is found as before, and
/// the five incidents the caseworker's call found sooner stay sooner.
pub(crate) const DECLINE_LOOK_FRESH_H: f64 = 12.0;

// --- Silence as evidence (`detect::inactivity`) ----------------------------------------------

/// A channel's prior reliability: the probability that its silence means what the routine
/// says (the rest of the time it has changed: a TV left on, a plug pulled, a phone without
/// credit, and its silence says nothing).
pub(crate) const RELIABLE_PRIOR: f64 = 0.999;
/// Hours a channel may stay silent past the last sign of life elsewhere before it is
/// reported as no longer watching the person (`unwatched`); its evidence is down-weighted by
/// its reliability, not dropped.
pub(crate) const STALE_H: f64 = 48.0;
/// A channel is reported (with no points) once its reliability falls below this: it is
/// down-weighted, never dropped without a trace.
pub(crate) const REPORT_UNRELIABLE: f64 = 0.1;
/// Posterior probabilities at the level cut-offs: the silence score passes through
/// `levels.watch` at `P_WATCH`, `levels.warning` at `P_WARNING`, `levels.critical` at
/// `P_CRITICAL` (and 0 at 0, 100 at 1), linearly in between, so a cut-off is a probability.
pub(crate) const P_WATCH: f64 = 0.25;
/// See [`P_WATCH`].
pub(crate) const P_WARNING: f64 = 0.5;
/// See [`P_WATCH`].
pub(crate) const P_CRITICAL: f64 = 0.8;

// --- Out and well (`detect::away_from_home`) -------------------------------------------------

/// Share of home-silence evidence kept while the person seems to be out and well.
pub(crate) const AWAY_FACTOR: f64 = 0.2;
/// How recent the phone side's sign of life must be for the person to seem out and well, hours.
pub(crate) const PHONE_RECENT_H: i64 = 24;

// --- A whole-home meter's usual levels (`meter`) ---------------------------------------------

/// Weight of a reading that moves a level outward (the low level down, the high level up).
pub(crate) const METER_OUTWARD: f32 = 0.25;
/// Weight of a reading that moves a level inward. With `METER_OUTWARD / METER_INWARD = 50`
/// the levels settle near the 15th and 85th percentiles of a fridge's cycle.
pub(crate) const METER_INWARD: f32 = 0.005;

// --- Faults (`faults`) ------------------------------------------------------------------------

/// How long a person's assessments report a device's clock running ahead after its last
/// refused event, milliseconds.
pub(crate) const CLOCK_AHEAD_REPORT_MS: i64 = DAY_MS;

// --- A plug's signs of life in the learned routine (`state`) ---------------------------------

/// Longest time between two readings of a plug over which the light's trend is carried: daylight
/// moves the light by about as much from one reading to the next as from the one before, so
/// a change in light is a sign of life only where it breaks that trend (a lamp switched on or
/// off), not where it goes on with it (dawn, dusk, a cloud's slow passing). Over a longer gap
/// nothing is carried, and any change counts.
pub(crate) const LIGHT_TREND_H: f64 = 2.0;

/// Weight of each reading's change in a plug's learned waver (`PlugReading::waver`).
pub(crate) const WAVER_RATE: f64 = 0.1;
/// How many times its usual waver (the root mean square of its changes) a plug's load must
/// move, while the appliance stays on, to be a sign of life in the learned routine: for
/// changes spread as a normal law's, a waver this large comes about once in 15,000 readings of
/// an untouched appliance.
pub(crate) const WAVER_TIMES: f64 = 4.0;

// --- The safety floor (`floor`) ----------------------------------------------------------------

/// Hours the safety floor waits, once its seed rule has fired, for the outcome of the call it
/// asks for again then, where the calls it asked for ahead of the rule were missed (at most
/// `escalation.confirm_within_h`): the seed service calls when its rule fires and alerts when
/// that call is missed; with nothing heard of it within this, the seed rule's alert stands.
/// An hour: the call and its outcome on the backtests' hourly grid (as the default of
/// `escalation.caseworker_h`). In real time the call's outcome comes within minutes.
pub(crate) const FLOOR_RECALL_H: f64 = 1.0;

/// How far ahead of a seed rule the safety floor may ask for its call, at most, where the
/// person usually sleeps in the hours before the rule fires: it asks at the last hour before
/// them when the person is usually up (see `floor`).
pub(crate) const FLOOR_AWAKE_WINDOW_H: f64 = 16.0;
/// An hour counts as one the person is usually up in when the learned chance of a sign of
/// life in it, in any channel watched, is at least this share of the day's most active hour.
pub(crate) const FLOOR_AWAKE_SHARE: f64 = 0.25;
/// The least learned chance of a sign of life in the day's most active hour for the floor to
/// read the person's sleep from the routine at all (see `FLOOR_AWAKE_SHARE`).
pub(crate) const FLOOR_AWAKE_MOST: f64 = 0.1;
