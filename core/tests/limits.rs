//! Every limit of `anbu::limits`, at the limit and just past it (issue 17, part 2: a
//! documented limit per resource).

use std::io::Write;

use anbu::limits::*;
use anbu::{
    Engine, EngineConfig, Error, ErrorKind, Event, EventKind, Format, HOUR_MS, MINUTE_MS, Person, Profile, ReadOptions,
    Timestamp, read_events_from,
};

fn t0() -> Timestamp {
    "2024-05-01T09:00:00+09:00".parse().unwrap()
}

fn engine(persons: &[&str]) -> Engine {
    let mut e = Engine::new();
    for p in persons {
        e.add_person(Person::new(p, "full").unwrap()).unwrap();
    }
    e
}

fn event(person: &str, minute: i64, device: Option<&str>, kind: EventKind) -> Event {
    Event::new(person, t0().plus_millis(minute * MINUTE_MS), device, kind).unwrap()
}

/// The snapshot body of an engine as JSON (after the 16 header bytes).
fn snapshot_json(e: &Engine) -> serde_json::Value {
    serde_json::from_slice(&e.snapshot()[16..]).unwrap()
}

#[test]
fn devices_per_person() {
    let mut e = engine(&["p-1"]);
    let plug = |i: usize| event("p-1", i as i64, Some(&format!("plug-{i}")), EventKind::plug(5.0));
    for i in 0..MAX_DEVICES_PER_PERSON {
        e.ingest(plug(i)).unwrap();
    }
    let err = e.ingest(plug(MAX_DEVICES_PER_PERSON)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `device`: person `p-1` already has 32 devices, the most one person may have: `plug-32` would be one more"
    );
    // A device the person has is still taken.
    e.ingest(plug(0)).unwrap();
    // A replay has the engine's policy: the same error for the same events (columns too).
    let persons = [Person::new("p-1", "full").unwrap()];
    let events: Vec<Event> = (0..MAX_DEVICES_PER_PERSON).map(plug).collect();
    let options = anbu::ReplayOptions { every_ms: HOUR_MS, ..anbu::ReplayOptions::default() };
    assert!(!anbu::replay(events.clone(), &persons, &options).unwrap().is_empty());
    let more: Vec<Event> = events.iter().cloned().chain([plug(MAX_DEVICES_PER_PERSON)]).collect();
    let columns = anbu::OwnedColumns::of(&more);
    for err in [
        anbu::replay(more.clone(), &persons, &options).unwrap_err(),
        anbu::replay_columns(&columns.batch().unwrap(), &persons, &options).unwrap_err(),
    ] {
        assert_eq!(
            err.to_string(),
            "field `device`: person `p-1` already has 32 devices, the most one person may have: `plug-32` would be one more"
        );
    }
}

#[test]
fn a_check_in_call_past_the_device_cap_is_refused() {
    // 32 plugs, then a day and a half without change: the closed loop places a call, whose
    // `checkin` device would be the 33rd.
    let plug = |i: usize, minute: i64| event("p-1", minute, Some(&format!("plug-{i}")), EventKind::plug(5.0));
    let mut events: Vec<Event> = (0..MAX_DEVICES_PER_PERSON).map(|i| plug(i, i as i64)).collect();
    events.push(plug(0, 36 * 60));
    let persons = [Person::new("p-1", "full").unwrap()];
    let options = anbu::ReplayOptions { every_ms: HOUR_MS, ..anbu::ReplayOptions::default() };
    let always = anbu::AnswerRate::new(1.0, 0.0, 1).unwrap();
    let err = anbu::replay_closed_loop(events, &persons, &options, &always, anbu::CallPolicy::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `device`: person `p-1` already has 32 devices, the most one person may have: `checkin` would be one more"
    );
}

