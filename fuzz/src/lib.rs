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
    check_columns_file(data);
}

/// `read_columns` of the bytes as a CSV file: the strict reading's events as columns, or
/// its error.
fn check_columns_file(data: &[u8]) {
    let name = format!("anbu-fuzz-{}-{:?}.csv", std::process::id(), std::thread::current().id());
    let path = std::env::temp_dir().join(name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "-"));
    std::fs::write(&path, data).expect("the fuzz input is written to a temporary file");
    let got = anbu::read_columns(&path).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    let want = read_events_from(data, Format::Csv, &ReadOptions::strict());
    assert_eq!(got, want.map(|out| anbu::OwnedColumns::of(&out.events)).map_err(|e| e.to_string()), "read_columns");
}

/// Fuzz target `jsonl_reader`: arbitrary bytes as JSON Lines events.
pub fn jsonl_reader(data: &[u8]) {
    let (events, errors) = drain(JsonlEventReader::new(data));
    check_reader(data, Format::Jsonl, events, errors);
}

/// Fuzz target `columnar_file`: arbitrary bytes as a Parquet file (first byte even) or an
/// Arrow IPC file or stream (odd), the rest of the bytes. Reading never panics or aborts
/// (a corrupt file is a format error); strict and lenient reading agree; the events read
/// write in the same format and read back unchanged.
pub fn columnar_file(data: &[u8]) {
    contained_decoder_panics();
    let Some((first, rest)) = data.split_first() else { return };
    let format = if first % 2 == 0 { Format::Parquet } else { Format::Arrow };
    let strict = read_events_from(rest, format, &ReadOptions::strict());
    let lenient = read_events_from(rest, format, &ReadOptions::lenient());
    match (&strict, &lenient) {
        (Ok(s), Ok(l)) => assert_eq!((&s.events, l.skipped_count), (&l.events, 0), "strict and lenient agree"),
        (Ok(_), Err(e)) => panic!("lenient reading failed where strict reading did not: {e}"),
        (Err(_), _) => {}
    }
    if let Ok(out) = strict {
        let mut bytes = Vec::new();
        anbu::write_events_as(format, &mut bytes, &out.events).expect("writing to memory");
        let back = read_events_from(bytes.as_slice(), format, &ReadOptions::strict()).expect("reading written file");
        assert_eq!(back.events, out.events, "{format} round trip");
    }
}

/// libFuzzer (libfuzzer-sys) aborts on every panic, also one the code under test catches. The
/// core's Parquet/IPC reader catches a panic of the decoders (the arrow-* and parquet crates)
/// and returns a format error (`core/src/arrow/file.rs`); so that the fuzzer goes on past
/// those, a panic whose location is in one of those crates does not abort. Any other panic
/// (ours) still does, as do a sanitizer's findings, an out-of-memory and a hang.
fn contained_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map(|l| l.file()).unwrap_or("");
            if !(file.contains("/arrow-") || file.contains("/parquet-")) {
                previous(info);
            }
        }));
    });
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

/// Reads bytes as a columnar batch: a row count, then per row a person code, a time, a
/// signal, a device code and each payload field (present or null, with a small or raw value).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn raw<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.byte())
    }
}

const PERSONS: [&str; 3] = ["p-1", "p-2", "010-1234-5678"];
const DEVICES: [&str; 4] = ["plug-tv", "phone", "", "door\u{7}"];
const T0: i64 = 1_714_489_200_000;

