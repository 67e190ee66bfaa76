//! `anbu`: the core's batch jobs on the command line (replay, backtest, simulate, check).
//!
//! Every rule, check, unit and default lives in the core (`anbu`); this crate only maps its
//! arguments to the core's calls, draws progress, and turns the outcome into an exit code.
//! [`run`] is the whole command line, so that the `anbu` binary and `python -m anbu` (through
//! the Python binding) are one program.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anbu::backtest::backtest;
use anbu::sim::{SimConfig, try_simulate};
use anbu::{Emit, Error, ErrorKind, Event, Format, Person, Profile, ReadOptions, ReplayOptions, Value};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

/// The exit codes, as `--help` shows them (and cli/README.md).
const EXIT_CODES: &str = "\
Exit codes:
  0  done; for `check`, no bad row
  1  `check` found bad rows (each listed on stdout with its line, field and reason)
  2  usage error: an unknown or missing argument, or a bad value (`--every 5x`, an unknown file extension)
  3  input, I/O or validation error: the message on stderr names the file and, for a bad row, its line";

/// Replays, backtests, simulates and checks anbu's event files, for batch jobs.
#[derive(Parser)]
#[command(name = "anbu", version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Assess every person on a time grid and write the assessment rows (CSV, JSON Lines, Parquet or Arrow IPC).
    #[command(after_help = EXIT_CODES)]
    Replay(ReplayArgs),
    /// Replay, then score the assessments against known incidents (a Markdown table or JSON).
    #[command(after_help = EXIT_CODES)]
    Backtest(BacktestArgs),
    /// Replay, then count a period per district: households, risk signals, calls, visits, findings.
    #[command(after_help = EXIT_CODES)]
    Report(ReportArgs),
    /// Replay, then list who needs action now, most urgent first: the triage queue of each
    /// person's latest assessment (a Markdown table, CSV or JSON Lines).
    #[command(after_help = EXIT_CODES)]
    Triage(TriageArgs),
    /// Simulate a cohort: write its events, persons and incidents into a directory.
    #[command(after_help = EXIT_CODES)]
    Simulate(SimulateArgs),
    /// Validate an event file (and a persons table) and list every bad row.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
}

/// What a replay reads.
#[derive(Args)]
struct Inputs {
    /// The event file: .csv, JSON Lines (.jsonl, .ndjson, .json), Parquet (.parquet) or Arrow IPC (.arrow, .feather, .ipc).
    events: PathBuf,
    /// The persons table (person, profile, devices): .csv or .jsonl.
    #[arg(long, value_name = "FILE")]
    persons: PathBuf,
    /// Profiles (TOML or JSON) that the persons' `profile` may name, besides the built-in ones.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    profiles: Vec<PathBuf>,
    /// The grid's step: `1h`, `15m`, `3600s`, `2d` (a bare number is milliseconds) [default: 1h].
    #[arg(long, value_name = "DURATION")]
    every: Option<String>,
    /// The time now (RFC 3339): a person's event dated further ahead of it than their profile
    /// allows is refused for that person only, whose rows then say which device's clock runs
    /// ahead [default: the wall clock].
    #[arg(long, value_name = "TIME")]
    clock: Option<String>,
    /// Skip bad event rows (each listed on stderr with its line) instead of stopping at the first.
    #[arg(long)]
    skip_bad_rows: bool,
}

#[derive(Args)]
struct ReplayArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Which rows to write: `all`, or `changes` (each person's first row and the rows whose
    /// level, action (with its kind of visit) or responder changed).
    #[arg(long, value_name = "all|changes", default_value = "all", value_parser = parse_emit)]
    emit: Emit,
    /// Where to write the rows (stdout when not given).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// `csv`, `jsonl`, `parquet` or `arrow`; by default from the output's extension, and
    /// CSV on stdout.
    #[arg(long, value_name = "csv|jsonl|parquet|arrow", value_parser = parse_format)]
    format: Option<Format>,
}

