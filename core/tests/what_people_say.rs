//! What people say on automatic check-in calls (issue 16, item 1): a `concern` may carry a
//! category, and the profile routes each category to a level, an action and a route, as the
//! smart-care casebook's field cases were handled. Also the persons' `devices` column with
//! every signal name of the spec (item 8).

use crate::common;

use anbu::{
    Action, Assessment, CheckinOutcome, ConcernCategory, Engine, EventKind, Format, Level, Person, Profile,
    ReadOptions, ReasonKind, ReplayOptions, VisitKind, read_events_from, replay,
};
use common::{Home, person};

/// Four ordinary days, then on day 4 at 14:00 a check-in call that ends in `concern` with
/// `category`; assessed at 15:00 (`full` profile).
fn said(category: Option<ConcernCategory>) -> Assessment {
    said_all(&[category])
}

/// As [`said`], with one concern per entry, a minute apart.
fn said_all(categories: &[Option<ConcernCategory>]) -> Assessment {
    let mut home = Home::new("p");
    for d in 0..5 {
        home.ordinary_day(d, true, true);
    }
    let t = 4.0 * 24.0 + 14.0;
    for (i, category) in categories.iter().enumerate() {
        let kind = EventKind::checkin(CheckinOutcome::Concern).with_category(*category);
        home.push(t + i as f64 / 60.0, "checkin", kind);
    }
    let rows = home.hourly(person("full"), 4 * 24 + 1, 4 * 24 + 15);
    rows.last().unwrap().clone()
}

fn concern_reason(a: &Assessment) -> &str {
    &a.reasons.iter().find(|r| r.kind == ReasonKind::Concern).expect("a concern reason").detail
}

#[test]
fn a_welfare_request_is_a_caseworker_call_back_not_a_dispatch() {
    // Casebook: medical-bill support, care after a hospital stay, counselling for drinking.
    let a = said(Some(ConcernCategory::WelfareRequest));
    assert_eq!((a.level, a.action, a.visit), (Level::Warning, Action::Notify, None), "{a:?}");
    let detail = concern_reason(&a);
    assert!(detail.contains("(welfare_request)") && detail.contains("call-back by the caseworker"), "{detail}");
}

#[test]
fn cold_in_a_cold_snap_is_a_call_back_too() {
    // Casebook: a heating tent in a cold snap.
    let a = said(Some(ConcernCategory::Cold));
    assert_eq!((a.level, a.action), (Level::Warning, Action::Notify), "{a:?}");
    assert!(concern_reason(&a).contains("(cold)"));
}

#[test]
fn pain_is_119() {
    let a = said(Some(ConcernCategory::Pain));
    assert_eq!((a.level, a.action, a.visit), (Level::Critical, Action::Dispatch, Some(VisitKind::Ambulance)), "{a:?}");
    let detail = concern_reason(&a);
    assert!(detail.contains("(pain)") && detail.contains("119"), "{detail}");
}

#[test]
fn a_threat_goes_to_the_police() {
    // Casebook: a threat from an ex-spouse.
    let a = said(Some(ConcernCategory::Threat));
    assert_eq!((a.level, a.action, a.visit), (Level::Critical, Action::Dispatch, Some(VisitKind::Police)), "{a:?}");
    let detail = concern_reason(&a);
    assert!(detail.contains("(threat)") && detail.contains("police (112)"), "{detail}");
}

#[test]
fn self_harm_goes_to_the_crisis_line_and_the_caseworker() {
    let a = said(Some(ConcernCategory::SelfHarm));
    assert_eq!(a.level, Level::Critical, "{a:?}");
    // The crisis line sends nobody: if the rule dispatches, staff go.
    assert_eq!(a.visit, (a.action == Action::Dispatch).then_some(VisitKind::Visit), "{a:?}");
    let detail = concern_reason(&a);
    assert!(detail.contains("(self_harm)") && detail.contains("crisis line (109) and the caseworker"), "{detail}");
}

