//! Learned routines: what is normal for *this* person at *this* hour.
//!
//! ## Model
//! For each activity channel (calls, steps, door, plug changes, phone use) the person's
//! routine is the probability `p[c][b]` that at least one sign of life shows in channel
//! `c` during an hour of bin `b`, where a bin is a local hour of the day on a weekday or
//! on a weekend day (48 bins; a holiday of the profile's `schedule.calendar` or
//! `schedule.holidays` is a weekend day). It is learned online from the person's own history: when
//! an hour closes, `p ← p + rate·(x − p)` with `x` = 1 if the hour had a sign of life,
//! 0 otherwise (an exponentially weighted average, so the routine follows slow changes
//! such as the seasons). Hours the channel was not watched (its devices offline) or the
//! person was away are not learned from, and hours are learned only once a later sign of
//! life shows that the person was well: an emergency's silence never becomes "normal".
//!
//! The question asked of a silence is then "how unlikely is this much silence for this
//! person at these hours?". Treating hours as independent, a silence over hours `h`
//! has probability `Π (1 − p[b(h)])`; its *surprise* is `−ln` of that,
//! `Σ −ln(1 − p[b(h)])`. A night owl's quiet mornings have `p ≈ 0` and cost nothing; the
//! 09:00 hour of someone who always goes out by 09:00 costs a lot. Per-hour Bernoulli
//! rates on a 48-bin week were chosen over Poisson counts because a sign of life is a
//! yes/no fact per hour (ten plug changes in one hour say no more than one), and over
//! 168 hour-of-week bins because 48 bins learn twice as fast from a few weeks of data
//! while keeping the weekday/weekend difference that matters most.
//!
//! While the history is short (under the profile's `warmup_days`), evidence blends the
//! learned routine with the profile's fixed thresholds, which act as the prior.
//!
//! ## Unable to respond since `t`: a posterior
//! The silence detector computes, online and per person, the posterior probability that the
//! person became unable to respond when their current silence began (their last sign of life
//! in any signal). It is Bayesian online changepoint detection (Adams & MacKay, 2007)
//! restricted to the current run: any sign of life shows the person was able until then, so
//! the run-length posterior collapses onto "since the last sign of life", and one number per
//! person is enough. A sequential probability ratio test (a CUSUM of hourly likelihood
//! ratios) was the alternative; it needs the hours to be independent, and they are not: an
//! outing or a night's sleep silences many hours at once.
//!
//! **Time axis.** A silence is measured in *surprise-time*, its joint surprise over the
//! expected channels ([`joint`] of each channel's `Σ −ln(1 − p)`): a clock that runs only in
//! hours when this person is usually seen, so a gap is conditioned on the local hours it
//! spans (a night's sleep costs about 0, the usual morning walk a lot).
//!
//! **Likelihood of an ordinary gap.** Each gap between signs of life that ended well adds its
//! joint surprise to a small histogram ([`GapHist`]: `GAP_FLOOR` = 1 nat up to about 29 nats
//! in 0.5-nat bins, `u16` counts, every closed day keeping `1 − 1/28` of them: about four
//! weeks of memory in 112 bytes). Its survival `S(s)` is the probability that an ordinary gap
//! that reached `GAP_FLOOR` goes on past `s`, a discrete-time survival bin by bin: the hazard
//! of ending within bin `b` is `(d_b + k·h0_b) / (n_b + k)`, `n_b` the person's gaps that
//! reached the bin, `d_b` those that ended in it, `h0_b` the hazard of a population prior
//! `S0(x) = w·e^(−x) + (1 − w)·e^(−x/τ)` (what independent hours predict, mixed with a heavier
//! tail) and `k` its worth in gaps (`POP_GAPS`). Where many of the person's own gaps reached a
//! level they decide; where few did (a young routine, or the tail), the prior does, so one long
//! outing does not hold the survival up all the way to its own length. (Smoothing the survival
//! itself, `(T(s) + k·S0(s)) / (T(s0) + k)`, was tried first: one outing in four weeks then
//! capped the posterior near 25% until the silence outgrew it, the failure this model is
//! for.) An irregular sleeper's long nights are cheap twice over: their morning hours have a
//! lower `p` (the clock runs slower) and their histogram holds more long gaps.
//!
//! **Posterior.** Against "an ordinary gap" the alternative is "a changepoint at the gap's
//! start, after which silence goes on with probability 1". With the prior hazard `h` a day
//! (`routine.sensitivity`) and this person's rate of gaps reaching `GAP_FLOOR`, `n` a day,
//! the prior odds that such a gap is an incident are `h / n`, and the posterior odds
//! `(h / n) / S(s)`: they start at the first hour whose silence is unusual for this person and
//! grow with every such hour, in every channel at once. Reduced activity is a second route to
//! the same state: an activity deficit (see [`Routine::deficit`]) beyond its onset is a
//! log-likelihood ratio `λ` for "impaired since some time in the last hours" (calibrated on
//! the person's own ordinary excursions, see [`Routine::deficit_llr`]), with prior odds
//! `h`, and an impaired person's silence is `S^(ρ−1)` times likelier than a well person's; so
//! the posterior odds are `(h / n)/S(s) + h·e^λ·S(s)^(ρ−1)`.
//!
//! **Score.** The posterior `P` maps to the silence points piecewise linearly through the
//! level cut-offs: `watch` at `P = 0.25`, `warning` at 0.5, `critical` at 0.8 (0 at 0, 100 at
//! 1): with the built-in cut-offs the points are `100·P`, and a cut-off is a probability.
//!
//! **Channels that misbehave** are down-weighted by what they can still tell, never dropped:
//! a channel that kept `x` nats of silence while the person was seen otherwise works with
//! posterior probability `r = 0.999·e^(−x) / (0.999·e^(−x) + 0.001)`, and its silence since the
//! last sign of life counts `−ln(r·e^(−s) + 1 − r)` (all of `s` when `r = 1`, at most
//! `−ln(1 − r)`); a channel with `r < 0.1` is reported with why.
//!
//! While the history is short (under the profile's `warmup_days`), evidence blends the
//! learned posterior with the profile's fixed thresholds by the share learned.
//!
//! ## An appliance left on
//! A plug's steady load is no sign of life, so a TV left on after a collapse is as silent as
//! one switched off; but it is not as likely. Beside the chance of a change, the routine
//! learns for each bin the chance that the plug is on (above `no_change.standby_watts`) when
//! the hour closes, in the same way (`on`). While a plug is on and untouched, each hour of the
//! silence in a bin where it is usually off (on in less than `ON_USUALLY_OFF` of such hours)
//! adds `−ln p_on` to the plug channel's surprise (at most `−ln ON_MIN_P`, 3 nats): a TV on
//! at 03:00 for someone whose TV is always off by midnight speaks hours before the morning
//! does. An appliance on at its usual hours adds nothing, and one always on (a TV never
//! switched off) is learned as usual everywhere.
//!
//! The light at the plug is learned the same way (`lit`: above `no_change.lux_tolerance`
//! when the hour closes, a lamp or daylight), from the readings themselves, since daylight
//! comes and goes with no sign of life. While the light has stayed up at every reading
//! through hours in bins where the room is usually dark, the least usual of them adds its
//! `−ln p_lit` once (the TV's hours, where it is on too, if they say more): leaving the lamp
//! on is one decision, which a well person who falls asleep by its light makes as well, and
//! its hours are not independent (no world measures what such nights cost, where world B
//! measures the TV's). A lamp left on at 03:00 after a fall in the evening asks for the call
//! in the night. A room that daylight lights most of the day learns its dark hours near the
//! day's mean (`BinModel`'s prior), above the cut, and says nothing.
//!
//! ## Decline
//! A multi-day downward trend of activity is found with two exponentially weighted moving
//! averages (EWMA) of the daily count of signs of life, and of the daily steps where steps
//! are counted (a person in decline still moves about every hour, but walks much less): a
//! fast one (about 3 days) against a slow one (about 3 weeks, the baseline). Their ratio
//! falling well below 1 is a decline. Over hours, an activity deficit (a CUSUM, see
//! [`Routine::deficit`]) finds activity that is sparse all day, as in an acute illness.
//!
//! ## Check-in answering
//! The share of check-in calls the person answers is learned the same way, so that a
//! missed call from someone who always answers weighs more than one from someone whose
//! phone is usually on silent.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::time::{DAY_MS, HOUR_MS, Timestamp};
use crate::tuning::{
    ANSWER_PRIOR, ANSWER_RATE, DAILY_FAST, DAILY_SLOW, DECLINE_MIN_DAYS, DECLINE_MIN_STEPS, DEFICIT_CAP, DEFICIT_MAX,
    DEFICIT_MIN_HELD, DEFICIT_ONSET, DEFICIT_RESET, DEFICIT_RHO, GAP_BIN, GAP_FLOOR, GAP_MEMORY_DAYS, LESSON_GAPS,
    MAX_LESSONS, ON_MIN_P, ON_USUALLY_OFF, OTHERS, POP_DAYS, POP_EXCURSIONS, POP_GAPS, POP_GAPS_PER_DAY, POP_TAU,
    POP_W, PRIOR_DAYS, PRIOR_P,
};
use crate::vocab::Signal;

/// Bins: 24 local hours on weekdays, then 24 on weekend days and holidays.
pub(crate) const BINS: usize = 48;
/// The plug channel's index in [`Signal::CHANNELS`].
const PLUG: usize = 3;
/// The share of data a table must hold before its own mean is its prior (see [`BinModel`]).
const PRIOR_HELD: f64 = 0.05;
/// Longest stretch of hours closed at once (a longer gap is skipped, not learned).
const MAX_CLOSE_HOURS: i64 = 14 * 24;
const SCALE: f64 = 65535.0;
const GAP_BINS: usize = 56;
/// A gap's weight in a bin, in the bin's `u16` units.
const GAP_SCALE: f64 = 256.0;

