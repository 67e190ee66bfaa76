//! Writers for events, assessments, persons and incidents, in the spec's CSV and JSON Lines forms.
//!
//! Timestamps are written as RFC 3339 in UTC, numbers in the shortest form that reads back
//! to the same value, so events written here read back identical with
//! [`read_events_from`](crate::read_events_from).

use std::fmt::{Display, Write as _};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::assessment::{ASSESSMENT_FIELDS, Assessment};
use crate::clip::clip;
use crate::error::{Error, Result};
use crate::event::{EVENT_FIELDS, Event, EventRecord, PayloadVisitor};
use crate::file::Format;
use crate::incident::{INCIDENT_FIELDS, Incident};
use crate::person::{PERSON_FIELDS, Person, PersonRecord};
use crate::schema::FieldType;

fn csv_error(e: csv::Error) -> Error {
    Error::Io(io::Error::from(e))
}

fn json_error(e: serde_json::Error) -> Error {
    Error::Io(io::Error::from(e))
}

/// Sets a cell to a value's text, or empty.
fn cell<T: Display>(cell: &mut String, value: Option<T>) {
    cell.clear();
    if let Some(v) = value {
        // Writing to a String cannot fail.
        let _ = write!(cell, "{v}");
    }
}

/// A record's payload fields into its row of CSV cells.
struct Cells<'a> {
    record: &'a EventRecord,
    cells: &'a mut [String],
}

impl PayloadVisitor for Cells<'_> {
    #[inline]
    fn field<T: FieldType>(&mut self, _name: &'static str, column: usize, get: impl Fn(&EventRecord) -> Option<T>) {
        if let Some(c) = self.cells.get_mut(column) {
            cell(c, get(self.record));
        }
    }
}

