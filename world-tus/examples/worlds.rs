//! Detection on two independent simulated worlds: anbu's own simulator (`anbu::sim`, world A,
//! on which anbu was tuned) and the TUS world of this crate (world B, written apart from it).
//!
//! For each world, pooled over its seeds:
//!
//! - `seed rule: plug unchanged 24 h`: the persons with a plug, their plug readings only, the
//!   fixed 24 h no-change rule (`plug_only` with `routine.mode = "fixed"`, as
//!   `examples/backtest.rs` builds `plug_24h_fixed`); open loop (its alerts count as raised).
//! - `seed service: the plug rule, its call, then the caseworker`: the same rule as the
//!   smart-plug service works it (`anbu::backtest::plug_service`), in the closed loop: its
//!   automatic call when the rule fires (minutes before 24 h), `warning` (the caseworker) on a
//!   miss, `critical` on two, and an answered call ends the alert (while the plug stays
//!   untouched, it calls again about a day after the answer).
//! - `all seed rules (fixed mode of each person's profile)`: every person, every signal,
//!   their own profile with `"routine":{"mode":"fixed"}`; open loop.
//! - `anbu, open loop`: `anbu::replay` with the built-in profiles.
//! - `anbu, closed loop`: `anbu::replay_closed_loop`, the world answering the automatic
//!   check-in calls (`CallPolicy::default()`).
//! - `anbu, closed loop, its learned routine muted`: the same with `routine.sensitivity` at its
//!   least (1e-6, the posterior's prior hazard a day): what the safety floor and the detectors
//!   that learn nothing (missed calls, SOS, what the person said) do on their own.
//!
//! Metrics follow the spec's Incidents rules (`anbu::backtest`: detected, within 24 h, false
//! episodes and the dispatches inside them, person-months, action runs). Computed here from
//! the rows, the same way, for the per-kind tables: the time to detect of each incident
//! (first assessment at `warning` or above within `[start, end]`, `end` = start + 72 h when
//! not given) and the per-kind medians (nearest rank); and, for the plug service and anbu in
//! the closed loop, the time from an incident's start to its first `dispatch` within the
//! same window (the visit, where false dispatches are the cost).
//!
//! Calls: `check-in calls asked` is the backtest's count of `checkin_call` runs (a call asked
//! for); a closed loop places a call at each hour of a run (`CallPolicy::default()`'s retry),
//! and the caseworker's at each hour at `notify`, and marks each on the row that asked for it
//! (its `call`), so the calls placed are counted from the rows: `automatic calls placed` (the
//! goal's check-in calls) and
//! `caseworker's calls placed` (the closed loop's caseworker calls again every hour while an
//! alert stays at `notify`, days on end for the plug service on a plug silent for days: a
//! count of the simulated policy, not of a caseworker's day).
//!
//! `cargo run --release -p anbu-world-tus --example worlds -- --persons 300 --days 90 --seeds 3`
//! (`--first-seed S` to start the seeds at `S`: samples of both worlds not looked at before);
//! with `ANBU_WORLDS_LIST=1`, every incident's time to detect (anbu in the closed loop, and the
//! seed rules) goes to standard error as well, for comparing two versions incident by incident;
//! with `--sweep`, anbu's operating curve in the closed loop as well (`routine.sensitivity` from
//! a quarter of its default to four times it, `anbu::backtest::sweep`), against which a change
//! can be read as moving along the curve or off it. `--start RFC3339` (a local midnight in
//! Seoul), `--incident-share X` and `--nuisance-share X` set both worlds' first day and shares
//! in place of their own defaults: a season or a mix of persons neither was tuned on.
//! `--every MINUTES` replays every variant on another grid than the hour; `--retry MINUTES`
//! has the closed loops call again no sooner than that after a call (an hour by default,
//! `CallPolicy::default()`): a service that calls once a day while an alert lasts is
//! `--retry 1440`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use anbu::backtest::{EpisodeKind, backtest};
use anbu::sim::{SimConfig, simulate};
use anbu::{
    Action, Assessment, CallPolicy, CheckinBy, CheckinResponder, Event, Incident, Level, Person, Profile, ReasonKind,
    ReplayOptions, Timestamp, replay, replay_closed_loop,
};
use anbu_world_tus::{WorldConfig, generate};

/// The rows of each table, in order.
const VARIANTS: [&str; 6] = [
    "seed rule: plug unchanged 24 h",
    "seed service: the plug rule, its call, then the caseworker (closed loop)",
    "all seed rules (fixed mode of each person's profile)",
    "anbu, open loop",
    "anbu, closed loop",
    "anbu, closed loop, its learned routine muted (the safety floor and the fixed detectors)",
];
const PLUG_SERVICE: usize = 1;
const SEED_RULES: usize = 2;
const OPEN: usize = 3;
const CLOSED: usize = 4;