#[test]
fn a_concern_without_category_or_other_is_as_before() {
    let plain = said(None);
    assert_eq!((plain.level, plain.action), (Level::Critical, Action::Dispatch), "{plain:?}");
    let detail = concern_reason(&plain);
    assert!(detail.ends_with("answered, but the person asked for help"), "{detail}");
    let other = said(Some(ConcernCategory::Other));
    assert_eq!((other.level, other.action, other.score), (plain.level, plain.action, plain.score));
    assert_eq!(concern_reason(&other), format!("{detail} (other)"));
}

#[test]
fn of_several_things_said_the_most_urgent_counts_in_any_order() {
    use ConcernCategory::{Threat, WelfareRequest};
    for order in [[Some(WelfareRequest), Some(Threat)], [Some(Threat), Some(WelfareRequest)]] {
        let a = said_all(&order);
        assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch), "{order:?}");
        assert!(concern_reason(&a).contains("(threat)"));
    }
    // A plain concern asks for critical too: a later welfare request does not lower it.
    let a = said_all(&[None, Some(WelfareRequest)]);
    assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch));
}

#[test]
fn an_answered_call_clears_what_was_said() {
    let mut home = Home::new("p");
    for d in 0..5 {
        home.ordinary_day(d, true, true);
    }
    let t = 4.0 * 24.0 + 14.0;
    home.push(t, "checkin", EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::WelfareRequest));
    home.checkin(t + 1.5, CheckinOutcome::Answered);
    let rows = home.hourly(person("full"), 4 * 24 + 1, 4 * 24 + 16);
    let at_15 = &rows[rows.len() - 2];
    assert_eq!(at_15.action, Action::Notify);
    let at_16 = rows.last().unwrap();
    assert!(at_16.level < Level::Warning && at_16.reasons.iter().all(|r| r.kind != ReasonKind::Concern), "{at_16:?}");
}

#[test]
fn the_profile_routes_each_category() {
    // A district that sends someone for every welfare request.
    let p = Profile::from_toml(
        r#"
        name = "visit_welfare"
        [checkins.categories.welfare_request]
        level = "critical"
        action = "dispatch"
        route = "visit"
    "#,
    )
    .unwrap();
    let mut home = Home::new("p");
    for d in 0..5 {
        home.ordinary_day(d, true, true);
    }
    home.push(
        4.0 * 24.0 + 14.0,
        "checkin",
        EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::WelfareRequest),
    );
    let rows = home.hourly_with(Some(p), Person::new("p", "visit_welfare").unwrap(), 4 * 24 + 1, 4 * 24 + 15);
    let a = rows.last().unwrap();
    assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch));
    assert!(concern_reason(a).contains("routed to a visit"), "{}", concern_reason(a));

    // Every key is checked, naming it.
    let err = |toml: &str| Profile::from_toml(toml).unwrap_err().to_string();
    assert_eq!(
        err("name = \"x\"\n[checkins.categories.pain]\nlevel = \"normal\""),
        "profile `x`: key `checkins.categories.pain.level`: must be watch, warning or critical, got normal"
    );
    assert_eq!(
        err("name = \"x\"\n[checkins.categories.threat]\naction = \"none\""),
        "profile `x`: key `checkins.categories.threat.action`: must be checkin_call, notify or dispatch, got none"
    );
    assert!(err("name = \"x\"\n[checkins.categories.lonely]\nlevel = \"watch\"").contains("lonely"));
    assert!(err("name = \"x\"\n[checkins.categories.cold]\nroute = \"taxi\"").contains("taxi"));
    // A profile written before categories (a full document without them) still loads, with
    // the defaults.
    let mut old = serde_json::to_value(Profile::builtin("full").unwrap()).unwrap();
    old["checkins"].as_object_mut().unwrap().remove("categories");
    old["name"] = "old".into();
    let old = Profile::from_json(&old.to_string()).unwrap();
    assert_eq!(old.checkins.categories, anbu::ConcernRules::default());
}