/// The learned routine of one person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Routine {
    /// Start of the open (not yet learned) hour.
    open_hour: Opt,
    /// Channels with a sign of life in the open hour (bits by `Signal::CHANNELS` index).
    open_life: u8,
    /// `p[c][b]` in 1/65535.
    #[serde(with = "serde_bins")]
    p: Bins,
    /// Hours learned per channel (saturating).
    learned: [u16; 5],
    /// Local day index of the open day, and its count of signs of life.
    open_day: Opt,
    day_count: u32,
    fast: f32,
    slow: f32,
    /// Steps counted in the open day, and their fast and slow daily averages.
    #[serde(default)]
    day_steps: u32,
    #[serde(default)]
    fast_steps: f32,
    #[serde(default)]
    slow_steps: f32,
    days: u16,
    /// Learned share of check-in calls answered.
    answer_rate: f32,
    /// Check-in calls missed since the last sign of life, learned from once it comes.
    pending_misses: u8,
    /// This person's gaps between signs of life that ended well, by joint surprise (see
    /// [`GapHist`]); absent from older snapshots, where the population prior carries on.
    #[serde(default)]
    gap_hist: GapHist,
    /// The days the gaps were kept over, forgotten as they are (`Σ (1 − 1/28)^age`).
    #[serde(default)]
    gap_days: f32,
    /// CUSUM of the surprise of the silences between signs of life (see [`Routine::deficit`]).
    #[serde(default)]
    deficit: f32,
    /// The highest deficit of the excursion under way; the excursions of this person's
    /// deficit past `DEFICIT_ONSET` that ended well, and the sum of how far past it they
    /// peaked (nats), both fading by the day as the gaps do (see [`Routine::deficit_llr`]).
    /// Absent from older snapshots, where the nominal prior carries on.
    #[serde(default, skip_serializing_if = "is_default")]
    deficit_peak: f32,
    #[serde(default, skip_serializing_if = "is_default")]
    excursions: f32,
    #[serde(default, skip_serializing_if = "is_default")]
    excursion_nats: f32,
    /// The `fine` lessons kept, fading by the day as the gaps do (see `LESSON_GAPS`); absent
    /// from older snapshots.
    #[serde(default, skip_serializing_if = "is_default")]
    lessons: f32,
    /// Whether a plug (not a meter) was on at the last sign of life: so it stayed through the
    /// hours closed at the next one (switching is a sign of life).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    plug_on: bool,
    /// The chance that a plug is on when an hour of bin `b` closes, in 1/65535, learned as `p`
    /// is; empty until the plug channel first learns. Absent from older snapshots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    on: Vec<u16>,
    /// Whether the light at a plug (not a meter) was above `no_change.lux_tolerance` at its
    /// last reading (a lamp, or daylight), and the hour of that reading: so it stays until
    /// the next. Daylight comes and goes with no sign of life, so which of the hours not yet
    /// learned ended lit is marked as the readings come (bit `i`: the open hour's `i`-th
    /// after it, the first 64), and learned with them (see [`Routine::set_plug_lit`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    plug_lit: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    lit_hour: Opt,
    #[serde(default, skip_serializing_if = "is_default")]
    lit_marks: u64,
    /// The chance that the light at a plug is up when an hour of bin `b` closes, in 1/65535,
    /// learned as `on` is. Absent from older snapshots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    lit: Vec<u16>,
}

/// What a plug left as it is shows (see [`Routine::left_on_surprise`]): whether its appliance
/// is on, and since when its room has been lit, if it is.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct LeftOn {
    pub on: bool,
    pub lit_from: Option<Timestamp>,
}

/// The surprise of a plug left on (see [`Routine::left_on_surprise`]): nats, and the hours
/// counted where the plug is usually off and where its room is usually dark.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct LeftOnSurprise {
    pub nats: f64,
    pub on_hours: f64,
    pub lit_hours: f64,
}

/// Learns a plug's state (`on`, `lit`) through a closed hour of bin `b`, as `p` learns. An
/// hour in the other state keeps a 0 at 0, so the table is made at the first hour in the
/// state (none for a plug never on, or without light).
fn learn_state(table: &mut Vec<u16>, state: bool, b: usize, rate: f64) {
    if table.len() != BINS {
        if !state {
            return;
        }
        *table = vec![0; BINS];
    }
    let Some(slot) = table.get_mut(b) else { return };
    let old = *slot;
    if state || old != 0 {
        let p = f64::from(old) / SCALE;
        let x = if state { 1.0 } else { 0.0 };
        *slot = round_half_up((p + rate * (x - p)).clamp(0.0, 1.0) * SCALE) as u16;
    }
}

/// Whether a field is at its default: left out of a snapshot and read back as the default, so
/// that a snapshot of a routine that learned none of it is the format it was.
fn is_default<T: Default + PartialEq>(x: &T) -> bool {
    *x == T::default()
}

impl Default for Routine {
    fn default() -> Self {
        Routine {
            open_hour: Opt::NONE,
            open_life: 0,
            p: Bins::default(),
            learned: [0; 5],
            open_day: Opt::NONE,
            day_count: 0,
            fast: 0.0,
            slow: 0.0,
            day_steps: 0,
            fast_steps: 0.0,
            slow_steps: 0.0,
            days: 0,
            answer_rate: ANSWER_PRIOR as f32,
            pending_misses: 0,
            gap_hist: GapHist::default(),
            gap_days: 0.0,
            deficit: 0.0,
            deficit_peak: 0.0,
            excursions: 0.0,
            excursion_nats: 0.0,
            lessons: 0.0,
            plug_on: false,
            on: Vec::new(),
            plug_lit: false,
            lit_hour: Opt::NONE,
            lit_marks: 0,
            lit: Vec::new(),
        }
    }
}

/// What the routine needs to know about an hour being closed.
pub(crate) trait HourContext {
    /// The bin of the hour starting at `start_ms`.
    fn bin(&self, start_ms: i64) -> usize;
    /// The bins of the hours starting at `start_ms`, `start_ms` + 1 h, and so on, as
    /// [`HourContext::bin`] gives them.
    fn bins(&self, start_ms: i64) -> impl Iterator<Item = usize> {
        (0..).map(move |k: i64| self.bin(start_ms.saturating_add(k.saturating_mul(HOUR_MS))))
    }
    /// The local day index of a time.
    fn day(&self, ms: i64) -> i64;
    /// When local day `day` ends (its last local midnight), as milliseconds since the epoch.
    fn day_end(&self, day: i64) -> i64;
    /// Whether channel `c` was watched during the hour ending at `end_ms`.
    fn watched(&self, c: usize, end_ms: i64) -> bool;
    /// Whether the person was away at `ms`.
    fn away(&self, ms: i64) -> bool;
    /// Whether the person was away at some time in `[a, z)` (by default, at the start of
    /// one of its hours).
    fn away_within(&self, a: i64, z: i64) -> bool {
        let mut h = a;
        while h < z {
            if self.away(h) {
                return true;
            }
            h = (h.div_euclid(HOUR_MS) + 1) * HOUR_MS;
        }
        false
    }
    /// The channels watched during the hour ending at `end_ms`, as bits by channel (what
    /// [`HourContext::watched`] says of each).
    fn watched_mask(&self, end_ms: i64) -> u8 {
        (0..5).filter(|c| self.watched(*c, end_ms)).fold(0, |m, c| m | (1 << c))
    }
    /// [`HourContext::watched_mask`] at `end_ms`, and the latest end up to which it stays the
    /// same (`end_ms` itself when the context cannot tell).
    fn watched_mask_until(&self, end_ms: i64) -> (u8, i64) {
        (self.watched_mask(end_ms), end_ms)
    }
    /// Memoised powers of the learning rate, if the context keeps them.
    fn decay(&self) -> Option<&Decay> {
        None
    }
    /// Whether channel `c`'s silence is evidence for this person.
    fn expected(&self, c: usize) -> bool;
    /// The channels whose silence is evidence, as bits by channel (what
    /// [`HourContext::expected`] says of each).
    fn expected_mask(&self) -> u8 {
        (0..5).filter(|c| self.expected(*c)).fold(0, |m, c| m | (1 << c))
    }
}

/// Hours of learning per memo chunk of [`Decay`].
const DECAY_CHUNK: usize = 512;

/// The shares of data a channel's averages hold after `n` learned hours, `1 − (1 − rate)^x`
/// for `x` = all, weekday and weekend days (see [`Routine::model`]), memoised per learning
/// rate: the same `powf` of the same numbers, computed once per hour count instead of at
/// every silence judged. Chunks of hour counts are filled on first use.
#[derive(Clone, Debug)]
pub(crate) struct Decay {
    rate: f64,
    /// `1 − (1 − rate)^PRIOR_DAYS`.
    k: f64,
    chunks: Box<[OnceLock<DecayChunk>]>,
}

/// The shares of [`DECAY_CHUNK`] consecutive hour counts.
type DecayChunk = Box<[[f64; 3]]>;

impl Decay {
    /// The memo for a learning rate.
    pub fn new(rate: f64) -> Decay {
        let chunks = (0..(usize::from(u16::MAX) / DECAY_CHUNK + 1)).map(|_| OnceLock::new()).collect();
        Decay { rate, k: prior_weight(rate), chunks }
    }

    /// The shares for `learned` hours at `rate` (computed directly for another rate).
    #[inline]
    fn held(&self, rate: f64, learned: u16) -> [f64; 3] {
        let n = usize::from(learned);
        if rate.to_bits() != self.rate.to_bits() {
            return held_shares(rate, learned);
        }
        let Some(chunk) = self.chunks.get(n / DECAY_CHUNK) else { return held_shares(rate, learned) };
        let first = n - n % DECAY_CHUNK;
        let table = chunk.get_or_init(|| {
            (first..first + DECAY_CHUNK).map(|h| held_shares(rate, u16::try_from(h).unwrap_or(u16::MAX))).collect()
        });
        table.get(n % DECAY_CHUNK).copied().unwrap_or_else(|| held_shares(rate, learned))
    }

    /// The prior's weight at `rate`.
    #[inline]
    fn k(&self, rate: f64) -> f64 {
        if rate.to_bits() == self.rate.to_bits() { self.k } else { prior_weight(rate) }
    }
}

/// `1 − (1 − rate)^PRIOR_DAYS`: the weight of the prior, worth `PRIOR_DAYS` days.
fn prior_weight(rate: f64) -> f64 {
    1.0 - (1.0 - rate).powf(PRIOR_DAYS)
}

/// [`held_shares`], memoised where the context keeps a [`Decay`].
fn shares(ctx: &impl HourContext, rate: f64, learned: u16) -> [f64; 3] {
    ctx.decay().map_or_else(|| held_shares(rate, learned), |d| d.held(rate, learned))
}

/// The shares of data held after `learned` hours: over all days, weekdays and weekends.
fn held_shares(rate: f64, learned: u16) -> [f64; 3] {
    let days = f64::from(learned) / 24.0;
    [
        1.0 - (1.0 - rate).powf(days),
        1.0 - (1.0 - rate).powf(days * 5.0 / 7.0),
        1.0 - (1.0 - rate).powf(days * 2.0 / 7.0),
    ]
}

/// Bins of the population prior's survival table (up to 100 nats past `GAP_FLOOR`).
const PRIOR_BINS: usize = 200;

/// `ln S0` at the bin edges `GAP_FLOOR + b·GAP_BIN`, `S0(x) = w·e^(−x) + (1 − w)·e^(−x/τ)`.
fn prior_log_survival() -> &'static [f64; PRIOR_BINS + 1] {
    static TABLE: OnceLock<[f64; PRIOR_BINS + 1]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|b| {
            let x = b as f64 * GAP_BIN;
            (POP_W * (-x).exp() + (1.0 - POP_W) * (-x / POP_TAU).exp()).ln()
        })
    })
}