#[test]
fn missed_checkins_and_absences_kept() {
    let missed = |n: usize| {
        let mut e = engine(&["p-1"]);
        for i in 0..n {
            e.ingest(event("p-1", i as i64, None, EventKind::checkin(anbu::CheckinOutcome::Missed))).unwrap();
        }
        e.ingest(event("p-1", 3 * 60, None, EventKind::heartbeat())).unwrap(); // folds them
        snapshot_json(&e)["persons"][0]["state"]["missed_checkins"].as_array().unwrap().clone()
    };
    assert_eq!(missed(MAX_MISSED_CHECKINS).len(), MAX_MISSED_CHECKINS);
    let past = missed(MAX_MISSED_CHECKINS + 1);
    assert_eq!(past.len(), MAX_MISSED_CHECKINS);
    assert_eq!(past[0], serde_json::json!(t0().plus_millis(MINUTE_MS).to_string()), "the oldest is forgotten");

    let absences = |n: usize| {
        let mut e = engine(&["p-1"]);
        for i in 0..n {
            let until = t0().plus_millis((i as i64 + 1) * HOUR_MS);
            e.ingest(event("p-1", i as i64, None, EventKind::away(until))).unwrap();
        }
        e.ingest(event("p-1", 5 * 60, None, EventKind::heartbeat())).unwrap(); // folds them
        snapshot_json(&e)["persons"][0]["state"]["absences"].as_array().unwrap().len()
    };
    assert_eq!(absences(MAX_ABSENCES), MAX_ABSENCES);
    assert_eq!(absences(MAX_ABSENCES + 1), MAX_ABSENCES);
}

#[test]
fn allowed_lateness() {
    assert!(Engine::with_config(EngineConfig { allowed_lateness_ms: MAX_ALLOWED_LATENESS_MS }).is_ok());
    let err = Engine::with_config(EngineConfig { allowed_lateness_ms: MAX_ALLOWED_LATENESS_MS + 1 }).unwrap_err();
    assert_eq!(err.to_string(), "argument `allowed_lateness_ms`: must be between 0 and 30 days");
}

#[test]
fn id_length() {
    let id = "p".repeat(MAX_ID_LEN);
    assert!(Person::new(&id, "full").is_ok());
    assert!(Event::new(&id, t0(), Some(&"d".repeat(MAX_ID_LEN)), EventKind::sos()).is_ok());
    let long = "p".repeat(MAX_ID_LEN + 1);
    let err = Person::new(&long, "full").unwrap_err();
    assert!(err.to_string().contains("longer than 128 bytes"), "{err}");
    let err = Event::new("p-1", t0(), Some(&long), EventKind::sos()).unwrap_err();
    assert!(err.to_string().starts_with("field `device`: longer than 128 bytes"), "{err}");
    let profile = |name: &str| Profile::from_json(&format!("{{\"name\":\"{name}\",\"extends\":\"full\"}}"));
    assert!(profile(&id).is_ok());
    assert!(profile(&long).unwrap_err().to_string().contains("longer than 128 bytes"));
}

#[test]
fn line_length() {
    // A line of exactly MAX_LINE_BYTES (not counting the newline) is read; one byte more is not.
    for format in [Format::Csv, Format::Jsonl] {
        let line = |len: usize| match format {
            Format::Csv => {
                let head = "p-1,2024-05-01T09:00:00+09:00,plug,plug-tv,85.5";
                format!("{head}{}", "0".repeat(len - head.len()))
            }
            _ => {
                let head = "{\"person\":\"p-1\",\"ts\":\"2024-05-01T09:00:00+09:00\",\"signal\":\"sos\"}";
                format!("{head}{}", " ".repeat(len - head.len()))
            }
        };
        let text = |len: usize| match format {
            Format::Csv => format!("person,ts,signal,device,watts\n{}\n", line(len)),
            _ => format!("{}\n", line(len)),
        };
        let at = read_events_from(text(MAX_LINE_BYTES).as_bytes(), format, &ReadOptions::strict());
        assert_eq!(at.map(|o| o.events.len()).ok(), Some(1), "{format:?} at the limit");
        let past = read_events_from(text(MAX_LINE_BYTES + 1).as_bytes(), format, &ReadOptions::strict());
        let err = past.unwrap_err();
        assert!(err.to_string().ends_with("longer than 1 MiB"), "{format:?}: {err}");
    }
}

