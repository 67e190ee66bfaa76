//! Consent to night and holiday monitoring, and the guardian (issue 16, items 2 and 4): a
//! household that did not consent is left to the day office outside its hours (the level is
//! kept, the action waits for the office's next opening), except what the person asked for
//! (an SOS, what they said on a call); an SOS is routed to the guardian as well where the
//! profile says so.

use crate::common;

use std::sync::Mutex;

use anbu::{
    Action, Assessment, CheckinOutcome, ConcernCategory, EventKind, Level, Person, Profile, ReasonKind, Responder,
};
use common::Home;

/// Three ordinary days from Wednesday 1 May 2024 (Seoul), then silence from Friday night
/// through the long weekend (Saturday, 어린이날 on Sunday, its substitute day on Monday).
fn long_weekend() -> Home {
    let mut home = Home::new("p");
    for d in 0..3 {
        home.ordinary_day(d, true, true);
    }
    home
}

fn household(consent: bool) -> Person {
    Person::new("p", "full").unwrap().with_night_consent(consent)
}

/// The reason that says the action waits for the day office, if any.
fn waits(a: &Assessment) -> Option<&str> {
    a.reasons.iter().find(|r| r.detail.starts_with("no consent to night")).map(|r| r.detail.as_str())
}

/// Whether the day office is open `hour` hours after Wednesday 1 May 2024 00:00 (Seoul):
/// 09:00 to 18:00, Monday to Friday, not on 5 and 6 May (day 4 and day 5).
fn office_open(hour: f64) -> bool {
    let day = (hour / 24.0).floor() as i64;
    let weekday = (day + 2) % 7; // Monday = 0; day 0 is a Wednesday
    let hod = hour - day as f64 * 24.0;
    weekday < 5 && day != 4 && day != 5 && (9.0..18.0).contains(&hod)
}

#[test]
fn without_consent_the_level_is_kept_and_the_action_waits_for_the_office() {
    let home = long_weekend();
    let (from, to) = (2 * 24, 6 * 24 + 12);
    let yes = home.hourly(household(true), from, to);
    let no = home.hourly(household(false), from, to);
    let mut waited = 0;
    for (h, (a, b)) in (from..=to).zip(yes.iter().zip(&no)) {
        let hour = f64::from(h);
        assert_eq!((a.score, a.level, a.action), (b.score, b.level, b.action), "hour {hour}");
        assert_eq!(b.responder, Responder::DayOffice, "hour {hour}: nobody asked");
        assert!(waits(a).is_none(), "hour {hour}: consented");
        assert_eq!(
            a.responder,
            if office_open(hour) { Responder::DayOffice } else { Responder::ControlCenter },
            "hour {hour}"
        );
        match waits(b) {
            Some(detail) => {
                assert!(!office_open(hour) && b.action != Action::None, "hour {hour}: {detail}");
                // From Friday 18:00, the next opening is Tuesday 7 May, 09:00.
                let opening = if hour >= 2.0 * 24.0 + 18.0 { "2024-05-07 09:00" } else { "2024-05-03 09:00" };
                assert!(detail.ends_with(&format!("waits for the day office's next opening, {opening}")), "{detail}");
                assert!(detail.contains(&b.action.to_string()), "{detail}");
                waited += 1;
            }
            None => assert!(office_open(hour) || b.action == Action::None, "hour {hour}: {b:?}"),
        }
    }
    assert!(waited > 0, "the weekend's silence asked for an action outside office hours");
    assert!(no.iter().any(|b| b.level >= Level::Warning), "the silence is still seen");
}

#[test]
fn an_sos_or_what_the_person_said_goes_to_the_control_center_at_once() {
    let sat_2am = 3.0 * 24.0 + 2.0;
    assert!(!office_open(sat_2am));
    for kind in
        [EventKind::sos(), EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::WelfareRequest)]
    {
        let mut home = long_weekend();
        home.push(sat_2am, "sos-button", kind.clone());
        let rows = home.hourly(household(false), 3 * 24 + 3, 3 * 24 + 3);
        let a = &rows[0];
        assert_eq!(a.responder, Responder::ControlCenter, "{kind:?}: {a:?}");
        assert!(a.action != Action::None && waits(a).is_none(), "{kind:?}: {a:?}");
    }
}

#[test]
fn an_sos_is_routed_to_the_guardian_where_the_profile_says_so() {
    let mut home = long_weekend();
    home.push(3.0 * 24.0 + 2.0, "sos-button", EventKind::sos());
    let guardian = Profile::from_json(r#"{"name":"full_guardian","extends":"full","sos":{"guardian":true}}"#).unwrap();
    let sos = |profile: &str, guardian_id: &str| {
        let person = Person::new("p", profile).unwrap().with_guardian(guardian_id).unwrap();
        let profiles = (profile != "full").then(|| guardian.clone());
        let rows = home.hourly_with(profiles, person, 3 * 24 + 3, 3 * 24 + 3);
        let a = rows[0].clone();
        assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch), "{a:?}");
        a.reasons.into_iter().find(|r| r.kind == ReasonKind::Sos).unwrap().detail
    };
    assert!(sos("full_guardian", "g-7").ends_with("; routed to the guardian as well"));
    assert!(!sos("full_guardian", "").contains("guardian"), "no guardian");
    assert!(!sos("full", "g-7").contains("guardian"), "the profile does not route to guardians");
}

#[test]
fn the_closed_loop_calls_a_household_without_consent_only_while_the_office_is_open() {
    // Two ordinary days, then the phone and the home fall silent from Thursday night; a hub's
    // heartbeat (no sign of life) on Tuesday noon: the replay runs to it. Every call placed
    // is answered, so the silence starts again after each and asks for the next call later.
    let mut home = Home::new("p");
    for d in 0..2 {
        home.ordinary_day(d, true, true);
    }
    home.push(6.0 * 24.0 + 12.0, "hub", EventKind::heartbeat());
    let calls = |consent: bool| {
        let hours = Mutex::new(Vec::new());
        let answer = |hour: f64| {
            hours.lock().unwrap().push(hour);
            Some(CheckinOutcome::Answered)
        };
        home.closed_loop(household(consent), None, &answer);
        hours.into_inner().unwrap()
    };
    // A call is placed 5 minutes after the assessment that asks for it.
    let asked_at = |hour: &f64| hour - 5.0 / 60.0;
    let yes = calls(true);
    assert!(yes.iter().any(|h| !office_open(asked_at(h))), "consented: calls at night too ({yes:?})");
    let no = calls(false);
    assert!(!no.is_empty(), "the office calls once it opens");
    assert!(no.iter().all(|h| office_open(asked_at(h))), "{no:?}");
}