/// One variant's counts on one or more cohorts.
#[derive(Clone, Debug, Default)]
struct Tally {
    persons: usize,
    months: f64,
    /// Per incident: its kind and time to detect (hours), if detected.
    ttds: Vec<(String, Option<f64>)>,
    /// Per incident, in the order of `ttds`: hours from its start to the first assessment
    /// whose action is `dispatch` within its window, if any.
    to_dispatch: Vec<Option<f64>>,
    /// Per incident, in the order of `ttds`: hours from its start to the first assessment
    /// within its window that asks for anything (a check-in call or more), if any.
    to_ask: Vec<Option<f64>>,
    /// Per incident, in the order of `ttds`: its person and start (ms), and whether the
    /// person was already at `warning` or above at the last assessment before the start (an
    /// alert that was on before the incident began finds it at once, and says nothing).
    keys: Vec<(String, i64, bool)>,
    false_episodes: usize,
    false_dispatches: usize,
    /// False alert episodes whose first assessment the safety floor raised (a seed rule's
    /// own alert, which anbu may not drop).
    floor_false_episodes: usize,
    /// Runs of `checkin_call` assessments (the backtest's measure: the times a call was asked
    /// for, however many a closed loop then placed while the run lasted).
    checkin_calls: f64,
    /// For a closed loop, the calls it placed: automatic (at `checkin_call`) and the
    /// caseworker's (at `notify`); none for an open loop.
    placed: Option<[usize; 2]>,
    notifications: f64,
    dispatches: f64,
    /// The same, per profile (for anbu in the closed loop).
    by_profile: BTreeMap<String, Tally>,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.persons += o.persons;
        self.months += o.months;
        self.ttds.extend(o.ttds.iter().cloned());
        self.to_dispatch.extend(o.to_dispatch.iter().copied());
        self.to_ask.extend(o.to_ask.iter().copied());
        self.keys.extend(o.keys.iter().cloned());
        self.false_episodes += o.false_episodes;
        self.false_dispatches += o.false_dispatches;
        self.floor_false_episodes += o.floor_false_episodes;
        self.checkin_calls += o.checkin_calls;
        self.placed = match (self.placed, o.placed) {
            (Some(a), Some(b)) => Some([a[0] + b[0], a[1] + b[1]]),
            (a, b) => a.or(b),
        };
        self.notifications += o.notifications;
        self.dispatches += o.dispatches;
        for (k, t) in &o.by_profile {
            self.by_profile.entry(k.clone()).or_default().add(t);
        }
    }
}

/// A cohort in common form: events, persons, ground truth, the kind of each incident person.
struct Cohort {
    events: Vec<Event>,
    persons: Vec<Person>,
    incidents: Vec<Incident>,
    kinds: HashMap<String, String>,
}

struct Args {
    persons: usize,
    days: u32,
    /// The first seed (`--first-seed`): seeds `first_seed..first_seed + seeds`, so that samples
    /// nobody has looked at yet can be drawn.
    first_seed: u64,
    seeds: u64,
    sweep: bool,
    /// Both worlds' first day (`--start`, a local midnight in Seoul), where not their own
    /// defaults: another season for a world than the one it was built and tuned in.
    start: Option<Timestamp>,
    /// Both worlds' shares of persons with an incident and with a nuisance (`--incident-share`,
    /// `--nuisance-share`), where not their own defaults.
    incident_share: Option<f64>,
    nuisance_share: Option<f64>,
    /// The replays' grid, minutes (`--every`): an hour by default, as a service assessing
    /// everyone hourly; another grid shows how much the figures lean on the hour.
    every_min: u64,
    /// The closed loops' least time between two calls to one person, minutes (`--retry`):
    /// an hour by default (`CallPolicy::default()`), as the figures are reported; another
    /// shows how much they lean on the call policy of the service that places the calls.
    retry_min: u64,
}

impl Args {
    /// The closed loops' call policy: the default, with `--retry` where given.
    fn policy(&self) -> CallPolicy {
        CallPolicy { retry_ms: self.retry_min as i64 * 60_000, ..CallPolicy::default() }
    }

    /// The first day and the shares of persons with an incident and with a nuisance: those
    /// given on the command line, else the world's own (`start`, `incident`, `nuisance`).
    fn chosen(&self, start: Timestamp, incident: f64, nuisance: f64) -> (Timestamp, f64, f64) {
        (self.start.unwrap_or(start), self.incident_share.unwrap_or(incident), self.nuisance_share.unwrap_or(nuisance))
    }
}

