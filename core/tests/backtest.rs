//! Backtest metrics, rule by rule, on hand-built assessment sequences.

use anbu::backtest::{BacktestReport, backtest};
use anbu::{Action, Assessment, DAY_MS, ErrorKind, HOUR_MS, Incident, Level, Location, Person, Responder, Timestamp};

/// 2024-05-01T00:00:00Z.
fn t0() -> Timestamp {
    Timestamp::from_millis(1_714_521_600_000).expect("valid")
}

fn at(h: i64) -> Timestamp {
    t0().plus_millis(h * HOUR_MS)
}

fn row(person: &str, h: i64, level: Level, action: Action) -> Assessment {
    Assessment {
        person: person.into(),
        at: at(h),
        score: 0.0,
        level,
        action,
        responder: Responder::DayOffice,
        reasons: Vec::new(),
        visit: None,
        call: None,
    }
}

/// Hourly rows from hour 0 for the given levels (`n` normal, `w` watch, `W` warning, `C` critical),
/// with no action.
fn levels(person: &str, pattern: &str) -> Vec<Assessment> {
    pattern
        .chars()
        .enumerate()
        .map(|(h, c)| {
            let level = match c {
                'n' => Level::Normal,
                'w' => Level::Watch,
                'W' => Level::Warning,
                'C' => Level::Critical,
                other => panic!("bad level {other}"),
            };
            row(person, h as i64, level, Action::None)
        })
        .collect()
}

fn incident(person: &str, start_h: i64, end_h: Option<i64>) -> Incident {
    Incident { person: person.into(), start: at(start_h), end: end_h.map(at), kind: None }
}

fn person(id: &str, profile: &str) -> Person {
    Person::new(id, profile).expect("valid person")
}

fn run(rows: &[Assessment], incidents: &[Incident], persons: &[Person]) -> BacktestReport {
    backtest(rows, incidents, persons).expect("backtest")
}