/// Writes events as CSV with all the spec's columns ([`EVENT_FIELDS`]) and a header row.
///
/// ```
/// use anbu::{Format, ReadOptions, read_events_from, write_events_csv};
/// let text = "person,ts,signal,watts\np-1,2024-05-01T19:02:00+09:00,plug,85.5\n";
/// let events = read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::strict())?.events;
/// let mut out = Vec::new();
/// write_events_csv(&mut out, &events)?;
/// assert_eq!(String::from_utf8(out).unwrap().lines().nth(1),
///            Some("p-1,2024-05-01T10:02:00Z,plug,,,,,,,,85.5,,,,,,,"));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_events_csv<'a, W: Write>(w: W, events: impl IntoIterator<Item = &'a Event>) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(EVENT_FIELDS).map_err(csv_error)?;
    let mut cells: [String; EVENT_FIELDS.len()] = Default::default();
    for event in events {
        let r = event.to_record();
        EventRecord::visit_payload(&mut Cells { record: &r, cells: &mut cells });
        cell(&mut cells[0], r.person);
        cell(&mut cells[1], r.ts);
        cell(&mut cells[2], r.signal);
        cell(&mut cells[3], r.device);
        out.write_record(&cells).map_err(csv_error)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes values as JSON Lines: one JSON object per line.
pub(crate) fn write_jsonl<'a, T: Serialize + 'a, W: Write>(w: W, items: impl IntoIterator<Item = &'a T>) -> Result<()> {
    let mut out = BufWriter::new(w);
    for item in items {
        serde_json::to_writer(&mut out, item).map_err(json_error)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Writes events as JSON Lines: one flat object per event with the fields that are present.
///
/// ```
/// use anbu::{Event, EventKind, write_events_jsonl};
/// let e = Event::new("p-1", "2024-05-01T10:00:00+09:00".parse()?, None, EventKind::sos())?;
/// let mut out = Vec::new();
/// write_events_jsonl(&mut out, [&e])?;
/// assert_eq!(String::from_utf8(out).unwrap(),
///            "{\"person\":\"p-1\",\"ts\":\"2024-05-01T01:00:00Z\",\"signal\":\"sos\"}\n");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_events_jsonl<'a, W: Write>(w: W, events: impl IntoIterator<Item = &'a Event>) -> Result<()> {
    write_jsonl(w, events)
}

/// Writes assessments as CSV with the spec's columns ([`ASSESSMENT_FIELDS`]) and a header
/// row; `reasons` is a JSON string of the list, `visit` empty unless the action is `dispatch`,
/// `call` empty unless a closed-loop replay placed a call after the row.
///
/// ```
/// use anbu::{Action, Assessment, Level, Responder, write_assessments_csv};
/// let a = Assessment { person: "p-1".into(), at: "2024-05-01T10:00:00Z".parse()?, score: 12.5,
///                      level: Level::Normal, action: Action::None, responder: Responder::DayOffice,
///                      reasons: vec![], visit: None, call: None };
/// let mut out = Vec::new();
/// write_assessments_csv(&mut out, [&a])?;
/// assert_eq!(String::from_utf8(out).unwrap(),
///            "person,at,score,level,action,responder,reasons,visit,call\n\
///             p-1,2024-05-01T10:00:00Z,12.5,normal,none,day_office,[],,\n");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_assessments_csv<'a, W: Write>(w: W, assessments: impl IntoIterator<Item = &'a Assessment>) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(ASSESSMENT_FIELDS).map_err(csv_error)?;
    let mut cells: [String; ASSESSMENT_FIELDS.len()] = Default::default();
    for a in assessments {
        cell(&mut cells[0], Some(&a.person));
        cell(&mut cells[1], Some(a.at));
        cell(&mut cells[2], Some(a.score));
        cell(&mut cells[3], Some(a.level));
        cell(&mut cells[4], Some(a.action));
        cell(&mut cells[5], Some(a.responder));
        cells[6] = serde_json::to_string(&a.reasons).map_err(json_error)?;
        cell(&mut cells[7], a.visit);
        cell(&mut cells[8], a.call);
        out.write_record(&cells).map_err(csv_error)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes assessments as JSON Lines: one object per assessment, `reasons` as a list of
/// objects, `visit` only where the action is `dispatch`, `call` only where a closed-loop
/// replay placed one.
///
/// ```
/// use anbu::{Action, Assessment, Level, Responder, write_assessments_jsonl};
/// let a = Assessment { person: "p-1".into(), at: "2024-05-01T10:00:00Z".parse()?, score: 0.0,
///                      level: Level::Normal, action: Action::None, responder: Responder::ControlCenter,
///                      reasons: vec![], visit: None, call: None };
/// let mut out = Vec::new();
/// write_assessments_jsonl(&mut out, [&a])?;
/// let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(line["responder"], "control_center");
/// assert!(line.get("visit").is_none());
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_assessments_jsonl<'a, W: Write>(
    w: W,
    assessments: impl IntoIterator<Item = &'a Assessment>,
) -> Result<()> {
    write_jsonl(w, assessments)
}

/// Creates (or empties) the file at `path` for one of the writers, buffered; an error names
/// the file. Flush the writer when done, to see the error of the last write.
///
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("anbu-doc-create-{}.csv", std::process::id()));
/// let mut out = anbu::create_file(&path)?;
/// anbu::write_events_as(anbu::Format::Csv, &mut out, [])?;
/// out.flush()?;
/// assert_eq!(std::fs::read_to_string(&path)?.lines().count(), 1);
/// std::fs::remove_file(&path)?;
/// let err = anbu::create_file(std::path::Path::new("/nonexistent-dir/x.csv")).unwrap_err();
/// assert!(err.to_string().contains("cannot create `/nonexistent-dir/x.csv`"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn create_file(path: &Path) -> Result<BufWriter<File>> {
    let file = File::create(path).map_err(|e| {
        Error::Io(io::Error::new(e.kind(), format!("cannot create `{}`: {e}", clip(&path.display().to_string()))))
    })?;
    Ok(BufWriter::new(file))
}

/// Writes events in a format: [`write_events_csv`] or [`write_events_jsonl`], or (with the
/// `arrow` feature) as Parquet or an Arrow IPC file with the columns of
/// `anbu::arrow::events_batch`.
///
/// ```
/// use anbu::{Event, EventKind, Format, write_events_as};
/// let e = Event::new("p-1", "2024-05-01T10:00:00+09:00".parse()?, None, EventKind::sos())?;
/// let mut out = Vec::new();
/// write_events_as(Format::Jsonl, &mut out, [&e])?;
/// assert!(String::from_utf8(out).unwrap().starts_with("{\"person\":\"p-1\""));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_events_as<'a, W: Write>(format: Format, w: W, events: impl IntoIterator<Item = &'a Event>) -> Result<()> {
    match format {
        Format::Csv => write_events_csv(w, events),
        Format::Jsonl => write_events_jsonl(w, events),
        Format::Parquet | Format::Arrow => columnar::write_events(format, w, events),
    }
}