/// The largest cost of one silent hour, `−ln(1 − p)` with `p` capped at 0.95 (about 2.996),
/// rounded up with a margin far above any rounding of the sums it bounds.
const MAX_HOUR_COST: f64 = 3.0;
/// Margins of the hour-by-hour bound of a silence's surprise: relative, over the rounding of
/// its sums (about 1e-14), and absolute, over the rounding of a computed cost near 0 (each
/// under 3e-15, at most 120 of them).
const BOUND_RELATIVE_MARGIN: f64 = 1e-9;
const BOUND_ABSOLUTE_MARGIN: f64 = 1e-9;

impl Routine {
    /// Closes every hour and day before `ts`, learning from them.
    pub fn advance(&mut self, ts: Timestamp, rate: f64, ctx: &impl HourContext) {
        let t = ts.as_millis();
        let hour = t.div_euclid(HOUR_MS) * HOUR_MS;
        match self.open_hour.get() {
            None => self.open_hour = Opt::some(hour),
            Some(open) if hour > open => {
                // Past `MAX_CLOSE_HOURS`, the open hour and the hours after it are skipped.
                let first = open.max(hour - MAX_CLOSE_HOURS * HOUR_MS);
                if first > open {
                    self.open_life = 0;
                }
                // The share over all days of `held_shares`, where the deficit reads it.
                let expected = ctx.expected_mask();
                let held: [f64; 5] = std::array::from_fn(|c| {
                    if expected & (1 << c) != 0 { shares(ctx, rate, self.learned[c])[0] } else { 0.0 }
                });
                let (mut lived, mut silent) = (0.0, 0.0);
                let mut bins = ctx.bins(first);
                // The watched channels, and the latest hour's end they hold for.
                let (mut watched, mut until) = (0, i64::MIN);
                let mut h = first;
                while h < hour {
                    let b = bins.next().unwrap_or(0);
                    if !ctx.away(h) {
                        if h + HOUR_MS > until {
                            (watched, until) = ctx.watched_mask_until(h + HOUR_MS);
                        }
                        let lit = self.lit_at_close(open, h);
                        let llr = self.close_hour(b, watched, expected, rate, &held, lit);
                        if h == open { lived += llr } else { silent += llr }
                    }
                    self.open_life = 0;
                    h += HOUR_MS;
                }
                self.deficit =
                    (f64::from(self.deficit) + lived + silent.min(DEFICIT_CAP)).clamp(0.0, DEFICIT_MAX) as f32;
                self.deficit_peak = self.deficit_peak.max(self.deficit);
                if f64::from(self.deficit) <= DEFICIT_RESET {
                    self.deficit_excursion_ended();
                }
                self.open_hour = Opt::some(hour);
                self.lit_marks = 0;
            }
            Some(_) => {}
        }
        let day = ctx.day(t);
        match self.open_day.get() {
            None => self.open_day = Opt::some(day),
            Some(open) if day > open => {
                for d in (open..day).take(7) {
                    let day = if d == open { (self.day_count, self.day_steps) } else { (0, 0) };
                    self.forget_gaps();
                    if counted_day(ctx, d) {
                        self.close_day(day);
                    }
                }
                self.day_count = 0;
                self.day_steps = 0;
                self.open_day = Opt::some(day);
            }
            Some(_) => {}
        }
    }

    /// Learns from one closed hour (not away) of bin `b`, in the `watched` channels; returns
    /// its activity-deficit log-likelihood ratio (see [`Routine::deficit`]) over the
    /// `expected` channels, from the probabilities before learning, `held` being each
    /// channel's share of data held (the bias correction of [`BinModel`]).
    fn close_hour(&mut self, b: usize, watched: u8, expected: u8, rate: f64, held: &[f64; 5], lit: bool) -> f64 {
        let mut llr = 0.0;
        for (c, &held) in held.iter().enumerate() {
            if watched & (1 << c) == 0 {
                continue;
            }
            let life = self.open_life & (1 << c) != 0;
            let old = self.p.table(c).get(b).copied().unwrap_or(0);
            let p = f64::from(old) / SCALE;
            if held >= DEFICIT_MIN_HELD && expected & (1 << c) != 0 {
                let q = (p / held).clamp(0.0, 0.95);
                llr += if life { DEFICIT_RHO.ln() } else { ((1.0 - DEFICIT_RHO * q) / (1.0 - q)).ln() };
            }
            // An hour without life keeps a probability of 0 at 0.
            if life || old != 0 {
                let x = if life { 1.0 } else { 0.0 };
                let new = round_half_up((p + rate * (x - p)).clamp(0.0, 1.0) * SCALE) as u16;
                if new != old {
                    self.p.set(c, b, new);
                }
            }
            self.learned[c] = self.learned[c].saturating_add(1);
        }
        if watched & (1 << PLUG) != 0 {
            learn_state(&mut self.on, self.plug_on, b, rate);
            learn_state(&mut self.lit, lit, b, rate);
        }
        llr
    }

    /// Records whether a plug is on at a sign of life (see the field `plug_on`).
    pub fn set_plug_on(&mut self, on: bool) {
        self.plug_on = on;
    }

    /// Records whether the light at a plug is up at a reading at `ts` (see the field
    /// `plug_lit`): the hours since the reading before ended as it was.
    pub fn set_plug_lit(&mut self, ts: Timestamp, lit: bool) {
        let hour = ts.as_millis().div_euclid(HOUR_MS) * HOUR_MS;
        if lit == self.plug_lit && self.lit_hour.get() == Some(hour) {
            return;
        }
        if let (true, Some(open)) = (self.plug_lit, self.open_hour.get()) {
            let from = self.lit_hour.get().map_or(open, |h| h.max(open));
            for i in (from - open) / HOUR_MS..((hour - open) / HOUR_MS).min(64) {
                self.lit_marks |= 1 << i;
            }
        }
        (self.plug_lit, self.lit_hour) = (lit, Opt::some(hour));
    }

    /// Whether the light at a plug was up at its last reading (see [`Routine::set_plug_lit`]).
    pub fn plug_lit(&self) -> bool {
        self.plug_lit
    }

    /// Whether hour `h` (after the open hour `open`) ended lit: as marked, or as the last
    /// reading was for the hours since it.
    fn lit_at_close(&self, open: i64, h: i64) -> bool {
        if self.lit_hour.get().is_none_or(|l| h >= l) {
            return self.plug_lit;
        }
        let i = (h - open) / HOUR_MS;
        (0..64).contains(&i) && self.lit_marks & (1 << i) != 0
    }

