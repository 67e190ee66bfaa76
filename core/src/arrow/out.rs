//! Assessments as an Arrow record batch with the spec's assessment columns (64-bit offsets:
//! a large replay's reason texts may pass 2 GiB).

use std::borrow::Borrow;
use std::sync::Arc;

use arrow_array::builder::LargeStringBuilder;
use arrow_array::{
    ArrayRef, Float64Array, LargeListArray, LargeStringArray, RecordBatch, StructArray, TimestampMillisecondArray,
};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

use super::events_in::ROWS_PER_THREAD;
use crate::assessment::ASSESSMENT_FIELDS;
use crate::assessment_columns::AssessmentColumns;
use crate::event::{Event, EventRecord, PayloadVisitor};
use crate::schema::{FieldType, Kind};
use crate::time::Timestamp;
use crate::value::Value;

/// The fields of one reason.
fn reason_fields() -> Fields {
    Fields::from(vec![
        Field::new("signal", DataType::LargeUtf8, false),
        Field::new("kind", DataType::LargeUtf8, false),
        Field::new("detail", DataType::LargeUtf8, false),
        Field::new("contribution", DataType::Float64, false),
    ])
}

/// The schema: `person`, `at` (UTC milliseconds), `score`, `level`, `action`, `responder`, `reasons`,
/// `visit` (null unless the action is `dispatch`), `call` (null unless a closed-loop replay
/// placed a call after the row).
pub fn assessments_schema() -> Arc<Schema> {
    let reason = Field::new("item", DataType::Struct(reason_fields()), false);
    Arc::new(Schema::new(vec![
        Field::new(ASSESSMENT_FIELDS[0], DataType::LargeUtf8, false),
        Field::new(ASSESSMENT_FIELDS[1], DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())), false),
        Field::new(ASSESSMENT_FIELDS[2], DataType::Float64, false),
        Field::new(ASSESSMENT_FIELDS[3], DataType::LargeUtf8, false),
        Field::new(ASSESSMENT_FIELDS[4], DataType::LargeUtf8, false),
        Field::new(ASSESSMENT_FIELDS[5], DataType::LargeUtf8, false),
        Field::new(ASSESSMENT_FIELDS[6], DataType::LargeList(Arc::new(reason)), false),
        Field::new(ASSESSMENT_FIELDS[7], DataType::LargeUtf8, true),
        Field::new(ASSESSMENT_FIELDS[8], DataType::LargeUtf8, true),
    ]))
}

/// The rows as one record batch: the times, scores, offsets and the reasons' sentences handed
/// over as they are, the text columns written out (a large one's row columns and reasons side
/// by side).
pub fn assessments_batch(rows: AssessmentColumns) -> Result<RecordBatch, ArrowError> {
    let AssessmentColumns {
        names,
        person,
        at,
        score,
        level,
        action,
        responder,
        visit,
        call,
        reason_offsets,
        reason_signal,
        reason_kind,
        reason_contribution,
        detail_offsets,
        details,
    } = rows;
    let head = || -> Vec<ArrayRef> {
        let name = |c: &u32| names.get(*c as usize).map_or("", String::as_str);
        vec![
            Arc::new(text_column(|| person.iter().map(name))),
            Arc::new(text_column(|| level.iter().map(|x| x.as_str()))),
            Arc::new(text_column(|| action.iter().map(|x| x.as_str()))),
            Arc::new(text_column(|| responder.iter().map(|x| x.as_str()))),
        ]
    };
    let reasons = move || -> Result<ArrayRef, ArrowError> {
        let children: Vec<ArrayRef> = vec![
            Arc::new(text_column(|| reason_signal.iter().map(|x| x.as_str()))),
            Arc::new(text_column(|| reason_kind.iter().map(|x| x.as_str()))),
            Arc::new(LargeStringArray::try_new(
                offsets(detail_offsets)?,
                Buffer::from_vec(details.into_bytes()),
                None,
            )?),
            Arc::new(Float64Array::new(ScalarBuffer::from(reason_contribution), None)),
        ];
        let items = StructArray::try_new(reason_fields(), children, None)?;
        let item_field = Arc::new(Field::new("item", DataType::Struct(reason_fields()), false));
        Ok(Arc::new(LargeListArray::try_new(item_field, offsets(reason_offsets)?, Arc::new(items), None)?))
    };
    let (reasons, text) = crate::parallel::join_if(person.len() >= ROWS_PER_THREAD, reasons, head);
    let [person, level, action, responder]: [ArrayRef; 4] =
        text.try_into().map_err(|_| ArrowError::InvalidArgumentError("four text columns".into()))?;
    let at = TimestampMillisecondArray::new(ScalarBuffer::from(at), None).with_timezone("UTC");
    let score = Float64Array::new(ScalarBuffer::from(score), None);
    let visit: LargeStringArray = visit.iter().map(|v| v.map(|k| k.as_str())).collect();
    let call: LargeStringArray = call.iter().map(|c| c.map(|by| by.as_str())).collect();
    RecordBatch::try_new(
        assessments_schema(),
        vec![
            person,
            Arc::new(at),
            Arc::new(score),
            level,
            action,
            responder,
            reasons?,
            Arc::new(visit),
            Arc::new(call),
        ],
    )
}

