//! Backtests: how assessments would have served against known incidents, as the spec's
//! Incidents section defines it.
//!
//! - An *episode* is a run of consecutive assessments (consecutive in that person's rows,
//!   sorted by time) at level `warning` or above; it is counted once.
//! - An incident is *detected* when some assessment of its person at `warning` or above has
//!   `at` within `[start, end]`, where `end` is the incident's end when given and 72 h after
//!   `start` otherwise. The time to detect is the first such `at` minus `start`.
//! - An episode is a *false alert* when none of its assessments falls within an incident
//!   window of that person.
//! - Person-months: per person, the span of their rows plus one grid step (the most common
//!   gap between their rows), over 30 days.
//! - Action burden: runs of consecutive assessments with the same action (`checkin_call`,
//!   `notify`, `dispatch`), each run counted once, per 100 person-months; and the calls a
//!   closed-loop replay placed (its rows' `call`: automatic and the staff's), per 100
//!   person-months.
//!
//! ```
//! use anbu::backtest::backtest;
//! use anbu::{Action, Assessment, Incident, Level, Person, Responder, HOUR_MS};
//! let t0 = anbu::Timestamp::from_millis(1_714_521_600_000)?;
//! let row = |h: i64, level: Level| Assessment {
//!     person: "p-1".into(), at: t0.plus_millis(h * HOUR_MS), score: 0.0, level,
//!     action: Action::None, responder: Responder::DayOffice, reasons: Vec::new(), visit: None, call: None,
//! };
//! let rows = vec![row(0, Level::Normal), row(1, Level::Warning), row(2, Level::Normal)];
//! let incidents = vec![Incident { person: "p-1".into(), start: t0, end: None, kind: None }];
//! let report = backtest(&rows, &incidents, &[Person::new("p-1", "full")?])?;
//! assert_eq!(report.overall.detected, 1);
//! assert_eq!(report.overall.ttd_median_h, Some(1.0));
//! assert_eq!(report.overall.false_episodes, 0);
//! # Ok::<(), anbu::Error>(())
//! ```

mod by_kind;
mod labels;
mod plug_rule;
mod sweep;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::assessment::{Action, Assessment, Level};
use crate::error::{Error, Location, Result};
use crate::incident::Incident;
use crate::person::Person;
use crate::time::{DAY_MS, HOUR_MS, Timestamp};
use crate::vocab::CheckinBy;

pub use by_kind::KindMetrics;
pub use labels::labels_from_dispositions;
pub use plug_rule::{PLUG_RULE_PROFILE, PLUG_SERVICE_PROFILE, PlugRule, plug_rule, plug_service};
pub use sweep::{OperatingPoint, Sweep, SweepSetup, progress_total, sweep};

/// How long after its start an incident without an `end` can still be detected.
pub const DEFAULT_WINDOW_MS: i64 = 72 * HOUR_MS;

/// The time to detect that counts as prompt: an incident found within a day of its start.
pub const WITHIN_MS: i64 = 24 * HOUR_MS;

/// Length of a person-month, milliseconds.
const MONTH_MS: f64 = 30.0 * DAY_MS as f64;

/// The profile name under which persons missing from the persons table are reported.
pub const UNKNOWN_PROFILE: &str = "?";

