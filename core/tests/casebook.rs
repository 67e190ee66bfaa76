//! The smart-care casebook's twelve field cases (issue 16), each written out hour by hour and
//! ending where the field acted: the level, action and responder anbu gives there, and who
//! it routes to. [`CASEBOOK`] is the one list of them; the README's casebook table is checked
//! against it, row by row.
//!
//! Day 0 is Wednesday 1 May 2024 (Seoul); Sunday 5 and Monday 6 May are public holidays.

use crate::common;

use anbu::{Action, Assessment, CheckinOutcome, ConcernCategory, EventKind, Level, ReasonKind, Responder, VisitKind};
use common::{Home, first_at_or_above, person};

/// One field case: its test, what anbu gives where the field acted (a `dispatch` names its
/// kind of visit), and a phrase the deciding reason must hold (the route, or what is wrong).
struct Case {
    test: &'static str,
    level: Level,
    action: Action,
    visit: Option<VisitKind>,
    responder: Responder,
    says: &'static str,
}

const fn case(test: &'static str, level: Level, action: Action, responder: Responder, says: &'static str) -> Case {
    let visit = match action {
        Action::Dispatch => Some(VisitKind::Visit),
        _ => None,
    };
    Case { test, level, action, visit, responder, says }
}

/// A `dispatch` case whose visit is not a staff visit.
const fn sent(kind: VisitKind, c: Case) -> Case {
    Case { visit: Some(kind), ..c }
}

/// The twelve cases, in the README's order.
const CASEBOOK: [Case; 12] = [
    case("medical_bills", Level::Warning, Action::Notify, Responder::DayOffice, "a call-back by the caseworker"),
    case(
        "care_after_a_hospital_stay",
        Level::Warning,
        Action::Notify,
        Responder::DayOffice,
        "a call-back by the caseworker",
    ),
    case(
        "heating_in_a_cold_snap",
        Level::Warning,
        Action::Notify,
        Responder::DayOffice,
        "a call-back by the caseworker",
    ),
    case(
        "counselling_for_drinking",
        Level::Warning,
        Action::Notify,
        Responder::DayOffice,
        "a call-back by the caseworker",
    ),
    sent(
        VisitKind::Police,
        case(
            "threat_from_an_ex_spouse",
            Level::Critical,
            Action::Dispatch,
            Responder::ControlCenter,
            "the police (112)",
        ),
    ),
    sent(
        VisitKind::Ambulance,
        case("pain", Level::Critical, Action::Dispatch, Responder::ControlCenter, "119 (ambulance)"),
    ),
    case("tv_left_on_day_and_night", Level::Normal, Action::None, Responder::DayOffice, ""),
    case(
        "frail_man_who_could_not_switch_the_tv_off",
        Level::Critical,
        Action::Dispatch,
        Responder::ControlCenter,
        "missed",
    ),
    case("phone_kept_on_silent", Level::Normal, Action::None, Responder::DayOffice, ""),
    case("prepaid_phone_without_credit", Level::Normal, Action::None, Responder::DayOffice, ""),
    case("plug_pulled_out_of_the_wall", Level::Watch, Action::CheckinCall, Responder::DayOffice, "safety floor"),
    case("ten_days_without_eating", Level::Critical, Action::Dispatch, Responder::DayOffice, "missed"),
];

/// Holds the case's assessment where the field acted to [`CASEBOOK`].
fn check(test: &str, a: &Assessment) {
    let c = CASEBOOK.iter().find(|c| c.test == test).expect("the case is in CASEBOOK");
    assert_eq!((a.level, a.action, a.visit, a.responder), (c.level, c.action, c.visit, c.responder), "{test}: {a:#?}");
    if !c.says.is_empty() {
        assert!(a.reasons.iter().any(|r| r.detail.contains(c.says)), "{test}: no reason says {:?}: {a:#?}", c.says);
    }
}