    /// The surprise of a plug left on, or its room left lit, from `since` to `until` (see the
    /// module docs, "An appliance left on"): over the hours in bins where the plug is usually
    /// off (while `left.on`), `Σ −ln p`, partial hours by their share; over those where the
    /// room is usually dark (from `left.lit_from`), the largest `−ln p` once; the larger of
    /// the two; and how many such hours of each. Nothing before the plug channel learned.
    pub fn left_on_surprise(
        &self,
        since: Timestamp,
        until: Timestamp,
        left: LeftOn,
        rate: f64,
        ctx: &impl HourContext,
    ) -> LeftOnSurprise {
        let mut out = LeftOnSurprise::default();
        let (a, z) = (since.as_millis(), until.as_millis().min(since.as_millis() + MAX_CLOSE_HOURS * HOUR_MS));
        let lit_a = left.lit_from.map_or(i64::MAX, |t| a.max(t.as_millis()));
        let on_model = if left.on && a < z { self.state_model(&self.on, rate, ctx) } else { None };
        let lit_model = if lit_a < z { self.state_model(&self.lit, rate, ctx) } else { None };
        if on_model.is_none() && lit_model.is_none() {
            return out;
        }
        // An hour's cost where the state is usually otherwise.
        let cost = |model: &Option<BinModel<'_>>, b: usize| {
            model.as_ref().map_or(0.0, |m| {
                let p = m.p(b);
                if p < ON_USUALLY_OFF { -p.max(ON_MIN_P).ln() } else { 0.0 }
            })
        };
        let share = |from: i64, h: i64| (z.min(h + HOUR_MS) - from.max(h)).max(0) as f64 / HOUR_MS as f64;
        let mut h = a.div_euclid(HOUR_MS) * HOUR_MS;
        let mut bins = ctx.bins(h);
        let mut lit_max = 0.0f64;
        while h < z {
            let b = bins.next().unwrap_or(0);
            if !ctx.away(h) {
                let (on_share, lit_share) = (share(a, h), share(lit_a, h));
                let on = if on_share > 0.0 { on_share * cost(&on_model, b) } else { 0.0 };
                let lit = if lit_share > 0.0 { lit_share * cost(&lit_model, b) } else { 0.0 };
                out.nats += on;
                lit_max = lit_max.max(lit);
                out.on_hours += if on > 0.0 { on_share } else { 0.0 };
                out.lit_hours += if lit > 0.0 { lit_share } else { 0.0 };
            }
            h += HOUR_MS;
        }
        out.nats = out.nats.max(lit_max);
        out
    }

    /// The learned chance of a plug's state (`on` or `lit`), by bin: a [`BinModel`] over the
    /// table, held as the plug channel's (it learns in the same hours).
    fn state_model<'a>(&self, table: &'a [u16], rate: f64, ctx: &impl HourContext) -> Option<BinModel<'a>> {
        let raw: &[u16; BINS] = table.try_into().ok()?;
        let sum = raw.iter().map(|x| u32::from(*x)).sum();
        let (model, all_held) = BinModel::of(raw, sum, self.learned[PLUG], rate, ctx);
        // Too little learned to say when it is usually off (`p`'s prior, `PRIOR_P`, would
        // read every hour as one).
        (all_held > PRIOR_HELD).then_some(model)
    }

    /// A day closed: the gaps kept fade by `1 − 1/GAP_MEMORY_DAYS`.
    fn forget_gaps(&mut self) {
        let keep = 1.0 - 1.0 / GAP_MEMORY_DAYS;
        for x in &mut self.gap_hist.0 {
            *x = round_half_up(f64::from(*x) * keep) as u16;
        }
        self.gap_days = (f64::from(self.gap_days) * keep + 1.0) as f32;
        self.excursions = (f64::from(self.excursions) * keep) as f32;
        self.excursion_nats = (f64::from(self.excursion_nats) * keep) as f32;
        self.lessons = (f64::from(self.lessons) * keep) as f32;
    }

    /// The deficit's excursion ended well (activity came back, or the person answered a
    /// check-in call): how far past `DEFICIT_ONSET` it peaked is learned.
    fn deficit_excursion_ended(&mut self) {
        let past = f64::from(self.deficit_peak) - DEFICIT_ONSET;
        if past > 0.0 {
            self.excursions += 1.0;
            self.excursion_nats += past as f32;
        }
        self.deficit_peak = 0.0;
    }

    /// The activity deficit's evidence, a log-likelihood ratio (nats) calibrated on this
    /// person. The CUSUM's nats assume hours independent of each other and activity as
    /// regular as its hourly averages; under that model an ordinary excursion goes past
    /// `DEFICIT_ONSET` by an exponential amount of mean 1 nat, and a deficit `d` is worth
    /// `d − DEFICIT_ONSET`. A person whose activity comes in bursts (a day in, a day out)
    /// goes further on ordinary days; their own excursions that ended well give the mean
    /// `μ` of that tail (smoothed toward the nominal 1 nat, worth `POP_EXCURSIONS`), and the
    /// deficit is worth `(d − DEFICIT_ONSET) / μ`: the surprise of an ordinary excursion
    /// reaching it, under an exponential tail of this person's own mean. 0 below the onset.
    pub fn deficit_llr(&self) -> f64 {
        let past = f64::from(self.deficit) - DEFICIT_ONSET;
        if past <= 0.0 {
            return 0.0;
        }
        let mean = (f64::from(self.excursion_nats) + POP_EXCURSIONS) / (f64::from(self.excursions) + POP_EXCURSIONS);
        past / mean.max(1.0)
    }

    /// Records the joint surprise of a silence that just ended with a sign of life: a gap of
    /// `GAP_FLOOR` nats or more adds one to its bin. Returns the surprise when it was kept.
    pub fn gap_closed(&mut self, surprise: f64) -> Option<f64> {
        self.add_gap(surprise, 1.0).then_some(surprise)
    }

    /// Adds `gaps` gaps of joint surprise `surprise` to its bin, if it reaches `GAP_FLOOR`.
    fn add_gap(&mut self, surprise: f64, gaps: f64) -> bool {
        if surprise < GAP_FLOOR {
            return false;
        }
        let bin = (((surprise - GAP_FLOOR) / GAP_BIN) as usize).min(GAP_BINS - 1);
        self.gap_hist.0[bin] = self.gap_hist.0[bin].saturating_add((GAP_SCALE * gaps) as u16);
        true
    }

    /// A call or a visit found the person well after a silence of joint surprise `surprise`
    /// (kept by [`Routine::close_gap`]): the silence was normal for them, so it counts
    /// `LESSON_GAPS` more times, unless the lessons kept have reached `MAX_LESSONS`. Returns
    /// whether the lesson was taken.
    pub fn lesson(&mut self, surprise: f64) -> bool {
        if f64::from(self.lessons) + 1.0 > MAX_LESSONS || !self.add_gap(surprise, LESSON_GAPS) {
            return false;
        }
        self.lessons += 1.0;
        true
    }

    /// A silence of the channels in `mask` from `since` to `until` ended with a sign of life:
    /// records its joint surprise ([`joint`] of each channel's [`Routine::surprise`], in
    /// channel order) with [`Routine::gap_closed`]. A silence that a registered absence cut
    /// (a stay in hospital, which may follow an emergency) is not learned.
    ///
    /// Only gaps of `GAP_FLOOR` nats or more are kept, so the surprise is computed only
    /// when it may reach that: two upper bounds are tried first, each exact as a bound (see
    /// the constants' margins): the hours times the largest cost of an hour, then, for
    /// silences under a day, each hour's probability `x` bounding its cost `−ln(1 − x)` by
    /// `x / (1 − x)`. The joint surprise grows with each channel's, so bounds of the
    /// channels bound it.
    ///
    /// Returns the joint surprise when the gap was kept.
    pub fn close_gap(
        &mut self,
        mask: u8,
        since: Timestamp,
        until: Timestamp,
        rate: f64,
        ctx: &impl HourContext,
    ) -> Option<f64> {
        let (a, z) = (since.as_millis(), until.as_millis());
        if z <= a {
            return None;
        }
        let floor = GAP_FLOOR;
        let channels = f64::from(mask.count_ones());
        let hours = (z - a) as f64 / HOUR_MS as f64;
        if MAX_HOUR_COST * hours * ((1.0 - OTHERS) + OTHERS * channels) < floor {
            return None;
        }
        if ctx.away_within(a, z) {
            return None;
        }
        if z - a.div_euclid(HOUR_MS) * HOUR_MS > 24 * HOUR_MS {
            // Hours of a bin may repeat: channel by channel, as `surprise` walks them.
            let gap = joint((0..5).filter(|c| mask & (1 << c) != 0).map(|c| self.surprise(c, since, until, rate, ctx)));
            return self.gap_closed(gap);
        }
        // Under a day, a bin comes once (or twice across a change of clocks; its cost is then
        // computed again, the same), so costs are not kept.
        let models: [Option<BinModel<'_>>; 5] =
            std::array::from_fn(|c| (mask & (1 << c) != 0).then(|| self.model(c, rate, ctx)));
        let bound = walk(&models, a, z, ctx, |m, b| {
            let x = m.p(b).min(0.95);
            (x / (1.0 - x)).min(MAX_HOUR_COST)
        });
        if bound * (1.0 + BOUND_RELATIVE_MARGIN) + BOUND_ABSOLUTE_MARGIN < floor {
            return None;
        }
        // The same sum, in the same order, as `surprise` gives for each channel.
        let gap = walk(&models, a, z, ctx, |m, b| -(1.0 - m.p(b).min(0.95)).ln());
        self.gap_closed(gap)
    }

    /// The gaps kept that reached `GAP_FLOOR` (each weighted by how recent it is).
    fn gaps_kept(&self) -> f64 {
        f64::from(self.gap_hist.0.iter().map(|v| u32::from(*v)).sum::<u32>()) / GAP_SCALE
    }

    /// The survival of this person's gaps: the probability that an ordinary gap (one that
    /// ends with a sign of life) which reached `GAP_FLOOR` nats goes on past `s` nats. A
    /// discrete-time survival, bin by bin: the hazard of ending within bin `b` is
    /// `(d_b + k·h0_b) / (n_b + k)`, `n_b` the gaps kept that reached the bin, `d_b` those that
    /// ended in it, `h0_b` the population prior's hazard there and `k` its worth (`POP_GAPS`):
    /// where many of the person's own gaps reached a level, they decide; where few did (the
    /// tail, or a young routine), the prior does, so that one long outing does not hold the
    /// survival up all the way to its own length. 1 up to `GAP_FLOOR`, decreasing in `s`
    /// (geometrically within a bin).
    pub fn survival(&self, s: f64) -> f64 {
        if s <= GAP_FLOOR {
            return 1.0;
        }
        let x = ((s - GAP_FLOOR) / GAP_BIN).min(PRIOR_BINS as f64 - 1.0);
        let (bin, frac) = (x.floor() as usize, x.fract());
        let k = POP_GAPS;
        let prior = prior_log_survival();
        let h = &self.gap_hist.0;
        let mut at_risk = self.gaps_kept();
        let mut log_s = 0.0;
        for b in 0..=bin {
            // The last bin is open: its gaps go on past any level the histogram holds.
            let ended = if b + 1 < GAP_BINS { h.get(b).map_or(0.0, |v| f64::from(*v) / GAP_SCALE) } else { 0.0 };
            let h0 = 1.0 - (prior[b + 1] - prior[b]).exp();
            let hazard = (ended + k * h0) / (at_risk + k);
            let share = if b == bin { frac } else { 1.0 };
            log_s += share * (1.0 - hazard).max(1e-12).ln();
            at_risk = (at_risk - ended).max(0.0);
        }
        log_s.exp()
    }

    /// How many gaps reach `GAP_FLOOR` nats a day, for this person (a population prior of
    /// `POP_GAPS_PER_DAY`, worth `POP_DAYS` days, while the history is short).
    pub fn gaps_per_day(&self) -> f64 {
        (self.gaps_kept() + POP_GAPS_PER_DAY * POP_DAYS) / (f64::from(self.gap_days) + POP_DAYS)
    }

    /// The posterior that the person became unable to respond (see the module docs): at the
    /// start of the current silence, of joint surprise `s`, or earlier with activity falling
    /// short since (the activity deficit's log-likelihood ratio `llr` beyond its onset), given
    /// a prior hazard of `per_day` incidents a day.
    pub fn unable(&self, s: f64, llr: f64, per_day: f64) -> Unable {
        let survival = self.survival(s);
        let prior_odds = per_day / self.gaps_per_day();
        let sudden = prior_odds / survival;
        let impaired = if llr > 0.0 { per_day * llr.exp() * survival.powf(DEFICIT_RHO - 1.0) } else { 0.0 };
        let odds = sudden + impaired;
        Unable {
            p: odds / (1.0 + odds),
            survival,
            prior: prior_odds / (1.0 + prior_odds),
            impaired_share: impaired / odds,
        }
    }

    /// An answered check-in call: the person says they are well, so a deficit of activity
    /// so far was not trouble.
    pub fn all_clear(&mut self) {
        self.deficit_excursion_ended();
        self.deficit = 0.0;
    }

    /// How far activity has fallen short of this person's routine in the last hours or
    /// days: a CUSUM (Page's cumulative sum, never below 0) of the hourly log-likelihood
    /// ratio of "activity at `DEFICIT_RHO` of usual" against "as usual", over the expected
    /// channels: an hour with a sign of life in channel `c` adds `ln ρ`, one without adds
    /// `ln((1 − ρp)/(1 − p))` with `p` the learned probability of that hour. An ordinary
    /// day drifts it down to 0; activity that is sparse all day (an acute illness) drives it
    /// up. The hours of one silence add at most `DEFICIT_CAP`: a long silence (a morning
    /// slept through) is the silence detector's business.
    pub fn deficit(&self) -> f64 {
        f64::from(self.deficit)
    }

    fn close_day(&mut self, (count, steps): (u32, u32)) {
        (self.fast, self.slow, self.fast_steps, self.slow_steps, self.days) = ewma_step(self.daily(), count, steps);
    }

    fn daily(&self) -> Daily {
        (self.fast, self.slow, self.fast_steps, self.slow_steps, self.days)
    }

    /// The daily averages as they will be once every day before `at` is closed: days
    /// close when the next day's first event is folded, but a day that ended in silence
    /// is known at `at` already.
    fn projected(&self, at: Timestamp, ctx: &impl HourContext) -> Daily {
        let mut e = self.daily();
        let Some(open) = self.open_day.get() else { return e };
        let today = ctx.day(at.as_millis());
        for d in (open..today).take(7) {
            let (count, steps) = if d == open { (self.day_count, self.day_steps) } else { (0, 0) };
            if counted_day(ctx, d) {
                e = ewma_step(e, count, steps);
            }
        }
        e
    }

    /// Records the steps of a report that was a sign of life (in the open day).
    pub fn steps(&mut self, steps: u32) {
        self.day_steps = self.day_steps.saturating_add(steps);
    }

    /// Records a sign of life in an activity channel (in the open hour). Check-in calls
    /// missed before it were missed while the person was well: they are learned now.
    pub fn life(&mut self, channel: Signal) {
        self.learn_misses();
        if let Some(i) = channel.channel_index() {
            self.open_life |= 1 << i;
            self.day_count = self.day_count.saturating_add(1);
        }
    }

    /// Records a check-in call's outcome. A missed call is learned only once a later sign
    /// of life shows the person was well (so the misses of an emergency do not lower how
    /// much misses weigh).
    pub fn checkin(&mut self, answered: bool) {
        if answered {
            self.learn_misses();
            self.answer_rate += ANSWER_RATE as f32 * (1.0 - self.answer_rate);
        } else {
            self.pending_misses = self.pending_misses.saturating_add(1);
        }
    }

    fn learn_misses(&mut self) {
        for _ in 0..self.pending_misses {
            self.answer_rate -= ANSWER_RATE as f32 * self.answer_rate;
        }
        self.pending_misses = 0;
    }

    /// The learned probability of a sign of life in channel `c`, by bin (see [`BinModel`]).
    pub fn model(&self, c: usize, rate: f64, ctx: &impl HourContext) -> BinModel<'_> {
        let learned = self.learned.get(c).copied().unwrap_or(0);
        BinModel::of(self.p.table(c), self.p.sum(c), learned, rate, ctx).0
    }

    /// The learned probability of a sign of life in channel `c` in bin `b`.
    #[cfg(test)]
    pub fn p(&self, c: usize, b: usize, rate: f64) -> f64 {
        self.model(c, rate, &tests::Plain).p(b)
    }

    /// How much of the routine is learned for channel `c` (0 to 1) after `warmup_days`.
    pub fn confidence(&self, c: usize, warmup_days: f64) -> f64 {
        if warmup_days <= 0.0 {
            return 1.0;
        }
        (f64::from(self.learned[c]) / (warmup_days * 24.0)).min(1.0)
    }

    /// Surprise of a silence in channel `c` from `since` to `until`: `Σ −ln(1 − p)` over
    /// the hours, partial hours weighted by their share.
    pub fn surprise(&self, c: usize, since: Timestamp, until: Timestamp, rate: f64, ctx: &impl HourContext) -> f64 {
        self.surprise_pair(c, since, since, until, rate, ctx).0
    }

    /// The surprise of the silence from `since` and of its part from `split`, both until
    /// `until`, in one pass over the hours (each as [`Routine::surprise`] would give it).
    pub fn surprise_pair(
        &self,
        c: usize,
        since: Timestamp,
        split: Timestamp,
        until: Timestamp,
        rate: f64,
        ctx: &impl HourContext,
    ) -> (f64, f64) {
        self.surprise_pair_carried(c, since, split, until, rate, ctx, &mut None)
    }

    /// [`Routine::surprise_pair`], carried on from `walk`, where that walked the same
    /// channel's same silence (same start and split, same learning rate) with
    /// the routine as it is now: the hours it walked in full add up to the same sums, so
    /// only the hours after them are walked (the sums are the same, bit for bit, as
    /// walking every hour again). `walk` is left holding this walk.
    ///
    /// The routine learns only when its open hour moves on; the caller keeps walks only
    /// for one person and while the person's registered absences stay the same (see
    /// [`Walks`]).
    #[allow(clippy::too_many_arguments)]
    pub fn surprise_pair_carried(
        &self,
        c: usize,
        since: Timestamp,
        split: Timestamp,
        until: Timestamp,
        rate: f64,
        ctx: &impl HourContext,
        walk: &mut Option<Walk>,
    ) -> (f64, f64) {
        let (a, m, z) = (since.as_millis(), split.as_millis().max(since.as_millis()), until.as_millis());
        if z <= a {
            return (0.0, 0.0);
        }
        // Past two weeks the surprise is certainly past any threshold; stop counting.
        let stop_all = z.min(a + MAX_CLOSE_HOURS * HOUR_MS);
        let stop_part = z.min(m + MAX_CLOSE_HOURS * HOUR_MS);
        let key = WalkKey { open_hour: self.open_hour.0, c, a, m, rate: rate.to_bits() };
        let first = a.div_euclid(HOUR_MS) * HOUR_MS;
        // Hours before `next` were walked in full (they ended by both stops then); they
        // still are if they end by both stops now.
        let w = match walk {
            Some(w) if w.key == key && w.next <= stop_all.min(stop_part) => w,
            _ => walk.insert(Walk { key, next: first, all: 0.0, part: 0.0, cost: [f64::NAN; BINS] }),
        };
        let model = self.model(c, rate, ctx);
        let (mut all, mut part) = (w.all, w.part);
        // Hours that end by both stops are walked in full: the walk is kept up to them.
        let full_until = stop_all.min(stop_part);
        let mut h = w.next;
        let mut bins = ctx.bins(h);
        // The last probability whose cost was computed, and its cost: bins a young routine
        // has not seen life in share one probability, and so one cost.
        let mut last: Option<(f64, f64)> = None;
        while h < stop_all.max(stop_part) {
            let b = bins.next().unwrap_or(0);
            if !ctx.away(h) {
                // Costs by bin, computed when first needed (most silences span a few hours).
                if w.cost[b].is_nan() {
                    let x = model.p(b).min(0.95);
                    let cost = match last {
                        Some((y, cost)) if y.to_bits() == x.to_bits() => cost,
                        _ => -(1.0 - x).ln(),
                    };
                    last = Some((x, cost));
                    w.cost[b] = cost;
                }
                if h < stop_all {
                    let share = (stop_all.min(h + HOUR_MS) - a.max(h)) as f64 / HOUR_MS as f64;
                    all += share * w.cost[b];
                }
                if h + HOUR_MS > m && h < stop_part {
                    let share = (stop_part.min(h + HOUR_MS) - m.max(h)) as f64 / HOUR_MS as f64;
                    part += share * w.cost[b];
                }
            }
            h += HOUR_MS;
            if h <= full_until {
                (w.next, w.all, w.part) = (h, all, part);
            }
        }
        (all, if z <= m { 0.0 } else { part })
    }

    /// Recent activity against the person's baseline at `at`, when there is enough history
    /// to judge: the daily count of signs of life and, for a person whose steps are counted,
    /// the daily steps, whichever fell more.
    pub fn decline(&self, at: Timestamp, ctx: &impl HourContext) -> Option<Decline> {
        let (fast, slow, fast_steps, slow_steps, days) = self.projected(at, ctx);
        if days < DECLINE_MIN_DAYS {
            return None;
        }
        let of = |fast: f32, slow: f32, steps: bool| Decline {
            drop: 1.0 - f64::from(fast / slow),
            usual: f64::from(slow),
            recent: f64::from(fast),
            steps,
        };
        let count = (slow >= 4.0).then(|| of(fast, slow, false));
        let steps = (slow_steps >= DECLINE_MIN_STEPS).then(|| of(fast_steps, slow_steps, true));
        match (count, steps) {
            (Some(c), Some(s)) => Some(if s.drop > c.drop { s } else { c }),
            (c, s) => c.or(s),
        }
    }

    /// How much a missed check-in call says, relative to a person who answers 90% of calls.
    pub fn miss_weight(&self) -> f64 {
        let q = f64::from(self.answer_rate).clamp(0.01, 0.99);
        ((1.0 - q).ln() / (1.0 - ANSWER_PRIOR).ln()).clamp(0.1, 1.5)
    }

    /// The learned share of check-in calls answered.
    pub fn answer_rate(&self) -> f64 {
        f64::from(self.answer_rate)
    }

    /// Bytes held outside the routine itself (its stored tables).
    pub fn heap_bytes(&self) -> usize {
        self.p.heap_bytes() + (self.on.capacity() + self.lit.capacity()) * std::mem::size_of::<u16>()
    }
}