/// The metrics of one group of persons (one profile, or everyone).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Persons in the group: listed in the persons table, or with assessments, or with incidents.
    pub persons: usize,
    /// Observed time in months of 30 days: per person, the span of their rows plus one grid step.
    pub person_months: f64,
    /// Incidents of the group's persons.
    pub incidents: usize,
    /// Incidents with an assessment at `warning` or above within their window.
    pub detected: usize,
    /// `detected / incidents`, 0 to 1 (0 when there are no incidents).
    pub detection_rate: f64,
    /// Incidents detected within [`WITHIN_MS`] (24 h) of their start.
    #[serde(default)]
    pub detected_within_24h: usize,
    /// Median time to detect, hours (nearest rank over detected incidents); none if nothing was detected.
    pub ttd_median_h: Option<f64>,
    /// 90th percentile of the time to detect, hours (nearest rank); none if nothing was detected.
    pub ttd_p90_h: Option<f64>,
    /// Episodes at `warning` or above that touch no incident window of their person.
    pub false_episodes: usize,
    /// False episodes per 100 person-months (0 when no time was observed).
    pub false_per_100_pm: f64,
    /// Runs of `checkin_call` actions per 100 person-months: the times a call was asked for.
    /// A closed loop places a call at each assessment of a run at least its `retry` after the
    /// last (one an hour with the defaults), so it places more: those are
    /// [`Metrics::automatic_calls_placed_per_100_pm`].
    pub checkin_calls_per_100_pm: f64,
    /// Automatic check-in calls a closed-loop replay placed (rows whose `call` is `auto`), per
    /// 100 person-months; 0 for rows of an open-loop replay or an engine, which place none.
    #[serde(default)]
    pub automatic_calls_placed_per_100_pm: f64,
    /// The caseworker's or the control center's calls a closed-loop replay placed (rows whose
    /// `call` is `staff`), per 100 person-months.
    #[serde(default)]
    pub staff_calls_placed_per_100_pm: f64,
    /// Runs of `notify` actions per 100 person-months.
    pub notifications_per_100_pm: f64,
    /// Runs of `dispatch` actions per 100 person-months.
    pub dispatches_per_100_pm: f64,
    /// Runs of `dispatch` actions inside false episodes: a visit (with police or 119 where
    /// nobody answers) that found nothing.
    #[serde(default)]
    pub false_dispatches: usize,
    /// False dispatches per 100 person-months.
    #[serde(default)]
    pub false_dispatches_per_100_pm: f64,
}

/// A backtest's result: everyone, and each profile on its own; and the incidents and alert
/// episodes it counted, one by one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// All persons together.
    pub overall: Metrics,
    /// Per profile name (`?` for persons missing from the persons table).
    pub by_profile: BTreeMap<String, Metrics>,
    /// Per incident `kind`, for the incidents labelled with one (absent from reports
    /// written before 2026-12-07).
    #[serde(default)]
    pub by_kind: BTreeMap<String, KindMetrics>,
    /// Every incident, in the order given: whether and when it was detected, and by which
    /// assessment.
    #[serde(default)]
    pub incidents: Vec<IncidentOutcome>,
    /// Every alert episode (a run of assessments at `warning` or above), by person then time.
    #[serde(default)]
    pub episodes: Vec<AlertEpisode>,
}

/// How one incident fared in a backtest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentOutcome {
    /// The person.
    pub person: String,
    /// Their profile (`?` when missing from the persons table).
    pub profile: String,
    /// The incident's `kind`, if it was labelled (absent from reports written before
    /// 2026-12-07).
    #[serde(default)]
    pub kind: Option<String>,
    /// When the incident began.
    pub start: Timestamp,
    /// The end of its detection window: its end when given, else 72 h after `start`.
    pub window_end: Timestamp,
    /// The first assessment at `warning` or above within the window, if any.
    pub detected_at: Option<Timestamp>,
    /// Time to detect, hours (`detected_at - start`).
    pub ttd_h: Option<f64>,
    /// The first assessment within the window that asked for anything (an automatic check-in
    /// call or more: an action other than `none`), if any: when the person was first reached
    /// out to (absent from reports written before 2026-12-06).
    #[serde(default)]
    pub asked_at: Option<Timestamp>,
    /// Hours from `start` to `asked_at`.
    #[serde(default)]
    pub ask_h: Option<f64>,
    /// The level of the assessment that caught it.
    pub level: Option<Level>,
    /// Its action.
    pub action: Option<Action>,
    /// Its score.
    pub score: Option<f64>,
}