/// The sensitivities of `--sweep`, as multiples of the built-in profiles' default: two steps of
/// 2 either side of it.
const SWEEP: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// The sensitivities `--sweep` replays (the built-in default times each of `SWEEP`).
fn sweep_values() -> anbu::Result<Vec<f64>> {
    let default = Profile::builtin("full")?.routine.sensitivity;
    Ok(SWEEP.iter().map(|k| k * default).collect())
}

/// One world and seed's tallies (in the order of `VARIANTS`) and operating curve (empty
/// without `--sweep`).
type Run = ([Tally; 6], Vec<SweepPoint>);

/// One sensitivity's counts, pooled over seeds.
#[derive(Clone, Debug, Default)]
struct SweepPoint {
    ttds: Vec<Option<f64>>,
    months: f64,
    false_episodes: usize,
    false_dispatches: usize,
    checkin_calls: f64,
    /// Automatic calls placed.
    placed: f64,
}

fn args() -> Args {
    let mut a = Args {
        persons: 300,
        days: 90,
        first_seed: 1,
        seeds: 3,
        sweep: false,
        start: None,
        incident_share: None,
        nuisance_share: None,
        every_min: 60,
        retry_min: (CallPolicy::default().retry_ms / 60_000) as u64,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        if flag == "--sweep" {
            a.sweep = true;
            continue;
        }
        let raw = it.next();
        let value = raw.and_then(|v| v.parse::<u64>().ok());
        let share = raw.and_then(|v| v.parse::<f64>().ok()).filter(|x| (0.0..=1.0).contains(x));
        let start = raw.and_then(|v| v.parse::<Timestamp>().ok());
        match (flag.as_str(), value) {
            ("--persons", Some(v)) => a.persons = v as usize,
            ("--days", Some(v)) => a.days = v as u32,
            ("--seeds", Some(v)) => a.seeds = v,
            ("--first-seed", Some(v)) => a.first_seed = v,
            ("--every", Some(v)) if (1..=24 * 60).contains(&v) => a.every_min = v,
            ("--retry", Some(v)) if (1..=7 * 24 * 60).contains(&v) => a.retry_min = v,
            ("--start", _) if start.is_some() => a.start = start,
            ("--incident-share", _) if share.is_some() => a.incident_share = share,
            ("--nuisance-share", _) if share.is_some() => a.nuisance_share = share,
            _ => {
                eprintln!(
                    "usage: worlds [--persons N] [--days D] [--seeds K] [--first-seed S] [--sweep] \
                     [--every MINUTES] [--retry MINUTES] [--start RFC3339] [--incident-share X] [--nuisance-share X]"
                );
                std::process::exit(2);
            }
        }
    }
    a
}

