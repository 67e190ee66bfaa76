//! Where a world's false alerts come from: anbu in the closed loop, false alert episodes and
//! false dispatches by profile, routine and field case, per 100
//! person-months, and the leading reason of each false episode, beside the leading reason of
//! each detection (an episode that began within an incident's window): a kind of evidence
//! that leads many false episodes and few detections is where to look.
//!
//! `cargo run --release -p anbu-world-tus --example false_alerts -- [world] [seeds] [persons] [days]`:
//! `world` is `b` (the TUS world, the default) or `a` (`anbu::sim`); `seeds` is a count from 1
//! (default 1), pooled; 300 persons and 90 days by default. Episodes, false dispatches and
//! person-months are `anbu::backtest`'s, each grouping scored with the group in the persons'
//! `profile`.

use std::collections::{BTreeMap, HashMap};

use anbu::backtest::EpisodeKind;
use anbu::sim::{SimConfig, simulate};
use anbu::{Assessment, CallPolicy, CheckinResponder, Event, Incident, Person, ReplayOptions, Timestamp};
use anbu_world_tus::{WorldConfig, generate};

/// What a person's false alerts are grouped by.
struct Who {
    profile: String,
    routine: &'static str,
    case: Option<&'static str>,
    /// Anything else the world says of them, for the examples.
    more: String,
}

impl Who {
    /// The person's group in grouping `by` (`profile`, `routine` or `case`).
    fn group(&self, by: &str) -> String {
        match by {
            "profile" => self.profile.clone(),
            "routine" => self.routine.to_string(),
            _ => self.case.unwrap_or("none").to_string(),
        }
    }
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
    // Per group: persons, person-months, false episodes, false dispatches (the backtest's).
    let mut by: BTreeMap<String, (usize, f64, usize, usize)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    // The same for the episodes that began within an incident's window: what led detections.
    let mut found_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples = Vec::new();
    for seed in 1..=seeds {
        let (rows, incidents, who) = one_seed(&world, seed, persons, days)?;
        // Each grouping scored by the backtest itself, the group as the persons' "profile".
        let mut report = None;
        for name in ["profile", "routine", "case"] {
            let table: Vec<Person> =
                who.iter().map(|(p, w)| Person::new(p, &w.group(name))).collect::<anbu::Result<_>>()?;
            let r = anbu::backtest::backtest(&rows, &incidents, &table)?;
            for (g, m) in &r.by_profile {
                let e = by.entry(format!("{name} {g}")).or_default();
                e.0 += m.persons;
                e.1 += m.person_months;
                e.2 += m.false_episodes;
                e.3 += m.false_dispatches;
            }
            report = Some(r);
        }
        // The false episodes' first rows: what led them.
        let row: HashMap<(&str, Timestamp), &Assessment> =
            rows.iter().map(|a| ((a.person.as_str(), a.at), a)).collect();
        let lead_of =
            |a: &Assessment| a.reasons.first().map(|r| format!("{:?}/{:?}", r.signal, r.kind)).unwrap_or_default();
        for ep in report.iter().flat_map(|r| &r.episodes).filter(|e| e.kind == EpisodeKind::True) {
            if let Some(first) = row.get(&(ep.person.as_str(), ep.start)) {
                *found_by.entry(lead_of(first)).or_default() += 1;
            }
        }
        for ep in report.iter().flat_map(|r| &r.episodes).filter(|e| e.kind == EpisodeKind::False) {
            let Some(first) = row.get(&(ep.person.as_str(), ep.start)) else { continue };
            *reasons.entry(lead_of(first)).or_default() += 1;
            if examples.len() < std::env::var("ANBU_EXAMPLES").ok().and_then(|v| v.parse().ok()).unwrap_or(25) {
                let s = &who[&ep.person];
                let top: Vec<String> = first.reasons.iter().take(3).map(|r| r.detail.clone()).collect();
                let (p, profile, routine, case, more) = (&ep.person, &s.profile, s.routine, s.case, &s.more);
                let h = ep.end.hours_since(ep.start);
                examples.push(format!(
                    "s{seed} {p} {profile} {routine} {case:?} {more} @{} {h:.0} h: {}",
                    ep.start,
                    top.join(" | ")
                ));
            }
        }
    }
    println!(
        "| group | persons | false episodes | false dispatches | false episodes /100 pm | false dispatches /100 pm |\n\
         |---|---:|---:|---:|---:|---:|"
    );
    for (k, (n, months, f, d)) in &by {
        let per_100 = |x: usize| if *months > 0.0 { x as f64 * 100.0 / months } else { 0.0 };
        println!("| {k} | {n} | {f} | {d} | {:.1} | {:.1} |", per_100(*f), per_100(*d));
    }
    println!("\nleading reason of false episodes: {reasons:#?}");
    println!("leading reason of the episodes that began within an incident (detections): {found_by:#?}\n");
    for e in examples {
        println!("{e}");
    }
    Ok(())
}