crate::macros::spec_enum! {
    /// What an alert episode turned out to be.
    pub enum EpisodeKind {
        /// It began within an incident's window: a detection.
        True = "true",
        /// It began before an incident and lasted into its window (already alerting when
        /// the incident began).
        Early = "early",
        /// It touched no incident window: a false alert.
        False = "false",
    }
}

/// One alert episode of a backtest: a run of consecutive assessments at `warning` or above.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertEpisode {
    /// The person.
    pub person: String,
    /// Their profile (`?` when missing from the persons table).
    pub profile: String,
    /// Its first assessment's time.
    pub start: Timestamp,
    /// Its last assessment's time.
    pub end: Timestamp,
    /// True, early or false.
    pub kind: EpisodeKind,
    /// The highest level it reached.
    pub peak: Level,
    /// Runs of `notify` in it.
    pub notifications: usize,
    /// Runs of `dispatch` in it (a dispatch run under way when it began counts too).
    pub dispatches: usize,
}

/// Raw counts of one group, before the rates are derived.
#[derive(Clone, Debug, Default)]
struct Tally {
    persons: usize,
    months: f64,
    incidents: usize,
    ttds: Vec<f64>,
    false_episodes: usize,
    false_dispatches: usize,
    checkin_calls: usize,
    /// Calls placed: automatic, and the staff's.
    placed: [usize; 2],
    notifications: usize,
    dispatches: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.persons += other.persons;
        self.months += other.months;
        self.incidents += other.incidents;
        self.ttds.extend_from_slice(&other.ttds);
        self.false_episodes += other.false_episodes;
        self.false_dispatches += other.false_dispatches;
        self.checkin_calls += other.checkin_calls;
        self.placed[0] += other.placed[0];
        self.placed[1] += other.placed[1];
        self.notifications += other.notifications;
        self.dispatches += other.dispatches;
    }

    fn metrics(mut self) -> Metrics {
        self.ttds.sort_by(f64::total_cmp);
        let per_100 = |n: usize| if self.months > 0.0 { n as f64 * 100.0 / self.months } else { 0.0 };
        let detected = self.ttds.len();
        Metrics {
            persons: self.persons,
            person_months: self.months,
            incidents: self.incidents,
            detected,
            detection_rate: if self.incidents > 0 { detected as f64 / self.incidents as f64 } else { 0.0 },
            detected_within_24h: within_24h(&self.ttds),
            ttd_median_h: nearest_rank(&self.ttds, 50.0),
            ttd_p90_h: nearest_rank(&self.ttds, 90.0),
            false_episodes: self.false_episodes,
            false_per_100_pm: per_100(self.false_episodes),
            checkin_calls_per_100_pm: per_100(self.checkin_calls),
            automatic_calls_placed_per_100_pm: per_100(self.placed[0]),
            staff_calls_placed_per_100_pm: per_100(self.placed[1]),
            notifications_per_100_pm: per_100(self.notifications),
            dispatches_per_100_pm: per_100(self.dispatches),
            false_dispatches: self.false_dispatches,
            false_dispatches_per_100_pm: per_100(self.false_dispatches),
        }
    }
}

/// How many of these times to detect (hours) are within [`WITHIN_MS`].
fn within_24h(hours: &[f64]) -> usize {
    hours.iter().filter(|h| **h * HOUR_MS as f64 <= WITHIN_MS as f64).count()
}

/// Hours as the Markdown tables give them: one decimal, `-` for none.
fn hours_cell(h: Option<f64>) -> String {
    h.map_or_else(|| "-".to_string(), |h| format!("{h:.1}"))
}

