//! The columns of anbu's tables that hold an ordered vocabulary (the assessment's and a
//! backtest episode's), for a DataFrame's ordered categorical types.

use crate::assessment::{Action, Level, Responder, VisitKind};
use crate::backtest::EpisodeKind;
use crate::vocab::CheckinBy;

/// The columns of anbu's tables that hold a closed vocabulary, each with its values in
/// their order (`normal` < `watch` < `warning` < `critical`; actions from none to dispatch),
/// so that a DataFrame can give them an ordered categorical type: the assessment's `level`,
/// `action`, `responder`, `visit` and `call` (`auto` before `staff`, as the ladder climbs),
/// and a backtest episode's `kind` and `peak`.
///
/// ```
/// let columns = anbu::ordered_columns();
/// let level = columns.iter().find(|(c, _)| *c == "level").unwrap();
/// assert_eq!(level.1, ["normal", "watch", "warning", "critical"]);
/// ```
pub fn ordered_columns() -> Vec<(&'static str, Vec<&'static str>)> {
    fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| name(*v)).collect()
    }
    let level = names(Level::ALL, Level::as_str);
    vec![
        ("level", level.clone()),
        ("action", names(Action::ALL, Action::as_str)),
        ("responder", names(Responder::ALL, Responder::as_str)),
        ("visit", names(VisitKind::ALL, VisitKind::as_str)),
        ("call", names(CheckinBy::ALL, CheckinBy::as_str)),
        ("kind", names(EpisodeKind::ALL, EpisodeKind::as_str)),
        ("peak", level),
    ]
}
