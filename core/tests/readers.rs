//! The event readers and writers against the interchange contract (docs/interchange.md).

use anbu::By;
use anbu::{
    AppAction, CheckinOutcome, CsvEventReader, Direction, DoorState, Error, ErrorKind, Event, EventKind, Format,
    JsonlEventReader, OwnedColumns, ReadOptions, Timestamp, read_columns, read_events, read_events_from,
    write_events_csv, write_events_jsonl,
};
use proptest::prelude::*;

const SPEC_CSV: &str = "\
person,ts,signal,device,direction,answered,duration_s,steps,interval_s,state,watts,lux,action,outcome,until
p-001,2024-05-01T08:00:00+09:00,steps,phone,,,,412,3600,,,,,,
p-001,2024-05-01T08:12:31+09:00,door,door-front,,,,,,open,,,,,
p-001,2024-05-01T19:02:00+09:00,plug,plug-tv,,,,,,,85.5,120,,,
p-001,2024-05-01T19:40:10+09:00,call,phone,out,true,312,,,,,,,,
p-002,2024-05-02T10:00:00+09:00,checkin,,,,,,,,,,,missed,
p-002,2024-05-03T00:00:00+09:00,away,,,,,,,,,,,,2024-05-09T00:00:00+09:00
";

/// The spec example as JSON Lines, with a blank line and epoch milliseconds for one `ts`.
const SPEC_JSONL: &str = r#"{"person":"p-001","ts":"2024-05-01T08:00:00+09:00","signal":"steps","device":"phone","steps":412,"interval_s":3600}
{"person":"p-001","ts":"2024-05-01T08:12:31+09:00","signal":"door","device":"door-front","state":"open"}

{"person":"p-001","ts":1714557720000,"signal":"plug","device":"plug-tv","watts":85.5,"lux":120,"action":null}
{"person":"p-001","ts":"2024-05-01T19:40:10+09:00","signal":"call","device":"phone","direction":"out","answered":true,"duration_s":312}
{"person":"p-002","ts":"2024-05-02T10:00:00+09:00","signal":"checkin","outcome":"missed"}
{"person":"p-002","ts":"2024-05-03T00:00:00+09:00","signal":"away","until":"2024-05-09T00:00:00+09:00"}
"#;

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn spec_events() -> Vec<Event> {
    let e = |person, t, device, kind| Event::new(person, ts(t), device, kind).unwrap();
    vec![
        e("p-001", "2024-05-01T08:00:00+09:00", Some("phone"), EventKind::steps(412)),
        e("p-001", "2024-05-01T08:12:31+09:00", Some("door-front"), EventKind::door(DoorState::Open)),
        e("p-001", "2024-05-01T19:02:00+09:00", Some("plug-tv"), EventKind::plug(85.5).with_lux(120.0)),
        e(
            "p-001",
            "2024-05-01T19:40:10+09:00",
            Some("phone"),
            EventKind::call(Direction::Out, true).with_duration_s(312.0),
        ),
        e("p-002", "2024-05-02T10:00:00+09:00", None, EventKind::checkin(CheckinOutcome::Missed)),
        e("p-002", "2024-05-03T00:00:00+09:00", None, EventKind::away(ts("2024-05-09T00:00:00+09:00"))),
    ]
}

fn read(text: &str, format: Format) -> anbu::Result<Vec<Event>> {
    read_events_from(text.as_bytes(), format, &ReadOptions::strict()).map(|o| o.events)
}

/// The error of reading a CSV file with the given header and one data row (line 2).
fn csv_error(header: &str, row: &str) -> String {
    read(&format!("{header}\n{row}\n"), Format::Csv).unwrap_err().to_string()
}

#[test]
fn spec_example_parses() {
    let events = read(SPEC_CSV, Format::Csv).unwrap();
    assert_eq!(events, spec_events());
    assert_eq!(events[4].device(), "checkin");
    assert_eq!(events[4].device_given(), None);
}

#[test]
fn csv_and_jsonl_give_the_same_events() {
    assert_eq!(read(SPEC_JSONL, Format::Jsonl).unwrap(), spec_events());
}