/// The first assessment that sends someone, after the ladder's rung before it: the caseworker
/// (or the control center) was asked to call or text (`notify`) at least
/// `escalation.caseworker_h` (an hour) before anyone is sent, and every assessment since asked
/// for them.
fn sent_after_the_caseworker(rows: &[Assessment]) -> &Assessment {
    let sent = rows.iter().position(|a| a.action == Action::Dispatch).expect("someone is sent");
    let asked = rows[..sent].iter().rposition(|a| a.action < Action::Notify).map_or(0, |i| i + 1);
    assert!(asked < sent, "the caseworker's rung first: {:#?}", rows[sent]);
    assert_eq!(rows[asked].action, Action::Notify, "the caseworker's rung first: {:#?}", rows[asked]);
    let waited = rows[sent].at.millis_since(rows[asked].at);
    assert!(waited >= anbu::HOUR_MS, "sent {} h after the caseworker was asked", waited as f64 / 3.6e6);
    &rows[sent]
}

/// Ordinary days `0..days`, then a check-in call on `day` at `hour` in which the person
/// said something of `category`; assessed an hour later.
fn said(category: ConcernCategory, day: u32, hour: f64) -> Assessment {
    let mut home = Home::new("p");
    for d in 0..=day {
        home.ordinary_day(d, true, true);
    }
    let t = f64::from(day) * 24.0 + hour;
    home.push(t, "checkin", EventKind::checkin(CheckinOutcome::Concern).with_category(category));
    let at = (t + 1.0).floor() as u32;
    home.hourly(person("full"), at - 1, at).pop().unwrap()
}

// --- What people said on the automatic call -------------------------------------------------

#[test]
fn medical_bills() {
    // Thursday 14:00: she asks for help with the bills of her treatment.
    check("medical_bills", &said(ConcernCategory::WelfareRequest, 1, 14.0));
}

#[test]
fn care_after_a_hospital_stay() {
    // Thursday 10:00: back from hospital, he asks for care at home.
    check("care_after_a_hospital_stay", &said(ConcernCategory::WelfareRequest, 1, 10.0));
}

#[test]
fn heating_in_a_cold_snap() {
    // Friday 09:30: the room is cold; the caseworker brings a heating tent.
    check("heating_in_a_cold_snap", &said(ConcernCategory::Cold, 2, 9.5));
}

#[test]
fn counselling_for_drinking() {
    // Tuesday 15:00 (after the holidays): he asks for help with his drinking.
    check("counselling_for_drinking", &said(ConcernCategory::WelfareRequest, 6, 15.0));
}

#[test]
fn threat_from_an_ex_spouse() {
    // Saturday 20:00: she says her ex-husband threatens her.
    check("threat_from_an_ex_spouse", &said(ConcernCategory::Threat, 3, 20.0));
}

#[test]
fn pain() {
    // Friday 22:00: he says he is in pain and cannot get up.
    check("pain", &said(ConcernCategory::Pain, 2, 22.0));
}

// --- What the devices saw --------------------------------------------------------------------

#[test]
fn tv_left_on_day_and_night() {
    // Five ordinary days with a TV that is never switched off: the plug service alerts after
    // 24 h unchanged; with the door and the phone, anbu sees the person live.
    let home = common::tv_never_switched_off(5);
    let rows = home.hourly(person("call_iot"), 1, 119);
    assert!(rows.iter().all(|a| a.level <= Level::Watch), "{:?}", first_at_or_above(&rows, Level::Warning));
    // Thursday 14:00, when the TV has not changed for 38 h.
    check("tv_left_on_day_and_night", rows.iter().find(|a| a.at == home.ts(38.0)).unwrap());
}

#[test]
fn frail_man_who_could_not_switch_the_tv_off() {
    // Ten days with the TV on day and night, then he collapses on day 10 (Saturday 11 May)
    // at 10:00: the TV stays on, the phone counts no steps, the calls at 22:00 and midnight
    // go unanswered.
    let (home, collapse) = common::tv_on_collapse(&[12.0, 14.0]);
    let rows = home.hourly(person("full"), 10 * 24, 13 * 24 - 1);
    let sent = sent_after_the_caseworker(&rows);
    assert!(sent.at <= home.ts(collapse + 24.0), "found only at {}", sent.at);
    check("frail_man_who_could_not_switch_the_tv_off", sent);
}