/// Person-months of `hours` hourly rows.
fn pm(hours: i64) -> f64 {
    (hours * HOUR_MS) as f64 / (30 * DAY_MS) as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn episode_spanning_an_incident_window_is_a_detection_not_a_false_alert() {
    // Warning from hour 3 to hour 8; the incident starts at hour 6 and ends at hour 10.
    let rows = levels("p-1", "nnnWWWWWWnnn");
    let r = run(&rows, &[incident("p-1", 6, Some(10))], &[person("p-1", "full")]);
    let m = &r.overall;
    assert_eq!((m.incidents, m.detected), (1, 1));
    assert_eq!(m.detection_rate, 1.0);
    assert_eq!(m.ttd_median_h, Some(0.0));
    assert_eq!(m.false_episodes, 0);
    assert_eq!(m.persons, 1);
    assert!(close(m.person_months, pm(12)));
}

#[test]
fn episode_before_the_window_is_false_and_the_incident_missed() {
    // Warning at hours 1-2, incident from hour 5 to 8 with nothing then.
    let rows = levels("p-1", "nWWnnnnnnnnn");
    let r = run(&rows, &[incident("p-1", 5, Some(8))], &[person("p-1", "full")]);
    assert_eq!((r.overall.incidents, r.overall.detected), (1, 0));
    assert_eq!(r.overall.detection_rate, 0.0);
    assert_eq!(r.overall.ttd_median_h, None);
    assert_eq!(r.overall.ttd_p90_h, None);
    assert_eq!(r.overall.false_episodes, 1);
}

#[test]
fn window_bounds_are_inclusive_and_alerts_after_end_are_false() {
    // Incident [2, 4]: a warning exactly at 4 detects (TTD 2 h); a later one at 6 is a false alert.
    let rows = levels("p-1", "nnnnWnWn");
    let r = run(&rows, &[incident("p-1", 2, Some(4))], &[person("p-1", "full")]);
    assert_eq!(r.overall.detected, 1);
    assert_eq!(r.overall.ttd_median_h, Some(2.0));
    assert_eq!(r.overall.false_episodes, 1);
    // An alert one hour after `end` does not detect.
    let rows = levels("p-1", "nnnnnWn");
    let r = run(&rows, &[incident("p-1", 2, Some(4))], &[person("p-1", "full")]);
    assert_eq!(r.overall.detected, 0);
    assert_eq!(r.overall.false_episodes, 1);
}

#[test]
fn two_episodes_separated_by_one_normal_hour_count_twice() {
    let rows = levels("p-1", "nWWnWWn");
    let r = run(&rows, &[], &[person("p-1", "full")]);
    assert_eq!(r.overall.false_episodes, 2);
    // Watch also separates episodes; warning to critical does not.
    let rows = levels("p-1", "nWCWwCn");
    let r = run(&rows, &[], &[person("p-1", "full")]);
    assert_eq!(r.overall.false_episodes, 2);
    // An episode still running at the last row counts.
    let rows = levels("p-1", "nnWW");
    let r = run(&rows, &[], &[person("p-1", "full")]);
    assert_eq!(r.overall.false_episodes, 1);
    // 7 hourly rows: 7 hours observed (span 6 h plus one step).
    let r = run(&levels("p-1", "nWWnWWn"), &[], &[person("p-1", "full")]);
    assert!(close(r.overall.person_months, pm(7)));
    assert!(close(r.overall.false_per_100_pm, 2.0 * 100.0 / pm(7)));
}

#[test]
fn one_of_two_episodes_touching_the_window_leaves_one_false() {
    // Episodes at 1-2 (false) and at 5-6 (incident from 6).
    let rows = levels("p-1", "nWWnnWWn");
    let r = run(&rows, &[incident("p-1", 6, None)], &[person("p-1", "full")]);
    assert_eq!(r.overall.false_episodes, 1);
    assert_eq!(r.overall.detected, 1);
    assert_eq!(r.overall.ttd_median_h, Some(0.0));
}

#[test]
fn default_window_is_72_hours_after_start() {
    // Incident at hour 0, no end: a first warning at hour 72 detects, at hour 73 does not.
    let mut rows: Vec<Assessment> = (0..80).map(|h| row("p-1", h, Level::Normal, Action::None)).collect();
    rows[72].level = Level::Warning;
    let r = run(&rows, &[incident("p-1", 0, None)], &[person("p-1", "full")]);
    assert_eq!(r.overall.detected, 1);
    assert_eq!(r.overall.ttd_median_h, Some(72.0));
    assert_eq!(r.overall.false_episodes, 0);

    rows[72].level = Level::Normal;
    rows[73].level = Level::Warning;
    let r = run(&rows, &[incident("p-1", 0, None)], &[person("p-1", "full")]);
    assert_eq!(r.overall.detected, 0);
    assert_eq!(r.overall.false_episodes, 1);

    // A given end wins over the default, even when longer.
    let r = run(&rows, &[incident("p-1", 0, Some(100))], &[person("p-1", "full")]);
    assert_eq!(r.overall.detected, 1);
    assert_eq!(r.overall.ttd_median_h, Some(73.0));
}

#[test]
fn ttd_median_and_p90_by_nearest_rank() {
    // Ten persons, each with one incident at hour 0 detected after k hours, k = 1..=10.
    let mut rows = Vec::new();
    let mut incidents = Vec::new();
    let mut persons = Vec::new();
    for k in 1..=10 {
        let id = format!("p-{k:02}");
        for h in 0..12 {
            let level = if h == k { Level::Critical } else { Level::Normal };
            rows.push(row(&id, h, level, Action::None));
        }
        incidents.push(incident(&id, 0, None));
        persons.push(person(&id, "full"));
    }
    // Any input order.
    rows.reverse();
    let r = run(&rows, &incidents, &persons);
    assert_eq!((r.overall.incidents, r.overall.detected), (10, 10));
    // Nearest rank: median = 5th of 10, p90 = 9th of 10.
    assert_eq!(r.overall.ttd_median_h, Some(5.0));
    assert_eq!(r.overall.ttd_p90_h, Some(9.0));
    assert_eq!(r.overall.false_episodes, 0);
    assert_eq!(r.overall.persons, 10);

    // Three values 2, 7, 30: median = 2nd, p90 = 3rd (rank ceil(2.7) = 3).
    let mut rows = Vec::new();
    let mut incidents = Vec::new();
    for (i, k) in [30, 2, 7].into_iter().enumerate() {
        let id = format!("q-{i}");
        rows.extend((0..40).map(|h| row(&id, h, if h == k { Level::Warning } else { Level::Normal }, Action::None)));
        incidents.push(incident(&id, 0, None));
    }
    let r = run(&rows, &incidents, &[]);
    assert_eq!(r.overall.ttd_median_h, Some(7.0));
    assert_eq!(r.overall.ttd_p90_h, Some(30.0));
}

#[test]
fn ttd_counts_fractional_hours_from_start() {
    // Start at 01:30, first warning at 04:00: 2.5 h.
    let rows = levels("p-1", "nnnnWn");
    let inc = Incident { person: "p-1".into(), start: at(1).plus_millis(30 * 60_000), end: None, kind: None };
    let r = run(&rows, &[inc], &[person("p-1", "full")]);
    assert_eq!(r.overall.ttd_median_h, Some(2.5));
}

#[test]
fn action_burden_counts_runs() {
    use Action::{CheckinCall as C, Dispatch as D, None as N, Notify as T};
    // Runs: C (2 rows), N, C (1), T (3), D (2), T (1), D(1): 2 check-in calls, 2 notifications, 2 dispatches.
    let actions = [N, C, C, N, C, T, T, T, D, D, T, D, N];
    let rows: Vec<Assessment> =
        actions.iter().enumerate().map(|(h, &a)| row("p-1", h as i64, Level::Normal, a)).collect();
    let r = run(&rows, &[], &[person("p-1", "full")]);
    let m = &r.overall;
    let months = pm(13);
    assert!(close(m.person_months, months));
    assert!(close(m.checkin_calls_per_100_pm, 2.0 * 100.0 / months));
    assert!(close(m.notifications_per_100_pm, 2.0 * 100.0 / months));
    assert!(close(m.dispatches_per_100_pm, 2.0 * 100.0 / months));
    // Runs do not continue from one person into the next.
    let mut rows = vec![row("a-1", 0, Level::Normal, D), row("a-1", 1, Level::Normal, D)];
    rows.extend([row("b-1", 0, Level::Normal, D), row("b-1", 1, Level::Normal, D)]);
    let r = run(&rows, &[], &[]);
    assert!(close(r.overall.dispatches_per_100_pm, 2.0 * 100.0 / pm(4)));
}

#[test]
fn person_months_use_the_most_common_gap() {
    // Rows at 0, 1, 2, 3 and 10 hours: most common gap 1 h, observed 11 h.
    let rows: Vec<Assessment> =
        [0, 1, 2, 3, 10].into_iter().map(|h| row("p-1", h, Level::Normal, Action::None)).collect();
    let r = run(&rows, &[], &[person("p-1", "full")]);
    assert!(close(r.overall.person_months, pm(11)));
    // 30 days of hourly rows: exactly one person-month.
    let rows: Vec<Assessment> = (0..720).map(|h| row("p-1", h, Level::Normal, Action::None)).collect();
    let r = run(&rows, &[], &[person("p-1", "full")]);
    assert!(close(r.overall.person_months, 1.0));
    // A single row: no step, no time.
    let r = run(&rows[..1], &[], &[person("p-1", "full")]);
    assert_eq!(r.overall.person_months, 0.0);
    assert_eq!(r.overall.false_per_100_pm, 0.0);
}

#[test]
fn per_profile_split_and_unknown_persons() {
    let mut rows = levels("a-1", "nnWWnn"); // full: one false episode
    rows.extend(levels("b-1", "nnnnWn")); // plug_only: detects its incident at hour 4
    rows.extend(levels("b-2", "nWnnnn")); // plug_only: one false episode, incident missed
    rows.extend(levels("x-9", "Wnnnnn")); // not in persons: one false episode
    let incidents = [incident("b-1", 3, None), incident("b-2", 4, Some(5))];
    let persons = [person("a-1", "full"), person("b-1", "plug_only"), person("b-2", "plug_only")];
    let r = run(&rows, &incidents, &persons);
    assert_eq!(r.by_profile.keys().collect::<Vec<_>>(), ["?", "full", "plug_only"]);

    let full = &r.by_profile["full"];
    assert_eq!((full.persons, full.incidents, full.detected, full.false_episodes), (1, 0, 0, 1));
    assert_eq!(full.detection_rate, 0.0);
    assert!(close(full.person_months, pm(6)));

    let plug = &r.by_profile["plug_only"];
    assert_eq!((plug.persons, plug.incidents, plug.detected, plug.false_episodes), (2, 2, 1, 1));
    assert_eq!(plug.detection_rate, 0.5);
    assert_eq!(plug.ttd_median_h, Some(1.0));
    assert!(close(plug.person_months, pm(12)));
    assert!(close(plug.false_per_100_pm, 100.0 / pm(12)));

    let unknown = &r.by_profile["?"];
    assert_eq!((unknown.persons, unknown.incidents, unknown.false_episodes), (1, 0, 1));

    let all = &r.overall;
    assert_eq!((all.persons, all.incidents, all.detected, all.false_episodes), (4, 2, 1, 3));
    assert!(close(all.person_months, pm(24)));
    assert_eq!(all.ttd_median_h, Some(1.0));
}

#[test]
fn person_without_rows_counts_with_incident_not_detected() {
    let rows = levels("a-1", "nnWn");
    let incidents = [incident("a-1", 2, None), incident("z-1", 0, None), incident("z-1", 50, Some(60))];
    let persons = [person("a-1", "full"), person("z-1", "call_only"), person("y-1", "call_only")];
    let r = run(&rows, &incidents, &persons);
    let call = &r.by_profile["call_only"];
    assert_eq!((call.persons, call.incidents, call.detected), (2, 2, 0));
    assert_eq!(call.person_months, 0.0);
    assert_eq!(call.false_per_100_pm, 0.0);
    assert_eq!(call.ttd_median_h, None);
    assert_eq!((r.overall.persons, r.overall.incidents, r.overall.detected), (3, 3, 1));
    assert!(close(r.overall.detection_rate, 1.0 / 3.0));
    // An incident of a person in neither table is reported under `?`, not detected.
    let r = run(&rows, &[incident("ghost", 0, None)], &[person("a-1", "full")]);
    assert_eq!((r.by_profile["?"].persons, r.by_profile["?"].incidents, r.by_profile["?"].detected), (1, 1, 0));
}

#[test]
fn empty_input_gives_empty_report() {
    let r = run(&[], &[], &[]);
    assert!(r.by_profile.is_empty());
    assert_eq!(r.overall.persons, 0);
    assert_eq!(r.overall.detection_rate, 0.0);
    assert!(r.to_markdown().contains("| all | 0 | 0 | 0/0 (-) | 0 | - | - | 0.0 | 0.0 |"));
}

#[test]
fn incident_ending_before_it_starts_is_rejected_with_its_index() {
    let incidents = [incident("p-1", 5, Some(6)), incident("p-1", 5, Some(4))];
    let err = backtest(&[], &incidents, &[]).expect_err("end < start");
    assert_eq!(err.kind(), ErrorKind::InvalidEvent);
    match &err {
        anbu::Error::InvalidEvent { location, field, .. } => {
            assert_eq!(location, &Some(Location::Index(1)));
            assert_eq!(field, "end");
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(err.to_string().starts_with("row 1: field `end`:"), "{err}");
    // end == start is a zero-length window, accepted.
    assert!(backtest(&[], &[incident("p-1", 5, Some(5))], &[]).is_ok());
}

#[test]
fn an_assessment_given_back_with_a_bad_score_or_a_personal_id_is_refused_naming_its_row() {
    let mut rows = levels("p-1", "nnWn");
    let refused = |rows: &[Assessment]| {
        let err = backtest(rows, &[], &[]).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        err.to_string()
    };
    rows[2].score = 150.0;
    assert_eq!(refused(&rows), "argument `assessments`: row 2: field `score`: 150 is not a score from 0 to 100");
    rows[2].score = f64::INFINITY;
    assert!(refused(&rows).ends_with("field `score`: inf is not a score from 0 to 100"));
    rows[2].score = 100.0;
    assert!(backtest(&rows, &[], &[]).is_ok());
    // A phone number as the person: refused as a person is, at the first row that names it.
    rows.extend(levels("010-1234-5678", "nn"));
    assert!(refused(&rows).starts_with("argument `assessments`: row 4: field `person`: "), "{}", refused(&rows));
}

#[test]
fn markdown_has_a_row_per_profile_and_all() {
    let mut rows = levels("a-1", "nnWWnn");
    rows.extend(levels("b-1", "nnnnWn"));
    let persons = [person("a-1", "full"), person("b-1", "plug_only")];
    let r = run(&rows, &[incident("b-1", 3, None)], &persons);
    let md = r.to_markdown();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines.len(), 5, "{md}");
    assert!(
        lines[0].starts_with("| profile | persons | incidents | detected | within 24 h | median TTD h | p90 TTD h |")
    );
    assert!(lines[2].starts_with("| full | 1 | 0 | 0/0 (-) | 0 | - | - | "), "{md}");
    assert!(lines[3].starts_with("| plug_only | 1 | 1 | 1/1 (100%) | 1 | 1.0 | 1.0 | 0.0 | 0.0 |"), "{md}");
    assert!(lines[4].starts_with("| all | 2 | 1 | 1/1 (100%) | 1 | 1.0 | 1.0 | "), "{md}");
}

#[test]
fn report_round_trips_through_json() {
    let r = run(&levels("a-1", "nWn"), &[incident("a-1", 1, None)], &[person("a-1", "full")]);
    let json = serde_json::to_string(&r).expect("serialize");
    assert!(json.contains("\"ttd_median_h\":0.0"), "{json}");
    let back: BacktestReport = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, r);
}

#[test]
fn false_dispatches_are_dispatch_runs_inside_false_episodes() {
    use Action::{Dispatch as D, None as N, Notify as T};
    use Level::{Critical as C, Normal as n, Warning as W};
    // A false episode with two dispatch runs, then a true one (incident at hour 10) with one.
    let plan = [(n, N), (W, T), (C, D), (W, T), (C, D), (n, N), (n, N), (n, N), (n, N), (n, N), (W, T), (C, D)];
    let rows: Vec<Assessment> = plan.iter().enumerate().map(|(h, &(l, a))| row("p-1", h as i64, l, a)).collect();
    let r = run(&rows, &[incident("p-1", 9, None)], &[person("p-1", "full")]);
    let m = &r.overall;
    assert_eq!(m.false_episodes, 1);
    assert_eq!(m.false_dispatches, 2);
    assert!(close(m.false_dispatches_per_100_pm, 2.0 * 100.0 / pm(12)));
    assert!(close(m.dispatches_per_100_pm, 3.0 * 100.0 / pm(12)));
    // Without the incident, all three dispatches were false.
    let r = run(&rows, &[], &[person("p-1", "full")]);
    assert_eq!((r.overall.false_episodes, r.overall.false_dispatches), (2, 3));
}

#[test]
fn detected_within_24h_counts_prompt_detections_only() {
    // Three incidents found after 3 h, 24 h and 25 h.
    let mut rows = Vec::new();
    let mut incidents = Vec::new();
    for (i, k) in [3, 24, 25].into_iter().enumerate() {
        let id = format!("q-{i}");
        rows.extend((0..40).map(|h| row(&id, h, if h == k { Level::Warning } else { Level::Normal }, Action::None)));
        incidents.push(incident(&id, 0, None));
    }
    let r = run(&rows, &incidents, &[]);
    assert_eq!((r.overall.detected, r.overall.detected_within_24h), (3, 2));
    assert!(r.to_markdown().contains("| all | 3 | 3 | 3/3 (100%) | 2 |"));
}

#[test]
fn incidents_labelled_with_a_kind_are_also_counted_per_kind() {
    use Action::{CheckinCall as K, None as N};
    use Level::{Normal as n, Warning as W};
    // Three collapses: asked at 2 h and found at 4 h; asked at 30 h and found at 31 h; asked
    // at 1 h, never found. An illness alerted at 5 h with no action asked (an open-loop row); one unlabelled.
    /// Hours at which a person's row is not `normal` with no action: (hour, level, action).
    type Marks = &'static [(i64, Level, Action)];
    let plans: [(&str, Option<&str>, Marks); 5] = [
        ("c-1", Some("collapse"), &[(2, n, K), (4, W, K)]),
        ("c-2", Some("collapse"), &[(30, n, K), (31, W, K)]),
        ("c-3", Some("collapse"), &[(1, n, K)]),
        ("i-1", Some("illness"), &[(5, W, N)]),
        ("u-1", None, &[(3, W, N)]),
    ];
    let mut rows = Vec::new();
    let mut incidents = Vec::new();
    for (id, kind, marks) in plans {
        rows.extend((0..40).map(|h| {
            let (level, action) = marks.iter().find(|m| m.0 == h).map_or((n, N), |m| (m.1, m.2));
            row(id, h, level, action)
        }));
        incidents.push(Incident { kind: kind.map(str::to_string), ..incident(id, 0, None) });
    }
    let r = run(&rows, &incidents, &[]);
    assert_eq!(r.by_kind.keys().collect::<Vec<_>>(), ["collapse", "illness"]);
    let c = &r.by_kind["collapse"];
    assert_eq!((c.incidents, c.detected, c.detected_within_24h), (3, 2, 1));
    assert_eq!((c.ttd_median_h, c.ttd_p90_h), (Some(4.0), Some(31.0)));
    assert_eq!((c.asked, c.asked_within_24h, c.ask_median_h), (3, 2, Some(2.0)));
    let i = &r.by_kind["illness"];
    assert_eq!((i.incidents, i.detected, i.ttd_median_h, i.asked, i.ask_median_h), (1, 1, Some(5.0), 0, None));
    // The kinds add up to the labelled incidents; the unlabelled one is only in `overall`.
    assert_eq!(r.overall.incidents, 5);
    let md = r.to_markdown();
    assert!(md.contains("\n\n| kind | incidents | detected | within 24 h |"), "{md}");
    assert!(md.contains("| collapse | 3 | 2 | 1 | 4.0 | 31.0 | 3 | 2 | 2.0 |"), "{md}");
    // Without any label, no second table.
    let unlabelled: Vec<Incident> = incidents.iter().map(|i| Incident { kind: None, ..i.clone() }).collect();
    let r = run(&rows, &unlabelled, &[]);
    assert!(r.by_kind.is_empty() && !r.to_markdown().contains("| kind |"));
}

mod sweeps {
    use anbu::backtest::{SweepSetup, sweep};
    use anbu::sim::{SimConfig, simulate};
    use anbu::{CallPolicy, ErrorKind, Profile, ReplayOptions};

    /// The operating curve of `key` over `values` on a simulated cohort (40 persons, 21 days),
    /// in the closed loop or not; more sensitive values last.
    fn curve(seed: u64, closed: bool, key: &str, values: &[f64]) -> anbu::backtest::Sweep {
        let cohort = simulate(&SimConfig { persons: 40, days: 21, seed, ..SimConfig::default() });
        let options = ReplayOptions::default();
        let setup = SweepSetup {
            events: &cohort.events,
            persons: &cohort.persons,
            incidents: &cohort.incidents,
            options: &options,
            calls: closed.then_some((&cohort, CallPolicy::default())),
        };
        sweep(&setup, key, values).expect("sweep")
    }

    /// Each point more sensitive than the one before never detects fewer incidents, nor raises
    /// fewer false episodes.
    fn assert_monotone(curve: &anbu::backtest::Sweep) {
        for pair in curve.points.windows(2) {
            let (less, more) = (&pair[0].report.overall, &pair[1].report.overall);
            assert!(more.detected >= less.detected, "{}", curve.to_markdown());
            assert!(more.false_episodes >= less.false_episodes, "{}", curve.to_markdown());
        }
    }

    #[test]
    fn a_higher_sensitivity_never_detects_less_nor_later() {
        // `routine.sensitivity`, the one key that moves the whole trade-off (the prior hazard):
        // more sensitive never detects fewer incidents, nor fewer within 24 h, on the same cohort.
        let curve = curve(5, false, "routine.sensitivity", &[0.001, 0.01, 0.1]);
        assert_monotone(&curve);
        for pair in curve.points.windows(2) {
            let (less, more) = (&pair[0].report.overall, &pair[1].report.overall);
            assert!(more.detected_within_24h >= less.detected_within_24h, "{}", curve.to_markdown());
        }
        let (least, most) = (&curve.points[0].report.overall, &curve.points[2].report.overall);
        assert!(most.false_episodes > least.false_episodes, "the key moves the trade-off: {}", curve.to_markdown());
        // An open-loop sweep places no call.
        assert!(curve.points.iter().all(|p| p.report.overall.automatic_calls_placed_per_100_pm == 0.0));
    }

    #[test]
    fn a_lower_warning_cut_off_never_detects_less_and_reports_under_the_profiles_names() {
        let curve = curve(3, true, "levels.warning", &[70.0, 50.0, 35.0]);
        assert_eq!(curve.points.iter().map(|p| p.value).collect::<Vec<_>>(), [70.0, 50.0, 35.0]);
        assert_monotone(&curve);
        let names: Vec<&String> = curve.points[0].report.by_profile.keys().collect();
        assert!(names.iter().all(|n| anbu::BUILTIN_PROFILES.contains(&n.as_str())), "{names:?}");
        // The budget picks the best point that keeps within it; none for an impossible one.
        let pick = curve.within_budget("all", f64::INFINITY).expect("some point");
        let best = curve.points.iter().map(|p| p.report.overall.detected_within_24h).max();
        assert_eq!(Some(pick.report.overall.detected_within_24h), best);
        assert!(curve.within_budget("all", -1.0).is_none());
        let picks = curve.picks(f64::INFINITY);
        assert_eq!(picks.get("all"), Some(&Some(pick.value)));
        assert_eq!(picks.len(), names.len() + 1);
        assert!(curve.to_markdown().contains("| all | 35 |"));
        // In the closed loop, each point places calls, at least one per call asked for, and
        // its table says how many.
        for p in &curve.points {
            let m = &p.report.overall;
            assert!(
                m.automatic_calls_placed_per_100_pm >= m.checkin_calls_per_100_pm && m.checkin_calls_per_100_pm > 0.0
            );
            assert!(curve.to_markdown().contains(&format!(
                "| {:.1} | {:.1} |",
                m.checkin_calls_per_100_pm, m.automatic_calls_placed_per_100_pm
            )));
        }
    }

    #[test]
    fn a_key_that_is_not_a_number_or_out_of_range_is_refused_by_name() {
        let cohort = simulate(&SimConfig { persons: 3, days: 2, ..SimConfig::default() });
        let options = ReplayOptions {
            profiles: vec![Profile::from_json(r#"{"name":"mine"}"#).expect("p")],
            ..ReplayOptions::default()
        };
        let setup = SweepSetup {
            events: &cohort.events,
            persons: &cohort.persons,
            incidents: &cohort.incidents,
            options: &options,
            calls: None,
        };
        for (key, value, says) in [
            ("routine.mode", 1.0, "is not a number"),
            ("levels.nonsense", 1.0, "no such key"),
            ("levels.warning", -5.0, "levels.warning"),
        ] {
            let err = sweep(&setup, key, &[value]).expect_err(key);
            assert_eq!(err.kind(), ErrorKind::InvalidProfile, "{err}");
            assert!(err.to_string().contains(says), "{key}: {err}");
        }
    }
}

#[test]
fn each_incident_is_listed_in_order_with_the_assessment_that_caught_it() {
    let mut rows = levels("a", "nnnWWn");
    rows[3].action = Action::Notify;
    rows[3].score = 55.0;
    rows.extend(levels("b", "nnnnnn"));
    let incidents = [incident("b", 1, Some(4)), incident("a", 2, None), incident("c", 0, None)];
    let r = run(&rows, &incidents, &[person("a", "full"), person("b", "plug_only")]);
    let listed: Vec<(&str, &str, Option<f64>)> =
        r.incidents.iter().map(|o| (o.person.as_str(), o.profile.as_str(), o.ttd_h)).collect();
    assert_eq!(listed, [("b", "plug_only", None), ("a", "full", Some(1.0)), ("c", "?", None)]);
    let a = &r.incidents[1];
    assert_eq!(
        (a.detected_at, a.level, a.action, a.score),
        (Some(at(3)), Some(Level::Warning), Some(Action::Notify), Some(55.0))
    );
    assert_eq!(a.window_end, at(2 + 72));
    assert_eq!(r.incidents[0].window_end, at(4));
    // The list agrees with the aggregates.
    let detected = r.incidents.iter().filter(|o| o.detected_at.is_some()).count();
    assert_eq!(detected, r.overall.detected);
}

#[test]
fn each_incident_says_when_the_person_was_first_asked_after_and_apart_from_its_detection() {
    // a: a call asked at 1 h, before the incident (not counted), again at 3 h, then the
    // caseworker at 5 h; b: a warning whose action waits (a day-office household at night),
    // then a call asked; c: nothing asked in the window, a call after it.
    let mut rows = levels("a", "nwnwnWn");
    for (h, action) in [(1, Action::CheckinCall), (3, Action::CheckinCall), (5, Action::Notify)] {
        rows[h].action = action;
    }
    let mut b = levels("b", "nWwn");
    b[2].action = Action::CheckinCall;
    rows.extend(b);
    let mut c = levels("c", "nnnnw");
    c[4].action = Action::CheckinCall;
    rows.extend(c);
    let incidents = [incident("a", 2, None), incident("b", 0, None), incident("c", 0, Some(3))];
    let r = run(&rows, &incidents, &[person("a", "full"), person("b", "full"), person("c", "full")]);
    let asked: Vec<(Option<_>, Option<f64>, Option<f64>)> =
        r.incidents.iter().map(|o| (o.asked_at, o.ask_h, o.ttd_h)).collect();
    assert_eq!(asked, [(Some(at(3)), Some(1.0), Some(3.0)), (Some(at(2)), Some(2.0), Some(1.0)), (None, None, None)]);
}

#[test]
fn each_alert_episode_is_listed_as_true_early_or_false() {
    use anbu::backtest::EpisodeKind;
    // a: an episode before its incident (false), one running into it (early), one after its
    // start (true); b: two with no incident (false), a dispatch run in each.
    let mut rows = levels("a", "WnnWWnnWCn");
    rows.extend(levels("b", "nCCnC"));
    for r in rows.iter_mut().filter(|r| r.level == Level::Critical) {
        r.action = Action::Dispatch;
    }
    rows[12].action = Action::Notify; // b's second hour: notify between two dispatches
    let incidents = [incident("a", 4, Some(8))];
    let r = run(&rows, &incidents, &[person("a", "full")]);
    let listed: Vec<(&str, i64, i64, EpisodeKind, Level, usize)> = r
        .episodes
        .iter()
        .map(|e| {
            (
                e.person.as_str(),
                e.start.hours_since(t0()) as i64,
                e.end.hours_since(t0()) as i64,
                e.kind,
                e.peak,
                e.dispatches,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("a", 0, 0, EpisodeKind::False, Level::Warning, 0),
            ("a", 3, 4, EpisodeKind::Early, Level::Warning, 0),
            ("a", 7, 8, EpisodeKind::True, Level::Critical, 1),
            ("b", 1, 2, EpisodeKind::False, Level::Critical, 1),
            ("b", 4, 4, EpisodeKind::False, Level::Critical, 1),
        ]
    );
    assert_eq!(r.episodes[0].profile, "full");
    assert_eq!(r.episodes[3].profile, "?");
    // The false ones are the metrics' false episodes and dispatches.
    let false_ones: Vec<_> = r.episodes.iter().filter(|e| e.kind == EpisodeKind::False).collect();
    assert_eq!(false_ones.len(), r.overall.false_episodes);
    assert_eq!(false_ones.iter().map(|e| e.dispatches).sum::<usize>(), r.overall.false_dispatches);
    assert_eq!("early".parse::<EpisodeKind>(), Ok(EpisodeKind::Early));
}

#[test]
fn an_incidents_kind_is_read_written_and_carried_to_its_outcome() {
    // Written and read back as CSV, the label stays; an incident without one reads as before.
    let dir = std::env::temp_dir().join(format!("anbu-incident-kind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("incidents.csv");
    let mut labelled = incident("a", 2, None);
    labelled.kind = Some("sudden_collapse".into());
    let plain = incident("b", 1, Some(4));
    anbu::write_incidents_csv(std::fs::File::create(&path).unwrap(), [&labelled, &plain]).unwrap();
    let read = anbu::read_incidents(&path, &anbu::ReadOptions::default()).unwrap().rows;
    assert_eq!(read, [labelled.clone(), plain.clone()]);
    // A file of the old three columns is still read.
    std::fs::write(&path, "person,start,end\na,2024-05-01T02:00:00Z,\n").unwrap();
    assert_eq!(anbu::read_incidents(&path, &anbu::ReadOptions::default()).unwrap().rows[0].kind, None);
    // A description is not a label: refused, naming the field and the row.
    std::fs::write(&path, format!("person,start,kind\na,2024-05-01T02:00:00Z,{}\n", "x".repeat(65))).unwrap();
    let err = anbu::read_incidents(&path, &anbu::ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("field `kind`"), "{err}");
    std::fs::remove_dir_all(&dir).ok();

    // The backtest carries the label to the incident's outcome, so outcomes group by it.
    let rows = [levels("a", "nnnWWn"), levels("b", "nnnnnn")].concat();
    let r = run(&rows, &[labelled, plain], &[person("a", "full"), person("b", "full")]);
    let kinds: Vec<(Option<&str>, Option<f64>)> = r.incidents.iter().map(|o| (o.kind.as_deref(), o.ttd_h)).collect();
    assert_eq!(kinds, [(Some("sudden_collapse"), Some(1.0)), (None, None)]);
    let back: BacktestReport = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back.incidents[0].kind.as_deref(), Some("sudden_collapse"));
}