fn main() -> Result<(), anbu::Error> {
    let a = args();
    let jobs: Vec<(char, u64)> =
        ['A', 'B'].iter().flat_map(|w| (a.first_seed..a.first_seed + a.seeds).map(move |s| (*w, s))).collect();
    let started = Instant::now();
    // Both cores: two jobs at a time, each replay on one thread.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || {
        let mut out = Vec::new();
        loop {
            let j = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let Some(&(world, seed)) = jobs.get(j) else { break };
            out.push(run(world, seed, &a).map(|t| (world, seed, t)));
        }
        out
    };
    let mut results: Vec<(char, u64, Run)> =
        anbu::parallel::run_all([worker, worker]).into_iter().flatten().collect::<anbu::Result<_>>()?;
    // Pooled in seed order, whichever worker finished first, so that the lists print the same.
    results.sort_by_key(|(world, seed, _)| (*world, *seed));
    let mut pooled: BTreeMap<char, [Tally; 6]> = BTreeMap::new();
    let mut curves: BTreeMap<char, Vec<SweepPoint>> = BTreeMap::new();
    for (world, _, (tallies, points)) in results {
        let p = pooled.entry(world).or_default();
        for (acc, t) in p.iter_mut().zip(&tallies) {
            acc.add(t);
        }
        let c = curves.entry(world).or_insert_with(|| vec![SweepPoint::default(); points.len()]);
        for (acc, t) in c.iter_mut().zip(points) {
            acc.ttds.extend(t.ttds);
            acc.months += t.months;
            acc.false_episodes += t.false_episodes;
            acc.false_dispatches += t.false_dispatches;
            acc.checkin_calls += t.checkin_calls;
            acc.placed += t.placed;
        }
    }
    println!(
        "{} persons x {} days, seeds {}-{}, pooled per world ({:.0} s)\n",
        a.persons,
        a.days,
        a.first_seed,
        (a.first_seed + a.seeds).saturating_sub(1),
        started.elapsed().as_secs_f64()
    );
    for (world, tallies) in &pooled {
        let name = if *world == 'A' {
            "World A: anbu::sim (the simulator anbu was tuned on)"
        } else {
            "World B: anbu-world-tus (UK 2000 TUS, CREST / Richardson model)"
        };
        println!("## {name}\n");
        println!(
            "| rule | persons | incidents | detected | detected within 24 h | median TTD h | false alert episodes /100 pm \
             | false dispatches /100 pm | check-in calls asked /100 pm | automatic calls placed /100 pm \
             | caseworker's calls placed /100 pm | notifications /100 pm | dispatches /100 pm |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (variant, t) in VARIANTS.iter().zip(tallies) {
            print_row(variant, t, true);
        }
        println!("\n### {}: anbu (closed loop) by profile\n", &name[..7]);
        println!(
            "| profile | persons | incidents | detected | detected within 24 h | median TTD h | false alert episodes /100 pm \
             | false dispatches /100 pm | check-in calls asked /100 pm | automatic calls placed /100 pm |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (profile, t) in &tallies[CLOSED].by_profile {
            print_row(profile, t, false);
        }
        if let Some(curve) = curves.get(world).filter(|c| !c.is_empty()) {
            println!("\n### {}: anbu (closed loop), its operating curve (`routine.sensitivity`)\n", &name[..7]);
            println!(
                "| sensitivity /day | detected | detected within 24 h | median TTD h | false alert episodes /100 pm \
                 | false dispatches /100 pm | check-in calls asked /100 pm | automatic calls placed /100 pm |"
            );
            println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (value, t) in sweep_values()?.iter().zip(curve) {
                let found: Vec<f64> = t.ttds.iter().flatten().copied().collect();
                let per_100 = |x: f64| if t.months > 0.0 { x * 100.0 / t.months } else { 0.0 };
                println!(
                    "| {value} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                    share(found.len(), t.ttds.len()),
                    share(found.iter().filter(|d| **d <= 24.0).count(), t.ttds.len()),
                    median(&found),
                    per_100(t.false_episodes as f64),
                    per_100(t.false_dispatches as f64),
                    per_100(t.checkin_calls),
                    per_100(t.placed),
                );
            }
        }
        let c = &tallies[CLOSED];
        for (variant, t) in [(PLUG_SERVICE, "the plug service"), (CLOSED, "anbu (closed loop)")] {
            let sent: Vec<f64> = tallies[variant].to_dispatch.iter().flatten().copied().collect();
            println!(
                "\n{t}: incidents that reached `dispatch` while they lasted: {}, median time to dispatch {} h, \
                 within 24 h {}",
                share(sent.len(), tallies[variant].to_dispatch.len()),
                median(&sent),
                share(sent.iter().filter(|d| **d <= 24.0).count(), tallies[variant].to_dispatch.len()),
            );
        }
        println!(
            "\nanbu (closed loop): false alert episodes begun by the safety floor (a seed rule's own alert): {} of {} \
             ({:.1} per 100 person-months)",
            c.floor_false_episodes,
            c.false_episodes,
            if c.months > 0.0 { c.floor_false_episodes as f64 * 100.0 / c.months } else { 0.0 }
        );
        for (base, name) in
            [(0, "the plug rule alone"), (PLUG_SERVICE, "the plug service"), (SEED_RULES, "all seed rules")]
        {
            let later = later_than(&tallies[base], &tallies[CLOSED]);
            println!(
                "\nanbu (closed loop) later than {name} (by more than 0.5 h; incidents where it was not \
                 already alerting when they began): {}",
                later.len()
            );
            for l in &later {
                eprintln!("  later than {name}: {l}");
            }
            // The hour of a call placed when the rule fires: the seed service's alert is that
            // call's miss, and anbu's floor asks for it again then (the hourly grid's hour).
            println!(
                "of which by more than 1.5 h (more than the hour of a call placed when the rule fired): {}",
                later_by(&tallies[base], &tallies[CLOSED], 1.5).len()
            );
            // The other way round: where anbu found it first (among those anbu found without
            // already alerting); two closed loops differ by the luck of each call's answer.
            println!(
                "{name} later than anbu (closed loop), the same way: {}",
                later_than(&tallies[CLOSED], &tallies[base]).len()
            );
            // The floor's own terms: a check-in call asked for no later than the seed rule
            // alerts (its warning comes when that call is missed).
            let unasked = not_asked_by(&tallies[base], &tallies[CLOSED]);
            println!(
                "of which anbu had not yet asked for a check-in call (or more) when {name} alerted: {}",
                unasked.len()
            );
            for l in &unasked {
                eprintln!("  not asked when {name} alerted: {l}");
            }
        }
        // Without the workflow (no call placed): the seed rule's alert, at the latest.
        let open_later = later_than(&tallies[0], &tallies[OPEN]);
        println!(
            "\nanbu (open loop: no call placed, no outcome heard) later than the plug rule alone, the same way: {}",
            open_later.len()
        );
        for l in &open_later {
            eprintln!("  open loop later than the plug rule alone: {l}");
        }
        if std::env::var_os("ANBU_WORLDS_LIST").is_some() {
            // Every incident: anbu's (closed loop) time to detect, and the seed rules'.
            let rules = &tallies[SEED_RULES];
            let by_key = found_by(rules);
            for (((p, t, _), (kind, d)), a) in c.keys.iter().zip(&c.ttds).zip(&c.to_ask) {
                let r = by_key.get(&(p.as_str(), *t)).and_then(|(d, _)| *d);
                eprintln!(
                    "  incident {world} {p} {kind}: anbu {} (asked {}), all seed rules {}",
                    hours(*d),
                    hours(*a),
                    hours(r)
                );
            }
        }
        println!("\n### {}: incidents by kind, all seed rules vs anbu (closed loop)\n", &name[..7]);
        // anbu's first ask within the window (a check-in call or more) against its alert: how
        // much of the time to detect is the call-first ladder's rather than the evidence's.
        println!(
            "| kind | n | detected: seed rules | detected: anbu | within 24 h: seed rules | within 24 h: anbu \
             | median TTD h: seed rules | median TTD h: anbu | call asked within 24 h: anbu | median h to the call: anbu |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        let kinds: Vec<&str> =
            tallies[CLOSED].ttds.iter().map(|(k, _)| k.as_str()).collect::<HashSet<_>>().into_iter().collect();
        let mut kinds = kinds;
        kinds.sort();
        for kind in kinds {
            let of =
                |t: &Tally| -> Vec<Option<f64>> { t.ttds.iter().filter(|(k, _)| k == kind).map(|(_, d)| *d).collect() };
            let (rules, anbu) = (of(&tallies[SEED_RULES]), of(&tallies[CLOSED]));
            let det = |v: &[Option<f64>]| v.iter().flatten().copied().collect::<Vec<f64>>();
            let (dr, da) = (det(&rules), det(&anbu));
            let c = &tallies[CLOSED];
            let asked: Vec<f64> =
                c.ttds.iter().zip(&c.to_ask).filter(|((k, _), _)| k == kind).filter_map(|(_, a)| *a).collect();
            let n = anbu.len();
            println!(
                "| {kind} | {n} | {} | {} | {} | {} | {} | {} | {} | {} |",
                share(dr.len(), n),
                share(da.len(), n),
                share(dr.iter().filter(|d| **d <= 24.0).count(), n),
                share(da.iter().filter(|d| **d <= 24.0).count(), n),
                median(&dr),
                median(&da),
                share(asked.iter().filter(|a| **a <= 24.0).count(), n),
                median(&asked),
            );
        }
        println!();
    }
    Ok(())
}