#[test]
fn row_bytes() {
    // A row whose quoted cell spans lines: read up to MAX_ROW_BYTES; refused once the reader
    // has read more than that of it (it reads in blocks of up to MAX_LINE_BYTES + 1 bytes, so
    // a row is refused at the latest one block past the limit).
    let text = |len: usize| {
        let head = "person,ts,signal,device\np-1,2024-05-01T09:00:00+09:00,sos,\"";
        let line = format!("{}\n", "d".repeat(1000));
        let body: String = line.repeat(len / line.len());
        format!("{head}{body}{}\"\n", "d".repeat(len - body.len() - 2))
    };
    let row_len = |t: &str| t.len() - t.find("p-1").unwrap();
    let at = text(MAX_ROW_BYTES as usize - 40);
    assert!(row_len(&at) <= MAX_ROW_BYTES as usize);
    // The device id is too long for an id, but the row was read whole: the error is about the field.
    let err = read_events_from(at.as_bytes(), Format::Csv, &ReadOptions::strict()).unwrap_err();
    assert!(err.to_string().starts_with("line 2: field `device`"), "{err}");
    let past = text(MAX_ROW_BYTES as usize + MAX_LINE_BYTES + 2);
    let err = read_events_from(past.as_bytes(), Format::Csv, &ReadOptions::strict()).unwrap_err();
    assert!(err.to_string().contains("row spans more than 8 MiB"), "{err}");
}

#[test]
fn profile_file_size() {
    let doc = "{\"name\":\"big\",\"extends\":\"full\"}";
    let file = |len: usize| {
        let mut f = tempfile("profile.json");
        f.1.write_all(doc.as_bytes()).unwrap();
        f.1.write_all(&vec![b' '; len - doc.len()]).unwrap();
        f.0
    };
    let at = file(MAX_PROFILE_BYTES as usize);
    assert_eq!(Profile::from_path(&at).unwrap().name, "big");
    let past = file(MAX_PROFILE_BYTES as usize + 1);
    let err = Profile::from_path(&past).unwrap_err();
    assert!(err.to_string().contains("is larger than 1048576 bytes"), "{err}");
    let _ = (std::fs::remove_file(at), std::fs::remove_file(past));
}

fn tempfile(name: &str) -> (std::path::PathBuf, std::fs::File) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("anbu-limits-{}-{n}-{name}", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    (path, f)
}

#[test]
fn message_lengths() {
    // A value is quoted whole up to MAX_ECHO_CHARS characters, then cut.
    let at = "가".repeat(MAX_ECHO_CHARS);
    assert_eq!(
        Error::UnknownPerson(at.clone()).to_string(),
        format!("unknown person `{at}`: register the person first")
    );
    let past = Error::UnknownPerson(format!("{at}!")).to_string();
    assert_eq!(past, format!("unknown person `{at}…`: register the person first"));

    // A profile key: MAX_KEY_CHARS.
    let key = |k: String| Error::InvalidProfile { profile: "p".into(), key: k, reason: "r".into() }.to_string();
    let at = "k".repeat(MAX_KEY_CHARS);
    assert_eq!(key(at.clone()), format!("profile `p`: key `{at}`: r"));
    assert_eq!(key(format!("{at}k")), format!("profile `p`: key `{at}…`: r"));

    // A reason: MAX_REASON_CHARS.
    let reason = |r: String| Error::InvalidArgument { name: "a".into(), reason: r }.to_string();
    let at = "r".repeat(MAX_REASON_CHARS);
    assert_eq!(reason(at.clone()), format!("argument `a`: {at}"));
    assert_eq!(reason(format!("{at}r")), format!("argument `a`: {at}…"));

    // A file path: MAX_PATH_CHARS.
    let dir = std::env::temp_dir().join("anbu-no-such-dir");
    let path = |len: usize| {
        let base = format!("{}/", dir.display());
        format!("{base}{}", "x".repeat(len - base.chars().count()))
    };
    let at = path(MAX_PATH_CHARS);
    let err = Profile::from_path(&at).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains(&format!("`{at}`")), "{err}");
    let past = path(MAX_PATH_CHARS + 1);
    let err = Profile::from_path(&past).unwrap_err().to_string();
    assert!(err.contains(&format!("`{at}…`")), "{err}");
}

/// A replay's clock past the events of the tests of row limits (decades after `t0`).
fn far_clock() -> Timestamp {
    "2100-01-01T00:00:00Z".parse().unwrap()
}

