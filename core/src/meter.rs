//! Whole-home power meters: when a reading is a sign of life.
//!
//! A smart plug sees one appliance, so a change in its reading is a person's doing (see
//! `no_change`). A whole-home meter (the Seoul AMI service's smart electricity meter) sees the
//! household: the fridge's compressor cycling between ~40 and ~150 W, standby loads, a boiler's
//! pump. Judged as a plug, every fridge cycle would be a sign of life and a collapse would
//! never be seen. So a meter's readings are judged against what the household draws
//! *unattended*, learned per household:
//!
//! - per local hour (24 bins: the base load hardly differs between weekdays and weekends,
//!   and 24 bins learn twice as fast as the routine's 48), a **low level** of the readings: an
//!   asymmetric exponentially weighted average that falls quickly to a lower reading and rises
//!   slowly toward a higher one (a low expectile, about the 15th percentile of a fridge's
//!   cycle). This is the hour's base load.
//! - likewise a **high level** (rises quickly, falls slowly), and from it the household's
//!   **swing**: the smallest spread `high − low` among the hours learned well enough. The
//!   quietest hour (asleep) holds only the unattended loads, so the swing is the fridge's
//!   cycle, not cooking.
//!
//! A reading is a sign of life when it, or the reading before it, stands above the hour's
//! unattended top (`low + swing`) by the margin, **and** it differs from the reading before
//! by more than the swing plus the margin: an appliance was switched on or off. A load that is
//! on at that hour every day (the evening TV) is part of the hour's usual level; switching it
//! on or off counts at the hours where it is not, and anything more (cooking) at any hour. Requiring the
//! change, not just a high level, is the meter's form of the plug's rule that a TV left on is
//! not a sign of life: after a collapse with the TV or a heater left on, the household's
//! load stays high but only the fridge moves it. The margin is
//! `max(meter.margin_watts, meter.margin_ratio × (low + swing))` (profile keys).
//!
//! Until an hour has [`LEARNED`] readings the swing is [`DEFAULT_SWING`] (a fridge's full
//! cycle); an hour not seen yet takes the lowest base load of the others; the first reading
//! of all is not judged. The state is 216 bytes, kept (boxed) only for persons with a meter.

use serde::{Deserialize, Serialize};

use crate::profile::MeterRules;
use crate::tuning::{METER_INWARD, METER_OUTWARD};

/// Hour bins (local hour of day).
pub(crate) const HOURS: usize = 24;
/// Readings after which an hour's spread counts toward the swing (4 days of 15-minute readings).
pub(crate) const LEARNED: u8 = 16;
/// The swing, watts, while no hour is learned: a fridge's full cycle.
pub(crate) const DEFAULT_SWING: f64 = 150.0;

/// A household's learned unattended load, per local hour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct MeterBase {
    /// Low level of the readings per hour, watts.
    low: [f32; HOURS],
    /// High level of the readings per hour, watts.
    high: [f32; HOURS],
    /// Readings learned per hour (saturating).
    n: [u8; HOURS],
}

impl Default for MeterBase {
    fn default() -> Self {
        MeterBase { low: [0.0; HOURS], high: [0.0; HOURS], n: [0; HOURS] }
    }
}