/// The calls a closed loop placed (its rows' `call`): automatic, and the caseworker's.
fn placed(rows: &[Assessment]) -> [usize; 2] {
    let count = |by: CheckinBy| rows.iter().filter(|a| a.call == Some(by)).count();
    [count(CheckinBy::Auto), count(CheckinBy::Staff)]
}

/// One world and seed: the cohort, its six replays, their tallies.
fn run(world: char, seed: u64, a: &Args) -> anbu::Result<Run> {
    let t0 = Instant::now();
    let (cohort, responder): (Cohort, Box<dyn CheckinResponder + Sync>) = if world == 'A' {
        let d = SimConfig::default();
        let (start, incident_share, nuisance_share) = a.chosen(d.start, d.incident_share, d.nuisance_share);
        let (persons, days) = (a.persons, a.days);
        let c = simulate(&SimConfig { persons, days, seed, start, incident_share, nuisance_share, ..d });
        let kinds = c.cases.iter().filter_map(|k| k.incident.map(|i| (k.person.clone(), i.to_string()))).collect();
        let cohort =
            Cohort { events: c.events.clone(), persons: c.persons.clone(), incidents: c.incidents.clone(), kinds };
        (cohort, Box::new(c))
    } else {
        let d = WorldConfig::default();
        let (start, incident_share, nuisance_share) = a.chosen(d.start, d.incident_share, d.nuisance_share);
        let (persons, days) = (a.persons, a.days);
        let w = generate(&WorldConfig { persons, days, seed, start, incident_share, nuisance_share });
        let kinds = w.stories.iter().filter_map(|s| s.incident.map(|i| (s.person.clone(), i.to_string()))).collect();
        let cohort =
            Cohort { events: w.events.clone(), persons: w.persons.clone(), incidents: w.incidents.clone(), kinds };
        (cohort, Box::new(w))
    };
    let one = ReplayOptions { threads: 1, every_ms: a.every_min as i64 * 60_000, ..ReplayOptions::default() };

    // The plug rule: persons with a plug, plug readings only.
    let rule = anbu::backtest::plug_rule(&cohort.events, &cohort.persons)?;
    let plug_incidents: Vec<Incident> = cohort.incidents.iter().filter(|i| rule.covers(&i.person)).cloned().collect();
    let options = ReplayOptions { profiles: vec![rule.profile.clone()], ..one.clone() };
    let rows = replay(rule.events.clone(), &rule.persons, &options)?;
    let plug = tally(&rows, &plug_incidents, &rule.persons, &cohort.kinds)?;
    drop(rows);

    // The plug service as it works: the same rule with its automatic call, in the closed loop.
    let service = anbu::backtest::plug_service(&cohort.events, &cohort.persons)?;
    let options = ReplayOptions { profiles: vec![service.profile.clone()], ..one.clone() };
    let rows = replay_closed_loop(service.events.clone(), &service.persons, &options, responder.as_ref(), a.policy())?;
    let mut plug_service = tally(&rows, &plug_incidents, &service.persons, &cohort.kinds)?;
    plug_service.placed = Some(placed(&rows));
    drop(rows);

    // Every person's own profile in fixed mode.
    let fixed = builtins_with("_fixed", r#"{"mode":"fixed"}"#)?;
    let fixed_persons: Vec<Person> = cohort
        .persons
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.profile = format!("{}_fixed", p.profile);
            p
        })
        .collect();
    let options = ReplayOptions { profiles: fixed, ..one.clone() };
    let rows = replay(cohort.events.clone(), &fixed_persons, &options)?;
    let rules = tally(&rows, &cohort.incidents, &fixed_persons, &cohort.kinds)?;
    drop(rows);

    let rows = replay(cohort.events.clone(), &cohort.persons, &one)?;
    let open = tally(&rows, &cohort.incidents, &cohort.persons, &cohort.kinds)?;
    drop(rows);

    let rows = replay_closed_loop(cohort.events.clone(), &cohort.persons, &one, responder.as_ref(), a.policy())?;
    let mut closed = tally(&rows, &cohort.incidents, &cohort.persons, &cohort.kinds)?;
    closed.placed = Some(placed(&rows));
    for profile in anbu::BUILTIN_PROFILES {
        let ids: HashSet<&str> =
            cohort.persons.iter().filter(|p| p.profile == profile).map(|p| p.person.as_str()).collect();
        let of = |id: &str| ids.contains(id);
        let rows: Vec<Assessment> = rows.iter().filter(|a| of(&a.person)).cloned().collect();
        let persons: Vec<Person> = cohort.persons.iter().filter(|p| of(&p.person)).cloned().collect();
        let incidents: Vec<Incident> = cohort.incidents.iter().filter(|i| of(&i.person)).cloned().collect();
        let mut t = tally(&rows, &incidents, &persons, &cohort.kinds)?;
        t.placed = Some(placed(&rows));
        closed.by_profile.insert(profile.to_string(), t);
    }
    // The operating curve, on request.
    let mut curve = Vec::new();
    if a.sweep {
        let setup = anbu::backtest::SweepSetup {
            events: &cohort.events,
            persons: &cohort.persons,
            incidents: &cohort.incidents,
            options: &one,
            calls: Some((responder.as_ref(), a.policy())),
        };
        for point in anbu::backtest::sweep(&setup, "routine.sensitivity", &sweep_values()?)?.points {
            let m = &point.report.overall;
            curve.push(SweepPoint {
                ttds: point.report.incidents.iter().map(|i| i.ttd_h).collect(),
                months: m.person_months,
                false_episodes: m.false_episodes,
                false_dispatches: m.false_dispatches,
                checkin_calls: m.checkin_calls_per_100_pm * m.person_months / 100.0,
                placed: m.automatic_calls_placed_per_100_pm * m.person_months / 100.0,
            });
        }
    }
    // The same with the posterior's prior hazard at its least: what the safety floor (and the
    // detectors that do not learn: missed calls, SOS, what the person said) do on their own.
    let muted = builtins_with("", r#"{"sensitivity":1e-6}"#)?;
    let options = ReplayOptions { profiles: muted, ..one.clone() };
    let rows = replay_closed_loop(cohort.events, &cohort.persons, &options, responder.as_ref(), a.policy())?;
    let mut muted = tally(&rows, &cohort.incidents, &cohort.persons, &cohort.kinds)?;
    muted.placed = Some(placed(&rows));
    drop(rows);
    eprintln!("world {world} seed {seed}: {:.1} s", t0.elapsed().as_secs_f64());
    let mut out = [plug, plug_service, rules, open, closed, muted];
    for t in &mut out {
        for k in &mut t.keys {
            k.0 = format!("s{seed}/{}", k.0);
        }
    }
    Ok((out, curve))
}

