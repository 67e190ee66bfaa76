//! Built-in calendars of public holidays: the Korean public holidays (공휴일), so that a
//! holiday routes to the 24 h control center and the learned routine treats it as a weekend
//! day (profile key `schedule.calendar`, `KR` by default).
//!
//! The Korean calendar ([`Calendar::Kr`]) holds, as the Regulations on Holidays of Government
//! Offices (관공서의 공휴일에 관한 규정) and the Act on Public Holidays (공휴일에 관한 법률) set them:
//! - the fixed-date holidays: 신정 (1 January), 삼일절 (1 March), 어린이날 (5 May), 현충일
//!   (6 June), 광복절 (15 August), 개천절 (3 October), 한글날 (9 October) and 기독탄신일
//!   (Christmas, 25 December), in every year from 2014 to 2099;
//! - the lunar ones, from a table by year ([`LUNAR_YEARS`], 2014 to 2035): 설날 (the day
//!   before, the day and the day after the lunar new year), 부처님오신날 (the 8th day of the 4th
//!   lunar month) and 추석 (the day before, the day and the day after the 15th day of the 8th
//!   lunar month). The dates are those of the Korean lunisolar calendar as the `holidays`
//!   Python package (vacanza/holidays, `holidays/calendars/chinese.py`, with its
//!   `KOREAN_CALENDAR` corrections: 부처님오신날 2023 on 27 May, 설날 2027 on 7 February and
//!   2028 on 27 January) tabulates them;
//! - the substitute holidays (대체공휴일): the first day after a holiday that is neither a
//!   Saturday, a Sunday nor a holiday, when the holiday falls on a Sunday or on the same day
//!   as another holiday (설날 and 추석, since 2014; each of their three days counts), or on a
//!   Saturday, a Sunday or the same day as another holiday (어린이날 since 2014; 광복절, 개천절
//!   and 한글날 since 2021; 삼일절 since 2022; 부처님오신날 and 기독탄신일 since 2023). One
//!   day falling on two holidays gives one substitute day (어린이날 and 부처님오신날 on 5 May
//!   2025: 6 May). 신정 and 현충일 have none.
//!
//! Not included: election days and temporary holidays (임시공휴일, declared by the government
//! year by year, such as 27 January 2025); a profile adds them with `schedule.holidays`. A
//! date outside the years above is not a holiday of the calendar.
//!
//! ```
//! use anbu::Calendar;
//! use anbu::holidays::Holiday;
//! let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
//! // 추석 2025: 5 to 7 October, the 5th a Sunday, so the 8th is its substitute day.
//! assert!(Calendar::Kr.is_holiday(date("2025-10-08")));
//! assert!(!Calendar::None.is_holiday(date("2025-10-08")));
//! let chuseok: Vec<String> = Calendar::Kr
//!     .holidays(2025)
//!     .iter()
//!     .filter(|h| h.holiday == Holiday::Chuseok)
//!     .map(|h| format!("{}{}", h.date, if h.substitute { " (substitute)" } else { "" }))
//!     .collect();
//! assert_eq!(chuseok, ["2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08 (substitute)"]);
//! assert_eq!(Holiday::Chuseok.korean(), "추석");
//! ```

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};

use crate::macros::spec_enum;

spec_enum! {
    /// A built-in calendar of public holidays (profile key `schedule.calendar`).
    pub enum Calendar {
        /// The Korean public holidays (see the module docs).
        Kr = "KR",
        /// No built-in holidays: only the profile's own `schedule.holidays`.
        None = "none",
    }
}

impl Default for Calendar {
    /// `KR`: the product is for Korean services.
    fn default() -> Self {
        Calendar::Kr
    }
}

