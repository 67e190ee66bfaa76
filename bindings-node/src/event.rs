//! Events from JS: plain objects with the spec's field names (the core's `event`), or
//! columns ([`crate::columns`]); and `events`, which gives them back validated.
//!
//! Each cell becomes the core's [`anbu::Value`] and goes through [`EventRecord::set`], then
//! [`EventRecord::into_event`]: the rules and messages are the core's (an empty string is
//! absent, as an empty CSV cell is; a whole number is a whole number however it is stored).

use anbu::{Error, Event, EventRecord, Location};
use napi::bindgen_prelude::{Env, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;

use crate::columns::events_from_columns;
use crate::error::{JsResult as Result, bad_arg, guard, napi_arg};
use crate::value::{self, list, to_js_value, type_name, type_of, with_value};

/// The events of an array of event objects or of columns, validated by the core, as plain
/// objects with the spec's fields (what Python's `anbu.events` gives as `Event`s). Throws the
/// first bad row's error, naming its index and field.
#[napi(ts_args_type = "events: EventInput[] | EventColumns", ts_return_type = "EventRecord[]")]
pub fn events<'env>(env: &'env Env, events: Unknown<'_>) -> Result<Unknown<'env>> {
    guard(|| to_js_value(env, &any_events(events)?))
}

/// Events in either form: an array of event objects, or columns.
pub(crate) fn any_events(v: Unknown<'_>) -> anbu::Result<Vec<anbu::Event>> {
    if value::is_array("events", &v)? {
        events_from_array(&value::array("events", v)?)
    } else {
        events_from_columns(&value::object("events", v)?)
    }
}

/// Sets one field of a record from a JS value, as the core reads a [`anbu::Value`].
pub(crate) fn set_cell(rec: &mut EventRecord, field: &str, v: Unknown<'_>) -> anbu::Result<()> {
    match type_of("events", &v)? {
        ValueType::Undefined | ValueType::Null | ValueType::String | ValueType::Number | ValueType::Boolean => {
            with_value("events", v, |value| rec.set(field, value))?
        }
        ValueType::Object if v.is_date().map_err(napi_arg("events"))? => {
            with_value("events", v, |value| rec.set(field, value))?
        }
        t => Err(Error::InvalidEvent {
            location: None,
            field: field.to_string(),
            reason: format!("expected a string, number or boolean, got {}", type_name(t)),
        }),
    }
}

/// One event from a plain object.
pub fn event_from_object(v: Unknown<'_>) -> anbu::Result<Event> {
    let t = type_of("events", &v)?;
    if t != ValueType::Object || v.is_array().map_err(napi_arg("events"))? {
        return Err(bad_arg("events", format!("an event must be an object, got {}", type_name(t))));
    }
    let obj = Object::from_unknown(v).map_err(napi_arg("events"))?;
    let keys = obj.get_property_names().map_err(napi_arg("events"))?;
    let n = keys.get_array_length_unchecked().map_err(napi_arg("events"))?;
    let mut rec = EventRecord::default();
    for k in 0..n {
        let key: Unknown = keys.get_element(k).map_err(napi_arg("events"))?;
        let value: Unknown = obj.get_property_unchecked(key).map_err(napi_arg("events"))?;
        let key = String::from_unknown(key).map_err(napi_arg("events"))?;
        set_cell(&mut rec, &key, value)?;
    }
    rec.into_event()
}

/// Events from an array of plain objects; an error names the index. The array's length (of a
/// sparse array, up to 2^32 - 1) is checked against the core's limit before anything is allocated.
pub fn events_from_array(arr: &Object<'_>) -> anbu::Result<Vec<Event>> {
    list("events", arr, |i, v| event_from_object(v).map_err(|e| e.at(Location::Index(u64::from(i)))))
}
