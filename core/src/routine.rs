//! Learned routines: what is normal for *this* person at *this* hour.
//!
//! ## Model
//! For each activity channel (calls, steps, door, plug changes, phone use) the person's
//! routine is the probability `p[c][b]` that at least one sign of life shows in channel
//! `c` during an hour of bin `b`, where a bin is a local hour of the day on a weekday or
//! on a weekend day (48 bins). It is learned online from the person's own history: when
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
//! Some people's days are irregular: they sleep late one day and early the next, and
//! treating hours as independent overstates how unusual their late mornings are. So the
//! routine also keeps how surprising this person's silences that ended well got (the
//! largest of each of the last 14 days), and evidence starts only beyond the largest of
//! them: silence is judged against this person's own longest recent silences. Evidence
//! then grows over a span as wide as those daily silences vary (their maximum less their
//! median, at least `full_surprise − onset_surprise`): the more irregular the person, the
//! longer a silence must last to alarm. (Blocks of the day were tried, a silence judged
//! against those that started at the same time of day: bedtimes straddle any boundary, and
//! the backtest's false alerts rose by 8%.)
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

use serde::{Deserialize, Serialize};

use crate::event::Signal;
use crate::time::{DAY_MS, HOUR_MS, Timestamp};

/// Bins: 24 local hours on weekdays, then 24 on weekends.
pub(crate) const BINS: usize = 48;
/// Longest stretch of hours closed at once (a longer gap is skipped, not learned).
const MAX_CLOSE_HOURS: i64 = 14 * 24;
const SCALE: f64 = 65535.0;
/// Probability prior for check-in answering.
const ANSWER_PRIOR: f64 = 0.9;
const ANSWER_RATE: f64 = 0.1;
const FAST: f64 = 0.35;
const SLOW: f64 = 0.06;
/// The prior of a bin's probability before anything is learned, and its worth in days.
const PRIOR_P: f64 = 0.1;
const PRIOR_DAYS: f64 = 3.0;
/// Days of largest silences kept per block.
const GAP_DAYS: usize = 28;
/// Resolution of a kept silence's surprise, nats (kept as `u8`, so up to 63.75).
const GAP_UNIT: f64 = 0.25;
/// The most the hours of one silence add to the activity deficit, nats.
const DEFICIT_CAP: f64 = 3.0;
/// Activity, as a share of usual, that the deficit looks for.
const DEFICIT_RHO: f64 = 0.3;
/// Share of data a channel's routine must hold before its hours count in the deficit.
const DEFICIT_MIN_HELD: f64 = 0.3;
/// Ceiling of the deficit, nats.
const DEFICIT_MAX: f64 = 100.0;
/// Usual daily steps below which steps are not judged for a decline.
const DECLINE_MIN_STEPS: f32 = 500.0;
/// Days of history before a decline can be judged.
const DECLINE_MIN_DAYS: u16 = 10;

/// The learned routine of one person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Routine {
    /// Start of the open (not yet learned) hour.
    open_hour: Option<i64>,
    /// Channels with a sign of life in the open hour (bits by `Signal::CHANNELS` index).
    open_life: u8,
    /// `p[c][b]` in 1/65535.
    #[serde(with = "serde_bins")]
    p: [[u16; BINS]; 5],
    /// Hours learned per channel (saturating).
    learned: [u16; 5],
    /// Local day index of the open day, and its count of signs of life.
    open_day: Option<i64>,
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
    /// The largest joint surprise of a silence that ended well, in the open day.
    day_gap_max: f32,
    /// The largest silence of each of the last `GAP_DAYS` days, in `GAP_UNIT`s.
    gaps: [u8; GAP_DAYS],
    /// The slot of `gaps` the next closed day goes to.
    gap_day: u8,
    /// CUSUM of the surprise of the silences between signs of life (see [`Routine::deficit`]).
    #[serde(default)]
    deficit: f32,
}

impl Default for Routine {
    fn default() -> Self {
        Routine {
            open_hour: None,
            open_life: 0,
            p: [[0; BINS]; 5],
            learned: [0; 5],
            open_day: None,
            day_count: 0,
            fast: 0.0,
            slow: 0.0,
            day_steps: 0,
            fast_steps: 0.0,
            slow_steps: 0.0,
            days: 0,
            answer_rate: ANSWER_PRIOR as f32,
            pending_misses: 0,
            day_gap_max: 0.0,
            gaps: [0; GAP_DAYS],
            gap_day: 0,
            deficit: 0.0,
        }
    }
}