spec_enum! {
    /// A Korean public holiday.
    pub enum Holiday {
        /// 신정: 1 January.
        NewYear = "new_year",
        /// 설날: the lunar new year, with the day before and the day after.
        Seollal = "seollal",
        /// 삼일절: Independence Movement Day, 1 March.
        IndependenceMovement = "independence_movement",
        /// 어린이날: Children's Day, 5 May.
        Children = "children",
        /// 부처님오신날: Buddha's Birthday, the 8th day of the 4th lunar month.
        BuddhasBirthday = "buddhas_birthday",
        /// 현충일: Memorial Day, 6 June.
        Memorial = "memorial",
        /// 광복절: Liberation Day, 15 August.
        Liberation = "liberation",
        /// 추석: the harvest festival, with the day before and the day after.
        Chuseok = "chuseok",
        /// 개천절: National Foundation Day, 3 October.
        NationalFoundation = "national_foundation",
        /// 한글날: Hangul Day, 9 October.
        Hangul = "hangul",
        /// 기독탄신일: Christmas, 25 December.
        Christmas = "christmas",
    }
}

impl Holiday {
    /// The holiday's Korean name.
    pub fn korean(self) -> &'static str {
        match self {
            Holiday::NewYear => "신정",
            Holiday::Seollal => "설날",
            Holiday::IndependenceMovement => "삼일절",
            Holiday::Children => "어린이날",
            Holiday::BuddhasBirthday => "부처님오신날",
            Holiday::Memorial => "현충일",
            Holiday::Liberation => "광복절",
            Holiday::Chuseok => "추석",
            Holiday::NationalFoundation => "개천절",
            Holiday::Hangul => "한글날",
            Holiday::Christmas => "기독탄신일",
        }
    }

    /// The first year a day of this holiday on a weekend or on another holiday gives a
    /// substitute day, and whether a Saturday counts (not for 설날 and 추석); none for 신정
    /// and 현충일.
    fn substitute_rule(self) -> Option<(i16, bool)> {
        match self {
            Holiday::Seollal | Holiday::Chuseok => Some((2014, false)),
            Holiday::Children => Some((2014, true)),
            Holiday::Liberation | Holiday::NationalFoundation | Holiday::Hangul => Some((2021, true)),
            Holiday::IndependenceMovement => Some((2022, true)),
            Holiday::BuddhasBirthday | Holiday::Christmas => Some((2023, true)),
            Holiday::NewYear | Holiday::Memorial => None,
        }
    }
}

/// One day off of a calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicHoliday {
    /// The day.
    pub date: Date,
    /// The holiday it is, or stands in for when it is a substitute day (of two holidays on
    /// one day, the first in [`Holiday::ALL`]).
    pub holiday: Holiday,
    /// Whether it is a substitute day (대체공휴일).
    pub substitute: bool,
}

/// The years of the table of lunar holidays (설날, 부처님오신날, 추석).
pub const LUNAR_YEARS: RangeInclusive<i16> = 2014..=2035;

/// The years the Korean calendar knows (its fixed-date holidays and their substitute days).
const YEARS: RangeInclusive<i16> = 2014..=2099;

/// Per year of [`LUNAR_YEARS`]: the (month, day) of 설날, of 부처님오신날 and of 추석, in
/// the Korean lunisolar calendar (source: see the module docs).
#[rustfmt::skip]
const LUNAR: [[(i8, i8); 3]; 22] = [
    [(1, 31), (5, 6), (9, 8)],    // 2014
    [(2, 19), (5, 25), (9, 27)],  // 2015
    [(2, 8), (5, 14), (9, 15)],   // 2016
    [(1, 28), (5, 3), (10, 4)],   // 2017
    [(2, 16), (5, 22), (9, 24)],  // 2018
    [(2, 5), (5, 12), (9, 13)],   // 2019
    [(1, 25), (4, 30), (10, 1)],  // 2020
    [(2, 12), (5, 19), (9, 21)],  // 2021
    [(2, 1), (5, 8), (9, 10)],    // 2022
    [(1, 22), (5, 27), (9, 29)],  // 2023
    [(2, 10), (5, 15), (9, 17)],  // 2024
    [(1, 29), (5, 5), (10, 6)],   // 2025
    [(2, 17), (5, 24), (9, 25)],  // 2026
    [(2, 7), (5, 13), (9, 15)],   // 2027
    [(1, 27), (5, 2), (10, 3)],   // 2028
    [(2, 13), (5, 20), (9, 22)],  // 2029
    [(2, 3), (5, 9), (9, 12)],    // 2030
    [(1, 23), (5, 28), (10, 1)],  // 2031
    [(2, 11), (5, 16), (9, 19)],  // 2032
    [(1, 31), (5, 6), (9, 8)],    // 2033
    [(2, 19), (5, 25), (9, 27)],  // 2034
    [(2, 8), (5, 15), (9, 16)],   // 2035
];

