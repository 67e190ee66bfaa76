//! The bodies of anbu's fuzz targets, as plain functions so that a stable `cargo test`
//! (tests/smoke.rs) can run them too. Each must return normally for every input: a panic,
//! a hang or an exhausted memory is a bug.

use anbu::{CsvEventReader, Event, Format, JsonlEventReader, Profile, ReadOptions, read_events_from};

/// Reads events with both reader APIs and checks what they agree on.
fn check_reader(data: &[u8], format: Format, events: Vec<Event>, errors: usize) {
    // Strict and lenient reading see the same rows.
    let lenient = read_events_from(data, format, &ReadOptions::lenient());
    match lenient {
        Ok(out) => {
            assert_eq!(out.events, events, "lenient reading kept other events than the iterator");
            assert_eq!(out.skipped_count as usize, errors, "lenient reading skipped other rows");
        }
        // A fatal error (bad header) ends the input: the iterator saw it as its last item.
        Err(e) => assert!(errors > 0, "lenient reading failed without a row error: {e}"),
    }
    let strict = read_events_from(data, format, &ReadOptions::strict());
    assert_eq!(strict.is_err(), errors > 0, "strict reading disagrees with the iterator");

    // Every event read is written and read back unchanged, in both formats.
    let mut csv = Vec::new();
    anbu::write_events_csv(&mut csv, &events).expect("writing to memory");
    let back = read_events_from(csv.as_slice(), Format::Csv, &ReadOptions::strict()).expect("reading written CSV");
    assert_eq!(back.events, events, "CSV round trip");
    let mut jsonl = Vec::new();
    anbu::write_events_jsonl(&mut jsonl, &events).expect("writing to memory");
    let back =
        read_events_from(jsonl.as_slice(), Format::Jsonl, &ReadOptions::strict()).expect("reading written JSONL");
    assert_eq!(back.events, events, "JSONL round trip");
}

/// Splits a reader's items into events and the number of errors; every error names a line.
fn drain(items: impl Iterator<Item = anbu::Result<Event>>) -> (Vec<Event>, usize) {
    let mut events = Vec::new();
    let mut errors = 0;
    for item in items {
        match item {
            Ok(e) => events.push(e),
            Err(e) => {
                let text = e.to_string();
                assert!(text.starts_with("line ") || text.starts_with("i/o"), "error without a line: {text}");
                errors += 1;
            }
        }
    }
    (events, errors)
}

/// Fuzz target `csv_reader`: arbitrary bytes as a CSV event table.
pub fn csv_reader(data: &[u8]) {
    let (events, errors) = drain(CsvEventReader::new(data));
    check_reader(data, Format::Csv, events, errors);
}

/// Fuzz target `jsonl_reader`: arbitrary bytes as JSON Lines events.
pub fn jsonl_reader(data: &[u8]) {
    let (events, errors) = drain(JsonlEventReader::new(data));
    check_reader(data, Format::Jsonl, events, errors);
}

/// Fuzz target `profile_json`: arbitrary text as a JSON profile.
pub fn profile_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_profile(Profile::from_json(text));
    }
}

/// Fuzz target `profile_toml`: arbitrary text as a TOML profile.
pub fn profile_toml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_profile(Profile::from_toml(text));
    }
}

/// A profile that loads serializes to JSON that loads back to the same profile.
fn check_profile(loaded: anbu::Result<Profile>) {
    if let Ok(profile) = loaded {
        let json = serde_json::to_string(&profile).expect("a profile serializes");
        let back = Profile::from_json(&json).expect("a serialized profile loads");
        assert_eq!(back, profile, "profile JSON round trip");
    }
}