#[test]
fn phone_kept_on_silent() {
    // A week in which every automatic call and every incoming call goes unanswered, while
    // she moves about the house and out.
    let home = common::phone_on_silent(7);
    let rows = home.hourly(person("full"), 1, 167);
    assert!(rows.iter().all(|a| a.action == Action::None), "{:?}", rows.iter().find(|a| a.action != Action::None));
    // Tuesday 7 May, 16:00.
    check("phone_kept_on_silent", rows.iter().find(|a| a.at == home.ts(6.0 * 24.0 + 16.0)).unwrap());
}

#[test]
fn prepaid_phone_without_credit() {
    // Three weeks without an outgoing call; a friend's calls get through every other day.
    let home = common::prepaid_without_credit(21);
    let rows = home.hourly(person("call_app"), 1, 503);
    assert!(rows.iter().all(|a| a.level <= Level::Watch), "{:?}", first_at_or_above(&rows, Level::Warning));
    // Tuesday 21 May, 14:00.
    check("prepaid_phone_without_credit", rows.iter().find(|a| a.at == home.ts(20.0 * 24.0 + 14.0)).unwrap());
}

#[test]
fn plug_pulled_out_of_the_wall() {
    // A plug-only household whose plug is pulled out on Thursday at 13:00: no more readings,
    // and nothing else to see the person by. The plug service alerts after 24 h without a
    // change; anbu asks for the automatic call two hours before it would, and names the fault.
    let home = common::plug_pulled(2, 37.0);
    let rows = home.hourly(person("plug_only"), 38, 71);
    let asked = rows.iter().find(|a| a.action == Action::CheckinCall).expect("a call is asked for");
    assert!(asked.at <= home.ts(59.0), "asked only at {}", asked.at);
    assert!(asked.reasons.iter().any(|r| r.kind == ReasonKind::DeviceOffline), "{asked:?}");
    check("plug_pulled_out_of_the_wall", asked);
}

#[test]
fn ten_days_without_eating() {
    // Four ordinary days, then ten of fading activity (fewer steps, the TV shorter, no more
    // going out), then on day 14 (Wednesday 15 May, Buddha's birthday) he collapses at 07:00.
    let (home, collapse) = common::ten_day_decline_then_collapse();
    let rows = home.hourly(person("full"), 1, 17 * 24 - 1);
    // He answers the daily automatic call through his fade; before he collapses, the
    // caseworker is asked to call or visit (in office hours), at `watch`, not as an alert.
    let look = rows
        .iter()
        .filter(|a| a.at < home.ts(collapse))
        .find(|a| a.action == Action::Notify)
        .expect("the caseworker is asked during the fade");
    assert_eq!((look.level, look.responder), (Level::Watch, Responder::DayOffice), "{look:?}");
    assert!(look.reasons.iter().any(|r| r.kind == ReasonKind::Decline && r.detail.contains("caseworker")), "{look:?}");
    assert!(look.at <= home.ts(collapse - 12.0), "asked only at {}", look.at);
    assert!(rows.iter().filter(|a| a.at < home.ts(collapse)).all(|a| a.level < Level::Warning), "no alert");
    let after: Vec<Assessment> = rows.into_iter().filter(|a| a.at > home.ts(collapse)).collect();
    let sent = sent_after_the_caseworker(&after);
    assert!(sent.at <= home.ts(collapse + 30.0), "found only at {}", sent.at);
    check("ten_days_without_eating", sent);
}

// --- The list ---------------------------------------------------------------------------------

#[test]
fn every_case_has_its_test_and_the_readme_lists_them_as_they_are() {
    let source = include_str!("casebook.rs");
    let readme = include_str!("../../README.md");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| # | field case |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), CASEBOOK.len(), "the README's casebook table has a row per case");
    for (i, (c, row)) in CASEBOOK.iter().zip(&rows).enumerate() {
        assert!(source.contains(&format!("fn {}()", c.test)), "{} has a test", c.test);
        let cells = [row[0], row[2], row[3], row[4], row[5], row[6]];
        let want = [
            (i + 1).to_string(),
            format!("`{}`", c.test),
            format!("`{}`", c.level),
            format!("`{}`", c.action),
            c.visit.map_or(String::new(), |v| format!("`{v}`")),
            format!("`{}`", c.responder),
        ];
        assert_eq!(cells.map(str::to_string), want, "README casebook row {}", i + 1);
    }
}