/// What the routine needs to know about an hour being closed.
pub(crate) trait HourContext {
    /// The bin of the hour starting at `start_ms`.
    fn bin(&self, start_ms: i64) -> usize;
    /// The local day index of a time.
    fn day(&self, ms: i64) -> i64;
    /// Whether channel `c` was watched during the hour ending at `end_ms`.
    fn watched(&self, c: usize, end_ms: i64) -> bool;
    /// Whether the person was away at `ms`.
    fn away(&self, ms: i64) -> bool;
    /// Whether channel `c`'s silence is evidence for this person.
    fn expected(&self, c: usize) -> bool;
}

impl Routine {
    /// Closes every hour and day before `ts`, learning from them.
    pub fn advance(&mut self, ts: Timestamp, rate: f64, ctx: &impl HourContext) {
        let t = ts.as_millis();
        let hour = t.div_euclid(HOUR_MS) * HOUR_MS;
        match self.open_hour {
            None => self.open_hour = Some(hour),
            Some(open) if hour > open => {
                let first = open.max(hour - MAX_CLOSE_HOURS * HOUR_MS);
                let held: [f64; 5] =
                    std::array::from_fn(|c| 1.0 - (1.0 - rate).powf(f64::from(self.learned[c]) / 24.0));
                let (mut lived, mut silent) = (0.0, 0.0);
                let mut h = open;
                while h < hour {
                    if h >= first {
                        let llr = self.close_hour(h, rate, ctx, &held);
                        if h == open { lived += llr } else { silent += llr }
                    }
                    self.open_life = 0;
                    h = if h >= first { h + HOUR_MS } else { first };
                }
                self.deficit =
                    (f64::from(self.deficit) + lived + silent.min(DEFICIT_CAP)).clamp(0.0, DEFICIT_MAX) as f32;
                self.open_hour = Some(hour);
            }
            Some(_) => {}
        }
        let day = ctx.day(t);
        match self.open_day {
            None => self.open_day = Some(day),
            Some(open) if day > open => {
                for d in (open..day).take(7) {
                    let day = if d == open { (self.day_count, self.day_steps) } else { (0, 0) };
                    if d == open {
                        self.close_gap_day();
                    }
                    if !ctx.away(d * DAY_MS + DAY_MS / 2) && (0..5).all(|c| ctx.watched(c, (d + 1) * DAY_MS)) {
                        self.close_day(day);
                    }
                }
                self.day_count = 0;
                self.day_steps = 0;
                self.open_day = Some(day);
            }
            Some(_) => {}
        }
    }

    /// Learns from one closed hour; returns its activity-deficit log-likelihood ratio (see
    /// [`Routine::deficit`]), from the probabilities before learning, `held` being each
    /// channel's share of data held (the bias correction of [`BinModel`]).
    fn close_hour(&mut self, start: i64, rate: f64, ctx: &impl HourContext, held: &[f64; 5]) -> f64 {
        if ctx.away(start) {
            return 0.0;
        }
        let b = ctx.bin(start);
        let mut llr = 0.0;
        for (c, &held) in held.iter().enumerate() {
            if !ctx.watched(c, start + HOUR_MS) {
                continue;
            }
            let life = self.open_life & (1 << c) != 0;
            let p = f64::from(self.p[c][b]) / SCALE;
            if ctx.expected(c) && held >= DEFICIT_MIN_HELD {
                let q = (p / held).clamp(0.0, 0.95);
                llr += if life { DEFICIT_RHO.ln() } else { ((1.0 - DEFICIT_RHO * q) / (1.0 - q)).ln() };
            }
            let x = if life { 1.0 } else { 0.0 };
            self.p[c][b] = ((p + rate * (x - p)).clamp(0.0, 1.0) * SCALE).round() as u16;
            self.learned[c] = self.learned[c].saturating_add(1);
        }
        llr
    }

    /// Keeps the day's largest silence among the last `GAP_DAYS` days'.
    fn close_gap_day(&mut self) {
        let slot = usize::from(self.gap_day) % GAP_DAYS;
        self.gaps[slot] = (f64::from(self.day_gap_max) / GAP_UNIT).round().clamp(0.0, 255.0) as u8;
        self.day_gap_max = 0.0;
        self.gap_day = ((slot + 1) % GAP_DAYS) as u8;
    }

    /// Records the joint surprise of a silence that just ended with a sign of life.
    pub fn gap_closed(&mut self, surprise: f64) {
        self.day_gap_max = self.day_gap_max.max(surprise as f32);
    }