/// Writes assessments in a format: [`write_assessments_csv`] or [`write_assessments_jsonl`],
/// or (with the `arrow` feature) as Parquet or an Arrow IPC file with the columns of
/// `anbu::arrow::assessments_batch` (`reasons` a list of structs).
///
/// ```
/// use anbu::{Assessment, Format, write_assessments_as};
/// let mut out = Vec::new();
/// write_assessments_as(Format::Csv, &mut out, [] as [&Assessment; 0])?;
/// assert_eq!(String::from_utf8(out).unwrap(), "person,at,score,level,action,responder,reasons,visit,call\n");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_assessments_as<'a, W: Write>(
    format: Format,
    w: W,
    assessments: impl IntoIterator<Item = &'a Assessment>,
) -> Result<()> {
    match format {
        Format::Csv => write_assessments_csv(w, assessments),
        Format::Jsonl => write_assessments_jsonl(w, assessments),
        Format::Parquet | Format::Arrow => columnar::write_assessments(format, w, assessments),
    }
}

/// Without the `arrow` feature, Parquet and Arrow IPC output is refused, naming the feature.
#[cfg(not(feature = "arrow"))]
mod columnar {
    use std::io::Write;

    use crate::error::Result;
    use crate::file::Format;

    pub(crate) fn write_events<'a, T: 'a>(
        format: Format,
        _: impl Write,
        _: impl IntoIterator<Item = &'a T>,
    ) -> Result<()> {
        Err(format.needs_arrow(None))
    }

    pub(crate) use write_events as write_assessments;
}
#[cfg(feature = "arrow")]
use crate::arrow::file as columnar;

/// Writes persons in a format: [`write_persons_csv`] or [`write_persons_jsonl`] (a persons
/// table is text only: Parquet or Arrow IPC is an [`Error::InvalidArgument`]).
///
/// ```
/// let mut out = Vec::new();
/// assert!(anbu::write_persons_as(anbu::Format::Parquet, &mut out, []).is_err());
/// ```
pub fn write_persons_as<'a, W: Write>(
    format: Format,
    w: W,
    persons: impl IntoIterator<Item = &'a Person>,
) -> Result<()> {
    match format {
        Format::Csv => write_persons_csv(w, persons),
        Format::Jsonl => write_persons_jsonl(w, persons),
        Format::Parquet | Format::Arrow => Err(format.text_only("persons tables")),
    }
}

/// Writes incidents in a format: [`write_incidents_csv`] or [`write_incidents_jsonl`] (text
/// only, as [`write_persons_as`]).
pub fn write_incidents_as<'a, W: Write>(
    format: Format,
    w: W,
    incidents: impl IntoIterator<Item = &'a Incident>,
) -> Result<()> {
    match format {
        Format::Csv => write_incidents_csv(w, incidents),
        Format::Jsonl => write_incidents_jsonl(w, incidents),
        Format::Parquet | Format::Arrow => Err(format.text_only("incidents tables")),
    }
}

/// Writes rows of text cells as CSV under a header; an absent cell is empty.
pub(crate) fn write_cells_csv<W: Write, const N: usize>(
    w: W,
    header: [&str; N],
    rows: impl IntoIterator<Item = [Option<String>; N]>,
) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(header).map_err(csv_error)?;
    for row in rows {
        out.write_record(row.iter().map(|c| c.as_deref().unwrap_or(""))).map_err(csv_error)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes a persons table as CSV ([`PERSON_FIELDS`], `devices` comma-separated), as
/// [`read_persons`](crate::read_persons) reads it back.
///
/// ```
/// use anbu::{Person, write_persons_csv};
/// let persons = [Person::new("p-1", "call_iot")?.with_devices("door,phone")?, Person::new("p-2", "full")?];
/// let mut out = Vec::new();
/// write_persons_csv(&mut out, &persons)?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "person,profile,devices,district,caseworker,night_consent,guardian\n\
///      p-1,call_iot,\"call,door\",,,,\np-2,full,,,,,\n"
/// );
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_persons_csv<'a, W: Write>(w: W, persons: impl IntoIterator<Item = &'a Person>) -> Result<()> {
    write_cells_csv(
        w,
        PERSON_FIELDS,
        persons.into_iter().map(|p| {
            let r = PersonRecord::from(p.clone());
            let consent = r.night_consent.map(|c| c.to_string());
            [Some(r.person), Some(r.profile), r.devices, r.district, r.caseworker, consent, r.guardian]
        }),
    )
}