/// What a [`Walk`]'s sums are of: the routine as of its open hour, the channel, the silence's
/// start and split (epoch ms), and the learning rate's bits.
#[derive(Clone, Copy, Debug, PartialEq)]
struct WalkKey {
    open_hour: i64,
    c: usize,
    a: i64,
    m: i64,
    rate: u64,
}

/// A silence's surprise as walked so far, hour by hour (see
/// [`Routine::surprise_pair_carried`]).
#[derive(Clone, Debug)]
pub(crate) struct Walk {
    key: WalkKey,
    /// The first hour not yet walked in full.
    next: i64,
    /// The sums over the hours before `next`.
    all: f64,
    part: f64,
    /// The cost of an hour by bin, as far as computed (`NaN` until then).
    cost: [f64; BINS],
}

/// What a replay carries from one assessment of a person to the next (a value is for one
/// person only): each channel's last [`Walk`], kept while the person's registered absences
/// stay as they were (a replay judges a person's silences every hour: while a silence goes
/// on and the routine learns nothing, each judgement walks only the hours since the last).
#[derive(Clone, Debug, Default)]
pub(crate) struct Walks {
    absences: Vec<crate::absence::Absence>,
    by_channel: [Option<Walk>; 5],
}

impl Walks {
    /// Channel `c`'s last walk, the walks forgotten first if the absences changed.
    pub fn channel(&mut self, c: usize, absences: &[crate::absence::Absence]) -> &mut Option<Walk> {
        if self.absences != absences {
            self.absences.clear();
            self.absences.extend_from_slice(absences);
            self.by_channel = Default::default();
        }
        &mut self.by_channel[c % 5]
    }
}

/// This person's gaps between signs of life that ended well, by joint surprise: bin `i`
/// holds the gaps of `GAP_FLOOR + i·GAP_BIN` nats up to the next bin (the last one open),
/// each worth `GAP_SCALE` when it is learned and fading by the day (112 bytes).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GapHist([u16; GAP_BINS]);

impl Default for GapHist {
    fn default() -> Self {
        GapHist([0; GAP_BINS])
    }
}

impl Serialize for GapHist {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for GapHist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<GapHist, D::Error> {
        let v: Vec<u16> = Vec::deserialize(d)?;
        let bins = <[u16; GAP_BINS]>::try_from(v.as_slice())
            .map_err(|_| serde::de::Error::custom(format!("gap histogram must have {GAP_BINS} bins")))?;
        Ok(GapHist(bins))
    }
}

/// The posterior that a person became unable to respond when their current silence began
/// (see [`Routine::unable`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Unable {
    /// The posterior probability.
    pub p: f64,
    /// The survival of this person's ordinary gaps at the silence's surprise: the share of
    /// their gaps this unusual that still ended on their own.
    pub survival: f64,
    /// The prior probability that a gap reaching `GAP_FLOOR` is an incident.
    pub prior: f64,
    /// The share of the posterior odds that activity falling short before the silence brings.
    pub impaired_share: f64,
}

/// An optional hour or day index in 8 bytes (`i64::MIN`, never an index, is none), written
/// as the optional number it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Opt(i64);

impl Opt {
    const NONE: Opt = Opt(i64::MIN);

    fn some(x: i64) -> Opt {
        Opt(x)
    }

    fn get(self) -> Option<i64> {
        (self.0 != i64::MIN).then_some(self.0)
    }
}

impl Default for Opt {
    fn default() -> Self {
        Opt::NONE
    }
}

impl Serialize for Opt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Opt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Opt, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map_or(Opt::NONE, Opt))
    }
}