/// The `p`th percentile of sorted values by nearest rank: the value at rank ⌈p/100 · n⌉.
fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Evaluates assessments (in any order) against incidents, per profile and overall.
///
/// Persons missing from `persons` are reported under the profile `?`; incidents of persons
/// without any assessment count as not detected. Errors with [`Error::InvalidEvent`] on
/// field `end`, at the incident's index, when an incident ends before it starts; and with
/// [`Error::InvalidArgument`] of `assessments`, naming the row (in the order given) and the
/// field, for an assessment whose score is not a number from 0 to 100 or whose person id is
/// not pseudonymous (a phone number or an e-mail address, as a person is refused), which no
/// replay gives but a table edited by hand may.
///
/// ```
/// use anbu::backtest::backtest;
/// use anbu::{Action, Assessment, Level, Responder};
/// let row = Assessment {
///     person: "p-1".into(), at: "2024-05-01T10:00:00Z".parse()?, score: f64::NAN, level: Level::Normal,
///     action: Action::None, responder: Responder::DayOffice, reasons: Vec::new(), visit: None, call: None,
/// };
/// let err = backtest(&[row], &[], &[]).unwrap_err();
/// assert_eq!(err.to_string(), "argument `assessments`: row 0: field `score`: NaN is not a score from 0 to 100");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn backtest(assessments: &[Assessment], incidents: &[Incident], persons: &[Person]) -> Result<BacktestReport> {
    backtest_counted(assessments, incidents, persons, None)
}

