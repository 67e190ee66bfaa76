//! Backtest on simulated cohorts: how anbu's profiles detect the simulated incidents, how
//! fast, and at what false-alert and action burden, against the fixed smart-plug rule used
//! today (no change in a plug's power or light for 24 h).
//!
//! anbu runs with the field workflow in the loop (`replay_closed_loop`): when it asks for an
//! automatic check-in call, the call is placed and the simulated person answers it as their
//! life allows (asleep, out, collapsed...). The fixed rule's alerts are counted as raised.
//!
//! Run with `cargo run --release --example backtest`.

use std::collections::HashSet;
use std::time::Instant;

use anbu::backtest::{Metrics, SweepSetup, backtest, plug_rule, sweep};
use anbu::sim::{SimCase, SimConfig, simulate};
use anbu::{Assessment, CallPolicy, Incident, Person, ReplayOptions, replay, replay_closed_loop};

/// One seed's results: anbu on everyone, and anbu vs the fixed rule on the plug persons.
struct Run {
    rows: Vec<Assessment>,
    persons: Vec<Person>,
    incidents: Vec<Incident>,
    plug_rows: Vec<Assessment>,
    plug_persons: Vec<Person>,
    plug_incidents: Vec<Incident>,
    baseline_rows: Vec<Assessment>,
    baseline_persons: Vec<Person>,
    cases: Vec<SimCase>,
}

fn main() -> Result<(), anbu::Error> {
    let mut runs = Vec::new();
    for seed in 1..=3u64 {
        let config = SimConfig { persons: 300, days: 90, seed, ..SimConfig::default() };
        let cohort = simulate(&config);
        let started = Instant::now();
        // anbu with the field workflow in the loop: the check-in calls it asks for are placed,
        // and the simulated persons answer them as their lives allow.
        let rows = replay_closed_loop(
            cohort.events.clone(),
            &cohort.persons,
            &ReplayOptions::default(),
            &cohort,
            CallPolicy::default(),
        )?;
        let took = started.elapsed();

        // The baseline: the people with a plug, their plug readings only, the fixed 24 h rule.
        let rule = plug_rule(&cohort.events, &cohort.persons)?;
        let options = ReplayOptions { profiles: vec![rule.profile.clone()], ..ReplayOptions::default() };
        let baseline_rows = replay(rule.events.clone(), &rule.persons, &options)?;
        let baseline_persons = rule.persons.clone();

        let plug_persons: Vec<Person> = cohort.persons.iter().filter(|p| rule.covers(&p.person)).cloned().collect();
        let plug_rows: Vec<Assessment> = rows.iter().filter(|a| rule.covers(&a.person)).cloned().collect();
        let plug_incidents: Vec<Incident> =
            cohort.incidents.iter().filter(|i| rule.covers(&i.person)).cloned().collect();

        println!(
            "## Seed {seed}: {} persons, {} days, {} events, {} incidents -> {} hourly assessments in {:.2} s\n",
            cohort.persons.len(),
            config.days,
            cohort.events.len(),
            cohort.incidents.len(),
            rows.len(),
            took.as_secs_f64()
        );
        println!("{}", backtest(&rows, &cohort.incidents, &cohort.persons)?.to_markdown());
        runs.push(Run {
            rows,
            persons: cohort.persons,
            incidents: cohort.incidents,
            plug_rows,
            plug_persons,
            plug_incidents,
            baseline_rows,
            baseline_persons,
            cases: cohort.cases,
        });
    }

    // Pooled: person ids made unique per seed.
    let mut pooled = Run {
        rows: Vec::new(),
        persons: Vec::new(),
        incidents: Vec::new(),
        plug_rows: Vec::new(),
        plug_persons: Vec::new(),
        plug_incidents: Vec::new(),
        baseline_rows: Vec::new(),
        baseline_persons: Vec::new(),
        cases: Vec::new(),
    };
    let mut comparisons = Vec::new();
    for (k, run) in runs.into_iter().enumerate() {
        let seed = k + 1;
        let anbu = backtest(&run.plug_rows, &run.plug_incidents, &run.plug_persons)?.overall;
        let base = backtest(&run.baseline_rows, &run.plug_incidents, &run.baseline_persons)?.overall;
        comparisons.push((format!("seed {seed}"), base, anbu));
        let tag = |id: &str| format!("s{seed}-{id}");
        pooled.cases.extend(run.cases.into_iter().map(|mut c| {
            c.person = tag(&c.person);
            c
        }));
        pooled.rows.extend(run.rows.into_iter().map(|mut a| {
            a.person = tag(&a.person);
            a
        }));
        pooled.plug_rows.extend(run.plug_rows.into_iter().map(|mut a| {
            a.person = tag(&a.person);
            a
        }));
        pooled.baseline_rows.extend(run.baseline_rows.into_iter().map(|mut a| {
            a.person = tag(&a.person);
            a
        }));
        for (from, to) in [
            (run.persons, &mut pooled.persons),
            (run.plug_persons, &mut pooled.plug_persons),
            (run.baseline_persons, &mut pooled.baseline_persons),
        ] {
            to.extend(from.into_iter().map(|mut p| {
                p.person = tag(&p.person);
                p
            }));
        }
        for (from, to) in [(run.incidents, &mut pooled.incidents), (run.plug_incidents, &mut pooled.plug_incidents)] {
            to.extend(from.into_iter().map(|mut i| {
                i.person = tag(&i.person);
                i
            }));
        }
    }
    println!("## Pooled (seeds 1-3)\n");
    println!("{}", backtest(&pooled.rows, &pooled.incidents, &pooled.persons)?.to_markdown());
    let anbu = backtest(&pooled.plug_rows, &pooled.plug_incidents, &pooled.plug_persons)?.overall;
    let base = backtest(&pooled.baseline_rows, &pooled.plug_incidents, &pooled.baseline_persons)?.overall;
    comparisons.push(("pooled".to_string(), base, anbu));

    println!("## Baseline: the fixed plug_only 24 h rule vs anbu, persons with a plug\n");
    println!(
        "| cohort | plug persons | detected: fixed 24 h | detected: anbu | median TTD h: fixed | median TTD h: anbu \
         | false /100 pm: fixed | false /100 pm: anbu | false episodes fixed / anbu |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, base, anbu) in &comparisons {
        let ratio = if anbu.false_episodes > 0 {
            format!(
                "{:.1}x ({} / {})",
                base.false_episodes as f64 / anbu.false_episodes as f64,
                base.false_episodes,
                anbu.false_episodes
            )
        } else {
            format!("- ({} / 0)", base.false_episodes)
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {ratio} |",
            anbu.persons,
            detected(base),
            detected(anbu),
            hours(base.ttd_median_h),
            hours(anbu.ttd_median_h),
            base.false_per_100_pm,
            anbu.false_per_100_pm,
        );
    }
    println!("\n## Where the false alerts come from (pooled, persons with a plug)\n");
    println!("| field case | plug persons | false episodes: fixed 24 h | false episodes: anbu |");
    println!("|---|---:|---:|---:|");
    let nuisances = ["tv_always_on", "phone_silent", "prepaid_no_credit", "plug_pulled", "hospital_stay"];
    for case in [None].into_iter().chain(nuisances.map(Some)) {
        let ids: HashSet<&str> =
            pooled.cases.iter().filter(|c| c.nuisance == case).map(|c| c.person.as_str()).collect();
        let (base, anbu) = (
            subset(&pooled.baseline_rows, &pooled.plug_incidents, &pooled.baseline_persons, &ids)?,
            subset(&pooled.plug_rows, &pooled.plug_incidents, &pooled.plug_persons, &ids)?,
        );
        let name = case.unwrap_or("none (ordinary life: trips, colds, late nights)");
        println!("| {name} | {} | {} | {} |", anbu.persons, base.false_episodes, anbu.false_episodes);
    }
    println!("\n## Incidents by kind (pooled, all profiles; the fixed rule on persons with a plug)\n");
    println!("| incident | incidents | detected: anbu | median TTD h: anbu | plug persons: detected fixed / anbu |");
    println!("|---|---:|---:|---:|---:|");
    for kind in ["sudden_collapse", "decline", "acute_illness", "sos"] {
        let ids: HashSet<&str> =
            pooled.cases.iter().filter(|c| c.incident == Some(kind)).map(|c| c.person.as_str()).collect();
        let all = subset(&pooled.rows, &pooled.incidents, &pooled.persons, &ids)?;
        let base = subset(&pooled.baseline_rows, &pooled.plug_incidents, &pooled.baseline_persons, &ids)?;
        let plug = subset(&pooled.plug_rows, &pooled.plug_incidents, &pooled.plug_persons, &ids)?;
        println!(
            "| {kind} | {} | {} | {} | {}/{} / {}/{} |",
            all.incidents,
            detected(&all),
            hours(all.ttd_median_h),
            base.detected,
            base.incidents,
            plug.detected,
            plug.incidents
        );
    }
    operating_curve()
}

