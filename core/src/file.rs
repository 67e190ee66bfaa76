//! An event table's file: its [`Format`] (named, or told by the file's extension), and
//! opening it for reading with an error that names it.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;
use std::str::FromStr;

use crate::clip::clip;
#[cfg(not(feature = "arrow"))]
use crate::clip::{MAX_PATH_CHARS, clip_to};
use crate::error::{Error, Result};

/// The format of an event table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// Apache Parquet, read and written with the `arrow` feature.
    Parquet,
    /// An Arrow IPC file or stream (`.arrow`, Feather version 2, `.ipc`), read and written
    /// with the `arrow` feature.
    Arrow,
}

impl Format {
    /// The format a file name's extension stands for: `.csv`, or `.jsonl`, `.ndjson` and `.json`
    /// (read as JSON Lines), `.parquet`, or `.arrow`, `.feather` and `.ipc` (Arrow IPC). Any
    /// other extension is an [`Error::InvalidArgument`].
    ///
    /// ```
    /// use anbu::Format;
    /// assert_eq!(Format::from_path("events.CSV".as_ref())?, Format::Csv);
    /// assert_eq!(Format::from_path("events.ndjson".as_ref())?, Format::Jsonl);
    /// assert_eq!(Format::from_path("events.feather".as_ref())?, Format::Arrow);
    /// assert!(Format::from_path("events.xlsx".as_ref()).is_err());
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        ext.parse().map_err(|_| {
            Error::argument(
                "path",
                format!(
                    "cannot tell the format of `{}` from its extension: use .csv, .jsonl, .ndjson, .json, .parquet, .arrow, .feather or .ipc",
                    clip(&path.display().to_string())
                ),
            )
        })
    }

    /// The format to write an output in: the one `asked` for, else the one `path`'s extension
    /// stands for, else CSV (an output without a path, such as standard output). The CLI and
    /// both bindings' writers choose by it.
    ///
    /// ```
    /// use anbu::Format;
    /// assert_eq!(Format::for_output(Some(Format::Csv), Some("rows.jsonl".as_ref()))?, Format::Csv);
    /// assert_eq!(Format::for_output(None, Some("rows.jsonl".as_ref()))?, Format::Jsonl);
    /// assert_eq!(Format::for_output(None, None)?, Format::Csv);
    /// assert!(Format::for_output(None, Some("rows.xlsx".as_ref())).is_err());
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn for_output(asked: Option<Format>, path: Option<&Path>) -> Result<Format> {
        match (asked, path) {
            (Some(format), _) => Ok(format),
            (None, Some(path)) => Format::from_path(path),
            (None, None) => Ok(Format::Csv),
        }
    }

    /// The format's name: `csv`, `jsonl`, `parquet` or `arrow`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
        }
    }

    /// Whether the format is a columnar one (Parquet or Arrow IPC), read and written by the
    /// `arrow` feature.
    pub const fn is_columnar(self) -> bool {
        matches!(self, Format::Parquet | Format::Arrow)
    }

    /// The error for a table this format does not hold (a columnar format where only the
    /// text formats are read or written, such as a persons table).
    pub(crate) fn text_only(self, table: &str) -> Error {
        Error::argument("format", format!("{table} are read and written as csv or jsonl, not {self}"))
    }

    /// The error for a columnar file without the `arrow` feature, naming the file.
    #[cfg(not(feature = "arrow"))]
    pub(crate) fn needs_arrow(self, path: Option<&Path>) -> Error {
        let file = path.map(|p| format!("`{}`: ", clip_to(&p.display().to_string(), MAX_PATH_CHARS)));
        Error::argument(
            "format",
            format!(
                "{}{self} files need anbu's `arrow` feature, which this build leaves out",
                file.unwrap_or_default()
            ),
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    /// Parses `csv`, `jsonl`, `ndjson` or `json`, `parquet`, or `arrow`, `feather` or `ipc`
    /// (any case).
    fn from_str(s: &str) -> Result<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" | "json" => Ok(Format::Jsonl),
            "parquet" => Ok(Format::Parquet),
            "arrow" | "feather" | "ipc" => Ok(Format::Arrow),
            _ => Err(Error::argument(
                "format",
                format!(
                    "unknown format `{}`, expected one of: csv, jsonl, ndjson, json, parquet, arrow, feather, ipc",
                    clip(s)
                ),
            )),
        }
    }
}

/// Opens an input file; the error names it.
pub(crate) fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| {
        Error::Io(io::Error::new(e.kind(), format!("cannot open `{}`: {e}", clip(&path.display().to_string()))))
    })
}