/// [`backtest`], counting the assessment rows scored on `progress` (each person's rows added
/// once they are scored, so it ends at `assessments.len()`), for a progress display.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::backtest::{backtest, backtest_counted};
/// let cohort = simulate(&SimConfig { persons: 4, days: 3, ..SimConfig::default() });
/// let rows = anbu::replay(cohort.events.clone(), &cohort.persons, &anbu::ReplayOptions::default())?;
/// let done = AtomicU64::new(0);
/// let report = backtest_counted(&rows, &cohort.incidents, &cohort.persons, Some(&done))?;
/// assert_eq!(done.load(Ordering::Relaxed), rows.len() as u64);
/// assert_eq!(report, backtest(&rows, &cohort.incidents, &cohort.persons)?);
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn backtest_counted(
    assessments: &[Assessment],
    incidents: &[Incident],
    persons: &[Person],
    progress: Option<&AtomicU64>,
) -> Result<BacktestReport> {
    // Each person's id is checked where it first differs from the row before (rows come
    // person by person from a replay).
    for (i, a) in assessments.iter().enumerate() {
        let id_checked = i > 0 && assessments[i - 1].person == a.person;
        a.check_given(i, id_checked)?;
    }
    // Incident windows per person.
    let mut windows: HashMap<&str, Vec<Window>> = HashMap::new();
    for (i, inc) in incidents.iter().enumerate() {
        let end = match inc.end {
            Some(end) if end < inc.start => {
                return Err(
                    Error::field("end", format!("{end} is before start {}", inc.start)).at(Location::Index(i as u64))
                );
            }
            Some(end) => end,
            None => inc.start.plus_millis(DEFAULT_WINDOW_MS),
        };
        windows.entry(inc.person.as_str()).or_default().push(Window { start: inc.start, end, index: i });
    }

    // The first listing of a person decides their profile.
    let mut profile_of: HashMap<&str, &str> = HashMap::new();
    for p in persons {
        profile_of.entry(p.person.as_str()).or_insert(p.profile.as_str());
    }

    let mut rows: Vec<&Assessment> = assessments.iter().collect();
    rows.sort_by(|a, b| a.person.cmp(&b.person).then_with(|| a.at.cmp(&b.at)));

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let profile = |person: &str| profile_of.get(person).copied().unwrap_or(UNKNOWN_PROFILE);
    let none: Vec<Window> = Vec::new();
    let mut outcomes: Vec<Option<IncidentOutcome>> = vec![None; incidents.len()];
    for w in windows.values().flatten() {
        let inc = &incidents[w.index];
        outcomes[w.index] = Some(IncidentOutcome {
            person: inc.person.clone(),
            profile: profile(&inc.person).to_string(),
            kind: inc.kind.clone(),
            start: w.start,
            window_end: w.end,
            detected_at: None,
            ttd_h: None,
            asked_at: None,
            ask_h: None,
            level: None,
            action: None,
            score: None,
        });
    }
    let mut outcomes: Vec<IncidentOutcome> = outcomes.into_iter().flatten().collect();
    let mut episodes: Vec<AlertEpisode> = Vec::new();

    for group in rows.chunk_by(|a, b| a.person == b.person) {
        let person = group[0].person.as_str();
        seen.insert(person);
        let wins = windows.get(person).unwrap_or(&none);
        let tally = tallies.entry(profile(person)).or_default();
        tally.persons += 1;
        tally.months += observed_ms(group) as f64 / MONTH_MS;
        tally.incidents += wins.len();
        for w in wins {
            let from = group.partition_point(|a| a.at < w.start);
            let within = || group[from..].iter().take_while(|a| a.at <= w.end);
            if let Some(a) = within().find(|a| a.action != Action::None) {
                let o = &mut outcomes[w.index];
                (o.asked_at, o.ask_h) = (Some(a.at), Some(a.at.hours_since(w.start)));
            }
            let hit = within().find(|a| a.level >= Level::Warning);
            if let Some(a) = hit {
                let ttd = a.at.hours_since(w.start);
                tally.ttds.push(ttd);
                let o = &mut outcomes[w.index];
                (o.detected_at, o.ttd_h, o.level, o.action, o.score) =
                    (Some(a.at), Some(ttd), Some(a.level), Some(a.action), Some(a.score));
            }
        }
        let first = episodes.len();
        count_episodes_and_actions(group, wins, tally, &mut episodes);
        for e in &mut episodes[first..] {
            e.profile = profile(person).to_string();
        }
        if let Some(done) = progress {
            done.fetch_add(group.len() as u64, Ordering::Relaxed);
        }
    }

    // Persons with no rows: listed ones, and those only named by an incident.
    let mut rowless: Vec<&str> = persons.iter().map(|p| p.person.as_str()).collect();
    rowless.extend(incidents.iter().map(|i| i.person.as_str()));
    for person in rowless {
        if !seen.insert(person) {
            continue;
        }
        let tally = tallies.entry(profile(person)).or_default();
        tally.persons += 1;
        tally.incidents += windows.get(person).map_or(0, Vec::len);
    }
    episodes.sort_by(|a, b| a.person.cmp(&b.person).then_with(|| a.start.cmp(&b.start)));

    let mut all = Tally::default();
    for t in tallies.values() {
        all.add(t);
    }
    Ok(BacktestReport {
        overall: all.metrics(),
        by_profile: tallies.into_iter().map(|(k, t)| (k.to_string(), t.metrics())).collect(),
        by_kind: by_kind::by_kind(&outcomes),
        incidents: outcomes,
        episodes,
    })
}

/// An incident's detection window, and its index among the incidents given.
#[derive(Clone, Copy)]
struct Window {
    start: Timestamp,
    end: Timestamp,
    index: usize,
}

/// Span of a person's sorted rows plus one grid step (the most common positive gap, ties to
/// the shorter; 0 with a single row), milliseconds.
fn observed_ms(rows: &[&Assessment]) -> i64 {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return 0 };
    let mut gaps: HashMap<i64, usize> = HashMap::new();
    for w in rows.windows(2) {
        let gap = w[1].at.millis_since(w[0].at);
        if gap > 0 {
            *gaps.entry(gap).or_default() += 1;
        }
    }
    let step = gaps.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))).map_or(0, |(gap, _)| gap);
    last.at.millis_since(first.at) + step
}