#[test]
fn replay_rows() {
    // One person, a minute grid: MAX_REPLAY_ROWS rows from their first event to their last.
    let replay = |rows: u64| {
        let first = t0();
        let last = first.plus_millis((rows as i64 - 1) * MINUTE_MS);
        let events = [first, last].map(|t| Event::new("p-1", t, None, EventKind::heartbeat()).unwrap()).to_vec();
        // Cancelled before it starts: a replay that passes the count stops at its first person.
        let cancel = Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)));
        let clock = Some(far_clock());
        let options = anbu::ReplayOptions { every_ms: MINUTE_MS, cancel, clock, ..anbu::ReplayOptions::default() };
        anbu::replay(events, &[Person::new("p-1", "full").unwrap()], &options).unwrap_err()
    };
    assert_eq!(replay(MAX_REPLAY_ROWS).kind(), ErrorKind::Interrupted);
    let err = replay(MAX_REPLAY_ROWS + 1);
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("gives 10000001 rows, 10000001 in all, over the limit of 10000000"), "{err}");
}

#[test]
fn batch_rows() {
    // A batch whose length a caller declares (a sparse JavaScript array): checked before
    // anything is allocated, and never reserved whole.
    let at: Vec<Event> = anbu::limits::batch_vec("events", MAX_BATCH_ROWS as u64).unwrap();
    assert!(at.capacity() <= 1 << 16);
    let err = anbu::limits::batch_vec::<Event>("events", MAX_BATCH_ROWS as u64 + 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert_eq!(err.to_string(), "argument `events`: 134217729 rows, at most 134217728");
}

#[test]
fn pending_per_person() {
    // Steps readings 10 ms apart: MAX_PENDING_PER_PERSON of them span 44 minutes, all within
    // the allowed lateness of an hour, so that all wait.
    let reading = |k: usize| {
        let kind = EventKind::steps(1).with_interval_s(60);
        Event::new("p-1", t0().plus_millis(10 * k as i64), Some("band"), kind).unwrap()
    };
    let full: Vec<Event> = (0..MAX_PENDING_PER_PERSON).map(reading).collect();
    let past = "person `p-1` would have 262145 events waiting to be folded (within the allowed lateness of their \
                newest), at most 262144";

    // One event at a time, and in one batch.
    let mut e = engine(&["p-1", "p-2"]);
    e.ingest_batch(full.clone()).unwrap();
    let err = e.ingest(reading(MAX_PENDING_PER_PERSON)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidEvent);
    assert!(err.to_string().starts_with(&format!("field `person`: {past}")), "{err}");
    // A repeat is not stored, so it is taken; so is another person's event.
    e.ingest(reading(7)).unwrap();
    e.ingest(Event::new("p-2", t0(), None, EventKind::sos()).unwrap()).unwrap();
    // An event an hour later folds the oldest: then there is room again.
    let later = Event::new("p-1", t0().plus_millis(HOUR_MS + 10 * MINUTE_MS), None, EventKind::heartbeat()).unwrap();
    e.ingest(later).unwrap();
    e.ingest(reading(MAX_PENDING_PER_PERSON)).unwrap();

    // A batch one past the limit names its person's last row, as columns do.
    let mut over = full.clone();
    over.insert(3, Event::new("p-2", t0(), None, EventKind::sos()).unwrap());
    over.push(reading(MAX_PENDING_PER_PERSON));
    over.push(Event::new("p-2", t0(), None, EventKind::heartbeat()).unwrap());
    let mut e = engine(&["p-1", "p-2"]);
    let err = e.ingest_batch(over.clone()).unwrap_err();
    let row = MAX_PENDING_PER_PERSON + 1;
    assert_eq!(
        err.to_string(),
        format!("row {row}: field `person`: {past}: send their events more slowly, or allow less lateness")
    );
    let columns = anbu::OwnedColumns::of(&over);
    assert_eq!(e.ingest_columns(&columns.batch().unwrap()).unwrap_err().to_string(), err.to_string());
    assert_eq!(e.state_bytes_per_person(), engine(&["p-1", "p-2"]).state_bytes_per_person(), "nothing was taken");
    // At the limit, with repeats (not counted), both take it.
    over.pop();
    over.pop();
    over.push(reading(0));
    e.ingest_columns(&anbu::OwnedColumns::of(&over).batch().unwrap()).unwrap();
    engine(&["p-1", "p-2"]).ingest_batch(over).unwrap();
}

#[test]
fn object_rows() {
    // Rows a binding returns as objects: counted before replaying, the same count a replay gives.
    let rows = |hours: i64| {
        let events =
            [0, hours].map(|h| Event::new("p-1", t0().plus_millis(h * HOUR_MS), None, EventKind::sos()).unwrap());
        let persons = [Person::new("p-1", "full").unwrap()];
        // The replay's clock past the last event (57 years on), which it would refuse as ahead.
        let options = anbu::ReplayOptions { clock: Some(far_clock()), ..anbu::ReplayOptions::default() };
        anbu::check_replay_rows(&events, &persons, &options, MAX_OBJECT_ROWS)
    };
    assert_eq!(rows(MAX_OBJECT_ROWS as i64 - 1).unwrap(), MAX_OBJECT_ROWS);
    let err = rows(MAX_OBJECT_ROWS as i64).unwrap_err();
    assert!(err.to_string().contains("gives 500001 rows, 500001 in all, over the limit of 500000"), "{err}");
    let events = [0, 5].map(|h| Event::new("p-1", t0().plus_millis(h * HOUR_MS), None, EventKind::sos()).unwrap());
    let persons = [Person::new("p-1", "full").unwrap()];
    let options = anbu::ReplayOptions::default();
    let counted = anbu::check_replay_rows(&events, &persons, &options, MAX_OBJECT_ROWS).unwrap();
    assert_eq!(counted as usize, anbu::replay(events.to_vec(), &persons, &options).unwrap().len());
}

#[test]
fn simulated_person_days() {
    // Checked before anything is simulated (a cohort at the limit is 20 M events: not made here).
    let cfg = |persons: usize, days: u32| anbu::sim::SimConfig { persons, days, ..anbu::sim::SimConfig::default() };
    assert!(cfg(2_500, 100).check().is_ok());
    assert_eq!(2_500 * 100, MAX_PERSON_DAYS);
    let err = cfg(2_501, 100).check().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("250100 person-days, more than the 250000"), "{err}");
    assert_eq!(anbu::sim::MAX_PERSON_DAYS, MAX_PERSON_DAYS);
}

