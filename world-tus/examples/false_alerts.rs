//! Where the TUS world's false alerts come from: anbu closed loop on one seed, false episodes
//! (and of them, those that reached `dispatch`) by profile, routine and field case, and the
//! leading reason of each false episode.
//!
//! `cargo run --release -p anbu-world-tus --example false_alerts -- [seed] [persons] [days]`

use std::collections::{BTreeMap, HashMap};

use anbu::{CallPolicy, Level, ReplayOptions, replay_closed_loop};
use anbu_world_tus::{WorldConfig, generate};

fn main() -> Result<(), anbu::Error> {
    let arg = |i: usize, d: u64| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let cfg = WorldConfig {
        seed: arg(1, 1),
        persons: arg(2, 300) as usize,
        days: arg(3, 90) as u32,
        ..WorldConfig::default()
    };
    let world = generate(&cfg);
    let rows = replay_closed_loop(
        world.events.clone(),
        &world.persons,
        &ReplayOptions::default(),
        &world,
        CallPolicy::default(),
    )?;
    let story: HashMap<&str, &anbu_world_tus::Story> = world.stories.iter().map(|s| (s.person.as_str(), s)).collect();
    let windows: HashMap<&str, (anbu::Timestamp, anbu::Timestamp)> = world
        .incidents
        .iter()
        .map(|i| (i.person.as_str(), (i.start, i.end.unwrap_or(i.start.plus_millis(72 * anbu::HOUR_MS)))))
        .collect();
    let mut by: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples = Vec::new();
    for group in rows.chunk_by(|a, b| a.person == b.person) {
        let p = group[0].person.as_str();
        let s = story[p];
        let mut false_eps = 0;
        let mut false_dispatches = 0;
        for ep in group.chunk_by(|a, b| (a.level >= Level::Warning) == (b.level >= Level::Warning)) {
            if ep[0].level < Level::Warning {
                continue;
            }
            let touched = windows.get(p).is_some_and(|&(s, e)| ep.iter().any(|a| s <= a.at && a.at <= e));
            if touched {
                continue;
            }
            false_eps += 1;
            false_dispatches += usize::from(ep.iter().any(|a| a.action == anbu::Action::Dispatch));
            let first = &ep[0];
            let lead = first.reasons.first().map(|r| format!("{:?}/{:?}", r.signal, r.kind)).unwrap_or_default();
            *reasons.entry(lead).or_default() += 1;
            if examples.len() < 25 {
                let top: Vec<String> = first.reasons.iter().take(3).map(|r| r.detail.clone()).collect();
                examples.push(format!(
                    "{p} {} {} {:?} {:?} @{} {} h: {}",
                    s.profile,
                    s.routine,
                    s.nuisance,
                    s.ordinary,
                    first.at,
                    ep.len(),
                    top.join(" | ")
                ));
            }
        }
        for key in [
            format!("profile {}", s.profile),
            format!("routine {}", s.routine),
            format!("case {}", s.nuisance.unwrap_or("none")),
        ] {
            let e = by.entry(key).or_default();
            e.0 += 1;
            e.1 += false_eps;
            e.2 += false_dispatches;
        }
    }
    println!("| group | persons | false episodes | of them dispatched |\n|---|---:|---:|---:|");
    for (k, (n, f, d)) in &by {
        println!("| {k} | {n} | {f} | {d} |");
    }
    println!("\nleading reason of false episodes: {reasons:#?}\n");
    for e in examples {
        println!("{e}");
    }
    Ok(())
}
