//! Events from JS columns (typed arrays, arrays, dictionary-encoded strings): the columnar
//! form of the events table (the core's `columns`), each cell read as an event object's is
//! ([`crate::event::set_cell`]).
#![forbid(unsafe_code)]

use anbu::{Event, EventRecord, Location, Value};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, TypedArray, TypedArrayType, Unknown};
use napi::{JsValue, ValueType};

use crate::error::{bad_arg, napi_arg};
use crate::event::set_cell;
use crate::value::{list, type_name, type_of};

/// A column of numbers from a typed array (NaN in a float array means absent).
struct Numbers<'env> {
    array: TypedArray<'env>,
    /// Bytes per element.
    width: usize,
}

impl Numbers<'_> {
    fn len(&self) -> usize {
        self.array.arraybuffer.len() / self.width
    }

    /// The value at row `i`, `None` when absent.
    fn get(&self, i: usize) -> Option<f64> {
        let b = &self.array.arraybuffer[self.width * i..self.width * (i + 1)];
        let four = || [b[0], b[1], b[2], b[3]];
        let x = match self.array.typed_array_type {
            TypedArrayType::Float64 => f64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
            TypedArrayType::Float32 => f64::from(f32::from_ne_bytes(four())),
            TypedArrayType::Int32 => f64::from(i32::from_ne_bytes(four())),
            TypedArrayType::Uint32 => f64::from(u32::from_ne_bytes(four())),
            TypedArrayType::Int8 => f64::from(b[0] as i8),
            _ => f64::from(b[0]),
        };
        (!x.is_nan()).then_some(x)
    }
}

/// Integer codes of a dictionary-encoded column (negative means absent).
fn codes_at(n: &Numbers<'_>, i: usize) -> Option<usize> {
    n.get(i).filter(|c| *c >= 0.0).map(|c| c as usize)
}

/// One column of the columnar form.
enum Column<'env> {
    /// A typed array of numbers.
    Numbers(Numbers<'env>),
    /// A JS array of strings / numbers / booleans / null.
    Values(Object<'env>, usize),
    /// Dictionary-encoded strings: `{ codes: Int32Array, values: string[] }`.
    Dict(Numbers<'env>, Vec<Option<String>>),
}

fn numbers<'env>(field: &str, array: TypedArray<'env>) -> anbu::Result<Numbers<'env>> {
    let width = match array.typed_array_type {
        TypedArrayType::Float64 => 8,
        TypedArrayType::Float32 | TypedArrayType::Int32 | TypedArrayType::Uint32 => 4,
        TypedArrayType::Uint8 | TypedArrayType::Uint8Clamped | TypedArrayType::Int8 => 1,
        other => {
            return Err(bad_arg(
                "columns",
                format!(
                    "column `{field}`: {other:?}Array is not supported; use Float64Array, Float32Array, \
                     Int32Array, Uint32Array, Uint8Array or Int8Array"
                ),
            ));
        }
    };
    Ok(Numbers { array, width })
}

