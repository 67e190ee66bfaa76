//! JS values as the core's [`Value`] and plain data, and the core's results as JS values.
//! Every check and message beyond "this JS value has the wrong type" is the core's.
#![forbid(unsafe_code)]

use anbu::Value;
use anbu::limits::{MAX_JSON_DEPTH, MAX_JSON_VALUES};
use napi::bindgen_prelude::{BigInt, Env, FromNapiValue, JsObjectValue, Object, Unknown};
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

/// A plain JS object or array as JSON-like data, as napi's own conversion reads it (at most
/// [`MAX_JSON_DEPTH`] levels and [`MAX_JSON_VALUES`] values; `undefined` properties left
/// out), except that an array's declared length is checked against the core's limit and
/// never reserved whole: napi reserves it, and a sparse array's (up to 2^32 - 1) aborted
/// the process.
///
/// JS has only doubles: whole numbers (below 2^53) become integers again here, so that
/// integer fields (`checkins.after`, epoch milliseconds) accept them.
pub fn json(name: &'static str, v: Unknown<'_>) -> anbu::Result<serde_json::Value> {
    let mut budget = MAX_JSON_VALUES;
    json_value(name, v, MAX_JSON_DEPTH, &mut budget)
}

fn too_many(name: &str) -> anbu::Error {
    bad_arg(name, format!("more than {MAX_JSON_VALUES} values"))
}

fn json_value(name: &'static str, v: Unknown<'_>, depth: usize, budget: &mut usize) -> anbu::Result<serde_json::Value> {
    use serde_json::Value;
    *budget = budget.checked_sub(1).ok_or_else(|| too_many(name))?;
    Ok(match type_of(name, &v)? {
        ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(bool::from_unknown(v).map_err(napi_arg(name))?),
        ValueType::String => Value::String(String::from_unknown(v).map_err(napi_arg(name))?),
        ValueType::Number => {
            let x = f64::from_unknown(v).map_err(napi_arg(name))?;
            if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
                Value::Number(serde_json::Number::from(x as i64))
            } else {
                let n = serde_json::Number::from_f64(x)
                    .ok_or_else(|| bad_arg(name, format!("{x} is not a JSON number")))?;
                Value::Number(n)
            }
        }
        ValueType::BigInt => {
            let n = BigInt::from_unknown(v).map_err(napi_arg(name))?;
            match (n.get_i64(), n.get_u64()) {
                ((x, true), _) => Value::Number(x.into()),
                (_, (false, x, true)) => Value::Number(x.into()),
                _ => return Err(bad_arg(name, "a bigint beyond 64 bits")),
            }
        }
        ValueType::Object => {
            let depth = depth
                .checked_sub(1)
                .ok_or_else(|| bad_arg(name, format!("nested more than {MAX_JSON_DEPTH} levels deep")))?;
            let obj = Object::from_unknown(v).map_err(napi_arg(name))?;
            if v.is_array().map_err(napi_arg(name))? {
                // A declared length past what is left of the budget is refused before it is read.
                let n = obj.get_array_length_unchecked().map_err(napi_arg(name))?;
                if n as usize > *budget {
                    return Err(too_many(name));
                }
                Value::Array(list(name, &obj, |_, item| json_value(name, item, depth, budget))?)
            } else {
                let mut map = serde_json::Map::new();
                for key in Object::keys(&obj).map_err(napi_arg(name))? {
                    let item: Unknown = obj.get_named_property_unchecked(&key).map_err(napi_arg(name))?;
                    if type_of(name, &item)? != ValueType::Undefined {
                        map.insert(key, json_value(name, item, depth, budget)?);
                    }
                }
                Value::Object(map)
            }
        }
        t => return Err(bad_arg(name, format!("{} cannot be read as JSON", type_name(t)))),
    })
}

/// The elements of a JS array, each read by `item` (with its index): the array's length (a
/// sparse array's, up to 2^32 - 1) is checked against the core's limit before anything is
/// allocated, and the vector grows with the elements actually read.
pub fn list<'env, T>(
    name: &'static str,
    arr: &Object<'env>,
    mut item: impl FnMut(u32, Unknown<'env>) -> anbu::Result<T>,
) -> anbu::Result<Vec<T>> {
    let n = arr.get_array_length_unchecked().map_err(napi_arg(name))?;
    let mut out = anbu::limits::batch_vec(name, u64::from(n))?;
    for i in 0..n {
        let v: Unknown = arr.get_element(i).map_err(napi_arg(name))?;
        out.push(item(i, v)?);
    }
    Ok(out)
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
pub(crate) fn set_cells(
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
            let cell = Object::from_unknown(cell).map_err(napi_arg(name))?;
            let names = list(name, &cell, |_, d| String::from_unknown(d).map_err(|e| bad_arg(name, e.reason.clone())))?;
            set(&key, Value::Text(&Value::list_text(&names)))?;
        } else {
            with_value(name, cell, |value| set(&key, value))??;
        }
    }
    Ok(())
}

/// Each element of an array argument `name` read by `row`; an error names its index.
pub(crate) fn rows<T>(
    name: &'static str,
    v: Unknown<'_>,
    row: impl Fn(Unknown<'_>) -> anbu::Result<T>,
) -> anbu::Result<Vec<T>> {
    list(name, &array(name, v)?, |i, p| row(p).map_err(|e| e.at(anbu::Location::Index(u64::from(i)))))
}

/// An array argument.
pub fn array<'env>(name: &'static str, v: Unknown<'env>) -> anbu::Result<Object<'env>> {
    if !is_array(name, &v)? {
        return Err(bad_arg(name, format!("expected an array, got {}", type_name(type_of(name, &v)?))));
    }
    Object::from_unknown(v).map_err(napi_arg(name))
}

/// Converts a value the core serializes (spec field names, RFC 3339 times) into JS.
pub(crate) fn to_js_value<'env, T: serde::Serialize>(env: &'env Env, value: &T) -> anbu::Result<Unknown<'env>> {
    env.to_js_value(value).map_err(|e| bad_arg("result", e.reason.clone()))
}

/// Deserializes a JS array into core values (assessments, incidents); the error names the path.
pub(crate) fn from_js_list<T: serde::de::DeserializeOwned>(name: &'static str, v: Unknown<'_>) -> anbu::Result<Vec<T>> {
    from_js(name, v)
}

/// Deserializes a JS value into a core value (a filter, a list of assessments); `null` and
/// `undefined` are JSON's null; the error names the path.
pub(crate) fn from_js<T: serde::de::DeserializeOwned>(name: &'static str, v: Unknown<'_>) -> anbu::Result<T> {
    let value = json(name, v)?;
    serde_path_to_error::deserialize(value).map_err(|e| bad_arg(name, format!("{}: {}", e.path(), e.inner())))
}
