//! Where a world's false alerts come from: anbu in the closed loop, false alert episodes (and
//! of them, those that reached `dispatch`) by profile, routine and field case, per 100
//! person-months, and the leading reason of each false episode.
//!
//! `cargo run --release -p anbu-world-tus --example false_alerts -- [world] [seeds] [persons] [days]`:
//! `world` is `b` (the TUS world, the default) or `a` (`anbu::sim`); `seeds` is a count from 1
//! (default 1), pooled; 300 persons and 90 days by default. A false episode is a run of
//! `warning` or above that touches no incident (a person's incident counts until it ends, or
//! 72 h after it began), as the backtest counts them.

use std::collections::{BTreeMap, HashMap};

use anbu::sim::{SimConfig, simulate};
use anbu::{Action, Assessment, CallPolicy, CheckinResponder, Event, Incident, Level, Person, ReplayOptions};
use anbu_world_tus::{WorldConfig, generate};

/// What a person's false alerts are grouped by.
struct Who {
    profile: String,
    routine: &'static str,
    case: Option<&'static str>,
    /// Anything else the world says of them, for the examples.
    more: String,
}

/// A seed's rows, its incidents, and who each person is.
type Replayed = (Vec<Assessment>, Vec<Incident>, HashMap<String, Who>);

/// One seed of world `a` or `b`, replayed in the closed loop.
fn one_seed(world: &str, seed: u64, persons: usize, days: u32) -> anbu::Result<Replayed> {
    let replay = |events: Vec<Event>, persons: &[Person], responder: &(dyn CheckinResponder + Sync)| {
        anbu::replay_closed_loop(events, persons, &ReplayOptions::default(), responder, CallPolicy::default())
    };
    if world == "a" {
        let c = simulate(&SimConfig { persons, days, seed, ..SimConfig::default() });
        let rows = replay(c.events.clone(), &c.persons, &c)?;
        let profile: HashMap<&str, &str> = c.persons.iter().map(|p| (p.person.as_str(), p.profile.as_str())).collect();
        let who = c
            .cases
            .iter()
            .map(|s| {
                let w = Who {
                    profile: profile[s.person.as_str()].to_string(),
                    routine: s.routine,
                    case: s.nuisance,
                    more: String::new(),
                };
                (s.person.clone(), w)
            })
            .collect();
        Ok((rows, c.incidents, who))
    } else {
        let w = generate(&WorldConfig { seed, persons, days, ..WorldConfig::default() });
        let rows = replay(w.events.clone(), &w.persons, &w)?;
        let who = w
            .stories
            .iter()
            .map(|s| {
                let who = Who {
                    profile: s.profile.to_string(),
                    routine: s.routine,
                    case: s.nuisance,
                    more: format!("{:?}", s.ordinary),
                };
                (s.person.clone(), who)
            })
            .collect();
        Ok((rows, w.incidents, who))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = |i: usize, d: u64| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let world = std::env::args().nth(1).unwrap_or_else(|| "b".into()).to_lowercase();
    if world != "a" && world != "b" {
        return Err("usage: false_alerts [a|b] [seeds] [persons] [days]".into());
    }
    let (seeds, persons, days) = (arg(2, 1), arg(3, 300) as usize, arg(4, 90) as u32);
    // Per group: persons, person-months, false episodes, of them dispatched.
    let mut by: BTreeMap<String, (usize, f64, usize, usize)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples = Vec::new();
    for seed in 1..=seeds {
        let (rows, incidents, who) = one_seed(&world, seed, persons, days)?;
        let windows: HashMap<&str, (anbu::Timestamp, anbu::Timestamp)> = incidents
            .iter()
            .map(|i| (i.person.as_str(), (i.start, i.end.unwrap_or(i.start.plus_millis(72 * anbu::HOUR_MS)))))
            .collect();
        for group in rows.chunk_by(|a, b| a.person == b.person) {
            let p = group[0].person.as_str();
            let s = &who[p];
            let months = group.last().map_or(0.0, |l| l.at.millis_since(group[0].at) as f64) / (30.44 * 24.0 * 3.6e6);
            let (mut false_eps, mut false_dispatches) = (0, 0);
            for ep in group.chunk_by(|a, b| (a.level >= Level::Warning) == (b.level >= Level::Warning)) {
                let touched = windows.get(p).is_some_and(|&(s, e)| ep.iter().any(|a| s <= a.at && a.at <= e));
                if ep[0].level < Level::Warning || touched {
                    continue;
                }
                false_eps += 1;
                false_dispatches += usize::from(ep.iter().any(|a| a.action == Action::Dispatch));
                let first = &ep[0];
                let lead = first.reasons.first().map(|r| format!("{:?}/{:?}", r.signal, r.kind)).unwrap_or_default();
                *reasons.entry(lead).or_default() += 1;
                if examples.len() < 25 {
                    let top: Vec<String> = first.reasons.iter().take(3).map(|r| r.detail.clone()).collect();
                    let (profile, routine, case, more) = (&s.profile, s.routine, s.case, &s.more);
                    let h = ep.len();
                    examples.push(format!(
                        "s{seed} {p} {profile} {routine} {case:?} {more} @{} {h} h: {}",
                        first.at,
                        top.join(" | ")
                    ));
                }
            }
            let keys = [
                format!("profile {}", s.profile),
                format!("routine {}", s.routine),
                format!("case {}", s.case.unwrap_or("none")),
            ];
            for key in keys {
                let e = by.entry(key).or_default();
                e.0 += 1;
                e.1 += months;
                e.2 += false_eps;
                e.3 += false_dispatches;
            }
        }
    }
    println!(
        "| group | persons | false episodes | of them dispatched | false episodes /100 pm | false dispatches /100 pm |\n\
         |---|---:|---:|---:|---:|---:|"
    );
    for (k, (n, months, f, d)) in &by {
        let per_100 = |x: usize| if *months > 0.0 { x as f64 * 100.0 / months } else { 0.0 };
        println!("| {k} | {n} | {f} | {d} | {:.1} | {:.1} |", per_100(*f), per_100(*d));
    }
    println!("\nleading reason of false episodes: {reasons:#?}\n");
    for e in examples {
        println!("{e}");
    }
    Ok(())
}