#[test]
fn categories_in_files_are_checked() {
    let csv = |rows: &str| format!("person,ts,signal,outcome,category\n{rows}");
    let read = |text: String| read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::strict());
    let ok = read(csv("p-1,2024-05-01T10:00:00+09:00,checkin,concern,threat\n\
                       p-1,2024-05-01T11:00:00+09:00,checkin,answered,\n"))
    .unwrap();
    assert_eq!(ok.events[0].kind, EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::Threat));
    let err = read(csv("p-1,2024-05-01T10:00:00+09:00,checkin,concern,lonely\n")).unwrap_err().to_string();
    assert_eq!(
        err,
        "line 2: field `category`: unknown value `lonely`, expected one of: welfare_request, pain, cold, threat, \
         self_harm, other"
    );
    let err = read(csv("p-1,2024-05-01T10:00:00+09:00,checkin,missed,pain\n")).unwrap_err().to_string();
    assert!(err.contains("field `category`: applies only to outcome `concern`, got outcome `missed`"), "{err}");
    // JSON Lines, and files without the column (written before it), read as before.
    let jsonl = r#"{"person":"p-1","ts":"2024-05-01T10:00:00+09:00","signal":"checkin","outcome":"concern","category":"self_harm"}"#;
    let e = read_events_from(jsonl.as_bytes(), Format::Jsonl, &ReadOptions::strict()).unwrap();
    assert_eq!(e.events[0].to_record().category, Some(ConcernCategory::SelfHarm));
    // The columnar reader of files (as the bindings' replays read them) keeps the category.
    let dir = std::env::temp_dir().join(format!("anbu-what-people-say-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("events.csv");
    std::fs::write(&path, csv("p-1,2024-05-01T10:00:00+09:00,checkin,concern,threat\n")).unwrap();
    let columns = anbu::read_columns(&path).unwrap();
    assert_eq!(columns.batch().unwrap().to_events(), ok.events[..1].to_vec());
    std::fs::remove_dir_all(&dir).unwrap();
    let old = read("person,ts,signal,outcome\np-1,2024-05-01T10:00:00+09:00,checkin,concern\n".into()).unwrap();
    assert_eq!(old.events[0].kind, EventKind::checkin(CheckinOutcome::Concern));
}

#[test]
fn devices_accept_every_signal_name_and_a_replay_runs() {
    // A real person list names the SOS button among the devices.
    let persons = [
        Person::new("p-1", "call_iot").unwrap().with_devices("phone, door, plug, checkin, sos").unwrap(),
        Person::new("p-2", "full").unwrap().with_devices("sos,heartbeat,away,meter").unwrap(),
    ];
    let mut home = Home::new("p-1");
    home.ordinary_day(0, true, true);
    let rows = replay(home.events.clone(), &persons, &ReplayOptions::default()).unwrap();
    assert!(!rows.is_empty());
    // The button watches no channel: with it or without it, the same assessments.
    let without = [Person::new("p-1", "call_iot").unwrap().with_devices("phone,door,plug,checkin").unwrap()];
    let rows_without = replay(home.events.clone(), &without, &ReplayOptions::default()).unwrap();
    let mine: Vec<_> = rows.iter().filter(|a| a.person == "p-1").cloned().collect();
    assert_eq!(mine, rows_without);
    // Names that are no signal are still refused, naming the value.
    let err = Person::new("p-1", "full").unwrap().with_devices("plug,teleporter").unwrap_err().to_string();
    assert!(err.starts_with("field `devices`: unknown value `teleporter`"), "{err}");
    // Written back as signal names.
    let r = anbu::PersonRecord::from(persons[1].clone());
    assert_eq!(r.devices.as_deref(), Some("sos,away,heartbeat,meter"));
    assert_eq!(Person::try_from(r).unwrap(), persons[1]);
    // An engine takes such a person too.
    Engine::new().add_person(persons[0].clone()).unwrap();
}
