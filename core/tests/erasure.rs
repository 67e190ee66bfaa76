//! A person can be erased (privacy: moved away, consent withdrawn): nothing of them stays.

use anbu::{Engine, ErrorKind, Event, EventKind, HOUR_MS, Person, Timestamp};

fn t0() -> Timestamp {
    "2024-05-01T09:00:00+09:00".parse().unwrap()
}

fn events(person: &str, device: &str) -> Vec<Event> {
    (0..30)
        .map(|h| {
            let kind = EventKind::plug(if h % 5 == 0 { 85.0 } else { 0.5 });
            Event::new(person, t0().plus_millis(h * HOUR_MS), Some(device), kind).unwrap()
        })
        .collect()
}

#[test]
fn an_erased_person_leaves_the_engine_as_if_never_registered() {
    // One engine had p-1 (with a device of their own) and p-2; the other only ever p-2.
    let mut had = Engine::new();
    had.add_person(Person::new("p-1", "plug_only").unwrap()).unwrap();
    had.add_person(Person::new("p-2", "plug_only").unwrap()).unwrap();
    had.ingest_batch(events("p-1", "plug-of-p-1")).unwrap();
    had.ingest_batch(events("p-2", "plug-tv")).unwrap();
    had.remove_person("p-1").unwrap();
    let mut never = Engine::new();
    never.add_person(Person::new("p-2", "plug_only").unwrap()).unwrap();
    never.ingest_batch(events("p-2", "plug-tv")).unwrap();

    assert!(had.snapshot() == never.snapshot(), "the snapshot still differs");
    assert!(!String::from_utf8_lossy(&had.snapshot()).contains("p-1"));
    let at = t0().plus_millis(40 * HOUR_MS);
    assert_eq!(had.assess_all(at).unwrap(), never.assess_all(at).unwrap());
    assert_eq!(had.assess("p-1", at).unwrap_err().kind(), ErrorKind::UnknownPerson);
    assert_eq!(had.remove_person("p-1").unwrap_err().kind(), ErrorKind::UnknownPerson);
    // The id may come back, and starts afresh.
    had.add_person(Person::new("p-1", "plug_only").unwrap()).unwrap();
    had.ingest(events("p-1", "plug-of-p-1").swap_remove(0)).unwrap();
    assert_eq!(had.len(), 2);
}