/// Every built-in profile with `routine` set as `routine_json` says, named `<builtin><suffix>`.
fn builtins_with(suffix: &str, routine_json: &str) -> anbu::Result<Vec<Profile>> {
    anbu::BUILTIN_PROFILES
        .iter()
        .map(|p| Profile::from_json(&format!(r#"{{"name":"{p}{suffix}","extends":"{p}","routine":{routine_json}}}"#)))
        .collect()
}

/// The tally of one replay's rows (in `person`, `at` order, as replays return them).
fn tally(
    rows: &[Assessment],
    incidents: &[Incident],
    persons: &[Person],
    kinds: &HashMap<String, String>,
) -> anbu::Result<Tally> {
    let report = backtest(rows, incidents, persons)?;
    // An episode's first assessment, found in the rows (in `person`, `at` order).
    let first = |e: &anbu::backtest::AlertEpisode| {
        rows.binary_search_by(|a| (a.person.as_str(), a.at).cmp(&(e.person.as_str(), e.start))).ok().map(|i| &rows[i])
    };
    let floor_false_episodes = report
        .episodes
        .iter()
        .filter(|e| e.kind == EpisodeKind::False)
        .filter_map(first)
        .filter(|a| a.reasons.iter().any(|r| r.kind == ReasonKind::SafetyFloor && r.contribution > 0.0))
        .count();
    // When each incident's person was first asked (a check-in call or more), as the backtest
    // gives it.
    let ask_of: HashMap<(&str, i64), Option<f64>> =
        report.incidents.iter().map(|o| ((o.person.as_str(), o.start.as_millis()), o.ask_h)).collect();
    let m = report.overall;
    let mut windows: HashMap<&str, Vec<(Timestamp, Timestamp)>> = HashMap::new();
    for i in incidents {
        let end = i.end.unwrap_or(i.start.plus_millis(anbu::backtest::DEFAULT_WINDOW_MS));
        windows.entry(i.person.as_str()).or_default().push((i.start, end));
    }
    let none = Vec::new();
    let mut t = Tally {
        persons: m.persons,
        months: m.person_months,
        false_episodes: m.false_episodes,
        false_dispatches: m.false_dispatches,
        floor_false_episodes,
        checkin_calls: m.checkin_calls_per_100_pm * m.person_months / 100.0,
        notifications: m.notifications_per_100_pm * m.person_months / 100.0,
        dispatches: m.dispatches_per_100_pm * m.person_months / 100.0,
        ..Tally::default()
    };
    let mut seen: HashSet<&str> = HashSet::new();
    for group in rows.chunk_by(|a, b| a.person == b.person) {
        let person = group[0].person.as_str();
        seen.insert(person);
        let wins = windows.get(person).unwrap_or(&none);
        let kind = kinds.get(person).cloned().unwrap_or_else(|| "?".into());
        for &(start, end) in wins {
            let hit = group.iter().find(|a| start <= a.at && a.at <= end && a.level >= Level::Warning);
            t.ttds.push((kind.clone(), hit.map(|a| a.at.hours_since(start))));
            let sent = group.iter().find(|a| start <= a.at && a.at <= end && a.action == Action::Dispatch);
            t.to_dispatch.push(sent.map(|a| a.at.hours_since(start)));
            t.to_ask.push(ask_of.get(&(person, start.as_millis())).copied().flatten());
            let before = group.iter().rev().find(|a| a.at < start);
            t.keys.push((person.to_string(), start.as_millis(), before.is_some_and(|a| a.level >= Level::Warning)));
        }
    }
    // Incidents of persons without rows: not detected.
    for i in incidents.iter().filter(|i| !seen.contains(i.person.as_str())) {
        t.ttds.push((kinds.get(&i.person).cloned().unwrap_or_else(|| "?".into()), None));
        t.keys.push((i.person.clone(), i.start.as_millis(), false));
        t.to_dispatch.push(None);
        t.to_ask.push(None);
    }
    let detected = t.ttds.iter().filter(|(_, d)| d.is_some()).count();
    assert_eq!(detected, m.detected, "the detections computed here must be anbu::backtest's");
    Ok(t)
}

/// One table row: counts, detection, and the burden per 100 person-months (with the
/// notifications and dispatches where `all`).
fn print_row(name: &str, t: &Tally, all: bool) {
    let ttds: Vec<f64> = t.ttds.iter().filter_map(|(_, d)| *d).collect();
    let n = t.ttds.len();
    let per_100 = |x: f64| if t.months > 0.0 { x * 100.0 / t.months } else { 0.0 };
    let mut row = format!(
        "| {name} | {} | {n} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
        t.persons,
        share(ttds.len(), n),
        share(ttds.iter().filter(|d| **d <= 24.0).count(), n),
        median(&ttds),
        per_100(t.false_episodes as f64),
        per_100(t.false_dispatches as f64),
        per_100(t.checkin_calls),
    );
    let placed = |k: usize| t.placed.map_or("–".to_string(), |p| format!("{:.1}", per_100(p[k] as f64)));
    row.push_str(&format!(" {} |", placed(0)));
    if all {
        row.push_str(&format!(" {} |", placed(1)));
        row.push_str(&format!(" {:.1} | {:.1} |", per_100(t.notifications), per_100(t.dispatches)));
    }
    println!("{row}");
}

/// Each incident of `t` by its person and start (ms): its time to detect, and whether the
/// person was already alerting when it began.
fn found_by(t: &Tally) -> HashMap<(&str, i64), (Option<f64>, bool)> {
    t.keys.iter().zip(&t.ttds).map(|((p, start, on), (_, d))| ((p.as_str(), *start), (*d, *on))).collect()
}

/// An incident `anbu` found later than a baseline: who and what, and hours from its start to
/// the baseline's alert, anbu's (if any) and anbu's first ask (if any).
struct Late<'a> {
    who: &'a str,
    kind: &'a str,
    base: f64,
    anbu: Option<f64>,
    asked: Option<f64>,
}

/// The incidents `anbu` found later than `base` (by more than half an hour, or not at all),
/// among those `base` found without already alerting when they began.
fn later<'a>(base: &Tally, anbu: &'a Tally) -> Vec<Late<'a>> {
    later_by(base, anbu, 0.5)
}

