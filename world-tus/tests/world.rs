//! The world's contract: deterministic, readable by anbu, with every incident kind and field
//! case, a closed loop that answers as lives allow, and TUS-plausible days.

use std::collections::HashSet;

use anbu::{CallPolicy, CheckinOutcome, CheckinResponder, Format, HOUR_MS, ReadOptions, ReplayOptions};
use anbu_world_tus::days::DaysOff;
use anbu_world_tus::occupancy::{SLOTS_PER_DAY, State};
use anbu_world_tus::{World, WorldConfig, generate};

fn small(persons: usize, days: u32, seed: u64) -> World {
    generate(&WorldConfig { persons, days, seed, ..WorldConfig::default() })
}

#[test]
fn the_same_seed_gives_the_same_world() {
    let (a, b, c) = (small(25, 12, 7), small(25, 12, 7), small(25, 12, 8));
    assert_eq!(a.events, b.events);
    assert_eq!(a.incidents, b.incidents);
    assert_eq!(a.stories, b.stories);
    assert_eq!(a.persons, b.persons);
    assert_ne!(a.events, c.events);
}

#[test]
fn events_pass_anbus_readers_and_replays() {
    let world =
        generate(&WorldConfig { persons: 30, days: 21, seed: 3, incident_share: 0.4, ..WorldConfig::default() });
    let mut csv = Vec::new();
    anbu::write_events_csv(&mut csv, &world.events).unwrap();
    let read = anbu::read_events_from(csv.as_slice(), Format::Csv, &ReadOptions::default()).unwrap();
    assert_eq!(read.events.len(), world.events.len());
    assert_eq!(read.skipped_count, 0);
    let options = ReplayOptions { threads: 1, ..ReplayOptions::default() };
    let open = anbu::replay(world.events.clone(), &world.persons, &options).unwrap();
    let closed =
        anbu::replay_closed_loop(world.events.clone(), &world.persons, &options, &world, CallPolicy::default())
            .unwrap();
    assert_eq!(open.len(), closed.len());
    assert!(open.len() > 30 * 20 * 24, "{}", open.len());
    anbu::backtest::backtest(&closed, &world.incidents, &world.persons).unwrap();
}

#[test]
fn a_default_size_world_has_every_incident_kind_and_field_case() {
    let world = generate(&WorldConfig::default());
    assert_eq!(world.persons.len(), 300);
    let kinds: HashSet<&str> = world.stories.iter().filter_map(|s| s.incident).collect();
    for k in ["sudden_collapse", "decline", "acute_illness", "bedridden", "sos"] {
        assert!(kinds.contains(k), "no {k}: {kinds:?}");
    }
    let cases: HashSet<&str> = world.stories.iter().filter_map(|s| s.nuisance).collect();
    for k in ["tv_always_on", "phone_silent", "prepaid_no_credit", "plug_pulled", "hospital_stay"] {
        assert!(cases.contains(k), "no {k}: {cases:?}");
    }
    let ordinary: HashSet<&str> = world.stories.iter().flat_map(|s| s.ordinary.iter().copied()).collect();
    for k in ["trip", "trip_registered", "cold"] {
        assert!(ordinary.contains(k), "no {k}: {ordinary:?}");
    }
    let with_incident = world.stories.iter().filter(|s| s.incident.is_some()).count();
    assert_eq!(with_incident, world.incidents.len());
    assert!((36..=45).contains(&with_incident), "{with_incident}");
    let with_case = world.stories.iter().filter(|s| s.nuisance.is_some()).count();
    assert!((80..=95).contains(&with_case), "{with_case}");
    assert!(world.events.iter().any(|e| e.signal() == anbu::Signal::Sos));
}

#[test]
fn the_responder_is_deterministic_and_a_collapsed_person_misses_calls() {
    let world =
        generate(&WorldConfig { persons: 60, days: 40, seed: 5, incident_share: 0.5, ..WorldConfig::default() });
    let story = world.stories.iter().find(|s| s.incident == Some("sudden_collapse")).expect("a collapse");
    let incident = world.incidents.iter().find(|i| i.person == story.person).unwrap();
    for h in 0..48 {
        let at = incident.start.plus_millis(h * HOUR_MS + 5 * 60_000);
        if incident.end.is_some_and(|e| at >= e) {
            break;
        }
        let a = world.answer(&story.person, at);
        assert_eq!(a, world.answer(&story.person, at));
        assert_eq!(a, Some(CheckinOutcome::Missed), "{} at +{h} h", story.person);
    }
    // Someone living an ordinary life answers most daytime calls.
    let ordinary = world.stories.iter().find(|s| s.incident.is_none() && s.nuisance.is_none()).unwrap();
    let start = world.config().start;
    let answered = (0..30)
        .filter(|d| {
            let at = start.plus_millis(d * 24 * HOUR_MS + 11 * HOUR_MS);
            world.answer(&ordinary.person, at) == Some(CheckinOutcome::Answered)
        })
        .count();
    assert!(answered >= 8, "{answered} of 30");
    assert_eq!(world.answer("nobody", start), None);
}

#[test]
fn the_occupancy_chain_gives_plausible_days() {
    let world = generate(&WorldConfig {
        persons: 80,
        days: 28,
        seed: 11,
        incident_share: 0.0,
        nuisance_share: 0.0,
        ..WorldConfig::default()
    });
    let off = DaysOff::new(world.config().start, 28);
    let (mut night, mut night_asleep) = (0usize, 0usize);
    let (mut day, mut day_out, mut day_home) = (0usize, 0usize, 0usize);
    for life in world.lives() {
        for (k, s) in life.states.iter().enumerate() {
            let (d, step) = (k as i64 / SLOTS_PER_DAY, k as i64 % SLOTS_PER_DAY);
            if *s == State::Visiting || life.vigor[k] < 100 {
                continue;
            }
            if (12..30).contains(&step) {
                night += 1;
                night_asleep += usize::from(*s == State::Asleep);
            }
            if !off.is_off(d) && (60..96).contains(&step) {
                day += 1;
                day_out += usize::from(*s == State::Out);
                day_home += usize::from(*s == State::Home);
            }
        }
    }
    let asleep = night_asleep as f64 / night as f64;
    let (out, home) = (day_out as f64 / day as f64, day_home as f64 / day as f64);
    eprintln!("asleep 02-05: {asleep:.2}; weekdays 10-16: out {out:.2}, at home awake {home:.2}");
    assert!(asleep > 0.85, "{asleep}");
    assert!((0.2..0.6).contains(&out), "{out}");
    assert!((0.3..0.7).contains(&home), "{home}");
}
