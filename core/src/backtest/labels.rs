//! Incidents from what calls and visits found: recorded field data with no simulated onsets
//! is scored by its `disposition` events.

use std::collections::HashMap;

use crate::coder::not_in_persons;
use crate::error::Result;
use crate::event::{Event, EventKind};
use crate::incident::Incident;
use crate::person::Person;
use crate::profile::{Catalog, Profile};
use crate::state::PersonState;

/// The incidents that `disposition` events confirm: each `emergency` or `deceased` finding
/// is an incident of its person that **starts at the person's last sign of life before it**
/// (as the person's profile judges signs of life: the replay's rule) and **ends when the
/// person was found** (the disposition's time), so that an alert counts as a detection
/// anywhere in that silence. Several such findings in one silence (an `emergency`, then
/// `deceased`) are one incident, ending at the first, and labelled with it (its `kind`:
/// `emergency` or `deceased`). Without any sign of life before it, the incident starts at the
/// person's first event.
///
/// `persons` give each person's profile (`profiles` are the caller's, as a replay's
/// options have them). An event of a person not listed is refused as a replay refuses it
/// (field `person`, at the event's index). The incidents come in person, then start order.
///
/// ```
/// use anbu::backtest::labels_from_dispositions;
/// use anbu::{DoorState, Event, EventKind, Finding, Person, Timestamp, HOUR_MS};
/// let t0: Timestamp = "2024-05-01T08:00:00+09:00".parse()?;
/// let at = |h: i64| t0.plus_millis(h * HOUR_MS);
/// let events = vec![
///     Event::new("p-1", at(0), Some("door"), EventKind::door(DoorState::Open))?,
///     Event::new("p-1", at(30), None, EventKind::disposition(Finding::Emergency))?,
///     Event::new("p-1", at(31), None, EventKind::disposition(Finding::Deceased))?,
/// ];
/// let incidents = labels_from_dispositions(&events, &[Person::new("p-1", "full")?], &[])?;
/// assert_eq!(incidents.len(), 1);
/// assert_eq!((incidents[0].start, incidents[0].end), (at(0), Some(at(30))));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn labels_from_dispositions(events: &[Event], persons: &[Person], profiles: &[Profile]) -> Result<Vec<Incident>> {
    let mut catalog = Catalog::default();
    for p in profiles {
        catalog.add(p.clone())?;
    }
    let index: HashMap<&str, usize> = persons.iter().enumerate().map(|(i, p)| (p.person.as_str(), i)).collect();
    let mut by_person: Vec<Vec<&Event>> = vec![Vec::new(); persons.len()];
    for (n, e) in events.iter().enumerate() {
        let i = *index.get(e.person.as_str()).ok_or_else(|| not_in_persons(&e.person, n))?;
        by_person[i].push(e);
    }
    let mut out = Vec::new();
    for (person, mut events) in persons.iter().zip(by_person) {
        if !events.iter().any(|e| matches!(e.kind, EventKind::Disposition { finding, .. } if finding.is_incident())) {
            continue;
        }
        let rules = catalog.rules_for(person)?;
        events.sort_by(|a, b| a.canonical_cmp(b));
        events.dedup_by(|a, b| a == b);
        let mut state = PersonState::default();
        let mut last: Option<Incident> = None;
        for e in events {
            if let EventKind::Disposition { finding, .. } = e.kind
                && finding.is_incident()
            {
                let start = state.last_life_any.map(|l| l.ts).or(state.first_ts).unwrap_or(e.ts);
                if last.as_ref().is_none_or(|l| l.start != start) {
                    out.extend(last.take());
                    let kind = Some(finding.as_str().to_string());
                    last = Some(Incident { person: person.person.clone(), start, end: Some(e.ts), kind });
                }
            }
            state.fold(e, &rules);
        }
        out.extend(last);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{HOUR_MS, Timestamp};
    use crate::vocab::{DoorState, Finding};

    #[test]
    fn findings_become_incidents_from_the_last_sign_of_life() {
        let t0 = Timestamp::from_millis(1_714_521_600_000).unwrap();
        let at = |h: i64| t0.plus_millis(h * HOUR_MS);
        let ev = |p: &str, h: i64, kind: EventKind| Event::new(p, at(h), Some("dev"), kind).unwrap();
        let door = || EventKind::door(DoorState::Open);
        let found = |finding| EventKind::disposition(finding);
        let events = vec![
            ev("a", 0, door()),
            ev("a", 5, door()),
            // A fine visit is a sign of life: the emergency's silence starts at it.
            ev("a", 20, found(Finding::Fine)),
            ev("a", 40, found(Finding::Emergency)),
            // Later, home again and then found dead: a second incident.
            ev("a", 100, door()),
            ev("a", 150, found(Finding::Deceased)),
            // No incident: unreachable and away are not confirmed incidents.
            ev("b", 0, door()),
            ev("b", 30, found(Finding::Unreachable)),
            ev("b", 31, found(Finding::Away)),
            // Nothing before it: from the person's first event.
            ev("c", 3, found(Finding::Deceased)),
        ];
        let persons = ["a", "b", "c"].map(|p| Person::new(p, "full").unwrap());
        let got = labels_from_dispositions(&events, &persons, &[]).unwrap();
        let want = [("a", 20, 40), ("a", 100, 150), ("c", 3, 3)];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (i, (p, s, e)) in want.into_iter().enumerate() {
            assert_eq!((got[i].person.as_str(), got[i].start, got[i].end), (p, at(s), Some(at(e))), "{i}");
        }
        let err = labels_from_dispositions(&events, &persons[..2], &[]).unwrap_err();
        assert_eq!(err.to_string(), "row 9: field `person`: `c` is not in persons");
    }
}