/// [`later`], by more than `margin` hours.
fn later_by<'a>(base: &Tally, anbu: &'a Tally, margin: f64) -> Vec<Late<'a>> {
    let found = found_by(base);
    let mut late = Vec::new();
    for (((p, t, _), (kind, d)), asked) in anbu.keys.iter().zip(&anbu.ttds).zip(&anbu.to_ask) {
        if let Some((Some(s), false)) = found.get(&(p.as_str(), *t))
            && d.is_none_or(|d| d > s + margin)
        {
            late.push(Late { who: p, kind, base: *s, anbu: *d, asked: *asked });
        }
    }
    late
}

/// [`later`], as lines.
fn later_than(base: &Tally, anbu: &Tally) -> Vec<String> {
    later(base, anbu).iter().map(|l| format!("{} {}: {:.1} h, anbu {}", l.who, l.kind, l.base, hours(l.anbu))).collect()
}

/// Of [`later`], those where anbu had not asked for anything (a check-in call or more) by the
/// time `base` alerted (by more than half an hour), as lines.
fn not_asked_by(base: &Tally, anbu: &Tally) -> Vec<String> {
    later(base, anbu)
        .iter()
        .filter(|l| l.asked.is_none_or(|a| a > l.base + 0.5))
        .map(|l| {
            format!("{} {}: {:.1} h, anbu asked {}, alerted {}", l.who, l.kind, l.base, hours(l.asked), hours(l.anbu))
        })
        .collect()
}

/// Hours to one decimal, or `-` for none.
fn hours(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.1} h"))
}

fn share(k: usize, n: usize) -> String {
    if n == 0 { "0/0".to_string() } else { format!("{k}/{n} ({:.0}%)", k as f64 * 100.0 / n as f64) }
}

/// Median by nearest rank, as `anbu::backtest`.
fn median(v: &[f64]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = (0.5 * v.len() as f64).ceil() as usize;
    format!("{:.1}", v[rank.clamp(1, v.len()) - 1])
}