impl<'env> Column<'env> {
    fn from_js(field: &str, v: Unknown<'env>) -> anbu::Result<Column<'env>> {
        let bad = |what: String| bad_arg("columns", format!("column `{field}`: {what}"));
        let t = type_of("columns", &v)?;
        if t != ValueType::Object {
            return Err(bad(format!("expected a typed array, an array or {{ codes, values }}, got {}", type_name(t))));
        }
        if v.is_typedarray().map_err(napi_arg("columns"))? {
            let ta = TypedArray::from_unknown(v).map_err(napi_arg("columns"))?;
            return Ok(Column::Numbers(numbers(field, ta)?));
        }
        let obj = Object::from_unknown(v).map_err(napi_arg("columns"))?;
        if v.is_array().map_err(napi_arg("columns"))? {
            let n = obj.get_array_length_unchecked().map_err(napi_arg("columns"))?;
            return Ok(Column::Values(obj, n as usize));
        }
        let codes: Unknown = obj.get_named_property_unchecked("codes").map_err(napi_arg("columns"))?;
        let values: Unknown = obj.get_named_property_unchecked("values").map_err(napi_arg("columns"))?;
        if !codes.is_typedarray().map_err(napi_arg("columns"))? || !values.is_array().map_err(napi_arg("columns"))? {
            return Err(bad("a dictionary column needs `codes` (an Int32Array) and `values` (an array)".into()));
        }
        let codes = numbers(field, TypedArray::from_unknown(codes).map_err(napi_arg("columns"))?)?;
        let values = list("columns", &Object::from_unknown(values).map_err(napi_arg("columns"))?, |_, v| {
            Option::<String>::from_unknown(v)
                .map_err(|e| bad(format!("`values` must hold strings or null: {}", e.reason)))
        })?;
        Ok(Column::Dict(codes, values))
    }

    fn len(&self) -> usize {
        match self {
            Column::Numbers(n) | Column::Dict(n, _) => n.len(),
            Column::Values(_, n) => *n,
        }
    }

    /// Sets `field` of `rec` from row `i`.
    fn set(&self, rec: &mut EventRecord, field: &str, i: usize) -> anbu::Result<()> {
        match self {
            Column::Numbers(n) => match n.get(i) {
                None => Ok(()),
                Some(x) => rec.set(field, Value::Float(x)),
            },
            Column::Values(arr, _) => {
                let v: Unknown = arr.get_element(i as u32).map_err(napi_arg("columns"))?;
                set_cell(rec, field, v)
            }
            Column::Dict(codes, values) => match codes_at(codes, i) {
                None => Ok(()),
                Some(c) => match values.get(c) {
                    Some(Some(s)) => rec.set(field, Value::Text(s)),
                    Some(None) => Ok(()),
                    None => Err(bad_arg(
                        "columns",
                        format!("column `{field}`: code {c} is not an index into its {} values", values.len()),
                    )),
                },
            },
        }
    }
}

/// Events from columns: `{ person, ts, signal, ...: column }`, every column as long as the others.
pub fn events_from_columns(cols: &Object<'_>) -> anbu::Result<Vec<Event>> {
    let keys = cols.get_property_names().map_err(napi_arg("columns"))?;
    let n_keys = keys.get_array_length_unchecked().map_err(napi_arg("columns"))?;
    let mut columns: Vec<(String, Column)> = Vec::with_capacity(n_keys as usize);
    for k in 0..n_keys {
        let key: String = keys.get_element(k).map_err(napi_arg("columns"))?;
        if !anbu::EVENT_FIELDS.contains(&key.as_str()) {
            // The core's message for an unknown field lists the spec's fields.
            EventRecord::default().set_text(&key, "?")?;
        }
        let v: Unknown = cols.get_named_property_unchecked(&key).map_err(napi_arg("columns"))?;
        if matches!(type_of("columns", &v)?, ValueType::Undefined | ValueType::Null) {
            continue;
        }
        columns.push((key.clone(), Column::from_js(&key, v)?));
    }
    let Some(rows) = columns.first().map(|(_, c)| c.len()) else {
        return Ok(Vec::new());
    };
    if let Some((name, c)) = columns.iter().find(|(_, c)| c.len() != rows) {
        return Err(bad_arg(
            "columns",
            format!("column `{name}` has {} rows, column `{}` has {rows}", c.len(), columns[0].0),
        ));
    }
    let mut out = anbu::limits::batch_vec("columns", rows as u64)?;
    for i in 0..rows {
        let mut rec = EventRecord::default();
        let row = || Location::Index(i as u64);
        for (field, col) in &columns {
            col.set(&mut rec, field, i).map_err(|e| e.at(row()))?;
        }
        out.push(rec.into_event().map_err(|e| e.at(row()))?);
    }
    Ok(out)
}
