//! Readers for the persons and incidents tables, in CSV and JSON Lines.
//!
//! A row of these tables is one line (a quoted cell may hold commas, not newlines). Each
//! cell goes to the row's record (`PersonRecord::set`, `IncidentRecord::set`), as a binding's
//! cells do, so a table reads the same from a file as from a DataFrame; errors name the line.

use std::io::{BufReader, Read};
use std::path::Path;

use super::{BUF_BYTES, Format, ReadOptions, format_error, line_too_long, open, read_capped_line};
use crate::clip::clip;
use crate::error::{Error, Location, Result};
use crate::incident::{INCIDENT_FIELDS, Incident, IncidentRecord};
use crate::person::{PERSON_FIELDS, Person, PersonRecord};
use crate::value::Value;

/// What [`read_persons`] or [`read_incidents`] read.
#[derive(Debug)]
pub struct TableOutcome<T> {
    /// The valid rows, in input order.
    pub rows: Vec<T>,
    /// Why rows were skipped (each error names its line), at most [`ReadOptions::max_skipped`] of them.
    pub skipped: Vec<Error>,
    /// How many rows were skipped in all.
    pub skipped_count: u64,
}

impl<T> Default for TableOutcome<T> {
    fn default() -> Self {
        TableOutcome { rows: Vec::new(), skipped: Vec::new(), skipped_count: 0 }
    }
}

/// A table whose rows are read cell by cell into a record, then checked.
trait Table: Sized {
    /// The table's name in messages.
    const NAME: &'static str;
    /// Its columns; the first two are required.
    const FIELDS: &'static [&'static str];
    /// A row as it is read.
    type Record: Default;
    fn set(record: &mut Self::Record, field: &str, value: Value<'_>) -> Result<()>;
    fn finish(record: Self::Record) -> Result<Self>;
}

impl Table for Person {
    const NAME: &'static str = "persons";
    const FIELDS: &'static [&'static str] = &PERSON_FIELDS;
    type Record = PersonRecord;
    fn set(record: &mut PersonRecord, field: &str, value: Value<'_>) -> Result<()> {
        record.set(field, value)
    }
    fn finish(record: PersonRecord) -> Result<Person> {
        Person::try_from(record)
    }
}

impl Table for Incident {
    const NAME: &'static str = "incidents";
    const FIELDS: &'static [&'static str] = &INCIDENT_FIELDS;
    type Record = IncidentRecord;
    fn set(record: &mut IncidentRecord, field: &str, value: Value<'_>) -> Result<()> {
        record.set(field, value)
    }
    fn finish(record: IncidentRecord) -> Result<Incident> {
        record.into_incident()
    }
}

/// Reads a persons table (`person`, `profile`, optional `devices`; see `docs/interchange.md`),
/// choosing the format from the file's extension ([`Format::from_path`]). Bad rows are treated
/// as [`crate::read_events`] treats them: the first is the error, or with
/// [`ReadOptions::skip_bad_rows`] each is skipped and listed with its line.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("anbu-doc-persons-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// use anbu::{ReadOptions, read_persons};
/// let path = dir.join("persons.csv");
/// std::fs::write(&path, "person,profile,devices\np-1,call_iot,\"phone,door\"\np-2,,\np-3,full,tv\n")?;
/// let err = read_persons(&path, &ReadOptions::strict()).unwrap_err();
/// assert_eq!(err.to_string(), "line 3: field `profile`: required");
/// let out = read_persons(&path, &ReadOptions::lenient())?;
/// assert_eq!((out.rows.len(), out.skipped_count), (1, 2));
/// assert!(out.skipped[1].to_string().starts_with("line 4: field `devices`: unknown value `tv`"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_persons(path: &Path, options: &ReadOptions) -> Result<TableOutcome<Person>> {
    read_table_file(path, options)
}

/// Reads an incidents table (`person`, `start`, optional `end`), as [`read_persons`] reads a
/// persons table.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("anbu-doc-incidents-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// use anbu::{ReadOptions, read_incidents};
/// let path = dir.join("incidents.jsonl");
/// std::fs::write(&path, "{\"person\":\"p-1\",\"start\":\"2024-05-01T10:00:00+09:00\",\"end\":null}\n")?;
/// let out = read_incidents(&path, &ReadOptions::strict())?;
/// assert_eq!(out.rows[0].start.to_string(), "2024-05-01T01:00:00Z");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_incidents(path: &Path, options: &ReadOptions) -> Result<TableOutcome<Incident>> {
    read_table_file(path, options)
}

fn read_table_file<T: Table>(path: &Path, options: &ReadOptions) -> Result<TableOutcome<T>> {
    let format = Format::from_path(path)?;
    read_table(open(path)?, format, options)
}

