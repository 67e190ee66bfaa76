//! Conversions of JS values into core types. Every check and message beyond "this JS value
//! has the wrong type" is the core's.
#![forbid(unsafe_code)]

use anbu::{Incident, IncidentRecord, Person, PersonRecord, Timestamp, Value};
use napi::bindgen_prelude::{ClassInstance, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsDate, JsValue, ValueType};

use crate::error::{bad_arg, napi_arg};

/// How a JS type is named in messages.
pub fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

/// The type of a JS value.
pub fn type_of(name: &'static str, v: &Unknown<'_>) -> anbu::Result<ValueType> {
    v.get_type().map_err(napi_arg(name))
}

/// A string argument.
pub fn string(name: &'static str, v: Unknown<'_>) -> anbu::Result<String> {
    match type_of(name, &v)? {
        ValueType::String => String::from_unknown(v).map_err(napi_arg(name)),
        t => Err(bad_arg(name, format!("expected a string, got {}", type_name(t)))),
    }
}

/// A number as text (`85.5`, `1714523400000`, `NaN`).
pub fn number_text(x: f64) -> String {
    x.to_string()
}

/// Calls `f` with a JS value as the core's [`Value`]: `undefined` and `null` are absent; a
/// string is text, a number a float (the core reads a whole one as a whole number), a
/// boolean a boolean, a `Date` a typed time. Any other type is an error naming `name`.
pub fn with_value<T>(name: &str, v: Unknown<'_>, f: impl FnOnce(Value<'_>) -> T) -> anbu::Result<T> {
    let arg = |e: napi::Error| bad_arg(name, e.reason.clone());
    Ok(match v.get_type().map_err(arg)? {
        ValueType::Undefined | ValueType::Null => f(Value::Null),
        ValueType::String => f(Value::Text(&String::from_unknown(v).map_err(arg)?)),
        ValueType::Number => f(Value::Float(f64::from_unknown(v).map_err(arg)?)),
        ValueType::Boolean => f(Value::Bool(bool::from_unknown(v).map_err(arg)?)),
        ValueType::Object if v.is_date().map_err(arg)? => {
            let ms = JsDate::from_unknown(v).map_err(arg)?.value_of().map_err(arg)?;
            // An invalid `Date` is NaN.
            f(if ms.is_nan() { Value::Float(ms) } else { Value::Time(ms as i64) })
        }
        t => {
            return Err(bad_arg(name, format!("expected a string, number, boolean or Date, got {}", type_name(t))));
        }
    })
}

/// A timestamp argument: RFC 3339 text with an offset, epoch milliseconds, or a `Date`.
pub fn timestamp(name: &'static str, v: Unknown<'_>) -> anbu::Result<Timestamp> {
    with_value(name, v, |value| Timestamp::from_value(name, value))?
}

/// A duration argument: text such as `1h` / `15m`, or a number of milliseconds.
pub fn duration_ms(name: &'static str, v: Unknown<'_>) -> anbu::Result<i64> {
    with_value(name, v, |value| anbu::duration_ms(name, value))?
}