#[test]
fn columns_in_any_order_and_subset() {
    let text = "signal,ts,person,outcome\r\ncheckin,1714525200000,p-002,missed\r\n";
    let events = read(text, Format::Csv).unwrap();
    assert_eq!(events[0].kind, EventKind::checkin(CheckinOutcome::Missed));
    // A byte-order mark (as Excel writes) is not part of the first column's name.
    let text = "\u{feff}person,ts,signal\np-1,1,sos\n";
    assert_eq!(read(text, Format::Csv).unwrap().len(), 1);
    // Quoted cells may hold commas and quotes.
    let text = "person,ts,signal,device\n\"p,1\",1,heartbeat,\"plug \"\"tv\"\"\"\n";
    let events = read(text, Format::Csv).unwrap();
    assert_eq!((events[0].person.as_str(), events[0].device()), ("p,1", "plug \"tv\""));
    // An empty file has no events; a header alone neither.
    assert!(read("", Format::Csv).unwrap().is_empty());
    assert!(read("person,ts,signal\n", Format::Csv).unwrap().is_empty());
    assert!(read("\n\n", Format::Jsonl).unwrap().is_empty());
}

#[test]
fn row_errors_name_line_field_and_reason() {
    let h = "person,ts,signal,watts,state";
    assert_eq!(
        csv_error(h, "p-1,2024-05-01T10:00:00+09:00,plgu,,"),
        "line 2: field `signal`: unknown value `plgu`, expected one of: \
         call, steps, door, plug, app, checkin, sos, away, heartbeat, meter, disposition"
    );
    assert_eq!(
        csv_error(h, "p-1,2024-05-01T10:00:00+09:00,plug,,"),
        "line 2: field `watts`: required for signal `plug`"
    );
    assert_eq!(csv_error(h, "p-1,2024-05-01T10:00:00+09:00,plug,-3,"), "line 2: field `watts`: must be >= 0, got -3");
    assert_eq!(
        csv_error(h, "p-1,2024-05-01T10:00:00+09:00,plug,NaN,"),
        "line 2: field `watts`: must be a number, got NaN"
    );
    assert_eq!(csv_error(h, ",2024-05-01T10:00:00+09:00,sos,,"), "line 2: field `person`: required");
    assert_eq!(
        csv_error(h, "p-1,2024-05-01 10:00,sos,,"),
        "line 2: field `ts`: cannot parse `2024-05-01 10:00` as RFC 3339 with an offset \
         (e.g. 2024-05-01T09:30:00+09:00) or epoch milliseconds"
    );
    assert_eq!(csv_error(h, "p-1,1,door,,open,"), "line 2: expected 5 cells as in the header, got 6");
    assert_eq!(csv_error(h, "p-1,1,door"), "line 2: expected 5 cells as in the header, got 3");
    assert_eq!(
        csv_error(h, "p-1,1,door,5,open"),
        "line 2: field `watts`: does not apply to signal `door`; leave it empty"
    );
    // A disposition's finding, by the same rules (a file written before it has no such column).
    let d = "person,ts,signal,finding";
    assert_eq!(csv_error(d, "p-1,1,disposition,"), "line 2: field `finding`: required for signal `disposition`");
    assert_eq!(
        csv_error(d, "p-1,1,disposition,Fine"),
        "line 2: field `finding`: unknown value `Fine`, expected one of: \
         fine, away, hospital, device_fault, emergency, deceased, unreachable"
    );
    assert_eq!(
        csv_error(d, "p-1,1,sos,fine"),
        "line 2: field `finding`: does not apply to signal `sos`; leave it empty"
    );
    let jsonl = r#"{"person":"p-1","ts":1,"signal":"disposition","finding":"lost"}"#;
    assert!(
        read(jsonl, Format::Jsonl)
            .unwrap_err()
            .to_string()
            .starts_with("line 1: field `finding`: unknown value `lost`")
    );
    // Who called or found it, by the same rules (a file written before it has no such column:
    // its check-ins are the automatic calls).
    let b = "person,ts,signal,outcome,finding,by";
    assert_eq!(
        csv_error(b, "p-1,1,checkin,missed,,police"),
        "line 2: field `by`: `police` does not apply to signal `checkin`, expected one of: auto, staff"
    );
    assert_eq!(
        csv_error(b, "p-1,1,disposition,,fine,staff"),
        "line 2: field `by`: `staff` does not apply to signal `disposition`, expected one of: call, visit, police, 119"
    );
    assert_eq!(
        csv_error(b, "p-1,1,checkin,missed,,robot"),
        "line 2: field `by`: unknown value `robot`, expected one of: auto, staff, call, visit, police, 119"
    );
    assert_eq!(csv_error(b, "p-1,1,sos,,,staff"), "line 2: field `by`: does not apply to signal `sos`; leave it empty");
    let staff = read(&format!("{b}\np-1,1,checkin,unreachable,,staff\np-1,2,disposition,,fine,119\n"), Format::Csv);
    let json = read(
        "{\"person\":\"p-1\",\"ts\":1,\"signal\":\"checkin\",\"outcome\":\"unreachable\",\"by\":\"staff\"}\n\
         {\"person\":\"p-1\",\"ts\":2,\"signal\":\"disposition\",\"finding\":\"fine\",\"by\":\"119\"}\n",
        Format::Jsonl,
    );
    assert_eq!(staff.as_ref().unwrap(), json.as_ref().unwrap());
    assert_eq!(
        staff.unwrap().iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
        [
            EventKind::checkin(CheckinOutcome::Unreachable).with_by(By::Staff),
            EventKind::disposition(anbu::Finding::Fine).with_by(By::Rescue),
        ]
    );
    let e = read("person,ts,signal\np-1,1,sos\np-1,1,sos\np-\u{1}1,1,sos\n", Format::Csv).unwrap_err();
    assert_eq!(e.to_string(), "line 4: field `person`: contains a control character");
    assert_eq!(e.kind(), ErrorKind::InvalidEvent);
}

