//! The triage queue (issue 16): persons carry a district and a caseworker (codes, never
//! names), the queue ranks by urgency and filters by them.

use anbu::{
    Action, Assessment, Engine, Event, EventKind, HOUR_MS, Level, Person, ReadOptions, Responder, Timestamp,
    TriageFilter, rank, read_persons, urgency,
};
use proptest::prelude::*;

fn t0() -> Timestamp {
    "2024-05-01T09:00:00+09:00".parse().expect("valid")
}

#[test]
fn the_persons_table_carries_district_and_caseworker_and_refuses_personal_data() {
    let dir = std::env::temp_dir().join(format!("anbu-triage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("persons.csv");
    std::fs::write(
        &path,
        "person,profile,devices,district,caseworker\n\
         p-1,full,,gangbuk,cw-1\n\
         p-2,plug_only,plug,gangbuk,\n\
         p-3,full,,nowon,010-1234-5678\n",
    )
    .unwrap();
    let err = read_persons(&path, &ReadOptions::strict()).unwrap_err().to_string();
    assert!(err.starts_with("line 4: field `caseworker`:"), "{err}");
    let out = read_persons(&path, &ReadOptions::lenient()).unwrap();
    assert_eq!(out.rows.len(), 2);
    assert_eq!((out.rows[0].district(), out.rows[0].caseworker()), (Some("gangbuk"), Some("cw-1")));
    assert_eq!((out.rows[1].district(), out.rows[1].caseworker()), (Some("gangbuk"), None));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_queue_is_one_district_or_caseworker_most_urgent_first_and_survives_a_snapshot() {
    let mut engine = Engine::new();
    let people =
        [("p-1", "gangbuk", "cw-1"), ("p-2", "gangbuk", "cw-2"), ("p-3", "nowon", "cw-1"), ("p-4", "gangbuk", "cw-1")];
    for (id, district, cw) in people {
        engine
            .add_person(Person::new(id, "full").unwrap().with_district(district).unwrap().with_caseworker(cw).unwrap())
            .unwrap();
    }
    for id in ["p-1", "p-3", "p-4"] {
        engine.ingest(Event::new(id, t0(), None, EventKind::heartbeat()).unwrap()).unwrap();
    }
    engine.ingest(Event::new("p-4", t0(), None, EventKind::sos()).unwrap()).unwrap();
    let at = t0().plus_millis(HOUR_MS);
    let mut restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.persons().filter_map(|p| p.district()).count(), 4);

    let queue = engine.triage(at, &TriageFilter::caseworker("cw-1")).unwrap();
    let order: Vec<&str> = queue.iter().map(|a| a.person.as_str()).collect();
    assert_eq!(order, ["p-4", "p-1", "p-3"]);
    let district = engine.triage(at, &TriageFilter::district("gangbuk")).unwrap();
    assert_eq!(district.iter().map(|a| a.person.as_str()).collect::<Vec<_>>(), ["p-4", "p-1", "p-2"]);
    let urgent =
        TriageFilter { district: Some("gangbuk".into()), min_level: Level::Warning, ..TriageFilter::default() };
    assert_eq!(engine.triage(at, &urgent).unwrap().len(), 1);
    // The same as ranking assess_all's rows of those persons.
    let mut all: Vec<Assessment> = restored.assess_all(at).unwrap().into_iter().filter(|a| a.person != "p-3").collect();
    rank(&mut all);
    assert_eq!(all, district);
    // Filters read as data (the bindings pass them through).
    let f: TriageFilter = serde_json::from_str(r#"{"caseworker":"cw-1","level":"watch"}"#).unwrap();
    assert_eq!(f, TriageFilter { caseworker: Some("cw-1".into()), min_level: Level::Watch, ..TriageFilter::default() });
    assert!(serde_json::from_str::<TriageFilter>(r#"{"distrcit":"x"}"#).is_err());
}

fn row(person: u8, level: u8, action: u8, score: u8) -> Assessment {
    Assessment {
        person: format!("p-{person}"),
        at: t0(),
        score: f64::from(score),
        level: Level::ALL[usize::from(level) % 4],
        action: Action::ALL[usize::from(action) % 4],
        responder: Responder::DayOffice,
        reasons: Vec::new(),
        visit: None,
        call: None,
    }
}

proptest! {
    /// Ranked rows are in urgency order: never a less severe level, or at the same level a
    /// lesser action, or then a lower score, before a more urgent row.
    #[test]
    fn ranking_puts_the_more_urgent_first(rows in proptest::collection::vec((0u8..20, 0u8..4, 0u8..4, 0u8..100), 0..40)) {
        let mut rows: Vec<Assessment> = rows.into_iter().map(|(p, l, a, s)| row(p, l, a, s)).collect();
        rank(&mut rows);
        for w in rows.windows(2) {
            prop_assert!(urgency(&w[0], &w[1]) != std::cmp::Ordering::Greater);
            prop_assert!((w[0].level, w[0].action) >= (w[1].level, w[1].action));
        }
    }
}

#[test]
fn a_profile_named_as_a_built_in_overrides_it_for_that_engine_or_replay() {
    use anbu::{Profile, ReplayOptions, replay};
    let full = Profile::builtin("full").unwrap();
    // The day office answers around the clock in the override.
    let changes = serde_json::json!({
        "schedule.office_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "schedule.office_start": "00:00",
        "schedule.office_end": "24:00",
        "schedule.calendar": "none",
    });
    let eager = full.replace(changes.as_object().unwrap()).unwrap();
    assert_eq!(eager.name, "full");
    let persons = [Person::new("p-1", "full").unwrap()];
    let events: Vec<Event> = (0..5)
        .map(|d| Event::new("p-1", t0().plus_millis(d * 24 * HOUR_MS), None, EventKind::heartbeat()).unwrap())
        .collect();
    let builtin = replay(events.clone(), &persons, &ReplayOptions::default()).unwrap();
    assert!(builtin.iter().any(|a| a.responder == Responder::ControlCenter));
    let options = ReplayOptions { profiles: vec![eager.clone()], ..ReplayOptions::default() };
    let overridden = replay(events, &persons, &options).unwrap();
    assert!(overridden.iter().all(|a| a.responder == Responder::DayOffice));
    // And in an engine, surviving a snapshot.
    let mut engine = Engine::new();
    engine.add_profile(eager).unwrap();
    engine.add_person(persons[0].clone()).unwrap();
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.persons().count(), 1);
}