/// Writes a persons table as JSON Lines: `{"person", "profile", "devices"?}` per line.
///
/// ```
/// use anbu::{Person, write_persons_jsonl};
/// let mut out = Vec::new();
/// write_persons_jsonl(&mut out, &[Person::new("p-1", "full")?])?;
/// assert_eq!(String::from_utf8(out).unwrap(), "{\"person\":\"p-1\",\"profile\":\"full\"}\n");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_persons_jsonl<'a, W: Write>(w: W, persons: impl IntoIterator<Item = &'a Person>) -> Result<()> {
    write_jsonl(w, persons)
}

/// Writes an incidents table as CSV ([`INCIDENT_FIELDS`], times in UTC, `end` and `kind` empty when absent).
///
/// ```
/// use anbu::{Incident, write_incidents_csv};
/// let inc = Incident { person: "p-1".into(), start: "2024-05-01T10:00:00+09:00".parse()?, end: None, kind: Some("fall".into()) };
/// let mut out = Vec::new();
/// write_incidents_csv(&mut out, [&inc])?;
/// assert_eq!(String::from_utf8(out).unwrap(), "person,start,end,kind\np-1,2024-05-01T01:00:00Z,,fall\n");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_incidents_csv<'a, W: Write>(w: W, incidents: impl IntoIterator<Item = &'a Incident>) -> Result<()> {
    write_cells_csv(
        w,
        INCIDENT_FIELDS,
        incidents
            .into_iter()
            .map(|i| [Some(i.person.clone()), Some(i.start.to_string()), i.end.map(|t| t.to_string()), i.kind.clone()]),
    )
}

/// Writes an incidents table as JSON Lines: `{"person", "start", "end"?, "kind"?}` per line.
///
/// ```
/// use anbu::{Incident, write_incidents_jsonl};
/// let inc = Incident { person: "p-1".into(), start: "2024-05-01T10:00:00+09:00".parse()?, end: None, kind: Some("fall".into()) };
/// let mut out = Vec::new();
/// write_incidents_jsonl(&mut out, [&inc])?;
/// assert_eq!(String::from_utf8(out).unwrap(), "{\"person\":\"p-1\",\"start\":\"2024-05-01T01:00:00Z\",\"kind\":\"fall\"}\n");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_incidents_jsonl<'a, W: Write>(w: W, incidents: impl IntoIterator<Item = &'a Incident>) -> Result<()> {
    write_jsonl(w, incidents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{Action, Level, Reason, ReasonKind, Responder, VisitKind};
    use crate::vocab::Signal;

    #[test]
    fn assessment_reasons_are_a_json_cell() {
        let a = Assessment {
            person: "p-1".into(),
            at: crate::Timestamp::from_millis(0).unwrap(),
            score: 71.0,
            level: Level::Critical,
            action: Action::Dispatch,
            responder: Responder::ControlCenter,
            reasons: vec![Reason {
                signal: Signal::Plug,
                kind: ReasonKind::NoChange,
                detail: "TV unchanged for 30 h, \"on\"".into(),
                contribution: 40.5,
            }],
            visit: Some(VisitKind::Police),
            call: Some(crate::CheckinBy::Staff),
        };
        let mut out = Vec::new();
        write_assessments_csv(&mut out, [&a]).unwrap();
        let mut rdr = csv::Reader::from_reader(out.as_slice());
        let row = rdr.records().next().unwrap().unwrap();
        assert_eq!(&row[2], "71");
        let reasons: Vec<Reason> = serde_json::from_str(&row[6]).unwrap();
        assert_eq!(reasons, a.reasons);
        assert_eq!(&row[7], "police");
        assert_eq!(&row[8], "staff");
    }
}