/// A plain JS object or array as JSON-like data.
///
/// JS has only doubles, and napi reads every number as a float: whole numbers become integers
/// again here, so that integer fields (`checkins.after`, epoch milliseconds) accept them.
pub fn json(name: &'static str, v: Unknown<'_>) -> anbu::Result<serde_json::Value> {
    fn whole_numbers(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => {
                if let Some(x) = n.as_f64()
                    && x.fract() == 0.0
                    && x.abs() < 9.007_199_254_740_992e15
                {
                    *n = serde_json::Number::from(x as i64);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
            serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
            _ => {}
        }
    }
    let mut value = serde_json::Value::from_unknown(v).map_err(napi_arg(name))?;
    whole_numbers(&mut value);
    Ok(value)
}

/// An object argument.
pub fn object<'env>(name: &'static str, v: Unknown<'env>) -> anbu::Result<Object<'env>> {
    match type_of(name, &v)? {
        ValueType::Object => Object::from_unknown(v).map_err(napi_arg(name)),
        t => Err(bad_arg(name, format!("expected an object, got {}", type_name(t)))),
    }
}

/// Whether a value is a JS array.
pub fn is_array(name: &'static str, v: &Unknown<'_>) -> anbu::Result<bool> {
    v.is_array().map_err(napi_arg(name))
}

/// Calls `set` with each own property of a plain object (a table's row) as a core [`Value`];
/// an array of names is the persons table's comma-separated text.
fn set_cells(
    name: &'static str,
    v: Unknown<'_>,
    mut set: impl FnMut(&str, Value<'_>) -> anbu::Result<()>,
) -> anbu::Result<()> {
    let t = type_of(name, &v)?;
    if t != ValueType::Object || is_array(name, &v)? {
        return Err(bad_arg(name, format!("a row must be an object, got {}", type_name(t))));
    }
    let obj = Object::from_unknown(v).map_err(napi_arg(name))?;
    let keys = obj.get_property_names().map_err(napi_arg(name))?;
    for k in 0..keys.get_array_length_unchecked().map_err(napi_arg(name))? {
        let key: String = keys.get_element(k).map_err(napi_arg(name))?;
        let cell: Unknown = obj.get_named_property_unchecked(&key).map_err(napi_arg(name))?;
        if is_array(name, &cell)? {
            let names: Vec<String> = Vec::from_unknown(cell).map_err(|e| bad_arg(name, e.reason.clone()))?;
            set(&key, Value::Text(&names.join(",")))?;
        } else {
            with_value(name, cell, |value| set(&key, value))??;
        }
    }
    Ok(())
}

/// A person: `{ person, profile, devices? }` (the spec's Persons row), read by the core's
/// [`PersonRecord::set`]; `devices` may be a list.
pub fn person(v: Unknown<'_>) -> anbu::Result<Person> {
    let mut r = PersonRecord::default();
    set_cells("person", v, |field, value| r.set(field, value))?;
    Person::try_from(r)
}

/// A list of persons.
pub fn persons(v: Unknown<'_>) -> anbu::Result<Vec<Person>> {
    rows("persons", v, person)
}

/// An incident: `{ person, start, end? }`, read by the core's [`IncidentRecord::set`].
pub fn incident(v: Unknown<'_>) -> anbu::Result<Incident> {
    let mut r = IncidentRecord::default();
    set_cells("incident", v, |field, value| r.set(field, value))?;
    r.into_incident()
}

/// A list of incidents.
pub fn incidents(v: Unknown<'_>) -> anbu::Result<Vec<Incident>> {
    rows("incidents", v, incident)
}

/// Each element of an array argument `name` read by `row`; an error names its index.
fn rows<T>(name: &'static str, v: Unknown<'_>, row: impl Fn(Unknown<'_>) -> anbu::Result<T>) -> anbu::Result<Vec<T>> {
    let arr = array(name, v)?;
    let n = arr.get_array_length().map_err(napi_arg(name))?;
    (0..n)
        .map(|i| {
            let p: Unknown = arr.get_element(i).map_err(napi_arg(name))?;
            row(p).map_err(|e| e.at(anbu::Location::Index(u64::from(i))))
        })
        .collect()
}

/// An array argument.
pub fn array<'env>(name: &'static str, v: Unknown<'env>) -> anbu::Result<Object<'env>> {
    if !is_array(name, &v)? {
        return Err(bad_arg(name, format!("expected an array, got {}", type_name(type_of(name, &v)?))));
    }
    Object::from_unknown(v).map_err(napi_arg(name))
}

/// A profile: a `Profile` instance, or a profile document as a plain object.
pub fn profile(v: Unknown<'_>) -> anbu::Result<anbu::Profile> {
    if type_of("profile", &v)? == ValueType::Object
        && let Ok(p) = ClassInstance::<crate::Profile>::from_unknown(v)
    {
        return Ok(p.inner.clone());
    }
    match type_of("profile", &v)? {
        ValueType::Object => anbu::Profile::from_value(json("profile", v)?),
        t => Err(bad_arg("profile", format!("expected a Profile or a profile object, got {}", type_name(t)))),
    }
}