/// The fixed-date holidays, by (month, day).
const FIXED: [(i8, i8, Holiday); 8] = [
    (1, 1, Holiday::NewYear),
    (3, 1, Holiday::IndependenceMovement),
    (5, 5, Holiday::Children),
    (6, 6, Holiday::Memorial),
    (8, 15, Holiday::Liberation),
    (10, 3, Holiday::NationalFoundation),
    (10, 9, Holiday::Hangul),
    (12, 25, Holiday::Christmas),
];

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The Korean public holidays of `year`, sorted by date (none outside 2014 to 2099).
fn korean(year: i16) -> Vec<PublicHoliday> {
    if !YEARS.contains(&year) {
        return Vec::new();
    }
    let day =
        |(m, d): (i8, i8), holiday| PublicHoliday { date: Date::constant(year, m, d), holiday, substitute: false };
    let mut days: Vec<PublicHoliday> = FIXED.iter().map(|&(m, d, h)| day((m, d), h)).collect();
    if let Some([seollal, buddha, chuseok]) =
        LUNAR.get(usize::try_from(year - LUNAR_YEARS.start()).unwrap_or(usize::MAX))
    {
        days.push(day(*buddha, Holiday::BuddhasBirthday));
        for (md, holiday) in [(*seollal, Holiday::Seollal), (*chuseok, Holiday::Chuseok)] {
            let middle = day(md, holiday);
            for date in [middle.date.yesterday(), Ok(middle.date), middle.date.tomorrow()].into_iter().flatten() {
                days.push(PublicHoliday { date, ..middle });
            }
        }
    }
    days.sort_by_key(|h| (h.date, h.holiday));
    // Substitute days, in date order: each is the first weekday after its holiday that is
    // not a holiday (nor a substitute day given before).
    let mut substitutes = Vec::new();
    for (i, h) in days.iter().enumerate() {
        if i > 0 && days[i - 1].date == h.date {
            continue;
        }
        let same_day: Vec<Holiday> = days[i..].iter().take_while(|o| o.date == h.date).map(|o| o.holiday).collect();
        let weekday = h.date.weekday();
        let due = same_day.iter().find(|o| {
            o.substitute_rule().is_some_and(|(since, saturday)| {
                year >= since
                    && (weekday == Weekday::Sunday || (saturday && weekday == Weekday::Saturday) || same_day.len() > 1)
            })
        });
        if let Some(&holiday) = due {
            let taken = |d: Date| days.iter().chain(&substitutes).any(|o: &PublicHoliday| o.date == d);
            let mut date = h.date;
            while let Ok(next) = date.tomorrow() {
                date = next;
                if !is_weekend(date) && !taken(date) {
                    break;
                }
            }
            substitutes.push(PublicHoliday { date, holiday, substitute: true });
        }
    }
    days.extend(substitutes);
    days.sort_by_key(|h| (h.date, h.substitute, h.holiday));
    days
}

