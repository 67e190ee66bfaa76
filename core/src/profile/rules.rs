//! A profile compiled for evaluation: time zone resolved, times and dates parsed.

use std::sync::Arc;

use super::Profile;
use crate::assessment::Responder;
use crate::clip::clip;
use crate::error::{Error, Result};
use crate::holidays::{Calendar, day_index};
use crate::time::{HOUR_MS, Timestamp, hours_ms};
use crate::vocab::Signal;

/// A validated profile with everything parsed that evaluation needs.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    pub profile: Arc<Profile>,
    pub tz: jiff::tz::TimeZone,
    office_days: [bool; 7],
    office_start_min: u16,
    office_end_min: u16,
    calendar: Calendar,
    /// The profile's own holidays, as local days since 1970-01-01, sorted.
    holidays: Vec<i64>,
    /// Expected activity channels (indexes into `Signal::CHANNELS`).
    pub expected_channels: [bool; 5],
    pub expects_checkin: bool,
    pub offline_after_ms: i64,
    /// The most an event may be dated ahead of the clock (`clock.max_ahead_h`), milliseconds:
    /// read for every event of a replay.
    pub max_ahead_ms: i64,
    /// The zone's offset after its last transition, and since when (Asia/Seoul: +09:00
    /// since 1988), so that local hours need no time-zone lookup on the hot path.
    fixed_offset: (i64, i64),
    /// Powers of the routine's learning rate, memoised for every person of these rules.
    pub decay: crate::routine::Decay,
    /// The household's consent to night and holiday monitoring (see [`Rules::route`]).
    pub night_consent: bool,
    /// Whether the person has a guardian an SOS is routed to as well (with `sos.guardian`).
    pub guardian: bool,
}

