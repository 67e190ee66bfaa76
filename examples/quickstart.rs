//! The main job on built-in data: simulate a small cohort of people living alone (with
//! the field cases that fool fixed rules and a few real incidents), replay it hourly with
//! the field workflow in the loop (the check-in calls anbu asks for are placed and answered
//! as each simulated life allows), and print who needs action now and why.
//!
//! Run with `cargo run --release --example quickstart`.

use std::collections::HashMap;
use std::time::Instant;

use anbu::sim::{SimConfig, simulate};
use anbu::{Assessment, CallPolicy, HOUR_MS, Level, ReplayOptions, replay_closed_loop};

fn main() -> Result<(), anbu::Error> {
    let config = SimConfig { persons: 60, days: 28, seed: 2024, recent_incidents: 5, ..SimConfig::default() };
    let cohort = simulate(&config);
    let started = Instant::now();
    let rows = replay_closed_loop(
        cohort.events.clone(),
        &cohort.persons,
        &ReplayOptions { every_ms: HOUR_MS, ..ReplayOptions::default() },
        &cohort,
        CallPolicy::default(),
    )?;
    let took = started.elapsed();
    println!(
        "anbu quickstart: {} persons, {} days, {} events -> {} hourly assessments, check-in calls placed as asked, in {:.2} s\n",
        cohort.persons.len(),
        config.days,
        cohort.events.len(),
        rows.len(),
        took.as_secs_f64()
    );

    // The latest assessment of each person: "now".
    let now = rows.iter().map(|a| a.at).max().ok_or(anbu::Error::Interrupted)?;
    let mut latest: Vec<&Assessment> = rows.iter().filter(|a| a.at == now).collect();
    latest.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.person.cmp(&b.person)));
    let profile: HashMap<&str, &str> = cohort.persons.iter().map(|p| (p.person.as_str(), p.profile.as_str())).collect();
    let story: HashMap<&str, String> = cohort
        .cases
        .iter()
        .map(|c| {
            let s = [Some(c.routine), c.nuisance, c.incident].into_iter().flatten().collect::<Vec<_>>().join(", ");
            (c.person.as_str(), s)
        })
        .collect();

    let tz = jiff::tz::TimeZone::get("Asia/Seoul").map_err(|_| anbu::Error::Interrupted)?;
    println!("Who needs attention at {} (Asia/Seoul):\n", now.local_minute(&tz));
    println!(
        "{:<6} {:<9} {:<9} {:>5}  {:<13} {:<15} why",
        "person", "profile", "level", "score", "action", "responder"
    );
    println!("{}", "-".repeat(120));
    for a in latest.iter().filter(|a| a.level > Level::Normal) {
        let why: Vec<&str> =
            a.reasons.iter().filter(|r| r.contribution > 0.0).take(2).map(|r| r.detail.as_str()).collect();
        println!(
            "{:<6} {:<9} {:<9} {:>5.1}  {:<13} {:<15} {}",
            a.person,
            profile.get(a.person.as_str()).copied().unwrap_or("?"),
            a.level,
            a.score,
            a.action,
            a.responder,
            why.first().copied().unwrap_or("")
        );
        for more in why.iter().skip(1) {
            println!("{:<66} {more}", "");
        }
        println!("{:<66} (simulated: {})", "", story.get(a.person.as_str()).map_or("", |s| s.as_str()));
    }
    let count = |l: Level| latest.iter().filter(|a| a.level == l).count();
    println!(
        "\nNow: {} normal, {} watch, {} warning, {} critical.",
        count(Level::Normal),
        count(Level::Watch),
        count(Level::Warning),
        count(Level::Critical)
    );

    // Over the whole period: alert episodes (runs of warning or above), per person.
    let mut episodes = 0;
    let mut prev: HashMap<&str, bool> = HashMap::new();
    for a in &rows {
        let alert = a.level >= Level::Warning;
        if alert && !prev.get(a.person.as_str()).copied().unwrap_or(false) {
            episodes += 1;
        }
        prev.insert(a.person.as_str(), alert);
    }
    println!(
        "Over {} days: {} alert episodes (warning or above) for {} persons, {} of whom had a simulated incident.",
        config.days,
        episodes,
        cohort.persons.len(),
        cohort.incidents.len()
    );
    Ok(())
}
