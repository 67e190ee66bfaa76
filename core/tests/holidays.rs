//! Korean public holidays, end to end: who responds on 추석, and a routine that learned how
//! a person spends holidays.

use crate::common;

use anbu::{Calendar, Engine, Level, Person, Responder};
use common::{Home, person, without_calendar};

/// Who responds to `profile`'s person at `at` (an engine's assessment).
fn responder(profile: Option<anbu::Profile>, name: &str, at: &str) -> Responder {
    let mut engine = Engine::new();
    if let Some(p) = profile {
        engine.add_profile(p).unwrap();
    }
    engine.add_person(Person::new("p", name).unwrap()).unwrap();
    engine.assess("p", at.parse().unwrap()).unwrap().responder
}

#[test]
fn on_chuseok_the_control_center_responds() {
    // Friday 25 September 2026, 10:00 in Seoul: 추석, office hours of an ordinary Friday.
    let chuseok = "2026-09-25T10:00:00+09:00";
    assert_eq!(responder(None, "full", chuseok), Responder::ControlCenter);
    assert_eq!(responder(Some(without_calendar("full")), "full_no_calendar", chuseok), Responder::DayOffice);
    // A substitute day: 개천절 2026 falls on a Saturday, so Monday 5 October is off.
    assert_eq!(responder(None, "call_only", "2026-10-05T14:00:00+09:00"), Responder::ControlCenter);
    assert_eq!(responder(None, "call_only", "2026-10-06T14:00:00+09:00"), Responder::DayOffice);
}

/// A woman who is up at 06:00 on working days and walks to the senior centre from 08:00 to
/// noon, and sleeps until 11:00 at weekends and on holidays (and on day `lie_in`); day 0 is
/// Wednesday 1 May 2024.
fn centre_goer(days: u32, lie_in: u32) -> Home {
    let mut home = Home::new("p");
    let first: jiff::civil::Date = "2024-05-01".parse().unwrap();
    for d in 0..days {
        let date = first.checked_add(jiff::Span::new().days(i64::from(d))).unwrap();
        let off = matches!(date.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday)
            || Calendar::Kr.is_holiday(date)
            || d == lie_in;
        let wake = if off { 11 } else { 6 };
        let b = f64::from(d) * 24.0;
        for h in 0..24 {
            let steps = match h {
                _ if h < wake || h == 23 => 0,
                8..12 if !off => 1200,
                _ => 150,
            };
            home.steps(b + f64::from(h) + 0.99, steps);
        }
        home.unlock(b + f64::from(wake) + 0.2);
        home.unlock(b + 19.5);
        home.call(b + 20.0, anbu::Direction::Out, true);
    }
    home
}

#[test]
fn the_routine_learns_holidays_as_weekend_days() {
    // Five weeks, to 현충일 (Thursday 6 June, day 36), which she sleeps through as she slept
    // through 6 May (a substitute day) and 15 May (부처님오신날).
    let home = centre_goer(37, 36);
    let from = 36 * 24 + 7;
    let kr = home.hourly(person("call_app"), from, from + 3);
    let none = home.hourly_with(Some(without_calendar("call_app")), person("call_app_no_calendar"), from, from + 3);
    // With the calendar, her holiday morning is a weekend morning: nothing to see.
    assert!(kr.iter().all(|a| a.level == Level::Normal && a.score < 5.0), "{kr:?}");
    // Without it, a working-day morning without her walk: a check-in call by 09:00.
    let call = none.iter().find(|a| a.level >= Level::Watch).expect("watch without the calendar");
    assert!(call.at <= home.ts(36.0 * 24.0 + 9.0), "{}", call.at);

    // Sleeping in on an ordinary Friday (7 June) is still unusual with the calendar.
    let home = centre_goer(38, 37);
    let friday = home.hourly(person("call_app"), 37 * 24 + 7, 37 * 24 + 10);
    assert!(friday.iter().any(|a| a.level >= Level::Watch), "{friday:?}");
}