#[derive(Args)]
struct BacktestArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// The incidents table (person, start, end): .csv or .jsonl.
    #[arg(long, value_name = "FILE", required_unless_present = "incidents_from_dispositions")]
    incidents: Option<PathBuf>,
    /// Take the incidents from the events' `disposition` rows instead (`emergency` and
    /// `deceased` findings, each from the person's last sign of life): recorded field data.
    #[arg(long, conflicts_with = "incidents")]
    incidents_from_dispositions: bool,
    /// How to print the report.
    #[arg(long, value_enum, default_value = "markdown")]
    format: ReportFormat,
}

/// How `backtest` prints its report.
#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// The core's Markdown table: one row per profile, then `all`.
    Markdown,
    /// The report as JSON (`overall` and `by_profile`).
    Json,
}

#[derive(Args)]
struct ReportArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// The period's first instant (RFC 3339: `2024-05-01T00:00:00+09:00`).
    #[arg(long, value_name = "TIME")]
    start: String,
    /// The first instant after the period (excluded).
    #[arg(long, value_name = "TIME")]
    end: String,
    /// Where to write the rows (stdout when not given).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// `markdown` (the core's table), `csv` or `jsonl`; by default from the output's
    /// extension, and the Markdown table on stdout.
    #[arg(long, value_enum)]
    format: Option<TableFormat>,
}

#[derive(Args)]
struct TriageArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Only the persons of this district (the persons table's `district`).
    #[arg(long)]
    district: Option<String>,
    /// Only the persons of this caseworker (the persons table's `caseworker`).
    #[arg(long)]
    caseworker: Option<String>,
    /// Only those at this level or above: `normal`, `watch`, `warning` or `critical`.
    #[arg(long, value_name = "LEVEL", default_value = "watch")]
    min_level: String,
    /// Where to write the queue (stdout when not given).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// `markdown`, `csv` or `jsonl` (the assessment rows); by default from the output's
    /// extension, and the Markdown table on stdout.
    #[arg(long, value_enum)]
    format: Option<TableFormat>,
}

/// How `report` and `triage` write their rows.
#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    /// The core's Markdown table: one row per district, then `all`.
    Markdown,
    /// The core's CSV writer.
    Csv,
    /// The core's JSON Lines writer.
    Jsonl,
}

#[derive(Args)]
struct SimulateArgs {
    /// Number of persons [default: the core's, 300].
    #[arg(long)]
    persons: Option<i64>,
    /// Number of days [default: the core's, 90].
    #[arg(long)]
    days: Option<i64>,
    /// Random seed [default: the core's, 1].
    #[arg(long)]
    seed: Option<i64>,
    /// The directory to write events, persons and incidents into (made if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The files' format: `csv` or `jsonl`.
    #[arg(long, value_name = "csv|jsonl", default_value = "csv", value_parser = parse_format)]
    format: Format,
}

#[derive(Args)]
struct CheckArgs {
    /// The event file: .csv, JSON Lines (.jsonl, .ndjson, .json), Parquet (.parquet) or Arrow IPC (.arrow, .feather, .ipc).
    events: PathBuf,
    /// A persons table to check too, and against the events (every event's person listed,
    /// every profile known).
    #[arg(long, value_name = "FILE")]
    persons: Option<PathBuf>,
    /// Profiles (TOML or JSON) that the persons' `profile` may name.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    profiles: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn parse_emit(s: &str) -> Result<Emit, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

/// Why a command failed: a core error, and the file it concerns when there is one.
struct Failure {
    file: Option<PathBuf>,
    error: Error,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure { file: None, error }
    }
}

/// Names `path` in the errors of a call that reads or writes it.
fn in_file(path: &Path) -> impl Fn(Error) -> Failure + '_ {
    move |error| Failure { file: Some(path.to_path_buf()), error }
}

/// An exit code (see `EXIT_CODES`).
type Outcome = Result<u8, Failure>;