/// Days since 1970-01-01 of a civil date.
pub(crate) fn day_index(date: Date) -> i64 {
    // Days from civil (H. Hinnant), with years starting in March.
    let (m, d) = (i64::from(date.month()), i64::from(date.day()));
    let y = i64::from(date.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Every day of the Korean calendar (made once), as a bit per day since its first day: a
/// day is looked up at every hour a silence spans a new day, so by index, not by search.
fn korean_days() -> &'static DaySet {
    static DAYS: OnceLock<DaySet> = OnceLock::new();
    DAYS.get_or_init(|| DaySet::of(YEARS.flat_map(korean).map(|h| day_index(h.date))))
}

/// A set of days (days since 1970-01-01), a bit per day from the first.
struct DaySet {
    first: i64,
    bits: Vec<u64>,
}

impl DaySet {
    /// The set of `days`.
    fn of(days: impl Iterator<Item = i64>) -> DaySet {
        let days: Vec<i64> = days.collect();
        let first = days.iter().copied().min().unwrap_or(0);
        let span = days.iter().map(|d| d - first).max().map_or(0, |d| d as usize + 1);
        let mut bits = vec![0u64; span.div_ceil(64)];
        for d in days {
            let i = (d - first) as usize;
            bits[i / 64] |= 1 << (i % 64);
        }
        DaySet { first, bits }
    }

    /// Whether `day` is in the set.
    #[inline]
    fn contains(&self, day: i64) -> bool {
        day.checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.bits.get(i / 64).map(|w| w & (1 << (i % 64)) != 0))
            .unwrap_or(false)
    }
}

impl Calendar {
    /// The public holidays of `year`, substitute days included, sorted by date.
    pub fn holidays(self, year: i16) -> Vec<PublicHoliday> {
        match self {
            Calendar::Kr => korean(year),
            Calendar::None => Vec::new(),
        }
    }

    /// Whether `date` is a public holiday or a substitute day.
    pub fn is_holiday(self, date: Date) -> bool {
        self.is_holiday_day(day_index(date))
    }