fn read_table<T: Table, R: Read>(reader: R, format: Format, options: &ReadOptions) -> Result<TableOutcome<T>> {
    if format.is_columnar() {
        return Err(format.text_only(&format!("{} tables", T::NAME)));
    }
    let mut input = BufReader::with_capacity(BUF_BYTES, reader);
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut columns: Option<Vec<&'static str>> = None;
    let mut out = TableOutcome::default();
    while let Some(too_long) = read_capped_line(&mut input, &mut buf)? {
        line += 1;
        let row = if too_long {
            Err(line_too_long(line))
        } else if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        } else {
            let text = std::str::from_utf8(&buf).map_err(|_| format_error(line, "not valid UTF-8"));
            match (format, &columns, text) {
                (_, _, Err(e)) => Err(e),
                (Format::Csv, None, Ok(text)) => {
                    // The header concerns the whole input: its error is never skipped.
                    columns = Some(header::<T>(text).map_err(|e| e.at(Location::Line(line)))?);
                    continue;
                }
                (Format::Csv, Some(columns), Ok(text)) => csv_row::<T>(columns, text),
                (_, _, Ok(text)) => json_row::<T>(text),
            }
            .map_err(|e| e.at(Location::Line(line)))
        };
        match row {
            Ok(row) => out.rows.push(row),
            Err(e) if !options.skip_bad_rows => return Err(e),
            Err(e) => {
                out.skipped_count += 1;
                if out.skipped.len() < options.max_skipped {
                    out.skipped.push(e);
                }
            }
        }
    }
    if format == Format::Csv && columns.is_none() {
        return Err(format_error(1, format!("the {} table has no header", T::NAME)));
    }
    Ok(out)
}

/// The cells of one CSV line.
fn cells(text: &str) -> Result<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => Ok(record.iter().map(str::to_string).collect()),
        Some(Err(e)) => Err(Error::Format { location: None, reason: format!("bad CSV: {e}") }),
        None => Ok(Vec::new()),
    }
}

/// The columns a header names: the table's fields, each at most once, the required ones present.
fn header<T: Table>(text: &str) -> Result<Vec<&'static str>> {
    let mut columns: Vec<&'static str> = Vec::new();
    for name in cells(text)? {
        let Some(field) = T::FIELDS.iter().find(|f| **f == name.trim()) else {
            return Err(Error::Format {
                location: None,
                reason: format!(
                    "unknown column `{}`; the {} table's columns are: {}",
                    clip(&name),
                    T::NAME,
                    T::FIELDS.join(", ")
                ),
            });
        };
        if columns.contains(field) {
            return Err(Error::duplicate_column(field));
        }
        columns.push(field);
    }
    if let Some(missing) = T::FIELDS[..2].iter().find(|f| !columns.contains(f)) {
        return Err(Error::Format { location: None, reason: format!("the header has no column `{missing}`") });
    }
    Ok(columns)
}

fn csv_row<T: Table>(columns: &[&'static str], text: &str) -> Result<T> {
    let cells = cells(text)?;
    if cells.len() != columns.len() {
        return Err(Error::Format {
            location: None,
            reason: format!("expected {} cells as in the header, got {}", columns.len(), cells.len()),
        });
    }
    let mut record = T::Record::default();
    for (field, cell) in columns.iter().zip(&cells) {
        T::set(&mut record, field, Value::Text(cell.trim()))?;
    }
    T::finish(record)
}

fn json_row<T: Table>(text: &str) -> Result<T> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|e| Error::Format { location: None, reason: format!("expected a JSON object (one per line): {e}") })?;
    let mut record = T::Record::default();
    for (field, value) in &object {
        let value = match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Text(s),
            _ => return Err(Error::field(field, "expected a string, a number, true/false or null")),
        };
        T::set(&mut record, field, value)?;
    }
    T::finish(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persons(text: &str) -> Result<TableOutcome<Person>> {
        read_table(text.as_bytes(), Format::Csv, &ReadOptions::lenient())
    }

    #[test]
    fn headers() {
        let e = persons("person,name\n").unwrap_err().to_string();
        assert!(e.starts_with("line 1: unknown column `name`; the persons table's columns are"), "{e}");
        assert_eq!(persons("person,person\n").unwrap_err().to_string(), "line 1: duplicate column `person`");
        assert_eq!(persons("person\n").unwrap_err().to_string(), "line 1: the header has no column `profile`");
        assert_eq!(persons("").unwrap_err().to_string(), "line 1: the persons table has no header");
    }

    #[test]
    fn rows_and_lines() {
        let out = persons("profile,person\n\nfull,p-1\nfull\nfull,010-1234-5678\r\n").unwrap();
        assert_eq!(out.rows, [Person::new("p-1", "full").unwrap()]);
        let skipped: Vec<String> = out.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(skipped[0], "line 4: expected 2 cells as in the header, got 1");
        assert!(skipped[1].starts_with("line 5: field `person`"), "{}", skipped[1]);
        let json = "{\"person\":1001,\"profile\":\"full\"}\n{\"person\":\"p-2\",\"profile\":[]}\n";
        let out: TableOutcome<Person> = read_table(json.as_bytes(), Format::Jsonl, &ReadOptions::lenient()).unwrap();
        assert_eq!(out.rows[0].person, "1001");
        assert_eq!(
            out.skipped[0].to_string(),
            "line 2: field `profile`: expected a string, a number, true/false or null"
        );
    }
}