/// Owned columns decoded from fuzz bytes (see [`Bytes`]), with the dictionaries above.
fn decode(data: &[u8]) -> anbu::OwnedColumns {
    fn opt<T>(b: &mut Bytes<'_>, col: &mut (Vec<T>, Vec<bool>), value: impl FnOnce(&mut Bytes<'_>) -> T) {
        let present = b.byte() % 3 != 0;
        col.0.push(value(b));
        col.1.push(present);
    }
    fn float(b: &mut Bytes<'_>) -> f64 {
        match b.byte() % 4 {
            0 => f64::from(b.byte()),
            1 => -1.0,
            2 => f64::from_le_bytes(b.raw()),
            _ => 0.0,
        }
    }
    fn time(b: &mut Bytes<'_>) -> i64 {
        match b.byte() % 4 {
            0 | 1 => T0 + i64::from(u16::from_le_bytes(b.raw())) * 60_000,
            2 => i64::from_le_bytes(b.raw()),
            _ => -1,
        }
    }
    let mut b = Bytes(data);
    let mut c = anbu::OwnedColumns {
        names: PERSONS.map(String::from).to_vec(),
        device_names: DEVICES.map(String::from).to_vec(),
        ..anbu::OwnedColumns::default()
    };
    for _ in 0..b.byte() % 40 {
        c.person.push(u32::from(b.byte() % 4));
        c.ts.push(time(&mut b));
        c.signal.push(anbu::Signal::ALL[usize::from(b.byte()) % anbu::Signal::ALL.len()]);
        opt(&mut b, &mut c.device, |b| u32::from(b.byte() % 5));
        opt(&mut b, &mut c.direction, |b| anbu::Direction::ALL[usize::from(b.byte() % 2)]);
        opt(&mut b, &mut c.answered, |b| b.byte() % 2 == 0);
        opt(&mut b, &mut c.duration_s, float);
        opt(&mut b, &mut c.steps, |b| u32::from_le_bytes(b.raw()));
        opt(&mut b, &mut c.interval_s, |b| u32::from(b.byte()) * 60);
        opt(&mut b, &mut c.state, |b| anbu::DoorState::ALL[usize::from(b.byte() % 2)]);
        opt(&mut b, &mut c.watts, float);
        opt(&mut b, &mut c.lux, float);
        opt(&mut b, &mut c.action, |b| anbu::AppAction::ALL[usize::from(b.byte() % 5)]);
        opt(&mut b, &mut c.outcome, |b| anbu::CheckinOutcome::ALL[usize::from(b.byte() % 3)]);
        opt(&mut b, &mut c.until, time);
        // Absent, without reading a byte, so that the corpora and known crashes written before
        // the column existed decode as they did.
        c.category.0.push(anbu::ConcernCategory::Other);
        c.category.1.push(false);
        c.finding.0.push(anbu::Finding::Fine);
        c.finding.1.push(false);
        c.by.0.push(anbu::By::Auto);
        c.by.1.push(false);
    }
    c
}

/// The events of the batch that fuzz bytes decode to, if it is valid (for checking seeds).
pub fn columns_events(data: &[u8]) -> Option<Vec<anbu::Event>> {
    let c = decode(data);
    c.batch().ok().map(|b| b.to_events())
}