impl MeterBase {
    /// Checks a restored base load (see `snapshot`): levels are watts, finite and not negative.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (name, levels) in [("low", &self.low), ("high", &self.high)] {
            for (h, w) in levels.iter().enumerate() {
                crate::range::in_range(&format!("{name}[{h}]"), f64::from(*w), 0.0, f64::from(f32::MAX))?;
            }
        }
        Ok(())
    }

    /// The hour's base load, watts: its low level, or the lowest of the hours seen while this
    /// one is not; `None` before any reading.
    pub fn base_load(&self, hour: usize) -> Option<f64> {
        match self.n.get(hour) {
            Some(&n) if n > 0 => Some(f64::from(self.low[hour])),
            _ => (0..HOURS).filter(|&h| self.n[h] > 0).map(|h| f64::from(self.low[h])).reduce(f64::min),
        }
    }

    /// How far the household's unattended load swings (a fridge's cycle), watts: the smallest
    /// spread among the hours learned, else [`DEFAULT_SWING`].
    pub fn swing(&self) -> f64 {
        (0..HOURS)
            .filter(|&h| self.n[h] >= LEARNED)
            .map(|h| f64::from(self.high[h] - self.low[h]).max(0.0))
            .reduce(f64::min)
            .unwrap_or(DEFAULT_SWING)
    }

    /// The hour's unattended top (base load plus swing) and the margin a sign of life must
    /// clear, watts.
    pub fn unattended(&self, hour: usize, rules: &MeterRules) -> Option<(f64, f64)> {
        let top = self.base_load(hour)? + self.swing();
        Some((top, rules.margin_watts.max(rules.margin_ratio * top)))
    }

    /// Whether a reading of `watts` at local `hour`, after a reading of `prev`, is a sign of
    /// life (see the module docs). Judged before the reading is learned.
    pub fn is_life(&self, hour: usize, watts: f64, prev: Option<f64>, rules: &MeterRules) -> bool {
        let (Some(prev), Some((top, margin))) = (prev, self.unattended(hour, rules)) else { return false };
        watts.max(prev) > top + margin && (watts - prev).abs() > self.swing() + margin
    }

    /// Learns a reading at local `hour`.
    pub fn learn(&mut self, hour: usize, watts: f64) {
        let Some(n) = self.n.get_mut(hour) else { return };
        let w = watts as f32;
        if *n == 0 {
            self.low[hour] = w;
            self.high[hour] = w;
        } else {
            let low = &mut self.low[hour];
            *low += if w < *low { METER_OUTWARD } else { METER_INWARD } * (w - *low);
            let high = &mut self.high[hour];
            *high += if w > *high { METER_OUTWARD } else { METER_INWARD } * (w - *high);
        }
        *n = n.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fridge's cycle seen in 15-minute averages: 40 to 150 W, spread evenly (a fixed
    /// pseudo-random sequence).
    fn fridge(i: u64) -> f64 {
        let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17).wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 11;
        40.0 + 110.0 * (x as f64 / (1u64 << 53) as f64)
    }

    /// `days` of 15-minute readings: the fridge, plus `use_w(hour, quarter)` of appliances.
    fn learn_days(m: &mut MeterBase, days: u64, use_w: impl Fn(usize, usize) -> f64) {
        for q in 0..days * 96 {
            let (hour, quarter) = ((q / 4 % 24) as usize, (q % 4) as usize);
            m.learn(hour, fridge(q) + use_w(hour, quarter));
        }
    }

    /// Cooking at 7:00 and 18:00, a TV (and lights) from 19:00 to 22:00.
    fn daily_use(hour: usize, quarter: usize) -> f64 {
        match hour {
            7 if quarter < 2 => 900.0,
            18 => 1200.0,
            19..=21 => 250.0,
            _ => 0.0,
        }
    }

    #[test]
    fn learns_the_base_load_and_the_fridges_swing() {
        let mut m = MeterBase::default();
        assert_eq!((m.base_load(3), m.swing()), (None, DEFAULT_SWING));
        learn_days(&mut m, 21, daily_use);
        let night = m.base_load(3).unwrap();
        assert!((45.0..75.0).contains(&night), "{night}");
        let swing = m.swing();
        assert!((60.0..105.0).contains(&swing), "{swing}");
        // Busy hours learn a higher level, but the swing comes from the quietest.
        assert!(m.base_load(19).unwrap() > night + 100.0, "{m:?}");
        // Small: a few hundred bytes.
        assert!(std::mem::size_of::<MeterBase>() <= 256);
    }

    #[test]
    fn a_fridge_cycling_is_not_life_an_appliance_is() {
        let rules = MeterRules::default();
        let mut m = MeterBase::default();
        learn_days(&mut m, 21, daily_use);
        // 48 hours of the fridge alone, every hour of the day: never a sign of life.
        for q in 0..192u64 {
            let hour = (q / 4 % 24) as usize;
            let (prev, now) = (fridge(10_000 + q), fridge(10_001 + q));
            assert!(!m.is_life(hour, now, Some(prev), &rules), "{hour}: {prev} -> {now}");
        }
        // The extremes of the cycle, both ways, at every hour.
        for hour in 0..HOURS {
            assert!(!m.is_life(hour, 150.0, Some(40.0), &rules));
            assert!(!m.is_life(hour, 40.0, Some(150.0), &rules));
        }
        // A kettle, cooking, a TV with the lights switched on (and off again).
        for hour in [3, 7, 12, 23] {
            for (prev, now) in [(60.0, 700.0), (140.0, 1400.0), (50.0, 330.0), (330.0, 50.0)] {
                assert!(m.is_life(hour, now, Some(prev), &rules), "{hour}: {prev} -> {now}");
            }
        }
        // At 20:00 the TV is on every day: that is the hour's usual level, and cooking stands out from it.
        assert!(!m.is_life(20, 330.0, Some(50.0), &rules));
        assert!(m.is_life(20, 1400.0, Some(300.0), &rules));
        // A load left on (a TV at 250 W), with the fridge cycling on top: not life.
        for q in 0..96u64 {
            let (prev, now) = (250.0 + fridge(20_000 + q), 250.0 + fridge(20_001 + q));
            assert!(!m.is_life((q / 4 % 24) as usize, now, Some(prev), &rules));
        }
        // The first reading is not judged.
        assert!(!m.is_life(3, 2000.0, None, &rules));
    }

    #[test]
    fn margins_follow_the_profile_keys() {
        let mut m = MeterBase::default();
        learn_days(&mut m, 21, daily_use);
        let (top, margin) = m.unattended(3, &MeterRules::default()).unwrap();
        assert_eq!(margin, 60.0);
        // A large household load: the ratio rules.
        let (_, margin) = m.unattended(3, &MeterRules { margin_watts: 10.0, margin_ratio: 1.0 }).unwrap();
        assert_eq!(margin, top);
        // A small margin lets a small step count.
        let step = (top + 20.0, top - m.swing() - 30.0);
        assert!(!m.is_life(3, step.0, Some(step.1), &MeterRules::default()));
        assert!(m.is_life(3, step.0, Some(step.1), &MeterRules { margin_watts: 5.0, margin_ratio: 0.0 }));
    }

    #[test]
    fn before_it_is_learned() {
        let rules = MeterRules::default();
        let mut m = MeterBase::default();
        m.learn(2, 80.0);
        // An hour not seen takes the lowest base load seen; the swing is the default.
        assert_eq!(m.base_load(20), Some(80.0));
        assert!(!m.is_life(20, 150.0, Some(40.0), &rules));
        assert!(m.is_life(20, 1000.0, Some(90.0), &rules));
        m.learn(99, 5.0);
        assert_eq!(m.base_load(20), Some(80.0));
    }
}