#[test]
fn header_errors() {
    let e = read("person,ts,signal,wats\np,1,sos,\n", Format::Csv).unwrap_err();
    assert!(e.to_string().starts_with("line 1: unknown column `wats`; the spec's columns are: person, ts,"), "{e}");
    assert_eq!(e.kind(), ErrorKind::Format);
    let e = read("person,ts,signal,ts\n", Format::Csv).unwrap_err();
    assert_eq!(e.to_string(), "line 1: duplicate column `ts`");
    let e = read("person,ts,watts\n", Format::Csv).unwrap_err();
    assert_eq!(e.to_string(), "line 1: missing required column `signal`");
    let e = read(",person,ts,signal\n", Format::Csv).unwrap_err();
    assert_eq!(e.to_string(), "line 1: column 1 has no name");
    // A bad header is fatal even when bad rows are skipped.
    let e = read_events_from("person,tz,signal\np,1,sos\n".as_bytes(), Format::Csv, &ReadOptions::lenient());
    assert!(e.unwrap_err().to_string().starts_with("line 1: unknown column `tz`"));
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut bytes = b"person,ts,signal,device\np,1,sos,\np,1,heartbeat,plug-".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"\np,1,sos,\n");
    let mut rows = CsvEventReader::new(bytes.as_slice());
    assert!(rows.next().unwrap().is_ok());
    assert_eq!(rows.next().unwrap().unwrap_err().to_string(), "line 3: column `device`: not valid UTF-8");
    assert!(rows.next().unwrap().is_ok());
    assert!(rows.next().is_none());

    let mut bytes = b"{\"person\":\"p\",\"ts\":1,\"signal\":\"sos\"}\n{\"person\":\"".to_vec();
    bytes.extend_from_slice(&[0xc3, 0x28]);
    bytes.extend_from_slice(b"\",\"ts\":1,\"signal\":\"sos\"}\n");
    let e = read_events_from(bytes.as_slice(), Format::Jsonl, &ReadOptions::strict()).unwrap_err();
    assert_eq!(e.to_string(), "line 2: not valid UTF-8");
}

#[test]
fn over_long_lines() {
    let long = format!("p,1,heartbeat,{}", "d".repeat(anbu::MAX_LINE_BYTES));
    let text = format!("person,ts,signal,device\n{long}\np,1,sos,\n");
    assert_eq!(read(&text, Format::Csv).unwrap_err().to_string(), "line 2: longer than 1 MiB");
    let out = read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::lenient()).unwrap();
    assert_eq!((out.events.len(), out.skipped_count), (1, 1));

    let text = format!("{{\"person\":\"{}\"}}\n{{\"person\":\"p\",\"ts\":1,\"signal\":\"sos\"}}", "x".repeat(1 << 20));
    assert_eq!(read(&text, Format::Jsonl).unwrap_err().to_string(), "line 1: longer than 1 MiB");
    let out = read_events_from(text.as_bytes(), Format::Jsonl, &ReadOptions::lenient()).unwrap();
    assert_eq!((out.events.len(), out.skipped_count), (1, 1));
}