/// Fuzz target `columns`: arbitrary bytes as a columnar batch (odd codes, times and values).
/// A batch is refused exactly when a record of one of its rows is, with that error at the
/// row; a batch that is taken ingests and replays exactly as its events do.
pub fn columns(data: &[u8]) {
    use anbu::{EventRecord, Location, Person, ReplayOptions};
    let c = decode(data);
    let built = c.batch();
    // The same rows as records, checked one by one.
    fn value<T: Copy>(v: &(Vec<T>, Vec<bool>), i: usize) -> Option<T> {
        v.1[i].then(|| v.0[i])
    }
    let mut expected = Ok(Vec::new());
    for i in 0..c.person.len() {
        let at = |e: anbu::Error| e.at(Location::Index(i as u64)).to_string();
        let row = (|| {
            let person = PERSONS.get(c.person[i] as usize).ok_or(String::new())?;
            let mut r =
                EventRecord { person: Some(person.to_string()), signal: Some(c.signal[i]), ..EventRecord::default() };
            // A column's times are typed epoch milliseconds, as `Value::Time` is.
            r.set("ts", anbu::Value::Time(c.ts[i])).map_err(at)?;
            if let Some(d) = value(&c.device, i) {
                r.device = Some(DEVICES.get(d as usize).ok_or(String::new())?.to_string());
            }
            r.direction = value(&c.direction, i);
            r.answered = value(&c.answered, i);
            r.duration_s = value(&c.duration_s, i);
            r.steps = value(&c.steps, i);
            r.interval_s = value(&c.interval_s, i);
            r.state = value(&c.state, i);
            r.watts = value(&c.watts, i);
            r.lux = value(&c.lux, i);
            r.action = value(&c.action, i);
            r.outcome = value(&c.outcome, i);
            r.category = value(&c.category, i);
            r.finding = value(&c.finding, i);
            r.by = value(&c.by, i);
            if let Some(u) = value(&c.until, i) {
                r.set("until", anbu::Value::Time(u)).map_err(at)?;
            }
            r.into_event().map_err(at)
        })();
        match (row, &mut expected) {
            (Ok(e), Ok(v)) => v.push(e),
            (Err(e), Ok(_)) => expected = Err(e),
            _ => {}
        }
    }
    match (&built, &expected) {
        (Ok(batch), Ok(events)) => assert_eq!(&batch.to_events(), events, "columns read as other events"),
        // A code outside a dictionary has no record: only its row is named.
        (Err(e), Err(want)) if want.is_empty() => assert!(e.to_string().starts_with("row "), "{e}"),
        (Err(e), Err(want)) => assert_eq!(&e.to_string(), want, "columns refused otherwise than records"),
        (got, want) => panic!("columns {:?} but records {want:?}", got.as_ref().map(|b| b.len())),
    }
    let Ok(batch) = built else { return };
    let events = batch.to_events();
    let persons: Vec<Person> = PERSONS[..2].iter().map(|p| Person::new(p, "full").expect("a person")).collect();
    let engine = || {
        let mut e = anbu::Engine::new();
        persons.iter().for_each(|p| e.add_person(p.clone()).expect("a person"));
        e
    };
    let (mut a, mut b) = (engine(), engine());
    let ra = a.ingest_batch(events.clone()).map_err(|e| e.to_string());
    let rb = b.ingest_columns(&batch).map_err(|e| e.to_string());
    assert_eq!(ra, rb, "ingest_columns differs from ingest_batch");
    assert!(a.snapshot() == b.snapshot(), "ingest_columns left another state");
    // A grid of at most about 2,000 times, however far apart the times are (two valid times
    // millennia apart would make millions of rows, past libFuzzer's memory limit; the limit
    // on a replay's rows is the core's, tested there).
    let times = events.iter().map(|e| e.ts.as_millis());
    let span = times.clone().max().unwrap_or(0) - times.min().unwrap_or(0);
    let every_ms = (span / 2_000 + 1).max(6 * anbu::HOUR_MS);
    // A fixed clock: at the default (the wall clock) the `clock_ahead` reason of an event dated
    // after it names the time of each call, so two replays a millisecond apart would differ
    // in that text; events past this one are refused for their person, both ways.
    let clock = "2030-01-01T00:00:00Z".parse().ok();
    let options = ReplayOptions { every_ms, threads: 1, clock, ..ReplayOptions::default() };
    let ra = anbu::replay(events, &persons, &options).map_err(|e| e.to_string());
    let rb = anbu::replay_columns(&batch, &persons, &options).map_err(|e| e.to_string());
    assert_eq!(ra, rb, "replay_columns differs from replay");
}

/// Words an assessments table's text cells are drawn from: every value the columns take,
/// and some they do not.
const WORDS: [&str; 22] = [
    "normal",
    "watch",
    "warning",
    "critical",
    "none",
    "checkin_call",
    "notify",
    "dispatch",
    "day_office",
    "control_center",
    "visit",
    "police",
    "119",
    "auto",
    "staff",
    "",
    "p-1",
    "010-1234-5678",
    "purple",
    "2024-05-01T10:00:00+09:00",
    "NaN",
    "p-2\u{7}",
];