/// Runs the command line `args` (the program's name first, as `std::env::args_os` gives
/// them) and returns its exit code: 0 done, 1 `check` found bad rows, 2 usage error, 3 input,
/// I/O or validation error (the message on stderr). `--help` and `--version` print and give 0.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    // A bad `ANBU_NUM_THREADS` is a usage error, before any file is read.
    let result = anbu::parallel::threads().map_err(Failure::from).and_then(|_| match cli.command {
        Command::Replay(args) => replay(args),
        Command::Backtest(args) => run_backtest(args),
        Command::Report(args) => report(args),
        Command::Triage(args) => triage(args),
        Command::Simulate(args) => simulate(args),
        Command::Check(args) => check(args),
    });
    match result {
        Ok(code) => code,
        // A reader of stdout that stopped reading (`| head`) is not a failure.
        Err(Failure { error: Error::Io(e), .. }) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(Failure { file, error }) => {
            match file {
                Some(file) => eprintln!("anbu: {}: {error}", file.display()),
                None => eprintln!("anbu: {error}"),
            }
            // A bad argument is a usage error, as clap's own are.
            if error.kind() == ErrorKind::InvalidArgument { 2 } else { 3 }
        }
    }
}

/// A spinner with the step under way and the time taken, drawn on stderr when it is a
/// terminal (hidden otherwise, so logs of batch jobs stay clean).
fn progress() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Reads the events (listing skipped rows on stderr), persons and profiles of a replay.
fn read_inputs(inputs: &Inputs, bar: &ProgressBar) -> Result<(Vec<Event>, Vec<Person>, ReplayOptions), Failure> {
    let mut options = ReplayOptions::default();
    if let Some(every) = &inputs.every {
        options.set("every", Value::Text(every))?;
    }
    if let Some(clock) = &inputs.clock {
        options.set("clock", Value::Text(clock))?;
    }
    options.check()?;
    for path in &inputs.profiles {
        options.profiles.push(Profile::from_path(path).map_err(in_file(path))?);
    }
    bar.set_message(format!("reading {}", inputs.persons.display()));
    let persons = anbu::read_persons(&inputs.persons, &ReadOptions::strict()).map_err(in_file(&inputs.persons))?.rows;
    bar.set_message(format!("reading {}", inputs.events.display()));
    let read = if inputs.skip_bad_rows { ReadOptions::lenient() } else { ReadOptions::strict() };
    let events = anbu::read_events(&inputs.events, &read).map_err(in_file(&inputs.events))?;
    for e in &events.skipped {
        bar.suspend(|| eprintln!("anbu: {}: skipped {e}", inputs.events.display()));
    }
    if events.skipped_count > events.skipped.len() as u64 {
        bar.suspend(|| eprintln!("anbu: {}: {} rows skipped in all", inputs.events.display(), events.skipped_count));
    }
    Ok((events.events, persons, options))
}

/// Reads the inputs and replays them, the bar counting the persons replayed.
fn replay_inputs(inputs: &Inputs, bar: &ProgressBar) -> Result<(Vec<anbu::Assessment>, Vec<Person>), Failure> {
    replay_labelled(inputs, bar, false).map(|(rows, persons, _)| (rows, persons))
}

/// [`replay_inputs`], and with `labels` the incidents the events' dispositions confirm.
fn replay_labelled(inputs: &Inputs, bar: &ProgressBar, labels: bool) -> Result<Replayed, Failure> {
    let (events, persons, mut options) = read_inputs(inputs, bar)?;
    let incidents = if labels {
        anbu::backtest::labels_from_dispositions(&events, &persons, &options.profiles)
            .map_err(in_file(&inputs.events))?
    } else {
        Vec::new()
    };
    bar.set_message(format!("replaying {} events", events.len()));
    let done = Arc::new(AtomicU64::new(0));
    options.progress = Some(done.clone());
    let rows = counting(bar, persons.len() as u64, &done, || anbu::replay(events, &persons, &options))?;
    Ok((rows, persons, incidents))
}

/// A replay's rows, its persons, and the incidents its dispositions confirm (when asked).
type Replayed = (Vec<anbu::Assessment>, Vec<Person>, Vec<anbu::Incident>);

