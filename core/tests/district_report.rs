//! The per-district period report (issue 16, item 4) on a scripted month: every count is
//! known by construction from the script below, not from the implementation.

use anbu::By;
use anbu::report::{DistrictRow, Period, REPORT_FIELDS, district_report, write_district_report_csv};
use anbu::{
    Action, Assessment, CheckinBy, CheckinOutcome, ErrorKind, Event, EventKind, Finding, FoundBy, Level, Person,
    Responder, Timestamp,
};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// May 2024 in Seoul.
fn may() -> Period {
    Period::new(t("2024-05-01T00:00:00+09:00"), t("2024-06-01T00:00:00+09:00")).unwrap()
}

/// Gangbuk: p-1, p-2, p-3; Nowon: p-4; no district: p-5.
fn persons() -> Vec<Person> {
    let p = |id: &str, district: &str| Person::new(id, "full").unwrap().with_district(district).unwrap();
    vec![p("p-1", "gangbuk"), p("p-2", "gangbuk"), p("p-3", "gangbuk"), p("p-4", "nowon"), p("p-5", "")]
}

/// An automatic check-in call.
fn call(person: &str, ts: &str, outcome: CheckinOutcome) -> Event {
    called(person, ts, outcome, CheckinBy::Auto)
}

fn called(person: &str, ts: &str, outcome: CheckinOutcome, by: CheckinBy) -> Event {
    Event::new(person, t(ts), Some("checkin"), EventKind::checkin(outcome).with_by(By::from(by))).unwrap()
}

fn found(person: &str, ts: &str, finding: Finding, by: Option<FoundBy>) -> Event {
    Event::new(person, t(ts), Some("visit"), EventKind::disposition(finding).with_by(by.map(By::from))).unwrap()
}

fn noise(person: &str, ts: &str) -> Event {
    Event::new(person, t(ts), Some("door"), EventKind::door(anbu::DoorState::Open)).unwrap()
}

fn assessed(person: &str, at: &str, level: Level) -> Assessment {
    Assessment {
        person: person.into(),
        at: t(at),
        score: 0.0,
        level,
        action: Action::None,
        responder: Responder::DayOffice,
        reasons: Vec::new(),
        visit: None,
        call: None,
    }
}

/// The month's script. In May: automatic calls p-1 x3, p-2 x1, p-4 x2, p-5 x1 (gangbuk 4,
/// nowon 2, none 1); a staff call to p-2 and a text p-1 answered (gangbuk); dispositions p-1
/// fine by a staff visit, p-3 emergency by 119 (gangbuk), p-4 fine by a call (no visit) and
/// away by the police (nowon). Outside May (not counted): a call to p-1 on 30 April, a call to
/// p-2 at 1 June 00:00 (the end is excluded), p-3 found `hospital` by a visit in June. Door
/// events count for nothing.
fn events() -> Vec<Event> {
    vec![
        call("p-1", "2024-04-30T23:59:00+09:00", CheckinOutcome::Missed),
        call("p-1", "2024-05-01T00:00:00+09:00", CheckinOutcome::Answered),
        call("p-1", "2024-05-10T10:00:00+09:00", CheckinOutcome::Missed),
        call("p-1", "2024-05-10T11:00:00+09:00", CheckinOutcome::Concern),
        found("p-1", "2024-05-10T15:00:00+09:00", Finding::Fine, Some(FoundBy::Visit)),
        called("p-1", "2024-05-11T15:00:00+09:00", CheckinOutcome::SmsReply, CheckinBy::Staff),
        call("p-2", "2024-05-20T10:00:00+09:00", CheckinOutcome::Answered),
        called("p-2", "2024-05-20T11:00:00+09:00", CheckinOutcome::Answered, CheckinBy::Staff),
        call("p-2", "2024-06-01T00:00:00+09:00", CheckinOutcome::Answered),
        found("p-3", "2024-05-25T09:00:00+09:00", Finding::Emergency, Some(FoundBy::Rescue)),
        found("p-3", "2024-06-02T09:00:00+09:00", Finding::Hospital, Some(FoundBy::Visit)),
        call("p-4", "2024-05-02T10:00:00+09:00", CheckinOutcome::Missed),
        call("p-4", "2024-05-03T10:00:00+09:00", CheckinOutcome::Missed),
        found("p-4", "2024-05-03T15:00:00+09:00", Finding::Fine, Some(FoundBy::Call)),
        found("p-4", "2024-05-04T15:00:00+09:00", Finding::Away, Some(FoundBy::Police)),
        call("p-5", "2024-05-31T23:59:59+09:00", CheckinOutcome::Answered),
        noise("p-2", "2024-05-05T10:00:00+09:00"),
    ]
}