/// An Arrow column of `rows` cells decoded from fuzz bytes: text (plain, large or a
/// dictionary, as pandas and polars give categories), whole numbers, floats (NaN among them),
/// times, or all null; its type chosen by `kind`.
fn table_column(b: &mut Bytes<'_>, rows: usize, kind: u8) -> arrow_array::ArrayRef {
    use arrow_array::types::Int8Type;
    use arrow_array::{
        DictionaryArray, Float64Array, Int64Array, LargeStringArray, NullArray, StringArray, TimestampMillisecondArray,
    };
    use std::sync::Arc;
    let word = |b: &mut Bytes<'_>| {
        let x = b.byte();
        (!x.is_multiple_of(8)).then(|| WORDS[usize::from(x) % WORDS.len()])
    };
    let number = |b: &mut Bytes<'_>| match b.byte() % 5 {
        0 => None,
        1 => Some(f64::from(b.byte())),
        2 => Some(f64::NAN),
        3 => Some(f64::from_le_bytes(b.raw())),
        _ => Some(-1.0),
    };
    let millis = |b: &mut Bytes<'_>| match b.byte() % 4 {
        0 => None,
        1 => Some(i64::from_le_bytes(b.raw())),
        _ => Some(T0 + i64::from(b.byte()) * anbu::HOUR_MS),
    };
    match kind % 7 {
        0 => Arc::new((0..rows).map(|_| word(b)).collect::<StringArray>()),
        1 => Arc::new((0..rows).map(|_| word(b)).collect::<LargeStringArray>()),
        2 => Arc::new((0..rows).map(|_| word(b)).collect::<DictionaryArray<Int8Type>>()),
        3 => Arc::new((0..rows).map(|_| number(b)).collect::<Float64Array>()),
        4 => Arc::new((0..rows).map(|_| millis(b)).collect::<Int64Array>()),
        5 => {
            let times = (0..rows).map(|_| millis(b)).collect::<TimestampMillisecondArray>();
            Arc::new(if b.byte().is_multiple_of(2) { times.with_timezone("UTC") } else { times })
        }
        _ => Arc::new(NullArray::new(rows)),
    }
}

/// Fuzz target `assessments_table`: arbitrary bytes decoded as an assessments table given
/// back to the backtest (as a Python caller's DataFrame reaches it: any column missing or of
/// another type, categories, NaN, unknown words, odd times). Reading never panics; a table
/// read writes as a replay's table and reads back the same; the backtest of the rows read
/// returns (a report, or its error naming a row).
pub fn assessments_table(data: &[u8]) {
    let Some(batch) = assessments_table_of(data) else { return };
    let rows = batch.num_rows();
    for with_reasons in [false, true] {
        let Ok(read) = anbu::arrow::assessments_from_batches(std::slice::from_ref(&batch), with_reasons) else {
            continue;
        };
        assert_eq!(read.len(), rows, "a table read gives a row per row");
        let written = anbu::arrow::assessments_batch(anbu::AssessmentColumns::of(&read)).expect("a table of rows read");
        let back = anbu::arrow::assessments_from_batches(&[written], true).expect("a replay's table reads back");
        let same = back.iter().zip(&read).all(|(x, y)| {
            (&x.person, x.at, x.level, x.action, x.responder, &x.reasons, x.visit, x.call)
                == (&y.person, y.at, y.level, y.action, y.responder, &y.reasons, y.visit, y.call)
                && x.score.to_bits() == y.score.to_bits()
        });
        assert!(same && back.len() == read.len(), "the rows read write and read back unchanged");
        if let Err(e) = anbu::backtest::backtest(&read, &[], &[]) {
            assert!(e.to_string().starts_with("argument `assessments`: row "), "{e}");
        }
    }
}

/// The table fuzz bytes decode to (a row count, then per spec column a type, or absent, and
/// its cells), if Arrow takes it (a table without any column has no rows to give).
fn assessments_table_of(data: &[u8]) -> Option<anbu::arrow::RecordBatch> {
    let mut b = Bytes(data);
    let rows = usize::from(b.byte() % 24);
    let (mut fields, mut columns) = (Vec::new(), Vec::new());
    for name in anbu::ASSESSMENT_FIELDS {
        let kind = b.byte();
        if kind.is_multiple_of(13) {
            continue;
        }
        let column = table_column(&mut b, rows, kind);
        fields.push(arrow_schema::Field::new(name, column.data_type().clone(), true));
        columns.push(column);
    }
    let schema = std::sync::Arc::new(arrow_schema::Schema::new(fields));
    anbu::arrow::RecordBatch::try_new(schema, columns).ok()
}

/// The assessments fuzz bytes decode to, if they read (for checking seeds).
pub fn assessments_table_rows(data: &[u8]) -> Option<Vec<anbu::Assessment>> {
    anbu::arrow::assessments_from_batches(&[assessments_table_of(data)?], true).ok()
}