#[test]
fn replay_grid_step() {
    let options = |every_ms: i64| anbu::ReplayOptions { every_ms, ..anbu::ReplayOptions::default() };
    assert!(options(MIN_EVERY_MS).check().is_ok());
    let err = options(MIN_EVERY_MS - 1).check().unwrap_err();
    assert!(err.to_string().starts_with("argument `every`: 59999 ms is shorter than 1 minute"), "{err}");
}

#[test]
fn threads_of_a_call_of_the_switch_and_of_anbu_num_threads() {
    use anbu::parallel::{ENV_VAR, resolve};
    // The variable, read as every call reads it (the switch is tested in `parallel.rs`).
    assert_eq!(resolve(0, 0, Some(&MAX_THREADS.to_string()), 1).unwrap(), MAX_THREADS);
    let err = resolve(0, 0, Some(&(MAX_THREADS + 1).to_string()), 1).unwrap_err();
    assert_eq!(err.to_string(), format!("argument `{ENV_VAR}`: {} threads, at most {MAX_THREADS}", MAX_THREADS + 1));
    // A call's own count (`ReplayOptions.threads`), at the limit and past it: refused before
    // any thread starts.
    assert_eq!(resolve(MAX_THREADS, 0, None, 1).unwrap(), MAX_THREADS);
    let options = anbu::ReplayOptions { threads: MAX_THREADS + 1, ..anbu::ReplayOptions::default() };
    let cohort = anbu::sim::simulate(&anbu::sim::SimConfig { persons: 2, days: 1, ..Default::default() });
    let err = anbu::replay(cohort.events, &cohort.persons, &options).unwrap_err();
    assert_eq!(err.to_string(), format!("argument `threads`: {} threads, at most {MAX_THREADS}", MAX_THREADS + 1));
}