/// All zeros: the table of a channel that never learned a sign of life.
static ZEROS: [u16; BINS] = [0; BINS];
/// `Bins::slot` of a channel without a stored table.
const NO_TABLE: u8 = u8::MAX;

/// The routine's `p[c][b]` tables, stored only for channels whose table is not all zero.
///
/// A channel's table stays all zero until an hour with a sign of life in the channel is
/// learned (an hour without one moves `p` towards 0, and 0 stays 0), so a person's routine
/// stores only the tables of the channels the person was seen in: exactly the same values
/// as five full tables, in a fraction of the bytes.
#[derive(Clone, Debug)]
struct Bins {
    /// Index into `tables` per channel, or `NO_TABLE`.
    slot: [u8; 5],
    tables: Vec<Table>,
}

/// A stored table and the sum of its values.
#[derive(Clone, Debug)]
struct Table {
    bins: [u16; BINS],
    sum: u32,
}

impl Default for Bins {
    fn default() -> Self {
        Bins { slot: [NO_TABLE; 5], tables: Vec::new() }
    }
}

impl PartialEq for Bins {
    fn eq(&self, other: &Self) -> bool {
        (0..5).all(|c| self.table(c) == other.table(c))
    }
}

impl Bins {
    /// Channel `c`'s table (all zero when not stored).
    #[inline]
    fn table(&self, c: usize) -> &[u16; BINS] {
        self.stored(c).map_or(&ZEROS, |t| &t.bins)
    }

    #[inline]
    fn stored(&self, c: usize) -> Option<&Table> {
        self.slot.get(c).and_then(|s| self.tables.get(usize::from(*s)))
    }

    /// The sum of channel `c`'s table.
    #[inline]
    fn sum(&self, c: usize) -> u32 {
        self.stored(c).map_or(0, |t| t.sum)
    }

    /// Sets `p[c][b]`.
    fn set(&mut self, c: usize, b: usize, value: u16) {
        let t = self.table_mut(c);
        if let Some(x) = t.bins.get_mut(b) {
            t.sum = t.sum - u32::from(*x) + u32::from(value);
            *x = value;
        }
    }

    /// Channel `c`'s table, stored from now on.
    fn table_mut(&mut self, c: usize) -> &mut Table {
        let c = c.min(4);
        if usize::from(self.slot[c]) >= self.tables.len() {
            self.slot[c] = self.tables.len() as u8;
            // At most five, stored once each: no room is kept for more.
            self.tables.reserve_exact(1);
            self.tables.push(Table { bins: [0; BINS], sum: 0 });
        }
        let s = usize::from(self.slot[c]);
        &mut self.tables[s]
    }

    fn heap_bytes(&self) -> usize {
        self.tables.capacity() * std::mem::size_of::<Table>()
    }
}

/// A channel's learned hourly probabilities: the stored averages corrected for the bias
/// of an average that starts at 0 (as in Adam: with `n` updates of rate `a`, the average
/// holds `1 − (1 − a)^n` of the data), with a prior worth `PRIOR_DAYS` days at the
/// channel's average over all hours, which keeps a young routine from being sure of any
/// one hour.
pub(crate) struct BinModel<'a> {
    raw: &'a [u16; BINS],
    k: f64,
    prior: f64,
    /// Share of the data held by weekday and weekend bins.
    held: [f64; 2],
}

impl<'a> BinModel<'a> {
    /// The model of a table `raw` (its values summing to `sum`) after `learned` hours at
    /// `rate`, and the share of data it holds over all days: the prior is the table's mean
    /// over all hours, or `PRIOR_P` while it holds `PRIOR_HELD` or less.
    fn of(raw: &'a [u16; BINS], sum: u32, learned: u16, rate: f64, ctx: &impl HourContext) -> (BinModel<'a>, f64) {
        let [all_held, weekdays, weekends] = shares(ctx, rate, learned);
        let k = ctx.decay().map_or_else(|| prior_weight(rate), |d| d.k(rate));
        // The sum of whole numbers below 2^53 is exact in any order (and kept as they change).
        let mean = f64::from(sum) / SCALE / BINS as f64;
        let prior = if all_held > PRIOR_HELD { (mean / all_held).min(1.0) } else { PRIOR_P };
        (BinModel { raw, k, prior, held: [weekdays, weekends] }, all_held)
    }
}

impl BinModel<'_> {
    /// The probability of a sign of life in an hour of bin `b`.
    pub fn p(&self, b: usize) -> f64 {
        let held = self.held[usize::from(b >= 24)];
        ((f64::from(self.raw[b]) / SCALE + self.k * self.prior) / (held + self.k)).min(1.0)
    }
}

