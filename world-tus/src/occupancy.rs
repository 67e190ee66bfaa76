//! The TUS occupancy chain of a one-person household, at 10-minute resolution.
//!
//! The CREST / Richardson tables give, for each 10-minute step of a weekday or weekend day,
//! the probability that a resident living alone is *active* (at home and awake) at the next
//! step, given whether they are active now. "Not active" lumps together being out and being
//! asleep at home; the world tells them apart where the chain enters it: leaving activity in
//! the person's night (22:00-05:00 on their own clock) is going to bed; leaving it by day is
//! going out with the person's propensity to go out, a nap otherwise. The person's clock is
//! the table's shifted by their own offset, and weakness (illness, decline) slows getting
//! up and keeps them in.

use crate::rng::Rng;
use crate::tables::{ACTIVE_NEXT_WEEKDAY, ACTIVE_NEXT_WEEKEND, ACTIVITY_WEEKDAY, ACTIVITY_WEEKEND, STEPS};

/// Slots (10 minutes each) in a day.
pub const SLOTS_PER_DAY: i64 = STEPS as i64;

/// Where a person is and what they can do, per 10-minute slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// At home, asleep (the night's sleep, or a nap run into the night).
    Asleep,
    /// At home, napping or resting by day.
    Nap,
    /// At home and awake.
    Home,
    /// Out of the home for a while (errands, a walk, work); the phone goes along.
    Out,
    /// Away for days (a trip to family); the phone goes along, the home is empty.
    Visiting,
    /// In hospital without anyone having registered it; the phone is off.
    Hospital,
    /// At home and unable to move or answer: collapsed.
    Down,
    /// At home on the floor or in bed, unable to get up; moves a little now and then.
    Bedridden,
    /// Found and taken away (hospital, or worse); the absence is registered.
    Gone,
}

impl State {
    /// Whether the person is in the home (the door sees changes of this).
    pub fn at_home(self) -> bool {
        matches!(self, State::Asleep | State::Nap | State::Home | State::Down | State::Bedridden)
    }

    /// Whether the person is awake and about, phone at hand.
    pub fn about(self) -> bool {
        matches!(self, State::Home | State::Out | State::Visiting)
    }

    /// Whether the phone is on (it is off in hospital and after being found).
    pub fn phone_on(self) -> bool {
        !matches!(self, State::Hospital | State::Gone)
    }
}

/// The person-level knobs of the chain.
#[derive(Clone, Debug)]
pub struct Habits {
    /// The world's days off, lived by the weekend tables.
    pub days_off: crate::days::DaysOff,
    /// The person's clock against the table's, in slots: +6 lives an hour later.
    pub shift: i64,
    /// Probability that leaving activity by day is going out (rather than a nap).
    pub out_prob: f64,
    /// Per slot after 23:00, the probability that someone still out comes home to bed.
    pub home_by_night: f64,
}

/// The table step, and whether the weekend tables apply (a day off), at world slot `slot` on
/// the person's clock (shifted by `habits.shift` slots).
pub fn table_time(slot: i64, habits: &Habits) -> (usize, bool) {
    let s = slot - habits.shift;
    (s.rem_euclid(SLOTS_PER_DAY) as usize, habits.days_off.is_off(s.div_euclid(SLOTS_PER_DAY)))
}

/// P(active at the next step | active now or not), from the tables.
pub fn p_active_next(weekend: bool, step: usize, active: bool) -> f64 {
    let table = if weekend { &ACTIVE_NEXT_WEEKEND } else { &ACTIVE_NEXT_WEEKDAY };
    table[step % STEPS][usize::from(active)]
}

/// P(an active resident is doing `activity` at `step`), from the tables.
pub fn p_activity(weekend: bool, activity: usize, step: usize) -> f64 {
    let table = if weekend { &ACTIVITY_WEEKEND } else { &ACTIVITY_WEEKDAY };
    table[activity][step % STEPS]
}

/// Least probability per slot that the night's sleep ends once the night is over (05:00 on
/// the person's clock): 100 minutes on average at most.
const MORNING_END: f64 = 1.0 / 10.0;

/// Least probability per slot that a nap ends (naps of 80 minutes on average at most).
const NAP_END: f64 = 1.0 / 8.0;

/// Whether a table step lies in the night (22:00 to 05:00).
pub fn is_night(step: usize) -> bool {
    !(30..132).contains(&step)
}

/// The state at world slot `slot`, from the state at the slot before. `vigor` (0..1) is the
/// person's strength: getting up is slower by its square root, going out rarer by its
/// square, and below 0.4 someone out comes home to bed.
pub fn next(cur: State, slot: i64, habits: &Habits, vigor: f64, rng: &mut Rng) -> State {
    let (step, weekend) = table_time(slot, habits);
    match cur {
        State::Home => {
            if rng.chance(p_active_next(weekend, step, true)) {
                State::Home
            } else if is_night(step) {
                State::Asleep
            } else if rng.chance(habits.out_prob * vigor * vigor) {
                State::Out
            } else {
                State::Nap
            }
        }
        State::Asleep => {
            let p = p_active_next(weekend, step, false);
            let p = if is_night(step) { p } else { p.max(MORNING_END) };
            if rng.chance(p * vigor.sqrt()) { State::Home } else { State::Asleep }
        }
        State::Nap => {
            if rng.chance(p_active_next(weekend, step, false).max(NAP_END) * vigor.sqrt()) {
                State::Home
            } else if is_night(step) {
                State::Asleep
            } else {
                State::Nap
            }
        }
        State::Out => {
            let late = !(30..138).contains(&step);
            if vigor < 0.4 {
                if is_night(step) { State::Asleep } else { State::Nap }
            } else if late && rng.chance(habits.home_by_night) {
                State::Asleep
            } else if rng.chance(p_active_next(weekend, step, false)) {
                State::Home
            } else {
                State::Out
            }
        }
        other => other,
    }
}

/// The state at world slot 0 (local midnight), from the tables' start probabilities.
pub fn first(habits: &Habits, rng: &mut Rng) -> State {
    let (_, weekend) = table_time(0, habits);
    let p = if weekend { crate::tables::START_ACTIVE_WEEKEND } else { crate::tables::START_ACTIVE_WEEKDAY };
    if rng.chance(p) { State::Home } else { State::Asleep }
}