/// Counts one person's false episodes, their dispatches, and action runs into `tally`, and
/// lists their alert episodes in `out` (profile left empty for the caller).
fn count_episodes_and_actions(
    rows: &[&Assessment],
    windows: &[Window],
    tally: &mut Tally,
    out: &mut Vec<AlertEpisode>,
) {
    let touched = |at: Timestamp| windows.iter().find(|w| w.start <= at && at <= w.end);
    let mut episode: Option<AlertEpisode> = None;
    let mut prev_action: Option<Action> = None;
    let mut close = |e: AlertEpisode, tally: &mut Tally| {
        if e.kind == EpisodeKind::False {
            tally.false_episodes += 1;
            tally.false_dispatches += e.dispatches;
        }
        out.push(e);
    };
    for a in rows {
        let new_run = prev_action != Some(a.action);
        if a.level >= Level::Warning {
            let mut e = episode.take().unwrap_or_else(|| AlertEpisode {
                person: a.person.clone(),
                profile: String::new(),
                start: a.at,
                end: a.at,
                kind: EpisodeKind::False,
                peak: a.level,
                notifications: 0,
                dispatches: 0,
            });
            if let Some(w) = touched(a.at) {
                let kind = if e.start >= w.start { EpisodeKind::True } else { EpisodeKind::Early };
                // A detection within any window it touches wins over an early one.
                e.kind = if e.kind == EpisodeKind::False { kind } else { e.kind.min(kind) };
            }
            e.end = a.at;
            e.peak = e.peak.max(a.level);
            // An action run that began before the episode counts in it too.
            let first_of_kind = |n: usize| new_run || n == 0;
            match a.action {
                Action::Dispatch if first_of_kind(e.dispatches) => e.dispatches += 1,
                Action::Notify if first_of_kind(e.notifications) => e.notifications += 1,
                _ => {}
            }
            episode = Some(e);
        } else if let Some(e) = episode.take() {
            close(e, tally);
        }
        match a.call {
            Some(CheckinBy::Auto) => tally.placed[0] += 1,
            Some(CheckinBy::Staff) => tally.placed[1] += 1,
            None => {}
        }
        if new_run {
            match a.action {
                Action::CheckinCall => tally.checkin_calls += 1,
                Action::Notify => tally.notifications += 1,
                Action::Dispatch => tally.dispatches += 1,
                Action::None => {}
            }
        }
        prev_action = Some(a.action);
    }
    if let Some(e) = episode {
        close(e, tally);
    }
}

impl BacktestReport {
    /// The report as a Markdown table: one row per profile, then `all`; where incidents
    /// are labelled with a `kind`, a blank line and a second table, one row per kind.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "| profile | persons | incidents | detected | within 24 h | median TTD h | p90 TTD h \
             | false episodes /100 pm | false dispatches /100 pm | check-in calls asked /100 pm \
             | automatic calls placed /100 pm | staff calls placed /100 pm | notifications /100 pm | dispatches /100 pm |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        let rows = self.by_profile.iter().map(|(k, m)| (k.as_str(), m)).chain([("all", &self.overall)]);
        for (name, m) in rows {
            let detected = if m.incidents > 0 {
                format!("{}/{} ({:.0}%)", m.detected, m.incidents, m.detection_rate * 100.0)
            } else {
                "0/0 (-)".to_string()
            };
            let hours = hours_cell;
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {detected} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
                m.persons,
                m.incidents,
                m.detected_within_24h,
                hours(m.ttd_median_h),
                hours(m.ttd_p90_h),
                m.false_per_100_pm,
                m.false_dispatches_per_100_pm,
                m.checkin_calls_per_100_pm,
                m.automatic_calls_placed_per_100_pm,
                m.staff_calls_placed_per_100_pm,
                m.notifications_per_100_pm,
                m.dispatches_per_100_pm,
            );
        }
        let kinds = by_kind::markdown(&self.by_kind);
        if !kinds.is_empty() {
            out.push('\n');
            out.push_str(&kinds);
        }
        out
    }
}