/// The joint surprise of a silence from `a` to `z` (ms, under a day) with each hour costing
/// `cost(model, bin)` in the channels that have a model: each channel's sum over the hours
/// as [`Routine::surprise_pair`] adds it up, then [`joint`] in channel order.
#[inline]
fn walk(
    models: &[Option<BinModel<'_>>; 5],
    a: i64,
    z: i64,
    ctx: &impl HourContext,
    cost: impl Fn(&BinModel<'_>, usize) -> f64,
) -> f64 {
    let mut sums = [0.0f64; 5];
    let mut h = a.div_euclid(HOUR_MS) * HOUR_MS;
    let mut bins = ctx.bins(h);
    while h < z {
        let b = bins.next().unwrap_or(0);
        if !ctx.away(h) {
            let share = (z.min(h + HOUR_MS) - a.max(h)) as f64 / HOUR_MS as f64;
            for (sum, model) in sums.iter_mut().zip(models) {
                if let Some(m) = model {
                    *sum += share * cost(m, b);
                }
            }
        }
        h += HOUR_MS;
    }
    joint(sums.iter().zip(models).filter(|(_, m)| m.is_some()).map(|(s, _)| *s))
}

/// The joint surprise of channels silent together: the largest counts fully, the others
/// at `OTHERS`. Channels are not independent given the person's state (asleep, the phone,
/// the TV and the door are all quiet), so adding their surprises outright would count one
/// fact several times; agreement still adds up.
pub(crate) fn joint(surprises: impl IntoIterator<Item = f64>) -> f64 {
    let (mut max, mut sum) = (0.0_f64, 0.0);
    for s in surprises {
        max = max.max(s);
        sum += s;
    }
    max + OTHERS * (sum - max)
}

/// `x.round()` for `0 <= x < 2^32` (halves away from zero), without a call to libm: the
/// truncation is exact, and so is the fraction `x - t`.
#[inline]
fn round_half_up(x: f64) -> f64 {
    let t = f64::from(x as u32);
    if x - t >= 0.5 { t + 1.0 } else { t }
}

/// Daily averages: signs of life (fast, slow), steps (fast, slow), and days averaged.
type Daily = (f32, f32, f32, f32, u16);

/// A fall of daily activity against the person's baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Decline {
    /// `1 − recent/usual` (a fall is > 0).
    pub drop: f64,
    /// The baseline (slow average) per day.
    pub usual: f64,
    /// The recent (fast) average per day.
    pub recent: f64,
    /// Whether this is the daily steps (else the daily count of signs of life).
    pub steps: bool,
}

/// Whether local day `d` counts in the daily averages: the person was not away at its noon
/// and every channel's devices were still reporting at its end (a day with a device offline
/// or pulled out of the wall says nothing of how much the person did).
fn counted_day(ctx: &impl HourContext, d: i64) -> bool {
    let end = ctx.day_end(d);
    !ctx.away(end - DAY_MS / 2) && ctx.watched_mask(end) == 0b1_1111
}

/// One day's update of the daily averages.
fn ewma_step((fast, slow, fast_s, slow_s, days): Daily, count: u32, steps: u32) -> Daily {
    let (x, y) = (count as f32, steps as f32);
    if days == 0 {
        (x, x, y, y, 1)
    } else {
        let (f, s) = (DAILY_FAST as f32, DAILY_SLOW as f32);
        (
            fast + f * (x - fast),
            slow + s * (x - slow),
            fast_s + f * (y - fast_s),
            slow_s + s * (y - slow_s),
            days.saturating_add(1),
        )
    }
}

impl Routine {
    /// Checks a restored routine's values (see `snapshot`): each in the range learning keeps
    /// it in, so that it assesses as it did and is written back readable.
    pub(crate) fn check(&self) -> Result<(), String> {
        use crate::range::in_range;
        for (name, hour) in [("open_hour", self.open_hour), ("lit_hour", self.lit_hour)] {
            if let Some(h) = hour.get()
                && (Timestamp::from_millis(h).is_err() || h % HOUR_MS != 0)
            {
                return Err(format!("{name}: must be the start of an hour in the accepted range, got {h}"));
            }
        }
        // A local day: from the day before 1970-01-01 (west of UTC) to the day after the last time.
        if let Some(d) = self.open_day.get()
            && (d < -1 || Timestamp::from_millis(d.saturating_sub(1).saturating_mul(DAY_MS).max(0)).is_err())
        {
            return Err(format!("open_day: must be a local day in the accepted range, got {d}"));
        }
        let counts = [("fast", self.fast), ("slow", self.slow), ("fast_steps", self.fast_steps)];
        for (name, v) in counts.into_iter().chain([("slow_steps", self.slow_steps), ("gap_days", self.gap_days)]) {
            in_range(name, v.into(), 0.0, f64::from(f32::MAX))?;
        }
        in_range("answer_rate", self.answer_rate.into(), 0.0, 1.0)?;
        in_range("deficit", self.deficit.into(), 0.0, DEFICIT_MAX)?;
        in_range("deficit_peak", self.deficit_peak.into(), 0.0, DEFICIT_MAX)?;
        in_range("excursions", self.excursions.into(), 0.0, f64::from(f32::MAX))?;
        in_range("excursion_nats", self.excursion_nats.into(), 0.0, f64::from(f32::MAX))?;
        in_range("lessons", self.lessons.into(), 0.0, MAX_LESSONS)?;
        if !self.on.is_empty() && self.on.len() != BINS {
            return Err(format!("on: must hold {BINS} hours or none, got {}", self.on.len()));
        }
        if !self.lit.is_empty() && self.lit.len() != BINS {
            return Err(format!("lit: must hold {BINS} hours or none, got {}", self.lit.len()));
        }
        Ok(())
    }
}

/// Serde for the bins table (serde derives arrays only up to 32 elements).
mod serde_bins {
    use super::{BINS, Bins};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(p: &Bins, s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<&[u16]> = (0..5).map(|c| p.table(c).as_slice()).collect();
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bins, D::Error> {
        let v: Vec<Vec<u16>> = Vec::deserialize(d)?;
        if v.len() != 5 || v.iter().any(|r| r.len() != BINS) {
            return Err(serde::de::Error::custom("routine table must be 5 x 48"));
        }
        let mut out = Bins::default();
        for (c, r) in v.iter().enumerate() {
            if r.iter().any(|x| *x != 0) {
                let t = out.table_mut(c);
                t.bins.copy_from_slice(r);
                t.sum = r.iter().map(|x| u32::from(*x)).sum();
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fine_lesson_stretches_the_survival_bounded_and_fading() {
        let mut r = Routine::default();
        let s = 6.0;
        let before = (r.survival(s - 0.5), r.survival(s + 0.5));
        // Below the gaps kept, a lesson is not taken.
        assert!(!r.lesson(GAP_FLOOR - 0.1));
        assert!(r.lesson(s));
        let after = (r.survival(s - 0.5), r.survival(s + 0.5));
        // Silences up to the lesson's are less surprising; past it, the tail is not held up.
        assert!(after.0 > before.0, "{before:?} {after:?}");
        assert!(after.1 < after.0);
        // At most MAX_LESSONS are kept; as they fade, new ones are taken again.
        let taken = (0..10).filter(|_| r.lesson(s)).count();
        assert_eq!(taken as f64, MAX_LESSONS - 1.0);
        let capped = r.survival(s - 0.5);
        assert!(!r.lesson(s) && r.survival(s - 0.5) == capped);
        for _ in 0..30 {
            r.forget_gaps();
        }
        assert!(r.lesson(s));
        assert!(r.check().is_ok());
    }

    #[test]
    fn deficit_evidence_is_calibrated_on_the_persons_own_excursions() {
        let mut r = Routine { deficit: 6.0, ..Routine::default() };
        // Nominal, with no excursions of their own: the CUSUM's nats past the onset.
        assert!((r.deficit_llr() - 4.0).abs() < 1e-9);
        // Ten ordinary excursions that went 4 nats past the onset (activity in bursts): the
        // same deficit is worth 4 / ((40 + 4) / (10 + 4)) nats.
        for _ in 0..10 {
            r.deficit_peak = 6.0;
            r.deficit_excursion_ended();
        }
        assert!((r.deficit_llr() - 4.0 / (44.0 / 14.0)).abs() < 1e-6, "{}", r.deficit_llr());
        // Small ordinary excursions never make it stronger than nominal.
        let mut q = Routine { deficit: 6.0, ..Routine::default() };
        for _ in 0..10 {
            q.deficit_peak = 2.1;
            q.deficit_excursion_ended();
        }
        assert!((q.deficit_llr() - 4.0).abs() < 1e-9);
        // An answered call ends the excursion under way: learned, and the deficit cleared.
        let mut a = Routine { deficit: 5.0, deficit_peak: 5.0, ..Routine::default() };
        a.all_clear();
        assert_eq!((a.deficit, a.deficit_peak, a.excursions, a.excursion_nats), (0.0, 0.0, 1.0, 3.0));
        assert_eq!(a.deficit_llr(), 0.0);
    }

    pub(super) struct Plain;
    impl HourContext for Plain {
        fn bin(&self, start_ms: i64) -> usize {
            (start_ms.div_euclid(HOUR_MS) % 24) as usize
        }
        fn day(&self, ms: i64) -> i64 {
            ms.div_euclid(DAY_MS)
        }
        fn day_end(&self, day: i64) -> i64 {
            (day + 1) * DAY_MS
        }
        fn watched(&self, _: usize, _: i64) -> bool {
            true
        }
        fn away(&self, _: i64) -> bool {
            false
        }
        fn expected(&self, _: usize) -> bool {
            true
        }
    }

    fn at(h: i64) -> Timestamp {
        Timestamp::from_millis(h * HOUR_MS).unwrap()
    }

    #[test]
    fn learns_the_hours_of_life_and_finds_unusual_silence() {
        let mut r = Routine::default();
        // 30 days: a door event every day at 09:00, nothing else.
        for d in 0..30 {
            r.advance(at(d * 24 + 9), 0.1, &Plain);
            r.life(Signal::Door);
        }
        r.advance(at(30 * 24), 0.1, &Plain);
        let door = Signal::Door.channel_index().unwrap();
        assert!(r.p(door, 9, 0.1) > 0.8, "{}", r.p(door, 9, 0.1));
        assert!(r.p(door, 3, 0.1) < 0.05);
        // Silence over the night costs nothing; silence over 09:00 is surprising.
        let night = r.surprise(door, at(30 * 24), at(30 * 24 + 8), 0.1, &Plain);
        let morning = r.surprise(door, at(30 * 24), at(30 * 24 + 10), 0.1, &Plain);
        assert!(night < 0.1, "{night}");
        assert!(morning > 1.5 && morning > 10.0 * night, "{morning} vs {night}");
        assert_eq!(r.confidence(door, 10.0), 1.0);
    }

    proptest::proptest! {
        /// A silence judged again and again, carried on from the last walk, sums exactly
        /// what walking every hour again sums, as the silence grows (or is cut short) and
        /// as the routine learns in between.
        #[test]
        fn a_carried_walk_sums_what_a_new_walk_sums(
            lives in proptest::collection::vec((0i64..24 * 10, 0usize..5), 20..120),
            since_min in 60i64 * 24 * 10..60 * 24 * 12,
            split_h in 0i64..48,
            steps in proptest::collection::vec((-180i64..400, proptest::bool::weighted(0.2)), 1..40),
        ) {
            let mut r = Routine::default();
            let mut lives = lives;
            lives.sort();
            for (h, c) in &lives {
                r.advance(at(*h), 0.1, &Plain);
                r.life(Signal::CHANNELS[*c]);
            }
            let since = Timestamp::from_millis(since_min * 60_000).unwrap();
            let split = since.plus_millis(split_h * HOUR_MS);
            // A walk per channel, and one that both channels take turns with.
            let (mut walks, mut shared) = ([None, None], None);
            let (mut until, mut learned_at) = (since, since);
            let mut surprising = 0;
            for (minutes, learn) in steps {
                until = until.plus_millis(minutes * 60_000);
                if learn && until > learned_at {
                    // The routine learns the hours up to now (a sign of life in the
                    // channel that is not judged).
                    r.advance(until, 0.1, &Plain);
                    r.life(Signal::CHANNELS[4]);
                    learned_at = until;
                }
                for (k, c) in [0, 2].into_iter().enumerate() {
                    let fresh = r.surprise_pair(c, since, split, until, 0.1, &Plain);
                    let bits = |(x, y): (f64, f64)| (x.to_bits(), y.to_bits());
                    for walk in [&mut walks[k], &mut shared] {
                        let carried = r.surprise_pair_carried(c, since, split, until, 0.1, &Plain, walk);
                        proptest::prop_assert_eq!(bits(fresh), bits(carried));
                    }
                    surprising += usize::from(fresh.0 > 0.0);
                }
            }
            // The silences judged are mostly of some surprise (the check is not of zeros).
            proptest::prop_assume!(surprising > 0);
        }
    }

    #[test]
    fn walks_are_forgotten_when_the_absences_change() {
        let mut r = Routine::default();
        for d in 0..10 {
            r.advance(at(d * 24 + 9), 0.1, &Plain);
            r.life(Signal::Door);
        }
        let mut walks = Walks::default();
        let door = Signal::Door.channel_index().unwrap();
        let absence = [crate::absence::Absence { start: at(300), end: at(320) }];
        r.surprise_pair_carried(door, at(240), at(240), at(260), 0.1, &Plain, walks.channel(door, &[]));
        assert!(walks.channel(door, &[]).is_some(), "kept while the absences are the same");
        assert!(walks.channel(door, &absence).is_none(), "forgotten when they change");
        r.surprise_pair_carried(door, at(240), at(240), at(260), 0.1, &Plain, walks.channel(door, &absence));
        assert!(walks.channel(door, &absence).is_some());
        assert!(walks.channel(door, &[]).is_none());
    }

    #[test]
    fn round_half_up_is_round() {
        let mut x = 0.0f64;
        while x <= 65535.0 {
            for y in [x, x + 0.5, f64::from_bits((x + 0.5).to_bits() - 1), f64::from_bits((x + 0.5).to_bits() + 1)] {
                assert_eq!(round_half_up(y), y.round(), "{y}");
            }
            x += 1.0;
        }
        assert_eq!(round_half_up(0.49999999999999994), 0.0);
    }

    #[test]
    fn close_gap_keeps_every_gap_past_the_floor() {
        let mut r = Routine::default();
        for d in 0..20 {
            for h in [8, 12, 19] {
                r.advance(at(d * 24 + h), 0.1, &Plain);
                r.life(Signal::Door);
                r.life(Signal::Call);
            }
        }
        let t = |h: f64| Timestamp::from_millis(20 * 24 * HOUR_MS + (h * HOUR_MS as f64) as i64).unwrap();
        for (since, until) in [(1.0, 9.5), (9.5, 9.75), (9.75, 12.25), (12.25, 14.0), (14.0, 40.0)] {
            let (s, u) = (t(since), t(until));
            let mut slow = r.clone();
            slow.gap_closed(joint([0, 2, 4].map(|c| slow.surprise(c, s, u, 0.1, &Plain))));
            r.close_gap(0b10101, s, u, 0.1, &Plain);
            assert_eq!(r.gap_hist, slow.gap_hist, "{since} {until}");
        }
        assert!(r.gaps_kept() > 0.0);
    }

    #[test]
    fn close_gap_is_exact_on_random_routines_and_silences() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut raised = 0;
        for _ in 0..40 {
            let mut r = Routine::default();
            let days = 1 + next(30) as i64;
            let mut t = 0;
            while t < days * 24 * 60 {
                t += 1 + next(300) as i64;
                r.advance(Timestamp::from_millis(t * 60_000).unwrap(), 0.1, &Plain);
                r.life(Signal::CHANNELS[next(5) as usize]);
            }
            for _ in 0..60 {
                let since = t + next(120) as i64;
                t = since + 1 + [next(30), next(600), next(2000)][next(3) as usize] as i64;
                let (s, u) =
                    (Timestamp::from_millis(since * 60_000).unwrap(), Timestamp::from_millis(t * 60_000).unwrap());
                r.advance(u, 0.1, &Plain);
                let mask = 1 + next(31) as u8;
                let mut slow = r.clone();
                let gap = joint((0..5).filter(|c| mask & (1 << c) != 0).map(|c| slow.surprise(c, s, u, 0.1, &Plain)));
                slow.gap_closed(gap);
                raised += usize::from(slow.gap_hist != r.gap_hist);
                r.close_gap(mask, s, u, 0.1, &Plain);
                assert_eq!(r.gap_hist, slow.gap_hist);
            }
        }
        assert!(raised > 100, "{raised}");
    }

    /// A routine whose gaps are `gaps` (joint surprises, nats), each seen every day for `days` days.
    fn with_gaps(gaps: &[f64], days: usize) -> Routine {
        let mut r = Routine::default();
        for _ in 0..days {
            for g in gaps {
                r.gap_closed(*g);
            }
            r.forget_gaps();
        }
        r
    }

    #[test]
    fn the_posterior_grows_with_the_silence() {
        for r in [Routine::default(), with_gaps(&[1.5, 2.0, 4.0], 28), with_gaps(&[1.2, 9.0], 28)] {
            let (mut last_s, mut last_p) = (1.0, 0.0);
            for k in 0..200 {
                let s = f64::from(k) * 0.2;
                let u = r.unable(s, 0.0, 0.01);
                assert!(u.survival <= last_s + 1e-12 && u.p >= last_p - 1e-12, "{s}: {u:?}");
                assert!(u.survival > 0.0 && u.survival <= 1.0);
                (last_s, last_p) = (u.survival, u.p);
            }
            // Up to the floor, no evidence: the posterior is the prior.
            assert_eq!(r.unable(0.5, 0.0, 0.01).p, r.unable(0.0, 0.0, 0.01).p);
            // More sensitive, more probable; a deficit adds.
            assert!(r.unable(6.0, 0.0, 0.02).p > r.unable(6.0, 0.0, 0.01).p);
            assert!(r.unable(6.0, 2.0, 0.01).p > r.unable(6.0, 0.0, 0.01).p);
        }
    }

    #[test]
    fn the_prior_dominates_with_no_history_and_own_gaps_with_much() {
        let prior = |s: f64| {
            let x = s - GAP_FLOOR;
            POP_W * (-x).exp() + (1.0 - POP_W) * (-x / POP_TAU).exp()
        };
        let young = Routine::default();
        for s in [2.0, 5.0, 10.0] {
            assert!((young.survival(s) - prior(s)).abs() < 1e-12, "{s}");
        }
        assert!((young.gaps_per_day() - POP_GAPS_PER_DAY).abs() < 1e-9);
        // Six weeks of gaps of 2 nats, and one of 8 nats a week: the survival follows them.
        let mut old = Routine::default();
        for d in 0..42 {
            old.gap_closed(2.2);
            old.gap_closed(2.2);
            if d % 7 == 0 {
                old.gap_closed(8.2);
            }
            old.forget_gaps();
        }
        // Past 2.5 nats, only the weekly gap (1 in 15) goes on, the prior's hazard taking a
        // share of it on the way (few own gaps are at risk there).
        let own = 1.0 / 15.0;
        assert!(old.survival(5.0) > 0.5 * own && old.survival(5.0) < 1.1 * own, "{}", old.survival(5.0));
        assert!(old.survival(5.0) < 0.75 * prior(5.0), "{} vs the prior's {}", old.survival(5.0), prior(5.0));
        // Past the longest own gap, below the prior's tail: few own gaps went that far.
        assert!(old.survival(12.0) < prior(12.0), "{}", old.survival(12.0));
        assert!((old.gaps_per_day() - 2.14).abs() < 0.3, "{}", old.gaps_per_day());
    }

    #[test]
    fn an_irregular_sleepers_long_night_costs_less_than_a_regular_persons() {
        // Up at 07:00 every day, against up at 07:00 to 11:00.
        let (mut regular, mut irregular) = (Routine::default(), Routine::default());
        for d in 1..36 {
            let wake = 7 + (d * 3 % 5);
            for h in 0..24 {
                if (7..23).contains(&h) {
                    regular.advance(at(d * 24 + h), 0.1, &Plain);
                    regular.life(Signal::Steps);
                    if regular.open_hour.get().is_some() {
                        regular.close_gap(
                            1 << 1,
                            at(d * 24 + h - if h == 7 { 8 } else { 1 }),
                            at(d * 24 + h),
                            0.1,
                            &Plain,
                        );
                    }
                }
                if (wake..23).contains(&h) {
                    irregular.advance(at(d * 24 + h), 0.1, &Plain);
                    irregular.life(Signal::Steps);
                    let slept = if h == wake { h + 1 } else { 1 };
                    irregular.close_gap(1 << 1, at(d * 24 + h - slept), at(d * 24 + h), 0.1, &Plain);
                }
            }
        }
        // Silent from 23:00 to 11:00.
        let steps = Signal::Steps.channel_index().unwrap();
        let night = |r: &Routine| {
            let s = r.surprise(steps, at(36 * 24 - 1), at(36 * 24 + 11), 0.1, &Plain);
            (s, r.unable(s, 0.0, 0.01).p)
        };
        let ((s_reg, p_reg), (s_irr, p_irr)) = (night(&regular), night(&irregular));
        assert!(s_irr < s_reg, "{s_irr} vs {s_reg}");
        assert!(p_irr < 0.25 * p_reg && p_irr < 0.1 && p_reg > 0.25, "{p_irr} vs {p_reg}");
    }

    #[test]
    fn a_plug_left_on_costs_only_in_the_hours_it_is_usually_off() {
        // Thirty days with the TV and the lamp on from 18:00 to 23:00 and off otherwise (plug
        // and door watched; a sign of life at each switch, as the state records them).
        let mut r = Routine::default();
        let rate = 0.08;
        let t = |h: f64| Timestamp::from_millis((h * HOUR_MS as f64) as i64).unwrap();
        let on = LeftOn { on: true, lit_from: None };
        let surprise = |r: &Routine, from: f64, to: f64, left: LeftOn| {
            let s = r.left_on_surprise(t(from), t(to), left, rate, &Plain);
            (s.nats, s.on_hours, s.lit_hours)
        };
        assert_eq!(surprise(&r, 0.0, 24.0, on), (0.0, 0.0, 0.0), "nothing learned yet");
        for d in 0..30 {
            let b = d * 24;
            r.advance(at(b + 18), rate, &Plain);
            r.life(Signal::Plug);
            r.set_plug_on(true);
            r.set_plug_lit(at(b + 18), true);
            r.advance(at(b + 23), rate, &Plain);
            r.life(Signal::Plug);
            r.set_plug_on(false);
            r.set_plug_lit(at(b + 23), false);
        }
        let day = (30 * 24) as f64;
        // On through 19:00-22:00, its usual hours: nothing.
        assert_eq!(surprise(&r, day + 19.0, day + 22.0, on), (0.0, 0.0, 0.0));
        // On from 23:00 to 05:00: six hours it is usually off, each up to 3 nats.
        let (nats, hours, _) = surprise(&r, day + 23.0, day + 29.0, on);
        assert_eq!(hours, 6.0);
        assert!(nats > 6.0 * 2.0 && nats <= 6.0 * -ON_MIN_P.ln() + 1e-9, "{nats}");
        // Part of an hour by its share.
        let half = r.left_on_surprise(t(day + 23.0), t(day + 23.5), on, rate, &Plain);
        assert_eq!(half.on_hours, 0.5);
        // The room left lit from 01:00 (a lamp switched on at night, or dawn's light): the
        // hours from then only, counted once, as the least usual of them (leaving the lamp on
        // is one decision); with the TV on too, the TV's hours.
        let lit = LeftOn { on: false, lit_from: Some(t(day + 25.0)) };
        let (lit_nats, on_h, lit_h) = surprise(&r, day + 23.0, day + 29.0, lit);
        assert_eq!((on_h, lit_h), (0.0, 4.0));
        assert!(lit_nats > 2.0 && lit_nats <= -ON_MIN_P.ln() + 1e-9, "{lit_nats}");
        let both = LeftOn { on: true, lit_from: Some(t(day + 25.0)) };
        assert_eq!(surprise(&r, day + 23.0, day + 29.0, both), (nats, 6.0, 4.0));
        // On day and night for a month: learned as usual everywhere.
        let mut always = Routine::default();
        always.set_plug_on(true);
        for h in 0..30 * 24 {
            always.advance(at(h), rate, &Plain);
            always.life(Signal::Plug);
        }
        assert_eq!(surprise(&always, day, day + 24.0, on), (0.0, 0.0, 0.0));
        // Never lit: no table is kept, and nothing counts.
        assert!(always.lit.is_empty());
        assert_eq!(surprise(&always, day, day + 24.0, lit), (0.0, 0.0, 0.0));
        // Kept in a snapshot, and checked.
        let back: Routine = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(surprise(&back, day + 23.0, day + 29.0, both), (nats, 6.0, 4.0));
        let mut bad = r.clone();
        bad.on.pop();
        assert!(bad.check().unwrap_err().starts_with("on: must hold 48 hours or none"));
        let mut bad = r.clone();
        bad.lit.pop();
        assert!(bad.check().unwrap_err().starts_with("lit: must hold 48 hours or none"));
        let mut bad = r.clone();
        bad.lit_hour = Opt::some(i64::MAX - 1);
        assert!(bad.check().unwrap_err().starts_with("lit_hour: must be the start of an hour"));
    }

    #[test]
    fn the_light_is_learned_from_the_readings_between_signs_of_life() {
        // Daylight lights the room 08-17 with nobody seen: the one sign of life a day is at
        // 20:00, the plug reports every 15 minutes. The hours between are learned as they
        // ended, not as the room was when the sign of life came.
        let rate = 0.08;
        let mut r = Routine::default();
        for d in 0..30 {
            for q in 0..96 {
                let ts = Timestamp::from_millis((d * 24 * 4 + q) * HOUR_MS / 4).unwrap();
                r.set_plug_lit(ts, (8 * 4..17 * 4).contains(&q));
                if q == 20 * 4 {
                    r.advance(ts, rate, &Plain);
                    r.life(Signal::Plug);
                }
            }
        }
        let model = r.state_model(&r.lit, rate, &Plain).expect("learned");
        for b in 0..24 {
            let p = model.p(b);
            if (8..17).contains(&b) { assert!(p > 0.5, "{b}: {p}") } else { assert!(p < ON_USUALLY_OFF, "{b}: {p}") }
        }
        // Lit from 02:00 after the last sign of life at 20:00: the dark hours count, the
        // daylight ones do not.
        let day = 30 * 24;
        let left = LeftOn { on: false, lit_from: Some(at(day + 2)) };
        let s = r.left_on_surprise(at(day - 4), at(day + 12), left, rate, &Plain);
        assert_eq!((s.on_hours, s.lit_hours), (0.0, 6.0));
    }

    #[test]
    fn decline_against_own_baseline() {
        let mut r = Routine::default();
        for d in 0..40 {
            let n = if d < 30 { 20 } else { 20 - (d - 29) * 2 };
            r.advance(at(d * 24 + 1), 0.1, &Plain);
            for _ in 0..n {
                r.life(Signal::Steps);
            }
        }
        let d = r.decline(at(40 * 24 + 1), &Plain).unwrap();
        assert!(d.drop > 0.4 && !d.steps, "{d:?}");
    }

    #[test]
    fn misses_weigh_by_how_often_the_person_answers() {
        let mut always = Routine::default();
        let mut silent = Routine::default();
        for _ in 0..30 {
            always.checkin(true);
            silent.checkin(false);
            silent.life(Signal::Door);
        }
        // Misses not yet followed by a sign of life are not learned.
        let before = always.miss_weight();
        always.checkin(false);
        always.checkin(false);
        assert_eq!(always.miss_weight(), before);
        assert!(always.miss_weight() > 1.0);
        assert!(silent.miss_weight() <= 0.2);
    }
}
