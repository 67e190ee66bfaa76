//! The `anbu` binary run as a batch job would run it: files in a temporary directory, the
//! exit code and the output checked against the core's own calls.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anbu::sim::{SimConfig, simulate};
use anbu::{Emit, Format, ReadOptions, ReplayOptions, read_events, read_incidents, read_persons};

fn anbu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anbu")).args(args).output().expect("the anbu binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

/// A small simulated cohort written by `anbu simulate` into a fresh directory.
struct Cohort {
    dir: tempfile::TempDir,
}

impl Cohort {
    fn new() -> Cohort {
        let dir = tempfile::tempdir().unwrap();
        let out = anbu(&["simulate", "--persons", "6", "--days", "5", "--seed", "7", "--out", path(dir.path())]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        Cohort { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        path(&self.file(name)).to_string()
    }

    /// The rows the core's replay gives for the cohort's files.
    fn core_rows(&self) -> Vec<anbu::Assessment> {
        let events = read_events(&self.file("events.csv"), &ReadOptions::strict()).unwrap().events;
        let persons = read_persons(&self.file("persons.csv"), &ReadOptions::strict()).unwrap().rows;
        anbu::replay(events, &persons, &ReplayOptions::default()).unwrap()
    }
}

#[test]
fn simulate_writes_the_cores_cohort() {
    let cohort = Cohort::new();
    let want = simulate(&SimConfig { persons: 6, days: 5, seed: 7, ..SimConfig::default() });
    let events = read_events(&cohort.file("events.csv"), &ReadOptions::strict()).unwrap().events;
    assert_eq!(events, want.events);
    assert_eq!(read_persons(&cohort.file("persons.csv"), &ReadOptions::strict()).unwrap().rows, want.persons);
    assert_eq!(read_incidents(&cohort.file("incidents.csv"), &ReadOptions::strict()).unwrap().rows, want.incidents);
}

#[test]
fn replay_to_csv_gives_the_cores_rows() {
    let cohort = Cohort::new();
    let out_file = cohort.file("rows.csv");
    let out =
        anbu(&["replay", &cohort.arg("events.csv"), "--persons", &cohort.arg("persons.csv"), "-o", path(&out_file)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want = cohort.core_rows();
    assert!(!want.is_empty());
    let mut csv = csv_rows(&std::fs::read_to_string(&out_file).unwrap());
    assert_eq!(csv.remove(0), anbu::ASSESSMENT_FIELDS);
    assert_eq!(csv.len(), want.len());
    for (row, a) in csv.iter().zip(&want) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str(), row[3].as_str()),
            (a.person.as_str(), &*a.at.to_string(), &*a.level.to_string())
        );
        let reasons: Vec<anbu::Reason> = serde_json::from_str(&row[6]).unwrap();
        assert_eq!(reasons, a.reasons);
        assert_eq!(row[7], a.visit.map_or("", anbu::VisitKind::as_str));
    }
}

#[test]
fn replay_to_jsonl_by_extension_and_to_stdout() {
    let cohort = Cohort::new();
    let (events, persons) = (cohort.arg("events.csv"), cohort.arg("persons.csv"));
    let out_file = cohort.file("rows.jsonl");
    let out = anbu(&["replay", &events, "--persons", &persons, "--output", path(&out_file)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<anbu::Assessment> = std::fs::read_to_string(&out_file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line an assessment"))
        .collect();
    assert_eq!(rows, cohort.core_rows());
    // No --output: CSV on stdout, or the format asked for.
    let out = anbu(&["replay", &events, "--persons", &persons, "--format", "jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), std::fs::read_to_string(&out_file).unwrap());
    let out = anbu(&["replay", &events, "--persons", &persons]);
    assert!(text(&out.stdout).starts_with("person,at,score,level,action,responder,reasons,visit,call\n"));
    // No progress drawn where stderr is not a terminal.
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn emit_changes_keeps_the_rows_whose_level_action_or_responder_changed() {
    let cohort = Cohort::new();
    let (events, persons) = (cohort.arg("events.csv"), cohort.arg("persons.csv"));
    let all = anbu(&["replay", &events, "--persons", &persons, "--format", "jsonl"]);
    let changes = anbu(&["replay", &events, "--persons", &persons, "--format", "jsonl", "--emit", "changes"]);
    assert!(changes.status.success(), "{}", text(&changes.stderr));
    let parse = |o: &Output| -> Vec<anbu::Assessment> {
        text(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let (all, changes) = (parse(&all), parse(&changes));
    assert!(changes.len() < all.len(), "{} changes of {} rows", changes.len(), all.len());
    assert_eq!(changes, Emit::Changes.keep(cohort.core_rows()));
    // Every person's first row is kept.
    let first = |rows: &[anbu::Assessment]| {
        let mut people: Vec<String> = rows.iter().map(|a| a.person.clone()).collect();
        people.dedup();
        people
    };
    assert_eq!(first(&changes), first(&all));
}

#[test]
fn every_is_read_by_the_core() {
    let cohort = Cohort::new();
    let (events, persons) = (cohort.arg("events.csv"), cohort.arg("persons.csv"));
    let hourly = anbu(&["replay", &events, "--persons", &persons, "--every", "1h"]);
    let quarterly = anbu(&["replay", &events, "--persons", &persons, "--every", "15m"]);
    let lines = |o: &Output| text(&o.stdout).lines().count();
    assert!(lines(&quarterly) > 3 * lines(&hourly), "{} vs {}", lines(&quarterly), lines(&hourly));
    let bad = anbu(&["replay", &events, "--persons", &persons, "--every", "5 fortnights"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("argument `every`: cannot parse `5 fortnights` as a duration"));
}

#[test]
fn one_persons_clock_ahead_does_not_stop_the_replay() {
    // A person's device reset to 9999 (the event appended to the cohort's file): refused for
    // that person, at the wall clock or a clock given; every other row is the core's as before.
    let cohort = Cohort::new();
    let want = cohort.core_rows();
    let (events, persons) = (cohort.file("events.csv"), cohort.arg("persons.csv"));
    let person = want[0].person.clone();
    let mut csv = std::fs::read_to_string(&events).unwrap();
    let header = csv.lines().next().unwrap().split(',').count();
    csv.push_str(&format!("{person},9999-01-01T00:00:00Z,heartbeat,door-9{}\n", ",".repeat(header - 4)));
    std::fs::write(&events, csv).unwrap();
    for clock in [None, Some("2030-01-01T00:00:00Z")] {
        let mut args = vec!["replay", path(&events), "--persons", &persons];
        args.extend(clock.iter().flat_map(|c| ["--clock", *c]));
        let out = anbu(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let rows = text(&out.stdout);
        assert_eq!(rows.lines().count(), want.len() + 1, "a header and the same rows");
        let ahead = rows.lines().filter(|l| l.contains("device `door-9` sent an event dated up to")).count();
        assert_eq!(ahead, want.iter().filter(|a| a.person == person).count());
    }
    let bad = anbu(&["replay", path(&events), "--persons", &persons, "--clock", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("argument `clock`"), "{}", text(&bad.stderr));
}

#[test]
fn profiles_from_files_are_the_callers() {
    let cohort = Cohort::new();
    let profile = cohort.file("plug_36h.toml");
    std::fs::write(&profile, "name = \"plug_36h\"\nextends = \"plug_only\"\n[inactivity.plug]\nthreshold_h = 36\n")
        .unwrap();
    let persons = cohort.file("custom.csv");
    std::fs::write(&persons, "person,profile\np-001,plug_36h\n").unwrap();
    let events = cohort.file("one.csv");
    let all = read_events(&cohort.file("events.csv"), &ReadOptions::strict()).unwrap().events;
    let mine: Vec<anbu::Event> = all.into_iter().filter(|e| e.person == "p-001").collect();
    anbu::write_events_csv(File::create(&events).unwrap(), &mine).unwrap();
    let args = ["replay", path(&events), "--persons", path(&persons), "--format", "jsonl"];
    let out = anbu(&[&args[..], &["--profiles", path(&profile)]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<anbu::Assessment> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let options =
        ReplayOptions { profiles: vec![anbu::Profile::from_path(&profile).unwrap()], ..ReplayOptions::default() };
    let want = anbu::replay(mine, &[anbu::Person::new("p-001", "plug_36h").unwrap()], &options).unwrap();
    assert_eq!(rows, want);
    // Without the file the profile is unknown: a validation error.
    let out = anbu(&args);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("unknown profile `plug_36h`"), "{}", text(&out.stderr));
}

#[test]
fn check_lists_every_bad_row_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::write(
        &file,
        "person,ts,signal,outcome\n\
         p-1,2024-05-01T10:00:00+09:00,checkin,missed\n\
         p-1,2024-05-01T11:00:00+09:00,checkin,maybe\n\
         p-1,2024-05-01T12:00:00+09:00,checkin,answered\n\
         p-1,soon,checkin,answered\n",
    )
    .unwrap();
    let out = anbu(&["check", path(&file)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let listed: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let p = path(&file);
    assert_eq!(
        listed[0],
        format!(
            "{p}: line 3: field `outcome`: unknown value `maybe`, expected one of: answered, missed, concern, unreachable, sms_reply"
        )
    );
    assert!(listed[1].starts_with(&format!("{p}: line 5: field `ts`: cannot parse `soon`")), "{}", listed[1]);
    assert!(text(&out.stderr).contains("2 events, 2 bad rows"), "{}", text(&out.stderr));
}

#[test]
fn check_of_a_clean_cohort_exits_0_and_checks_the_persons_too() {
    let cohort = Cohort::new();
    let (events, persons) = (cohort.arg("events.csv"), cohort.arg("persons.csv"));
    let out = anbu(&["check", &events, "--persons", &persons]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    // A persons table without one of the events' persons, and with a bad row.
    let table = std::fs::read_to_string(cohort.file("persons.csv")).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    let short = cohort.file("short.csv");
    std::fs::write(&short, format!("{}\n{}\n", lines[..lines.len() - 1].join("\n"), "p-x,,,,,,")).unwrap();
    let out = anbu(&["check", &events, "--persons", path(&short)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), format!("{}: line {}: field `profile`: required\n", path(&short), lines.len()));
    std::fs::write(&short, format!("{}\n", lines[..lines.len() - 1].join("\n"))).unwrap();
    let out = anbu(&["check", &events, "--persons", path(&short)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("is not in persons"), "{}", text(&out.stdout));
}

#[test]
fn the_number_of_threads_is_read_from_anbu_num_threads() {
    let cohort = Cohort::new();
    let args = ["replay", &cohort.arg("events.csv"), "--persons", &cohort.arg("persons.csv")];
    let with = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_anbu")).args(args).env("ANBU_NUM_THREADS", threads).output().unwrap()
    };
    let one = with("1");
    assert!(one.status.success(), "{}", text(&one.stderr));
    assert_eq!(with("3").stdout, one.stdout);
    assert_eq!(anbu(&args).stdout, one.stdout);
    let out = with("four");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "anbu: argument `ANBU_NUM_THREADS`: must be a whole number of threads >= 0 (0: one per core), got `four`\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_file_exits_3_naming_it() {
    let cohort = Cohort::new();
    let missing = cohort.file("nowhere/events.csv");
    for args in [
        vec!["replay", path(&missing), "--persons", &cohort.arg("persons.csv")],
        vec!["check", path(&missing)],
        vec!["replay", &cohort.arg("events.csv"), "--persons", path(&missing)],
    ] {
        let out = anbu(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.starts_with(&format!("anbu: {}: ", path(&missing))), "{err}");
        assert!(err.contains("No such file"), "{err}");
    }
}

#[test]
fn a_bad_row_exits_3_naming_the_file_and_line_unless_skipped() {
    let cohort = Cohort::new();
    let events = cohort.file("events.csv");
    let mut body = std::fs::read_to_string(&events).unwrap();
    body.push_str("p-001,2024-05-02T10:00:00+09:00,plug,plug-tv,,,,,,,-3,,,,,,,\n");
    let lines = body.lines().count();
    std::fs::write(&events, &body).unwrap();
    let out = anbu(&["replay", path(&events), "--persons", &cohort.arg("persons.csv")]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        text(&out.stderr),
        format!("anbu: {}: line {lines}: field `watts`: must be >= 0, got -3\n", path(&events))
    );
    let out = anbu(&["replay", path(&events), "--persons", &cohort.arg("persons.csv"), "--skip-bad-rows"]);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains(&format!("skipped line {lines}: field `watts`")), "{}", text(&out.stderr));
}

#[test]
fn usage_errors_exit_2_and_help_lists_the_exit_codes() {
    assert_eq!(anbu(&["replay"]).status.code(), Some(2));
    assert_eq!(anbu(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(anbu(&["replay", "e.csv", "--persons", "p.csv", "--emit", "some"]).status.code(), Some(2));
    let out = anbu(&["replay", "e.csv", "--persons", "p.csv", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown format `xlsx`"), "{}", text(&out.stderr));
    for args in [vec!["--help"], vec!["check", "--help"]] {
        let help = text(&anbu(&args).stdout);
        for code in ["0  done", "1  `check` found bad rows", "2  usage error", "3  input, I/O or validation error"] {
            assert!(help.contains(code), "{args:?}: {code}");
        }
    }
}

#[test]
fn simulate_then_backtest_round_trip() {
    let cohort = Cohort::new();
    let args = [
        "backtest",
        &cohort.arg("events.csv"),
        "--persons",
        &cohort.arg("persons.csv"),
        "--incidents",
        &cohort.arg("incidents.csv"),
    ];
    let out = anbu(&[&args[..], &["--format", "json"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: anbu::backtest::BacktestReport = serde_json::from_slice(&out.stdout).unwrap();
    let incidents = read_incidents(&cohort.file("incidents.csv"), &ReadOptions::strict()).unwrap().rows;
    let persons = read_persons(&cohort.file("persons.csv"), &ReadOptions::strict()).unwrap().rows;
    let want = anbu::backtest::backtest(&cohort.core_rows(), &incidents, &persons).unwrap();
    assert_eq!(report, want);
    assert_eq!(report.overall.persons, 6);
    let out = anbu(&args);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), want.to_markdown());
}

#[test]
fn backtest_takes_the_incidents_from_the_dispositions() {
    let cohort = Cohort::new();
    let events = cohort.file("events.csv");
    let mut body = std::fs::read_to_string(&events).unwrap();
    // A visit finds p-001 dead at the end of the period (the police opened the door); p-002
    // was found well.
    body.push_str("p-001,2024-05-06T12:00:00+09:00,disposition,visit,,,,,,,,,,,,,deceased,police\n");
    body.push_str("p-002,2024-05-06T12:00:00+09:00,disposition,visit,,,,,,,,,,,,,fine,\n");
    std::fs::write(&events, &body).unwrap();
    let args = ["backtest", path(&events), "--persons", &cohort.arg("persons.csv"), "--format", "json"];
    let out = anbu(&[&args[..], &["--incidents-from-dispositions"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: anbu::backtest::BacktestReport = serde_json::from_slice(&out.stdout).unwrap();
    let read = read_events(&events, &ReadOptions::strict()).unwrap().events;
    let persons = read_persons(&cohort.file("persons.csv"), &ReadOptions::strict()).unwrap().rows;
    let incidents = anbu::backtest::labels_from_dispositions(&read, &persons, &[]).unwrap();
    assert_eq!(incidents.len(), 1);
    let rows = anbu::replay(read, &persons, &ReplayOptions::default()).unwrap();
    assert_eq!(report, anbu::backtest::backtest(&rows, &incidents, &persons).unwrap());
    // One source of incidents or the other.
    let out = anbu(&args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn report_counts_the_replayed_period_per_district() {
    let cohort = Cohort::new();
    // Two districts, and the last person without one.
    let persons = read_persons(&cohort.file("persons.csv"), &ReadOptions::strict()).unwrap().rows;
    let n = persons.len();
    let persons: Vec<anbu::Person> = persons
        .into_iter()
        .enumerate()
        .map(|(i, p)| if i + 1 == n { p } else { p.with_district(["gangbuk", "nowon"][i % 2]).unwrap() })
        .collect();
    anbu::write_persons_csv(File::create(cohort.file("persons.csv")).unwrap(), &persons).unwrap();
    let (start, end) = ("2024-05-02T00:00:00+09:00", "2024-05-05T00:00:00+09:00");
    let args =
        ["report", &cohort.arg("events.csv"), "--persons", &cohort.arg("persons.csv"), "--start", start, "--end", end];
    let out = anbu(&[&args[..], &["--format", "jsonl"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<anbu::report::DistrictRow> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let events = read_events(&cohort.file("events.csv"), &ReadOptions::strict()).unwrap().events;
    let period = anbu::report::Period::new(start.parse().unwrap(), end.parse().unwrap()).unwrap();
    let want = anbu::report::district_report(period, &persons, &events, &cohort.core_rows()).unwrap();
    assert_eq!(rows, want.rows);
    let districts: Vec<Option<&str>> = rows.iter().map(|r| r.district.as_deref()).collect();
    assert_eq!(districts, [Some("gangbuk"), Some("nowon"), None]);
    assert!(want.total().auto_calls > 0, "the simulated persons have automatic calls");
    // The Markdown table by default; a period that ends before it starts is a usage error.
    let out = anbu(&args);
    assert_eq!(text(&out.stdout), want.to_string());
    let out = anbu(&[&args[..6], &["--start", end, "--end", start]].concat());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn simulate_in_json_lines_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = anbu(&["simulate", "--persons", "3", "--days", "2", "--out", path(dir.path()), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let events = read_events(&dir.path().join("events.jsonl"), &ReadOptions::strict()).unwrap().events;
    assert_eq!(events, simulate(&SimConfig { persons: 3, days: 2, ..SimConfig::default() }).events);
    assert_eq!(Format::from_path(&dir.path().join("persons.jsonl")).unwrap(), Format::Jsonl);
    assert_eq!(read_persons(&dir.path().join("persons.jsonl"), &ReadOptions::strict()).unwrap().rows.len(), 3);
    let bad = anbu(&["simulate", "--persons", "100000000", "--out", path(dir.path())]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("person-days"), "{}", text(&bad.stderr));
}

#[test]
fn replay_reads_and_writes_parquet_as_csv() {
    let cohort = Cohort::new();
    let events = read_events(&cohort.file("events.csv"), &ReadOptions::strict()).unwrap().events;
    let input = cohort.file("events.parquet");
    anbu::write_events_as(Format::Parquet, File::create(&input).unwrap(), &events).unwrap();
    let persons = cohort.arg("persons.csv");
    let out = anbu(&["check", path(&input)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains(&format!("{} events, 0 bad rows", events.len())), "{}", text(&out.stderr));
    let (csv_out, parquet_out) = (cohort.file("rows.csv"), cohort.file("rows.out"));
    let out = anbu(&["replay", path(&input), "--persons", &persons, "-o", path(&csv_out)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = anbu(&["replay", path(&input), "--persons", &persons, "-o", path(&parquet_out), "--format", "parquet"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The Parquet rows are the CSV rows: person, time, score, level, action, responder.
    let mut csv = csv_rows(&std::fs::read_to_string(&csv_out).unwrap());
    csv.remove(0);
    let batches = anbu::arrow::batches_from_bytes(Format::Parquet, std::fs::read(&parquet_out).unwrap()).unwrap();
    let mut rows = Vec::new();
    for b in &batches {
        let text = |i: usize| arrow_cast::display::ArrayFormatter::try_new(b.column(i).as_ref(), &Default::default());
        let cols: Vec<_> = [0, 2, 3, 4, 5].map(|i| text(i).unwrap()).into_iter().collect();
        let at = b.column(1).as_any().downcast_ref::<arrow_array::TimestampMillisecondArray>().unwrap();
        for r in 0..b.num_rows() {
            let ts = anbu::Timestamp::from_millis(at.value(r)).unwrap().to_string();
            rows.push((cols[0].value(r).to_string(), ts, cols[1].value(r).to_string(), cols[2].value(r).to_string()));
        }
    }
    assert_eq!(rows.len(), csv.len());
    for (row, (person, at, score, level)) in csv.iter().zip(&rows) {
        let at_csv: anbu::Timestamp = row[1].parse().unwrap();
        assert_eq!((&row[0], at_csv.to_string(), &row[3]), (person, at.clone(), level));
        assert_eq!(row[2].parse::<f64>().unwrap(), score.parse::<f64>().unwrap());
    }
    // A file cut short exits 3, naming it.
    let bytes = std::fs::read(&input).unwrap();
    std::fs::write(&input, &bytes[..bytes.len() / 2]).unwrap();
    let out = anbu(&["replay", path(&input), "--persons", &persons]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("events.parquet`: not a readable Parquet file"), "{}", text(&out.stderr));
}

/// The rows of a CSV text, each as its cells.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn triage_lists_each_persons_latest_row_most_urgent_first() {
    let cohort = Cohort::new();
    let args = |extra: &[&str]| {
        let mut a = vec!["triage".to_string(), cohort.arg("events.csv"), "--persons".into(), cohort.arg("persons.csv")];
        a.extend(extra.iter().map(|s| s.to_string()));
        let out = anbu(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let parse =
        |jsonl: &str| -> Vec<anbu::Assessment> { jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect() };
    // Everyone (`normal` and above): one row per person, their latest, in the core's order.
    let core = cohort.core_rows();
    let all = parse(&args(&["--min-level", "normal", "--format", "jsonl"]));
    assert_eq!(all.len(), 6);
    let last = core.iter().map(|a| a.at).max().unwrap();
    let mut want: Vec<anbu::Assessment> = core.iter().filter(|a| a.at == last).cloned().collect();
    anbu::rank(&mut want);
    assert_eq!(all, want);
    // By default those at `watch` or above, as a Markdown table in the same order.
    let markdown = args(&[]);
    let watched: Vec<&anbu::Assessment> = want.iter().filter(|a| a.level >= anbu::Level::Watch).collect();
    let lines: Vec<&str> = markdown.lines().collect();
    assert_eq!(lines[0], "| # | person | level | action | visit | responder | score | why |");
    assert_eq!(lines.len(), 2 + watched.len(), "{markdown}");
    for (i, (line, a)) in lines[2..].iter().zip(&watched).enumerate() {
        assert!(line.starts_with(&format!("| {} | {} | {} | {} |", i + 1, a.person, a.level, a.action)), "{line}");
    }
    // A district nobody is in: the header alone.
    assert_eq!(args(&["--district", "nowhere"]).lines().count(), 2);
}
