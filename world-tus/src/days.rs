//! Days off: weekends and Korea's public holidays, from the world's start date.
//!
//! On a day off the persons live by the survey's weekend tables, as people do on 설날 and
//! 추석. The holidays are this world's own list (the government's announced days off,
//! temporary and election days included), not anbu's calendar: anbu computes its holidays
//! (`anbu::holidays`) and knows a one-off day such as 27 January 2025 only if a profile adds
//! it, so a world built from anbu's calendar would hide that gap. Dates outside the list's
//! years are weekends only.

use std::sync::Arc;

use anbu::Timestamp;

/// Korea's public holidays (days off) of 2024 and 2025, as announced: `(year, month, day)`.
const HOLIDAYS: [(i32, u32, u32); 36] = [
    // 2024
    (2024, 1, 1),
    (2024, 2, 9),
    (2024, 2, 10),
    (2024, 2, 11),
    (2024, 2, 12),
    (2024, 3, 1),
    (2024, 4, 10),
    (2024, 5, 5),
    (2024, 5, 6),
    (2024, 5, 15),
    (2024, 6, 6),
    (2024, 8, 15),
    (2024, 9, 16),
    (2024, 9, 17),
    (2024, 9, 18),
    (2024, 10, 1),
    (2024, 10, 3),
    (2024, 10, 9),
    (2024, 12, 25),
    // 2025
    (2025, 1, 1),
    (2025, 1, 27),
    (2025, 1, 28),
    (2025, 1, 29),
    (2025, 1, 30),
    (2025, 3, 1),
    (2025, 3, 3),
    (2025, 5, 5),
    (2025, 5, 6),
    (2025, 6, 3),
    (2025, 6, 6),
    (2025, 8, 15),
    (2025, 10, 3),
    (2025, 10, 6),
    (2025, 10, 7),
    (2025, 10, 8),
    (2025, 10, 9),
];

/// Seoul's offset from UTC (no daylight saving since 1988), milliseconds.
const SEOUL_MS: i64 = 9 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// The days off of a world, by world day (day 0 is the start's local date).
#[derive(Clone, Debug)]
pub struct DaysOff {
    /// Weekday of day 0, 0 = Monday.
    first_weekday: i64,
    /// Whether each world day is a public holiday.
    holidays: Arc<[bool]>,
}

impl Default for DaysOff {
    /// Day 0 a Monday, no holidays.
    fn default() -> Self {
        DaysOff { first_weekday: 0, holidays: Arc::from(Vec::new()) }
    }
}

impl DaysOff {
    /// The days off of `days` days from `start` (a local midnight in Seoul).
    pub fn new(start: Timestamp, days: usize) -> DaysOff {
        let day0 = (start.as_millis() + SEOUL_MS).div_euclid(DAY_MS);
        // 1970-01-01 was a Thursday (3 with Monday 0).
        let first_weekday = (day0 + 3).rem_euclid(7);
        let holidays =
            (0..days as i64).map(|d| HOLIDAYS.iter().any(|&(y, m, dd)| days_from_civil(y, m, dd) == day0 + d));
        DaysOff { first_weekday, holidays: holidays.collect() }
    }

    /// Whether world day `day` is a day off (a weekend or a holiday).
    pub fn is_off(&self, day: i64) -> bool {
        (self.first_weekday + day).rem_euclid(7) >= 5
            || usize::try_from(day).ok().and_then(|d| self.holidays.get(d)).copied().unwrap_or(false)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_and_holidays_from_the_start_date() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2025, 1, 6), 20_094);
        // The default start, Monday 6 January 2025: 설날 is days 21 to 24 (27-30 January).
        let off = DaysOff::new(crate::DEFAULT_START.parse().unwrap(), 90);
        let days: Vec<i64> = (0..28).filter(|d| off.is_off(*d)).collect();
        assert_eq!(days, [5, 6, 12, 13, 19, 20, 21, 22, 23, 24, 26, 27]);
        // 삼일절 on a Saturday (day 54) and its substitute, Monday 3 March (day 56).
        assert!(off.is_off(54) && off.is_off(56) && !off.is_off(57));
        // A start on a Wednesday: its weekend is days 3 and 4.
        let wed = DaysOff::new("2025-04-02T00:00:00+09:00".parse().unwrap(), 7);
        assert_eq!((0..7).filter(|d| wed.is_off(*d)).collect::<Vec<_>>(), [3, 4]);
    }
}