fn parse_hhmm(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

impl Rules {
    pub fn compile(p: &Profile) -> Result<Rules> {
        let err = |key: &str, reason: String| Error::profile(&p.name, key, reason);
        let tz = jiff::tz::TimeZone::get(&p.timezone)
            .map_err(|_| err("timezone", format!("unknown IANA time zone `{}`", clip(&p.timezone))))?;
        let s = &p.schedule;
        let start = parse_hhmm(&s.office_start)
            .ok_or_else(|| err("schedule.office_start", format!("expected HH:MM, got `{}`", clip(&s.office_start))))?;
        let end = parse_hhmm(&s.office_end)
            .ok_or_else(|| err("schedule.office_end", format!("expected HH:MM, got `{}`", clip(&s.office_end))))?;
        if start >= end {
            return Err(err("schedule", "office_start must be before office_end".into()));
        }
        let mut office_days = [false; 7];
        for d in &s.office_days {
            office_days[*d as usize] = true;
        }
        let mut holidays = Vec::with_capacity(s.holidays.len());
        for (i, h) in s.holidays.iter().enumerate() {
            let date: jiff::civil::Date = h
                .parse()
                .map_err(|_| err("schedule.holidays", format!("entry {i}: expected YYYY-MM-DD, got `{}`", clip(h))))?;
            holidays.push(day_index(date));
        }
        holidays.sort_unstable();
        holidays.dedup();
        let mut expected_channels = [false; 5];
        for sig in &p.signals {
            if let Some(i) = sig.channel_index() {
                expected_channels[i] = true;
            }
        }
        let fixed_offset = match tz.preceding(jiff::Timestamp::MAX).next() {
            Some(t) => (t.timestamp().as_millisecond(), i64::from(t.offset().seconds()) * 1000),
            None => (i64::MIN, i64::from(tz.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds()) * 1000),
        };
        Ok(Rules {
            fixed_offset,
            profile: Arc::new(p.clone()),
            tz,
            office_days,
            office_start_min: start,
            office_end_min: end,
            calendar: s.calendar,
            holidays,
            expected_channels,
            expects_checkin: p.signals.contains(&Signal::Checkin),
            offline_after_ms: hours_ms(p.device_offline.after_h),
            max_ahead_ms: hours_ms(p.clock.max_ahead_h),
            decay: crate::routine::Decay::new(p.routine.learning_rate),
            night_consent: true,
            guardian: false,
        })
    }

    /// The expected channels as bits by channel.
    #[inline]
    pub fn expected_mask(&self) -> u8 {
        self.expected_channels.iter().enumerate().fold(0, |m, (c, e)| m | (u8::from(*e) << c))
    }

    /// Rules for a person whose installed devices override the profile's expected signals.
    pub fn with_installed(&self, installed: &[Signal]) -> Rules {
        let mut r = self.clone();
        r.expected_channels = [false; 5];
        for sig in installed {
            if let Some(i) = sig.channel_index() {
                r.expected_channels[i] = true;
            }
        }
        r.expects_checkin = installed.contains(&Signal::Checkin);
        r
    }

    /// Rules for a household: its consent to night and holiday monitoring, and whether it
    /// has a guardian.
    pub fn with_household(mut self, night_consent: bool, guardian: bool) -> Rules {
        self.night_consent = night_consent;
        self.guardian = guardian;
        self
    }

    /// Local day index (days since 1970-01-01 local), hour of day and weekday (Monday = 0).
    pub fn local_parts(&self, ms: i64) -> (i64, usize, usize) {
        let local = self.local_ms(ms);
        let day = local.div_euclid(crate::time::DAY_MS);
        let hour = (local.div_euclid(HOUR_MS) % 24) as usize;
        (day, hour, weekday_of(day))
    }

    /// The local time of `ms` as milliseconds since 1970-01-01 local: the zone's offset added.
    fn local_ms(&self, ms: i64) -> i64 {
        let offset_ms = if ms >= self.fixed_offset.0 {
            self.fixed_offset.1
        } else {
            jiff::Timestamp::from_millisecond(ms).map(|t| i64::from(self.tz.to_offset(t).seconds()) * 1000).unwrap_or(0)
        };
        ms + offset_ms
    }

    /// When local day `day` (days since 1970-01-01 local) ends, in milliseconds since the Unix
    /// epoch: its local midnight at the end, less the zone's offset there.
    pub fn day_end_ms(&self, day: i64) -> i64 {
        let local = day.saturating_add(1).saturating_mul(crate::time::DAY_MS);
        // The offset at a time near it, then at the end itself (they differ only where the
        // clocks change within the day).
        let near = local - (self.local_ms(local) - local);
        local - (self.local_ms(near) - near)
    }

    /// Whether local day `day` (days since 1970-01-01) is a holiday: of the profile's
    /// calendar or of its own `schedule.holidays`.
    pub fn is_holiday(&self, day: i64) -> bool {
        self.holidays.binary_search(&day).is_ok() || self.calendar.is_holiday_day(day)
    }

    /// The routine bin of an hour of local day `day`: weekdays first, then weekend days
    /// (Saturdays, Sundays and holidays).
    fn day_bin(&self, day: i64, hour: usize) -> usize {
        let weekend = weekday_of(day) >= 5 || self.is_holiday(day);
        hour + if weekend { 24 } else { 0 }
    }

    /// The routine bin of a time: local hour, weekdays then weekend days (holidays count as
    /// weekend days).
    pub fn bin(&self, ms: i64) -> usize {
        let (day, hour, _) = self.local_parts(ms);
        self.day_bin(day, hour)
    }

    /// The bins of the hours starting at `start_ms`, `start_ms` + 1 h, and so on: each as
    /// [`Rules::bin`] gives it, counted on without a time-zone lookup once the zone's offset
    /// no longer changes.
    pub fn hour_bins(&self, start_ms: i64) -> HourBins<'_> {
        HourBins { rules: self, ms: start_ms, next: None, day: None }
    }

    /// Whether local day `day` (days since 1970-01-01) is a working day of the day office (an
    /// office day, not a holiday).
    fn working_day(&self, day: i64) -> bool {
        self.office_days[weekday_of(day)] && !self.is_holiday(day)
    }

    /// The local date and minute of the day of `at`.
    fn local_date_minute(&self, at: Timestamp) -> (jiff::civil::Date, u16) {
        let z = at.to_jiff().to_zoned(self.tz.clone());
        (z.date(), z.hour() as u16 * 60 + z.minute() as u16)
    }

    /// Whether the day office is open at `at`: office hours of a working day.
    pub fn office_open(&self, at: Timestamp) -> bool {
        let (day, in_hours) = self.office_hours(at);
        in_hours && self.working_day(day)
    }

    /// Whether `at` falls in the day office's hours of the day, on any day (a weekend or a
    /// holiday included): the day, as the service keeps it.
    pub fn daytime(&self, at: Timestamp) -> bool {
        self.office_hours(at).1
    }

    /// The local day of `at`, and whether its minute is in the office's hours.
    fn office_hours(&self, at: Timestamp) -> (i64, bool) {
        // The local day and minute, counted from the offset (as `local_parts`), without a
        // zoned date: this is asked at every assessment.
        let local = self.local_ms(at.as_millis());
        let day = local.div_euclid(crate::time::DAY_MS);
        let minute = local.rem_euclid(crate::time::DAY_MS) / crate::time::MINUTE_MS;
        (day, minute >= i64::from(self.office_start_min) && minute < i64::from(self.office_end_min))
    }

    /// Who responds at `at`: the day office in office hours on a working day, else the control
    /// center; but a household that did not consent to night and holiday monitoring is left
    /// to the day office unless the person asked (an SOS, what they said on a call: `asked`).
    pub fn route(&self, at: Timestamp, asked: bool) -> Responder {
        if self.office_open(at) || !(self.night_consent || asked) {
            Responder::DayOffice
        } else {
            Responder::ControlCenter
        }
    }

    /// Who responds at `at` when the person did not ask (see [`Rules::route`]).
    pub fn responder(&self, at: Timestamp) -> Responder {
        self.route(at, false)
    }

    /// Whether what is found at `at` waits for the day office: the household did not consent
    /// to night and holiday monitoring and the office is closed.
    pub fn waits_for_office(&self, at: Timestamp) -> bool {
        !self.night_consent && !self.office_open(at)
    }

    /// The day office's next opening after `at` (the start of office hours of the next
    /// working day, today's if it is still to come), within a year; `None` if the office has
    /// no working day in that year.
    pub fn next_opening(&self, at: Timestamp) -> Option<Timestamp> {
        let (mut date, minute) = self.local_date_minute(at);
        if minute >= self.office_start_min {
            date = date.tomorrow().ok()?;
        }
        for _ in 0..=366 {
            if self.working_day(day_index(date)) {
                let (h, m) = ((self.office_start_min / 60) as i8, (self.office_start_min % 60) as i8);
                let opening = date.at(h, m, 0, 0).to_zoned(self.tz.clone()).ok()?;
                return Timestamp::from_millis(opening.timestamp().as_millisecond()).ok();
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

/// The weekday of local day `day` (days since 1970-01-01), Monday = 0: 1970-01-01 was a
/// Thursday.
fn weekday_of(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// The bins of consecutive hours (see [`Rules::hour_bins`]).
pub(crate) struct HourBins<'a> {
    rules: &'a Rules,
    /// Start of the next hour.
    ms: i64,
    /// The next hour's local day and hour of the day, once the offset is fixed (counted on
    /// hour by hour).
    next: Option<(i64, usize)>,
    /// The last local day seen and its bin of midnight (0 or 24), so that holidays are
    /// looked up once a day.
    day: Option<(i64, usize)>,
}

impl Iterator for HourBins<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        let (day, hour) = match self.next {
            Some(next) => next,
            None if self.ms >= self.rules.fixed_offset.0 => {
                let (day, hour, _) = self.rules.local_parts(self.ms);
                (day, hour)
            }
            None => {
                let b = self.rules.bin(self.ms);
                self.ms = self.ms.saturating_add(HOUR_MS);
                return Some(b);
            }
        };
        self.next = Some(if hour + 1 < 24 { (day, hour + 1) } else { (day + 1, 0) });
        let midnight = match self.day {
            Some((d, midnight)) if d == day => midnight,
            _ => {
                let midnight = self.rules.day_bin(day, 0);
                self.day = Some((day, midnight));
                midnight
            }
        };
        Some(midnight + hour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_bins_count_on_as_bin_gives_them() {
        // Seoul (fixed since 1988), New York (clocks change twice a year), Kolkata (+05:30).
        for tz in ["Asia/Seoul", "America/New_York", "Asia/Kolkata"] {
            let mut p = Profile::builtin("full").unwrap();
            p.timezone = tz.to_string();
            let r = Rules::compile(&p).unwrap();
            // The last start: 2026-09-20 00:00 in Seoul, before 추석 (24 to 26 September).
            for start in [0, 567_993_600_000, 591_800_000_000, 1_709_960_400_000, 1_730_520_000_000, 1_789_830_000_000]
            {
                let start: i64 = start;
                let counted: Vec<usize> = r.hour_bins(start).take(24 * 15).collect();
                let direct: Vec<usize> = (0..24 * 15).map(|k| r.bin(start + k * HOUR_MS)).collect();
                assert_eq!(counted, direct, "{tz} from {start}");
            }
        }
    }

    #[test]
    fn a_local_day_ends_at_its_local_midnight() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap().as_millis();
        // Seoul, and New York on the days its clocks change (23 and 25 hours long).
        for (tz, day) in [
            ("Asia/Seoul", "2024-05-01T12:00:00+09:00"),
            ("America/New_York", "2024-03-10T12:00:00-04:00"),
            ("America/New_York", "2024-11-03T12:00:00-05:00"),
            ("Asia/Kolkata", "2024-05-01T12:00:00+05:30"),
        ] {
            let mut p = Profile::builtin("full").unwrap();
            p.timezone = tz.to_string();
            let r = Rules::compile(&p).unwrap();
            let d = r.local_parts(at(day)).0;
            let end = r.day_end_ms(d);
            assert_eq!((r.local_parts(end - 1).0, r.local_parts(end).0), (d, d + 1), "{tz} {day}");
            assert_eq!(r.local_parts(end).1, 0, "{tz} {day}");
        }
    }

    #[test]
    fn responder_follows_office_hours_weekends_and_holidays() {
        let mut p = Profile::builtin("full").unwrap();
        p.schedule.holidays = vec!["2024-05-06".into()];
        let r = Rules::compile(&p).unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        // Wednesday 2024-05-01, Seoul time.
        assert_eq!(r.responder(at("2024-05-01T09:00:00+09:00")), Responder::DayOffice);
        assert_eq!(r.responder(at("2024-05-01T17:59:00+09:00")), Responder::DayOffice);
        assert_eq!(r.responder(at("2024-05-01T18:00:00+09:00")), Responder::ControlCenter);
        assert_eq!(r.responder(at("2024-05-01T08:59:00+09:00")), Responder::ControlCenter);
        // The same instant in UTC is judged in the person's time zone.
        assert_eq!(r.responder(at("2024-05-01T01:00:00Z")), Responder::DayOffice);
        // Saturday, and a Monday holiday.
        assert_eq!(r.responder(at("2024-05-04T10:00:00+09:00")), Responder::ControlCenter);
        assert_eq!(r.responder(at("2024-05-06T10:00:00+09:00")), Responder::ControlCenter);
        assert_eq!(r.responder(at("2024-05-07T10:00:00+09:00")), Responder::DayOffice);
    }

    #[test]
    fn without_night_consent_the_day_office_responds_unless_the_person_asked() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let consented = Rules::compile(&Profile::builtin("full").unwrap()).unwrap();
        let not = consented.clone().with_household(false, false);
        // Wednesday 2024-05-01 in Seoul: 10:00 is office hours, 22:00 is not.
        let (day, night) = (at("2024-05-01T10:00:00+09:00"), at("2024-05-01T22:00:00+09:00"));
        assert_eq!((not.route(day, false), not.route(day, true)), (Responder::DayOffice, Responder::DayOffice));
        assert_eq!(not.route(night, false), Responder::DayOffice);
        assert_eq!(not.route(night, true), Responder::ControlCenter, "the person asked");
        assert_eq!(consented.route(night, false), Responder::ControlCenter);
        assert!(not.waits_for_office(night) && !not.waits_for_office(day) && !consented.waits_for_office(night));
    }

    #[test]
    fn the_next_opening_skips_nights_weekends_and_holidays() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let r = Rules::compile(&Profile::builtin("full").unwrap()).unwrap();
        let next = |s: &str| r.next_opening(at(s)).unwrap();
        // Before 09:00 on a working day: that morning; from 09:00 on: the next working day's.
        assert_eq!(next("2024-05-01T07:30:00+09:00"), at("2024-05-01T09:00:00+09:00"));
        assert_eq!(next("2024-05-01T09:00:00+09:00"), at("2024-05-02T09:00:00+09:00"));
        assert_eq!(next("2024-05-01T22:00:00+09:00"), at("2024-05-02T09:00:00+09:00"));
        // Friday evening 3 May 2024: Saturday, Sunday (어린이날) and Monday (its substitute
        // day) are not working days.
        assert_eq!(next("2024-05-03T18:00:00+09:00"), at("2024-05-07T09:00:00+09:00"));
        // An office with no working day never opens.
        let mut p = Profile::builtin("full").unwrap();
        p.schedule.office_days.clear();
        assert_eq!(Rules::compile(&p).unwrap().next_opening(at("2024-05-01T22:00:00+09:00")), None);
    }

    #[test]
    fn the_calendar_routes_holidays_to_the_control_center() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let kr = Rules::compile(&Profile::builtin("full").unwrap()).unwrap();
        let mut p = Profile::builtin("full").unwrap();
        p.schedule.calendar = Calendar::None;
        let none = Rules::compile(&p).unwrap();
        // 추석 2026: Friday 25 September, 10:00 in Seoul.
        let chuseok = at("2026-09-25T10:00:00+09:00");
        assert_eq!(kr.responder(chuseok), Responder::ControlCenter);
        assert_eq!(none.responder(chuseok), Responder::DayOffice);
        // Substitute days: 추석 2025 began on a Sunday (Wednesday 8 October), 개천절 2026
        // falls on a Saturday (Monday 5 October).
        for day in ["2025-10-08", "2026-10-05"] {
            let t = at(&format!("{day}T10:00:00+09:00"));
            assert_eq!(kr.responder(t), Responder::ControlCenter, "{day}");
            assert_eq!(none.responder(t), Responder::DayOffice, "{day}");
        }
        // The working day after: the day office again.
        assert_eq!(kr.responder(at("2025-10-10T10:00:00+09:00")), Responder::DayOffice);
        // The profile's own holidays add to the calendar's.
        p.schedule.calendar = Calendar::Kr;
        p.schedule.holidays = vec!["2026-06-03".into()];
        let local_election = Rules::compile(&p).unwrap();
        assert_eq!(local_election.responder(at("2026-06-03T10:00:00+09:00")), Responder::ControlCenter);
        assert_eq!(local_election.responder(chuseok), Responder::ControlCenter);
        assert_eq!(kr.responder(at("2026-06-03T10:00:00+09:00")), Responder::DayOffice);
    }

    #[test]
    fn holidays_are_binned_as_weekend_days() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap().as_millis();
        let kr = Rules::compile(&Profile::builtin("full").unwrap()).unwrap();
        let mut p = Profile::builtin("full").unwrap();
        p.schedule.calendar = Calendar::None;
        let none = Rules::compile(&p).unwrap();
        // Friday 25 September 2026 (추석), 10:00 and 23:00 local: weekend bins with the calendar.
        assert_eq!(kr.bin(at("2026-09-25T10:00:00+09:00")), 24 + 10);
        assert_eq!(none.bin(at("2026-09-25T10:00:00+09:00")), 10);
        assert_eq!(kr.bin(at("2026-09-25T23:00:00+09:00")), 24 + 23);
        // The Monday after is a working day; a Sunday is a weekend day either way.
        assert_eq!(kr.bin(at("2026-09-28T10:00:00+09:00")), 10);
        assert_eq!(none.bin(at("2026-09-27T10:00:00+09:00")), 24 + 10);
        // Counted on through the holidays as bin gives them.
        let start = at("2026-09-23T00:00:00+09:00");
        let bins: Vec<usize> = kr.hour_bins(start).take(24 * 6).collect();
        let weekend_days: Vec<bool> = bins.chunks(24).map(|d| d[0] == 24).collect();
        // Wednesday 23, 추석 24 to 26 (Thursday to Saturday), Sunday 27, Monday 28.
        assert_eq!(weekend_days, [false, true, true, true, true, false]);
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("9:30"), None);
        assert_eq!(parse_hhmm("09:60"), None);
    }
}
