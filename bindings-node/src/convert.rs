//! Conversions of JS values into core types. Every check and message beyond "this JS value
//! has the wrong type" is the core's.
#![forbid(unsafe_code)]

use anbu::{Person, PersonRecord, Timestamp};
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

/// A number as the text the core parses (`85.5`, `1714523400000`, `NaN`).
pub fn number_text(x: f64) -> String {
    x.to_string()
}

/// Gives an argument error of the core the caller's argument name.
fn renamed(name: &str, err: anbu::Error) -> anbu::Error {
    match err {
        anbu::Error::InvalidArgument { reason, .. } => bad_arg(name, reason),
        other => other,
    }
}

/// A timestamp argument: RFC 3339 text with an offset, epoch milliseconds, or a `Date`.
pub fn timestamp(name: &'static str, v: Unknown<'_>) -> anbu::Result<Timestamp> {
    let text = match type_of(name, &v)? {
        ValueType::String => String::from_unknown(v).map_err(napi_arg(name))?,
        ValueType::Number => number_text(f64::from_unknown(v).map_err(napi_arg(name))?),
        ValueType::Object if v.is_date().map_err(napi_arg(name))? => {
            let d = JsDate::from_unknown(v).map_err(napi_arg(name))?;
            number_text(d.value_of().map_err(napi_arg(name))?)
        }
        t => {
            return Err(bad_arg(
                name,
                format!("expected RFC 3339 text, epoch milliseconds or a Date, got {}", type_name(t)),
            ));
        }
    };
    text.parse::<Timestamp>().map_err(|e| renamed(name, e))
}

/// A duration argument: text such as `1h` / `15m`, or a number of milliseconds.
pub fn duration_ms(name: &'static str, v: Unknown<'_>) -> anbu::Result<i64> {
    let text = match type_of(name, &v)? {
        ValueType::String => String::from_unknown(v).map_err(napi_arg(name))?,
        ValueType::Number => format!("{}ms", number_text(f64::from_unknown(v).map_err(napi_arg(name))?)),
        t => {
            return Err(bad_arg(
                name,
                format!("expected a duration such as `1h` or milliseconds, got {}", type_name(t)),
            ));
        }
    };
    anbu::parse_duration(&text).map_err(|e| renamed(name, e))
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

/// A person: `{ person, profile, devices? }` (the spec's Persons row); `devices` may be a list.
pub fn person(v: Unknown<'_>) -> anbu::Result<Person> {
    let serde_json::Value::Object(mut map) = json("person", v)? else {
        return Err(bad_arg("person", "expected an object { person, profile, devices? }"));
    };
    // Absent ids are empty ones, so that the core names the missing field.
    for key in ["person", "profile"] {
        map.entry(key).or_insert_with(|| serde_json::Value::String(String::new()));
    }
    if let Some(serde_json::Value::Array(list)) = map.get("devices") {
        let names: Vec<String> =
            list.iter().map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_string)).collect();
        map.insert("devices".into(), serde_json::Value::String(names.join(",")));
    }
    let record: PersonRecord =
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| bad_arg("person", e.to_string()))?;
    Person::try_from(record)
}

/// A list of persons.
pub fn persons(v: Unknown<'_>) -> anbu::Result<Vec<Person>> {
    let arr = array("persons", v)?;
    let n = arr.get_array_length().map_err(napi_arg("persons"))?;
    (0..n)
        .map(|i| {
            let p: Unknown = arr.get_element(i).map_err(napi_arg("persons"))?;
            person(p).map_err(|e| e.at(anbu::Location::Index(u64::from(i))))
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