    /// Whether the local day `day` (days since 1970-01-01) is a public holiday.
    pub(crate) fn is_holiday_day(self, day: i64) -> bool {
        match self {
            Calendar::Kr => korean_days().contains(day),
            Calendar::None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn substitutes(year: i16) -> Vec<String> {
        korean(year).iter().filter(|h| h.substitute).map(|h| format!("{} {}", h.date, h.holiday)).collect()
    }

    #[test]
    fn day_index_counts_days_from_1970() {
        let epoch = date("1970-01-01");
        for s in ["1970-01-01", "1969-12-31", "2000-02-29", "2024-03-01", "2026-09-25", "2099-12-31", "1600-03-01"] {
            let d = date(s);
            assert_eq!(day_index(d), i64::from(epoch.until(d).unwrap().get_days()), "{s}");
        }
    }

    #[test]
    fn lunar_holidays_fall_as_published() {
        let kinds = |year, holiday| -> Vec<String> {
            korean(year).iter().filter(|h| h.holiday == holiday && !h.substitute).map(|h| h.date.to_string()).collect()
        };
        assert_eq!(kinds(2026, Holiday::Seollal), ["2026-02-16", "2026-02-17", "2026-02-18"]);
        assert_eq!(kinds(2026, Holiday::Chuseok), ["2026-09-24", "2026-09-25", "2026-09-26"]);
        assert_eq!(kinds(2025, Holiday::Chuseok), ["2025-10-05", "2025-10-06", "2025-10-07"]);
        assert_eq!(kinds(2024, Holiday::Seollal), ["2024-02-09", "2024-02-10", "2024-02-11"]);
        assert_eq!(kinds(2023, Holiday::BuddhasBirthday), ["2023-05-27"]);
        // The Korean calendar differs from the Chinese one here.
        assert_eq!(kinds(2027, Holiday::Seollal), ["2027-02-06", "2027-02-07", "2027-02-08"]);
        assert_eq!(kinds(2028, Holiday::Seollal), ["2028-01-26", "2028-01-27", "2028-01-28"]);
        // Every lunar year has its three holidays (seven days), and the table is sorted.
        for year in LUNAR_YEARS {
            let lunar =
                korean(year).iter().filter(|h| !h.substitute && !FIXED.iter().any(|f| f.2 == h.holiday)).count();
            assert_eq!(lunar, 7, "{year}");
        }
        assert!(korean(2036).iter().all(|h| FIXED.iter().any(|f| f.2 == h.holiday)));
        assert!(korean(2013).is_empty() && korean(2100).is_empty());
    }

    #[test]
    fn substitute_days_follow_the_law() {
        // The substitute days announced for these years (2020-08-17 was a temporary holiday,
        // not a substitute day: 광복절 had none before 2021).
        assert_eq!(substitutes(2014), ["2014-09-10 chuseok"]);
        assert_eq!(substitutes(2015), ["2015-09-29 chuseok"]);
        assert_eq!(substitutes(2016), ["2016-02-10 seollal"]);
        assert_eq!(substitutes(2017), ["2017-01-30 seollal", "2017-10-06 chuseok"]);
        assert_eq!(substitutes(2018), ["2018-05-07 children", "2018-09-26 chuseok"]);
        assert_eq!(substitutes(2019), ["2019-05-06 children"]);
        assert_eq!(substitutes(2020), ["2020-01-27 seollal"]);
        assert_eq!(substitutes(2021), ["2021-08-16 liberation", "2021-10-04 national_foundation", "2021-10-11 hangul"]);
        // 부처님오신날 on a Sunday (8 May) and 성탄절 on a Sunday: none before 2023.
        assert_eq!(substitutes(2022), ["2022-09-12 chuseok", "2022-10-10 hangul"]);
        assert_eq!(substitutes(2023), ["2023-01-24 seollal", "2023-05-29 buddhas_birthday"]);
        assert_eq!(substitutes(2024), ["2024-02-12 seollal", "2024-05-06 children"]);
        // 어린이날 and 부처님오신날 on one Monday give one substitute day.
        assert_eq!(
            substitutes(2025),
            ["2025-03-03 independence_movement", "2025-05-06 children", "2025-10-08 chuseok"]
        );
        assert_eq!(
            substitutes(2026),
            [
                "2026-03-02 independence_movement",
                "2026-05-25 buddhas_birthday",
                "2026-08-17 liberation",
                "2026-10-05 national_foundation"
            ]
        );
        // 추석 2028 (2 to 4 October) on 개천절: the 5th; 설날 2027 on a Sunday: the 9th.
        assert!(substitutes(2028).contains(&"2028-10-05 chuseok".to_string()));
        assert!(substitutes(2027).contains(&"2027-02-09 seollal".to_string()));
        // 현충일 and 신정 on a weekend have none.
        assert!(!Calendar::Kr.is_holiday(date("2026-06-08")) && !Calendar::Kr.is_holiday(date("2022-01-03")));
    }

    #[test]
    fn lookups_agree_with_the_lists() {
        for year in [2013, 2014, 2025, 2026, 2035, 2036, 2099, 2100] {
            let listed: Vec<Date> = Calendar::Kr.holidays(year).iter().map(|h| h.date).collect();
            let mut d = Date::new(year, 1, 1).unwrap();
            while d.year() == year {
                assert_eq!(Calendar::Kr.is_holiday(d), listed.contains(&d), "{d}");
                assert!(!Calendar::None.is_holiday(d));
                d = d.tomorrow().unwrap();
            }
        }
        assert!(Calendar::Kr.is_holiday(date("2026-09-25")));
        assert!(!Calendar::Kr.is_holiday(date("2026-09-28")));
        assert_eq!("KR".parse::<Calendar>(), Ok(Calendar::Kr));
        assert!("kr".parse::<Calendar>().unwrap_err().contains("expected one of: KR, none"));
    }
}
