//! `disposition`: what a call or a visit found that asks for action. `emergency` and
//! `deceased` are confirmed incidents; `unreachable` (nobody answered the door) means the
//! person must be reached by other means (the police or 119 to open the door). Each scores
//! the profile's `levels.critical` cut-off and is urgent (no check-in call need confirm it),
//! so the assessment is at least `critical` with the critical action. `emergency` and
//! `unreachable` are held until the next sign of life or the next disposition; `deceased`
//! until the next disposition only (a device that goes on reporting is not the person).
//! The other findings act on the folded state instead (see `PersonState::dispose`).

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say};
use crate::vocab::{Finding, Signal};

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let st = view.state;
    let Some((finding, t)) = st.last_disposition.filter(|(_, t)| *t <= view.at) else { return };
    let seen_since = st.last_life_any.is_some_and(|l| l.ts > t && l.ts <= view.at);
    let msg = match finding {
        Finding::Emergency if !seen_since => Msg::FoundEmergency,
        Finding::Deceased => Msg::FoundDeceased,
        Finding::Unreachable if !seen_since => Msg::FoundUnreachable,
        _ => return,
    };
    let detail = say!(view.locale(), msg, view.local(t));
    out.push(Evidence::new(Signal::Disposition, ReasonKind::Disposition, detail, view.rules.profile.levels.critical));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::event::EventKind;
    use crate::vocab::{DoorState, Finding};

    fn found(finding: Finding) -> crate::event::Event {
        ev(10.0, "visit", EventKind::disposition(finding))
    }

    #[test]
    fn incidents_and_unreachable_hold_until_life_or_the_next_disposition() {
        let r = rules("full", false);
        let door = ev(12.0, "door-front", EventKind::door(DoorState::Open));
        for finding in [Finding::Emergency, Finding::Deceased, Finding::Unreachable] {
            let e = run(&r, &[found(finding)], 11.0, super::detect);
            assert_eq!(e.len(), 1, "{finding}");
            assert_eq!(e[0].reason.contribution, r.profile.levels.critical);
            assert!(e[0].reason.detail.contains("2024-05-01 10:00"), "{}", e[0].reason.detail);
            // Not before it was recorded.
            assert!(run(&r, &[found(finding)], 9.0, super::detect).is_empty());
            // A sign of life ends an emergency and an unreachable, not a death.
            let after = run(&r, &[found(finding), door.clone()], 13.0, super::detect);
            assert_eq!(after.len(), usize::from(finding == Finding::Deceased), "{finding}");
            // A later disposition replaces it.
            let fine = ev(12.0, "visit", EventKind::disposition(Finding::Hospital));
            assert!(run(&r, &[found(finding), fine], 13.0, super::detect).is_empty());
        }
        for finding in [Finding::Fine, Finding::Away, Finding::Hospital, Finding::DeviceFault] {
            assert!(run(&r, &[found(finding)], 11.0, super::detect).is_empty(), "{finding}");
        }
    }
}