/// The operating curve of `routine.sensitivity` on seed 1 (closed loop), and the setting each
/// profile would take for a budget of 10 false alert episodes per 100 person-months.
fn operating_curve() -> Result<(), anbu::Error> {
    const BUDGET: f64 = 10.0;
    let cohort = simulate(&SimConfig { persons: 300, days: 90, seed: 1, ..SimConfig::default() });
    let options = ReplayOptions::default();
    let setup = SweepSetup {
        events: &cohort.events,
        persons: &cohort.persons,
        incidents: &cohort.incidents,
        options: &options,
        calls: Some((&cohort, CallPolicy::default())),
    };
    let curve = sweep(&setup, "routine.sensitivity", &[0.003, 0.01, 0.03, 0.1])?;
    println!("\n## Operating curve: `routine.sensitivity` (seed 1, closed loop)\n");
    println!("{}", curve.to_markdown());
    println!("Within a budget of {BUDGET} false alert episodes per 100 person-months:\n");
    for (group, pick) in curve.picks(BUDGET) {
        println!("- {group}: {}", pick.map_or_else(|| "none".to_string(), |v| v.to_string()));
    }
    Ok(())
}

/// The overall metrics of the persons in `ids`.
fn subset(
    rows: &[Assessment],
    incidents: &[Incident],
    persons: &[Person],
    ids: &HashSet<&str>,
) -> anbu::Result<Metrics> {
    let rows: Vec<Assessment> = rows.iter().filter(|a| ids.contains(a.person.as_str())).cloned().collect();
    let incidents: Vec<Incident> = incidents.iter().filter(|i| ids.contains(i.person.as_str())).cloned().collect();
    let persons: Vec<Person> = persons.iter().filter(|p| ids.contains(p.person.as_str())).cloned().collect();
    Ok(backtest(&rows, &incidents, &persons)?.overall)
}

fn detected(m: &Metrics) -> String {
    format!("{}/{} ({:.0}%)", m.detected, m.incidents, m.detection_rate * 100.0)
}

fn hours(h: Option<f64>) -> String {
    h.map_or_else(|| "-".to_string(), |h| format!("{h:.1}"))
}