/// Risk signals (warning or above, in May): p-1 twice (one household), p-3, p-5. Not: p-2 at
/// watch, p-4 critical in April only.
fn assessments() -> Vec<Assessment> {
    vec![
        assessed("p-1", "2024-05-10T10:00:00+09:00", Level::Warning),
        assessed("p-1", "2024-05-10T11:00:00+09:00", Level::Critical),
        assessed("p-2", "2024-05-20T09:00:00+09:00", Level::Watch),
        assessed("p-3", "2024-05-25T08:00:00+09:00", Level::Critical),
        assessed("p-4", "2024-04-30T10:00:00+09:00", Level::Critical),
        assessed("p-4", "2024-05-30T10:00:00+09:00", Level::Normal),
        assessed("p-5", "2024-05-31T23:00:00+09:00", Level::Warning),
    ]
}

fn expected() -> Vec<DistrictRow> {
    let row = |district: Option<&str>| DistrictRow { district: district.map(str::to_string), ..DistrictRow::default() };
    vec![
        DistrictRow {
            households: 3,
            risk_households: 2,
            auto_calls: 4,
            staff_calls: 1,
            texts: 1,
            visits_staff: 1,
            visits_119: 1,
            found_fine: 1,
            found_emergency: 1,
            ..row(Some("gangbuk"))
        },
        DistrictRow {
            households: 1,
            auto_calls: 2,
            visits_police: 1,
            found_fine: 1,
            found_away: 1,
            ..row(Some("nowon"))
        },
        DistrictRow { households: 1, risk_households: 1, auto_calls: 1, ..row(None) },
    ]
}

#[test]
fn a_scripted_month_per_district() {
    let report = district_report(may(), &persons(), &events(), &assessments()).unwrap();
    assert_eq!(report.rows, expected());
    let total = report.total();
    assert_eq!((total.district, total.households, total.auto_calls, total.found_fine), (None, 5, 7, 2));
}

#[test]
fn the_order_of_the_inputs_does_not_matter() {
    let (mut events, mut rows) = (events(), assessments());
    events.reverse();
    rows.reverse();
    let mut persons = persons();
    persons.reverse();
    assert_eq!(district_report(may(), &persons, &events, &rows).unwrap().rows, expected());
}

#[test]
fn written_as_csv_and_as_a_markdown_table() {
    let report = district_report(may(), &persons(), &events(), &assessments()).unwrap();
    let mut out = Vec::new();
    write_district_report_csv(&mut out, &report.rows).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], REPORT_FIELDS.join(","));
    assert_eq!(lines[1], "gangbuk,3,2,4,1,1,1,0,1,1,0,0,0,1,0,0");
    assert_eq!(lines[3], ",1,1,1,0,0,0,0,0,0,0,0,0,0,0,0", "no district: an empty cell");
    let table = report.to_string();
    assert!(table.contains("| nowon | 1 | 0 | 2 |"), "{table}");
    assert!(table.contains("| (no district) | 1 | 1 | 1 |"), "{table}");
    assert!(table.contains("| all | 5 | 3 | 7 |"), "{table}");
}

#[test]
fn unknown_and_repeated_persons_are_errors() {
    let mut events = events();
    events.push(call("p-9", "2024-05-02T10:00:00+09:00", CheckinOutcome::Missed));
    let err = district_report(may(), &persons(), &events, &assessments()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownPerson);
    let mut rows = assessments();
    rows.push(assessed("p-9", "2024-05-02T10:00:00+09:00", Level::Warning));
    assert_eq!(district_report(may(), &persons(), &[], &rows).unwrap_err().kind(), ErrorKind::UnknownPerson);
    let mut twice = persons();
    twice.push(Person::new("p-1", "full").unwrap());
    let err = district_report(may(), &twice, &[], &[]).unwrap_err().to_string();
    assert!(err.contains("`p-1` is listed twice"), "{err}");
}