    /// An answered check-in call: the person says they are well, so a deficit of activity
    /// so far was not trouble.
    pub fn all_clear(&mut self) {
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

    /// How surprising this person's longest usual silences are, and how much they vary: the
    /// largest of each of the last `GAP_DAYS` days, their maximum and its distance from their
    /// median.
    pub fn usual_gap(&self) -> (f64, f64) {
        let mut sorted = self.gaps;
        sorted.sort_unstable();
        let max = f64::from(sorted[GAP_DAYS - 1]) * GAP_UNIT;
        let median = f64::from(sorted[GAP_DAYS / 2]) * GAP_UNIT;
        (max, max - median)
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
        let Some(open) = self.open_day else { return e };
        let today = ctx.day(at.as_millis());
        for d in (open..today).take(7) {
            let (count, steps) = if d == open { (self.day_count, self.day_steps) } else { (0, 0) };
            if !ctx.away(d * DAY_MS + DAY_MS / 2) {
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
    pub fn model(&self, c: usize, rate: f64) -> BinModel<'_> {
        let days = f64::from(self.learned[c]) / 24.0;
        let all_held = 1.0 - (1.0 - rate).powf(days);
        let mean = self.p[c].iter().map(|x| f64::from(*x)).sum::<f64>() / SCALE / BINS as f64;
        BinModel {
            raw: &self.p[c],
            k: 1.0 - (1.0 - rate).powf(PRIOR_DAYS),
            prior: if all_held > 0.05 { (mean / all_held).min(1.0) } else { PRIOR_P },
            held: [1.0 - (1.0 - rate).powf(days * 5.0 / 7.0), 1.0 - (1.0 - rate).powf(days * 2.0 / 7.0)],
        }
    }

    /// The learned probability of a sign of life in channel `c` in bin `b`.
    #[cfg(test)]
    pub fn p(&self, c: usize, b: usize, rate: f64) -> f64 {
        self.model(c, rate).p(b)
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
        let (a, m, z) = (since.as_millis(), split.as_millis().max(since.as_millis()), until.as_millis());
        if z <= a {
            return (0.0, 0.0);
        }
        let model = self.model(c, rate);
        // Costs by bin, computed when first needed (most silences span a few hours).
        let mut cost = [f64::NAN; BINS];
        let (mut all, mut part) = (0.0, 0.0);
        // Past two weeks the surprise is certainly past any threshold; stop counting.
        let stop_all = z.min(a + MAX_CLOSE_HOURS * HOUR_MS);
        let stop_part = z.min(m + MAX_CLOSE_HOURS * HOUR_MS);
        let mut h = a.div_euclid(HOUR_MS) * HOUR_MS;
        while h < stop_all.max(stop_part) {
            if !ctx.away(h) {
                let b = ctx.bin(h);
                if cost[b].is_nan() {
                    cost[b] = -(1.0 - model.p(b).min(0.95)).ln();
                }
                if h < stop_all {
                    let share = (stop_all.min(h + HOUR_MS) - a.max(h)) as f64 / HOUR_MS as f64;
                    all += share * cost[b];
                }
                if h + HOUR_MS > m && h < stop_part {
                    let share = (stop_part.min(h + HOUR_MS) - m.max(h)) as f64 / HOUR_MS as f64;
                    part += share * cost[b];
                }
            }
            h += HOUR_MS;
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

impl BinModel<'_> {
    /// The probability of a sign of life in an hour of bin `b`.
    pub fn p(&self, b: usize) -> f64 {
        let held = self.held[usize::from(b >= 24)];
        ((f64::from(self.raw[b]) / SCALE + self.k * self.prior) / (held + self.k)).min(1.0)
    }
}

/// Weight of the other channels' surprise in the joint surprise.
const OTHERS: f64 = 0.35;

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

/// One day's update of the daily averages.
fn ewma_step((fast, slow, fast_s, slow_s, days): Daily, count: u32, steps: u32) -> Daily {
    let (x, y) = (count as f32, steps as f32);
    if days == 0 {
        (x, x, y, y, 1)
    } else {
        let (f, s) = (FAST as f32, SLOW as f32);
        (
            fast + f * (x - fast),
            slow + s * (x - slow),
            fast_s + f * (y - fast_s),
            slow_s + s * (y - slow_s),
            days.saturating_add(1),
        )
    }
}

/// Serde for the bins table (serde derives arrays only up to 32 elements).
mod serde_bins {
    use super::BINS;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(p: &[[u16; BINS]; 5], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<&[u16]> = p.iter().map(|r| r.as_slice()).collect();
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[[u16; BINS]; 5], D::Error> {
        let v: Vec<Vec<u16>> = Vec::deserialize(d)?;
        let mut out = [[0u16; BINS]; 5];
        if v.len() != 5 || v.iter().any(|r| r.len() != BINS) {
            return Err(serde::de::Error::custom("routine table must be 5 x 48"));
        }
        for (o, r) in out.iter_mut().zip(v) {
            o.copy_from_slice(&r);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;
    impl HourContext for Plain {
        fn bin(&self, start_ms: i64) -> usize {
            (start_ms.div_euclid(HOUR_MS) % 24) as usize
        }
        fn day(&self, ms: i64) -> i64 {
            ms.div_euclid(DAY_MS)
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