#[test]
fn bad_json_lines() {
    let text = "{\"person\":\"p\",\"ts\":1,\"signal\":\"sos\"}\n{\"person\":\"p\",\"ts\":1,\"signal\":sos}\n";
    assert_eq!(read(text, Format::Jsonl).unwrap_err().to_string(), "line 2: invalid JSON at column 31: expected value");
    let e = read("[{\"person\":\"p\"}]\n", Format::Jsonl).unwrap_err();
    assert_eq!(e.to_string(), "line 1: expected a JSON object (one per line), got an array");
    let e = read("{\"person\":\"p\",\"ts\":1,\"signal\":\"sos\",\"note\":\"x\"}\n", Format::Jsonl).unwrap_err();
    assert!(e.to_string().starts_with("line 1: field `note`: unknown field; the spec's fields are: person, ts"));
    assert_eq!(e.kind(), ErrorKind::InvalidEvent);
    let e = read("{\"person\":\"p\",\"ts\":1.5,\"signal\":\"sos\"}\n", Format::Jsonl).unwrap_err();
    assert_eq!(e.to_string(), "line 1: field `ts`: epoch milliseconds must be a whole number, got `1.5`");
    let e =
        read("{\"person\":\"p\",\"ts\":1,\"signal\":\"call\",\"direction\":\"in\",\"answered\":\"no\"}", Format::Jsonl);
    assert_eq!(e.unwrap_err().to_string(), "line 1: field `answered`: expected true or false, got `no`");
}