/// Runs `work` with the bar showing `done` of `total` persons, then a spinner again.
fn counting<T>(bar: &ProgressBar, total: u64, done: &AtomicU64, work: impl FnOnce() -> T) -> T {
    if bar.is_hidden() {
        return work();
    }
    let spinner = bar.style();
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} persons ({elapsed}, {eta} left)") {
        bar.set_style(style);
    }
    bar.set_length(total);
    let finished = AtomicBool::new(false);
    let ((), out) = anbu::parallel::join(
        || {
            while !finished.load(Ordering::Relaxed) {
                bar.set_position(done.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
        },
        || {
            let out = work();
            finished.store(true, Ordering::Relaxed);
            out
        },
    );
    bar.set_style(spinner);
    out
}

/// Writes with a core writer to a file, or to stdout when there is none.
fn write_to(path: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> anbu::Result<()>) -> Result<(), Failure> {
    match path {
        Some(path) => {
            let file = File::create(path).map_err(|e| in_file(path)(Error::Io(e)))?;
            let mut out = BufWriter::new(file);
            write(&mut out).and_then(|()| Ok(out.flush()?)).map_err(in_file(path))
        }
        None => Ok(write(&mut io::stdout().lock())?),
    }
}

fn replay(args: ReplayArgs) -> Outcome {
    let format = Format::for_output(args.format, args.output.as_deref())?;
    let bar = progress();
    let (rows, _) = replay_inputs(&args.inputs, &bar)?;
    let rows = args.emit.keep(rows);
    bar.set_message(format!("writing {} rows", rows.len()));
    write_to(args.output.as_deref(), |w| anbu::write_assessments_as(format, w, &rows))?;
    bar.finish_and_clear();
    Ok(0)
}

fn run_backtest(args: BacktestArgs) -> Outcome {
    let bar = progress();
    let read = match &args.incidents {
        Some(path) => Some(anbu::read_incidents(path, &ReadOptions::strict()).map_err(in_file(path))?.rows),
        None => None,
    };
    let (rows, persons, labels) = replay_labelled(&args.inputs, &bar, read.is_none())?;
    let (incidents, source) = match (read, &args.incidents) {
        (Some(rows), Some(path)) => (rows, path),
        _ => (labels, &args.inputs.events),
    };
    bar.set_message(format!("scoring {} rows against {} incidents", rows.len(), incidents.len()));
    let report = backtest(&rows, &incidents, &persons).map_err(in_file(source))?;
    bar.finish_and_clear();
    let text = match args.format {
        ReportFormat::Markdown => report.to_markdown(),
        ReportFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| Error::Io(e.into()))? + "\n",
    };
    write_to(None, |w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(0)
}

fn report(args: ReportArgs) -> Outcome {
    let time = |name: &str, text: &str| anbu::Timestamp::from_value(name, Value::Text(text));
    let period = anbu::report::Period::new(time("start", &args.start)?, time("end", &args.end)?)?;
    let format = table_format(args.format, args.output.as_deref())?;
    let bar = progress();
    let (events, persons, mut options) = read_inputs(&args.inputs, &bar)?;
    let counted: Vec<Event> = events.iter().filter(|e| anbu::report::counts(&e.kind)).cloned().collect();
    bar.set_message(format!("replaying {} events", events.len()));
    let done = Arc::new(AtomicU64::new(0));
    options.progress = Some(done.clone());
    let rows = counting(&bar, persons.len() as u64, &done, || anbu::replay(events, &persons, &options))?;
    let report =
        anbu::report::district_report(period, &persons, &counted, &rows).map_err(in_file(&args.inputs.events))?;
    bar.finish_and_clear();
    write_to(args.output.as_deref(), |w| match format {
        Some(format) => anbu::report::write_district_report_as(format, w, &report.rows),
        None => Ok(w.write_all(report.to_string().as_bytes())?),
    })?;
    Ok(0)
}

fn triage(args: TriageArgs) -> Outcome {
    let filter = anbu::TriageFilter { district: args.district, caseworker: args.caseworker, ..Default::default() }
        .with_level(&args.min_level)?;
    let format = table_format(args.format, args.output.as_deref())?;
    let bar = progress();
    let (rows, persons) = replay_inputs(&args.inputs, &bar)?;
    let queue = anbu::triage_latest(&rows, &persons, &filter);
    bar.finish_and_clear();
    write_to(args.output.as_deref(), |w| match format {
        Some(format) => anbu::write_assessments_as(format, w, &queue),
        None => Ok(w.write_all(anbu::triage_markdown(&queue).as_bytes())?),
    })?;
    Ok(0)
}

/// The format of a table written by `report` or `triage`: CSV or JSON Lines (by `format`, else
/// by the output's extension), or none for the Markdown table.
fn table_format(format: Option<TableFormat>, output: Option<&Path>) -> Result<Option<Format>, Failure> {
    Ok(match (format, output) {
        (Some(TableFormat::Csv), _) => Some(Format::Csv),
        (Some(TableFormat::Jsonl), _) => Some(Format::Jsonl),
        (None, Some(path)) => Some(Format::for_output(None, Some(path))?),
        (Some(TableFormat::Markdown), _) | (None, None) => None,
    })
}

fn simulate(args: SimulateArgs) -> Outcome {
    let mut cfg = SimConfig::default();
    for (name, value) in [("persons", args.persons), ("days", args.days), ("seed", args.seed)] {
        if let Some(v) = value {
            cfg.set(name, Value::Int(v))?;
        }
    }
    let bar = progress();
    bar.set_message(format!("simulating {} persons over {} days", cfg.persons, cfg.days));
    // Persons and incidents are text tables: the core's writer refuses another format before
    // any file is made.
    anbu::write_persons_as(args.format, io::sink(), [])?;
    let cohort = try_simulate(&cfg)?;
    std::fs::create_dir_all(&args.out).map_err(|e| in_file(&args.out)(Error::Io(e)))?;
    let file = |name: &str| args.out.join(format!("{name}.{}", args.format));
    bar.set_message(format!("writing {} events", cohort.events.len()));
    let format = args.format;
    write_to(Some(&file("events")), |w| anbu::write_events_as(format, w, &cohort.events))?;
    write_to(Some(&file("persons")), |w| anbu::write_persons_as(format, w, &cohort.persons))?;
    write_to(Some(&file("incidents")), |w| anbu::write_incidents_as(format, w, &cohort.incidents))?;
    bar.finish_and_clear();
    eprintln!(
        "anbu: wrote {} events, {} persons and {} incidents to {}",
        cohort.events.len(),
        cohort.persons.len(),
        cohort.incidents.len(),
        args.out.display()
    );
    Ok(0)
}

fn check(args: CheckArgs) -> Outcome {
    // Every bad row is listed: none is dropped from the list.
    let every_row = ReadOptions { max_skipped: usize::MAX, ..ReadOptions::lenient() };
    let bar = progress();
    let mut bad = 0u64;
    let report = |path: &Path, errors: &[Error]| {
        bar.suspend(|| {
            let mut out = io::stdout().lock();
            for e in errors {
                // A reader that stopped reading does not change the exit code.
                let _ = writeln!(out, "{}: {e}", path.display());
            }
        });
    };
    bar.set_message(format!("checking {}", args.events.display()));
    let events = anbu::read_events(&args.events, &every_row).map_err(in_file(&args.events))?;
    report(&args.events, &events.skipped);
    bad += events.skipped_count;
    let mut summary = format!("{}: {} events, {} bad rows", args.events.display(), events.events.len(), bad);
    if let Some(path) = &args.persons {
        bar.set_message(format!("checking {}", path.display()));
        let persons = anbu::read_persons(path, &every_row).map_err(in_file(path))?;
        report(path, &persons.skipped);
        bad += persons.skipped_count;
        summary += &format!("; {}: {} persons, {} bad rows", path.display(), persons.rows.len(), persons.skipped_count);
        if bad == 0 {
            // The events against the persons, as a replay takes them (each event's person
            // listed, no person twice, every profile known, the replay's size).
            let mut options = ReplayOptions::default();
            for profile in &args.profiles {
                options.profiles.push(Profile::from_path(profile).map_err(in_file(profile))?);
            }
            if let Err(e) = anbu::check_replay_rows(&events.events, &persons.rows, &options, anbu::MAX_REPLAY_ROWS) {
                report(&args.events, &[e]);
                bad += 1;
            }
        }
    }
    bar.finish_and_clear();
    eprintln!("anbu: {summary}");
    Ok(if bad == 0 { 0 } else { 1 })
}