/// Offsets as Arrow takes them, checked first (from 0, never decreasing) so that taking them
/// cannot panic.
fn offsets(values: Vec<i64>) -> Result<OffsetBuffer<i64>, ArrowError> {
    if values.first() != Some(&0) || values.windows(2).any(|w| w[1] < w[0]) {
        return Err(ArrowError::InvalidArgumentError("offsets must start at 0 and never decrease".into()));
    }
    Ok(OffsetBuffer::new(ScalarBuffer::from(values)))
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

/// Events as one record batch with the spec's event columns (absent fields are null; `device`
/// is null when it defaulted to the signal's name).
pub fn events_batch<E: Borrow<Event>>(events: &[E]) -> Result<RecordBatch, ArrowError> {
    let records: Vec<EventRecord> = events.iter().map(|e| e.borrow().to_record()).collect();
    let text = |f: &dyn Fn(&EventRecord) -> Option<&str>| -> ArrayRef {
        Arc::new(records.iter().map(f).collect::<LargeStringArray>())
    };
    let time = |f: &dyn Fn(&EventRecord) -> Option<Timestamp>| -> ArrayRef {
        Arc::new(
            records
                .iter()
                .map(|r| f(r).map(|t| t.as_millis()))
                .collect::<TimestampMillisecondArray>()
                .with_timezone("UTC"),
        )
    };
    let mut columns: Vec<ArrayRef> = vec![
        text(&|r| r.person.as_deref()),
        time(&|r| r.ts),
        text(&|r| r.signal.map(|s| s.as_str())),
        text(&|r| r.device.as_deref()),
    ];
    EventRecord::visit_payload(&mut PayloadArrays { records: &records, columns: &mut columns });
    RecordBatch::try_new(events_schema(), columns)
}

/// The Arrow type of a payload field's values.
fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Text => DataType::LargeUtf8,
        Kind::Bool => DataType::Boolean,
        Kind::Number => DataType::Float64,
        Kind::Count => DataType::Int64,
        Kind::Time => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
    }
}

/// Appends each payload field's column of `records`.
struct PayloadArrays<'r> {
    records: &'r [EventRecord],
    columns: &'r mut Vec<ArrayRef>,
}

impl PayloadVisitor for PayloadArrays<'_> {
    fn field<T: FieldType>(&mut self, _name: &'static str, _column: usize, get: impl Fn(&EventRecord) -> Option<T>) {
        use arrow_array::{BooleanArray, Int64Array};
        let values = self.records.iter().map(|r| get(r).map(T::to_value));
        let array: ArrayRef = match T::KIND {
            Kind::Text => Arc::new(
                values.map(|v| if let Some(Value::Text(t)) = v { Some(t) } else { None }).collect::<LargeStringArray>(),
            ),
            Kind::Bool => Arc::new(
                values.map(|v| if let Some(Value::Bool(b)) = v { Some(b) } else { None }).collect::<BooleanArray>(),
            ),
            Kind::Number => Arc::new(
                values.map(|v| if let Some(Value::Float(x)) = v { Some(x) } else { None }).collect::<Float64Array>(),
            ),
            Kind::Count => Arc::new(
                values.map(|v| if let Some(Value::Int(i)) = v { Some(i) } else { None }).collect::<Int64Array>(),
            ),
            Kind::Time => Arc::new(
                values
                    .map(|v| if let Some(Value::Time(ms)) = v { Some(ms) } else { None })
                    .collect::<TimestampMillisecondArray>()
                    .with_timezone("UTC"),
            ),
        };
        self.columns.push(array);
    }
}

/// The Arrow field of each payload field.
struct PayloadSchema(Vec<Field>);

impl PayloadVisitor for PayloadSchema {
    fn field<T: FieldType>(&mut self, name: &'static str, _column: usize, _get: impl Fn(&EventRecord) -> Option<T>) {
        self.0.push(Field::new(name, data_type(T::KIND), true));
    }
}

/// The schema of [`events_batch`]: ids and enums as text, `ts` and `until` as UTC
/// millisecond timestamps, `duration_s`, `watts` and `lux` as doubles, `steps` and
/// `interval_s` as 64-bit integers, `answered` a boolean; only `person`, `ts` and `signal`
/// are never null.
pub fn events_schema() -> SchemaRef {
    let text = DataType::LargeUtf8;
    let mut fields = PayloadSchema(vec![
        Field::new("person", text.clone(), false),
        Field::new("ts", data_type(Kind::Time), false),
        Field::new("signal", text.clone(), false),
        Field::new("device", text, true),
    ]);
    EventRecord::visit_payload(&mut fields);
    Arc::new(Schema::new(fields.0))
}
