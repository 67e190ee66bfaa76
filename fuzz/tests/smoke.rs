//! Runs the fuzz targets' bodies on stable Rust over a few thousand generated inputs: random
//! bytes, and the seed corpus with random edits. `cargo fuzz` (nightly) explores far more.

use proptest::prelude::*;

const SEEDS: [(&str, &[u8]); 7] = [
    ("csv_reader", include_bytes!("../seeds/csv_reader/spec.csv")),
    ("jsonl_reader", include_bytes!("../seeds/jsonl_reader/spec.jsonl")),
    ("profile_json", include_bytes!("../seeds/profile_json/plug_36h.json")),
    ("profile_toml", include_bytes!("../seeds/profile_toml/plug_36h.toml")),
    ("columns", include_bytes!("../seeds/columns/three_rows.bin")),
    ("assessments_table", include_bytes!("../seeds/assessments_table/three_rows.bin")),
    ("columnar_file", include_bytes!("../seeds/columnar_file/parquet.bin")),
];

fn run(target: &str, data: &[u8]) {
    match target {
        "csv_reader" => anbu_fuzz::csv_reader(data),
        "jsonl_reader" => anbu_fuzz::jsonl_reader(data),
        "profile_json" => anbu_fuzz::profile_json(data),
        "profile_toml" => anbu_fuzz::profile_toml(data),
        "columns" => anbu_fuzz::columns(data),
        "assessments_table" => anbu_fuzz::assessments_table(data),
        "columnar_file" => anbu_fuzz::columnar_file(data),
        other => panic!("unknown target {other}"),
    }
}

/// An edit of a seed: replace, insert or delete a byte, or splice in a token the formats care about.
#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Splice(usize, &'static str),
}

const TOKENS: &[&str] = &[
    ",",
    "\"",
    "\n",
    "\r\n",
    "{",
    "}",
    "[",
    "]",
    ":",
    "null",
    "true",
    "-1",
    "NaN",
    "1e999",
    "0.5",
    "\u{feff}",
    "\\",
    "=",
    "[[",
    "extends",
    "\"full\"",
    "18446744073709551616",
    "9999-12-31T23:59:59Z",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), proptest::sample::select(TOKENS)).prop_map(|(i, t)| Edit::Splice(i, t)),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for e in edits {
        let len = data.len();
        match *e {
            Edit::Replace(i, b) if len > 0 => data[i % len] = b,
            Edit::Insert(i, b) => data.insert(i % (len + 1), b),
            Edit::Delete(i) if len > 0 => {
                data.remove(i % len);
            }
            Edit::Splice(i, t) => {
                let at = i % (len + 1);
                data.splice(at..at, t.bytes());
            }
            _ => {}
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(target in 0usize..6, data in proptest::collection::vec(any::<u8>(), 0..300)) {
        run(SEEDS[target].0, &data);
    }

    #[test]
    fn edited_seeds(target in 0usize..6, edits in proptest::collection::vec(edit(), 1..8)) {
        let (name, seed) = SEEDS[target];
        run(name, &apply(seed, &edits));
    }
}

#[test]
fn seeds_are_valid() {
    for (name, seed) in SEEDS {
        run(name, seed);
    }
    let out = anbu::read_events_from(SEEDS[0].1, anbu::Format::Csv, &anbu::ReadOptions::strict()).unwrap();
    assert_eq!(out.events.len(), 6);
    assert!(anbu::Profile::from_toml(std::str::from_utf8(SEEDS[3].1).unwrap()).is_ok());
    let events = anbu_fuzz::columns_events(SEEDS[4].1).expect("the columns seed is a valid batch");
    assert_eq!(events.len(), 3);
    let rows = anbu_fuzz::assessments_table_rows(SEEDS[5].1).expect("the assessments seed is a valid table");
    assert_eq!(
        rows.iter().map(|a| (a.level, a.call)).collect::<Vec<_>>(),
        [
            (anbu::Level::Normal, Some(anbu::CheckinBy::Auto)),
            (anbu::Level::Warning, None),
            (anbu::Level::Normal, Some(anbu::CheckinBy::Auto)),
        ]
    );
}
