//! Assessments as an Arrow record batch with the spec's assessment columns (64-bit offsets:
//! a large replay's reason texts may pass 2 GiB).

use std::sync::Arc;

use anbu::Assessment;
use arrow_array::builder::LargeStringBuilder;
use arrow_array::{
    ArrayRef, Float64Array, LargeListArray, LargeStringArray, RecordBatch, StructArray, TimestampMillisecondArray,
};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, TimeUnit};

/// The fields of one reason.
fn reason_fields() -> Fields {
    Fields::from(vec![
        Field::new("signal", DataType::LargeUtf8, false),
        Field::new("kind", DataType::LargeUtf8, false),
        Field::new("detail", DataType::LargeUtf8, false),
        Field::new("contribution", DataType::Float64, false),
    ])
}

/// The schema: `person`, `at` (UTC milliseconds), `score`, `level`, `action`, `responder`, `reasons`.
pub fn schema() -> Arc<Schema> {
    let reason = Field::new("item", DataType::Struct(reason_fields()), false);
    Arc::new(Schema::new(vec![
        Field::new(anbu::ASSESSMENT_FIELDS[0], DataType::LargeUtf8, false),
        Field::new(anbu::ASSESSMENT_FIELDS[1], DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())), false),
        Field::new(anbu::ASSESSMENT_FIELDS[2], DataType::Float64, false),
        Field::new(anbu::ASSESSMENT_FIELDS[3], DataType::LargeUtf8, false),
        Field::new(anbu::ASSESSMENT_FIELDS[4], DataType::LargeUtf8, false),
        Field::new(anbu::ASSESSMENT_FIELDS[5], DataType::LargeUtf8, false),
        Field::new(anbu::ASSESSMENT_FIELDS[6], DataType::LargeList(Arc::new(reason)), false),
    ]))
}

/// The rows as one record batch (a large one's row columns and reasons built side by side).
pub fn batch(rows: &[Assessment]) -> Result<RecordBatch, ArrowError> {
    let (head, reasons) = if rows.len() >= crate::arrow_in::ROWS_PER_THREAD {
        std::thread::scope(|s| {
            let reasons = s.spawn(|| reasons_column(rows));
            let head = row_columns(rows);
            (head, reasons.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })
    } else {
        (row_columns(rows), reasons_column(rows))
    };
    let mut columns = head;
    columns.push(reasons?);
    RecordBatch::try_new(schema(), columns)
}

/// A text column of `n` values, its buffers sized exactly before they are filled (Arrow's
/// buffers are over-aligned, so growing one reallocates and copies it: a large replay's
/// output would be written about twice, each time into fresh memory).
fn text_column<'a, I>(values: impl Fn() -> I) -> LargeStringArray
where
    I: ExactSizeIterator<Item = &'a str>,
{
    let (n, bytes) = values().fold((0, 0), |(n, b), v| (n + 1, b + v.len()));
    let mut builder = LargeStringBuilder::with_capacity(n, bytes);
    for v in values() {
        builder.append_value(v);
    }
    builder.finish()
}

/// The columns before `reasons`.
fn row_columns(rows: &[Assessment]) -> Vec<ArrayRef> {
    let person = text_column(|| rows.iter().map(|a| a.person.as_str()));
    let at = TimestampMillisecondArray::from_iter_values(rows.iter().map(|a| a.at.as_millis())).with_timezone("UTC");
    let score = Float64Array::from_iter_values(rows.iter().map(|a| a.score));
    let level = text_column(|| rows.iter().map(|a| a.level.as_str()));
    let action = text_column(|| rows.iter().map(|a| a.action.as_str()));
    let responder = text_column(|| rows.iter().map(|a| a.responder.as_str()));
    vec![Arc::new(person), Arc::new(at), Arc::new(score), Arc::new(level), Arc::new(action), Arc::new(responder)]
}

/// The `reasons` column: a list of structs per row.
fn reasons_column(rows: &[Assessment]) -> Result<ArrayRef, ArrowError> {
    // `text_column` needs iterators of known length.
    let reasons: Vec<&anbu::Reason> = rows.iter().flat_map(|a| a.reasons.iter()).collect();
    let children: Vec<ArrayRef> = vec![
        Arc::new(text_column(|| reasons.iter().map(|r| r.signal.as_str()))),
        Arc::new(text_column(|| reasons.iter().map(|r| r.kind.as_str()))),
        Arc::new(text_column(|| reasons.iter().map(|r| r.detail.as_str()))),
        Arc::new(Float64Array::from_iter_values(reasons.iter().map(|r| r.contribution))),
    ];
    let items = StructArray::try_new(reason_fields(), children, None)?;
    let offsets = OffsetBuffer::from_lengths(rows.iter().map(|a| a.reasons.len()));
    let item_field = Arc::new(Field::new("item", DataType::Struct(reason_fields()), false));
    Ok(Arc::new(LargeListArray::try_new(item_field, offsets, Arc::new(items), None)?))
}

/// Events as one record batch with the spec's event columns (absent fields are null; `device`
/// is null when it defaulted to the signal's name).
pub fn events_batch(events: &[anbu::Event]) -> Result<RecordBatch, ArrowError> {
    use arrow_array::{BooleanArray, Int64Array};
    let records: Vec<anbu::EventRecord> = events.iter().map(|e| e.to_record()).collect();
    let text = |f: &dyn Fn(&anbu::EventRecord) -> Option<&str>| -> ArrayRef {
        Arc::new(records.iter().map(f).collect::<LargeStringArray>())
    };
    let time = |f: &dyn Fn(&anbu::EventRecord) -> Option<anbu::Timestamp>| -> ArrayRef {
        Arc::new(
            records
                .iter()
                .map(|r| f(r).map(|t| t.as_millis()))
                .collect::<TimestampMillisecondArray>()
                .with_timezone("UTC"),
        )
    };
    let number = |f: &dyn Fn(&anbu::EventRecord) -> Option<f64>| -> ArrayRef {
        Arc::new(records.iter().map(f).collect::<Float64Array>())
    };
    let count = |f: &dyn Fn(&anbu::EventRecord) -> Option<u32>| -> ArrayRef {
        Arc::new(records.iter().map(|r| f(r).map(i64::from)).collect::<Int64Array>())
    };
    let columns: Vec<ArrayRef> = vec![
        text(&|r| r.person.as_deref()),
        time(&|r| r.ts),
        text(&|r| r.signal.map(|s| s.as_str())),
        text(&|r| r.device.as_deref()),
        text(&|r| r.direction.map(|s| s.as_str())),
        Arc::new(records.iter().map(|r| r.answered).collect::<BooleanArray>()),
        number(&|r| r.duration_s),
        count(&|r| r.steps),
        count(&|r| r.interval_s),
        text(&|r| r.state.map(|s| s.as_str())),
        number(&|r| r.watts),
        number(&|r| r.lux),
        text(&|r| r.action.map(|s| s.as_str())),
        text(&|r| r.outcome.map(|s| s.as_str())),
        time(&|r| r.until),
    ];
    let fields: Vec<Field> = anbu::EVENT_FIELDS
        .iter()
        .zip(&columns)
        .map(|(name, c)| {
            Field::new(*name, c.data_type().clone(), *name != "person" && *name != "ts" && *name != "signal")
        })
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
}