#[test]
fn csv_and_jsonl_give_the_same_errors() {
    // Each bad row as a CSV cell list and as a JSON object; the CSV header shifts lines by one.
    let rows: &[(&str, &str)] = &[
        ("p,1,plug,-1,,", r#"{"person":"p","ts":1,"signal":"plug","watts":-1}"#),
        ("p,1,plug,NaN,,", r#"{"person":"p","ts":1,"signal":"plug","watts":"NaN"}"#),
        ("p,yesterday,sos,,,", r#"{"person":"p","ts":"yesterday","signal":"sos"}"#),
        ("p,1,plgu,,,", r#"{"person":"p","ts":1,"signal":"plgu"}"#),
        ("p,1,steps,,4.5,", r#"{"person":"p","ts":1,"signal":"steps","steps":4.5}"#),
        ("p,1,steps,,-4,", r#"{"person":"p","ts":1,"signal":"steps","steps":-4}"#),
        ("p,1,away,,,soon", r#"{"person":"p","ts":1,"signal":"away","until":"soon"}"#),
        ("p,5,away,,,0", r#"{"person":"p","ts":5,"signal":"away","until":0}"#),
        ("010-1234-5678,1,sos,,,", r#"{"person":"010-1234-5678","ts":1,"signal":"sos"}"#),
        (",1,sos,,,", r#"{"ts":1,"signal":"sos"}"#),
    ];
    let csv: String = std::iter::once("person,ts,signal,watts,steps,until")
        .chain(rows.iter().map(|r| r.0))
        .map(|l| format!("{l}\n"))
        .collect();
    let jsonl: String = rows.iter().map(|r| format!("{}\n", r.1)).collect();
    let csv_errors: Vec<String> = CsvEventReader::new(csv.as_bytes()).map(|r| r.unwrap_err().to_string()).collect();
    let json_errors: Vec<String> =
        JsonlEventReader::new(jsonl.as_bytes()).map(|r| r.unwrap_err().to_string()).collect();
    assert_eq!(csv_errors.len(), rows.len());
    assert_eq!(json_errors.len(), rows.len());
    for (i, (c, j)) in csv_errors.iter().zip(&json_errors).enumerate() {
        let i = i as u64 + 1;
        let c = c.strip_prefix(&format!("line {}: ", i + 1)).unwrap();
        let j = j.strip_prefix(&format!("line {i}: ")).unwrap();
        assert_eq!(c, j);
        assert!(c.starts_with("field `"), "{c}");
    }
}

#[test]
fn lenient_mode_returns_good_rows_and_what_was_skipped() {
    let text = "person,ts,signal,watts\n\
                p,1,plug,1\n\
                p,1,plug,-1\n\
                p,1,plug\n\
                p,1,plug,2\n\
                p,x,plug,3\n";
    let out = read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::lenient()).unwrap();
    assert_eq!(out.events.len(), 2);
    assert_eq!(out.skipped_count, 3);
    let skipped: Vec<String> = out.skipped.iter().map(Error::to_string).collect();
    assert_eq!(skipped[0], "line 3: field `watts`: must be >= 0, got -1");
    assert_eq!(skipped[1], "line 4: expected 4 cells as in the header, got 3");
    assert!(skipped[2].starts_with("line 6: field `ts`: cannot parse `x`"));
    // Strict mode stops at the first bad row.
    let e = read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), skipped[0]);
}

#[test]
fn read_events_picks_the_format_from_the_extension() {
    let dir = std::env::temp_dir().join(format!("anbu-readers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("events.csv");
    std::fs::write(&csv, SPEC_CSV).unwrap();
    let ndjson = dir.join("events.ndjson");
    std::fs::write(&ndjson, SPEC_JSONL).unwrap();
    assert_eq!(read_events(&csv, &ReadOptions::strict()).unwrap().events, spec_events());
    assert_eq!(read_events(&ndjson, &ReadOptions::strict()).unwrap().events, spec_events());
    let e = read_events(&dir.join("events.txt"), &ReadOptions::strict()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file large enough to be read on every core gives exactly what one streaming reader
/// gives: the same events, or the same first error and its line, or the same skipped rows.
#[test]
fn a_large_file_reads_as_one_reader_reads_it() {
    let cohort = anbu::sim::simulate(&anbu::sim::SimConfig { persons: 60, days: 6, ..Default::default() });
    let dir = std::env::temp_dir().join(format!("anbu-readers-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut csv, mut jsonl) = (Vec::new(), Vec::new());
    write_events_csv(&mut csv, &cohort.events).unwrap();
    write_events_jsonl(&mut jsonl, &cohort.events).unwrap();
    assert!(csv.len() > 1 << 20, "{} bytes: under the parallel reader's threshold", csv.len());
    for (name, text) in [("events.csv", csv), ("events.jsonl", jsonl)] {
        let format = Format::from_path(name.as_ref()).unwrap();
        let lines = text.split_inclusive(|b| *b == b'\n').count();
        // A bad row near the end, a quoted cell (CSV), or nothing wrong.
        let bad = {
            let mut t = text.clone();
            let at = t.len() - 200;
            let nl = at + t[at..].iter().position(|b| *b == b'\n').unwrap() + 1;
            t.splice(nl..nl, b"p-1,2024-05-01T00:00:00Z,plug,,,,,,,,,-3,,,,\n".iter().copied());
            t
        };
        let quoted = String::from_utf8(text.clone()).unwrap().replacen(",plug,", ",\"plug\",", 1).into_bytes();
        for (case, input) in [("clean", &text), ("bad row", &bad), ("quoted", &quoted)] {
            let path = dir.join(name);
            std::fs::write(&path, input).unwrap();
            let options = if case == "bad row" {
                vec![ReadOptions::strict(), ReadOptions::lenient()]
            } else {
                vec![ReadOptions::strict()]
            };
            // As columns: the strict reading's events, or its error.
            let columns = read_columns(&path).map_err(|e| e.to_string());
            let strict = read_events_from(input.as_slice(), format, &ReadOptions::strict());
            assert_eq!(
                columns,
                strict.map(|out| OwnedColumns::of(&out.events)).map_err(|e| e.to_string()),
                "{name} {case}"
            );
            for options in options {
                let got = read_events(&path, &options);
                let want = read_events_from(input.as_slice(), format, &options);
                match (got, want) {
                    (Ok(got), Ok(want)) => {
                        assert_eq!(got.events, want.events, "{name} {case}");
                        assert_eq!(got.skipped_count, want.skipped_count, "{name} {case}");
                        let text = |v: &[Error]| v.iter().map(|e| e.to_string()).collect::<Vec<_>>();
                        assert_eq!(text(&got.skipped), text(&want.skipped), "{name} {case}");
                        if case != "bad row" {
                            assert_eq!(got.events.len(), cohort.events.len(), "{name} {case}");
                        }
                    }
                    (Err(got), Err(want)) => {
                        assert_eq!(got.to_string(), want.to_string(), "{name} {case}");
                        assert!(case == "bad row" && !options.skip_bad_rows, "{name} {case}: {got}");
                    }
                    (got, want) => panic!("{name} {case}: {got:?} vs {want:?}"),
                }
            }
        }
        assert!(lines > 15_000, "{lines}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn spec_example_round_trips() {
    let events = spec_events();
    let mut csv = Vec::new();
    write_events_csv(&mut csv, &events).unwrap();
    let text = String::from_utf8(csv).unwrap();
    // The spec's fifteen columns (a file written before `category` still reads, above), and
    // `category`, `finding` and `by` after them.
    assert_eq!(text.lines().next().unwrap(), format!("{},category,finding,by", SPEC_CSV.lines().next().unwrap()));
    assert_eq!(text.lines().nth(3).unwrap(), "p-001,2024-05-01T10:02:00Z,plug,plug-tv,,,,,,,85.5,120,,,,,,");
    assert_eq!(read(&text, Format::Csv).unwrap(), events);
    let mut jsonl = Vec::new();
    write_events_jsonl(&mut jsonl, &events).unwrap();
    assert_eq!(read(std::str::from_utf8(&jsonl).unwrap(), Format::Jsonl).unwrap(), events);
}

// ---- properties ----

fn id() -> impl Strategy<Value = String> {
    // Pseudonymous ids, some with characters CSV must quote.
    "[a-z][a-z0-9 ,\"'-]{0,12}"
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        0.0f64..1e4,
        (0u32..100_000).prop_map(f64::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(f64::abs),
    ]
}

fn kind(ts: i64) -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (prop_oneof![Just(Direction::In), Just(Direction::Out)], any::<bool>(), proptest::option::of(number()))
            .prop_map(
                |(direction, answered, duration_s)| EventKind::call(direction, answered).with_duration_s(duration_s)
            ),
        (any::<u32>(), 1u32..).prop_map(|(steps, interval_s)| EventKind::steps(steps).with_interval_s(interval_s)),
        prop_oneof![Just(DoorState::Open), Just(DoorState::Closed)].prop_map(EventKind::door),
        (number(), proptest::option::of(number())).prop_map(|(watts, lux)| EventKind::plug(watts).with_lux(lux)),
        proptest::sample::select(vec![
            AppAction::Unlock,
            AppAction::Charge,
            AppAction::SmsOut,
            AppAction::Data,
            AppAction::AppOpen
        ])
        .prop_map(EventKind::app),
        proptest::sample::select(vec![CheckinOutcome::Answered, CheckinOutcome::Missed, CheckinOutcome::Concern])
            .prop_map(EventKind::checkin),
        Just(EventKind::sos()),
        (0i64..1_000_000_000_000).prop_map(move |d| EventKind::away(Timestamp::from_millis(ts + d).unwrap())),
        Just(EventKind::heartbeat()),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    (0i64..200_000_000_000_000).prop_flat_map(|ms| {
        (id(), proptest::option::of(id()), kind(ms)).prop_map(move |(person, device, kind)| {
            Event::new(&person, Timestamp::from_millis(ms).unwrap(), device.as_deref(), kind).unwrap()
        })
    })
}

/// Drains a reader, which must end (the iterator is bounded by the input).
fn drain(items: impl Iterator<Item = anbu::Result<Event>>, input_len: usize) -> usize {
    let mut n = 0;
    for item in items {
        n += 1;
        if let Err(e) = item {
            let _ = e.to_string();
        }
        assert!(n <= input_len + 2, "a reader yielded more items than its input has lines");
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        drain(CsvEventReader::new(bytes.as_slice()), bytes.len());
        drain(JsonlEventReader::new(bytes.as_slice()), bytes.len());
        let mut with_header = b"person,ts,signal,device,watts\n".to_vec();
        with_header.extend_from_slice(&bytes);
        drain(CsvEventReader::new(with_header.as_slice()), with_header.len());
    }

    #[test]
    fn csv_like_text_never_panics(rows in proptest::collection::vec("[a-z0-9,\"\r\n:.+-]{0,40}", 0..8)) {
        let text = format!("person,ts,signal,watts,answered,until\n{}", rows.join("\n"));
        drain(CsvEventReader::new(text.as_bytes()), text.len());
        let json: String = rows.iter().map(|r| format!("{{\"person\":\"{r}\",\"ts\":{r}}}\n")).collect();
        drain(JsonlEventReader::new(json.as_bytes()), json.len());
    }

    #[test]
    fn written_events_read_back_identical(events in proptest::collection::vec(event(), 0..20)) {
        let mut csv = Vec::new();
        write_events_csv(&mut csv, &events).unwrap();
        let back = read_events_from(csv.as_slice(), Format::Csv, &ReadOptions::strict()).unwrap();
        prop_assert_eq!(&back.events, &events);
        let mut jsonl = Vec::new();
        write_events_jsonl(&mut jsonl, &events).unwrap();
        let back = read_events_from(jsonl.as_slice(), Format::Jsonl, &ReadOptions::strict()).unwrap();
        prop_assert_eq!(&back.events, &events);
    }
}
