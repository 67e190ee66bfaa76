//! Whole-home power (the `meter` signal): a household's smart electricity meter, with a
//! fridge cycling all day, judged against the household's usual base load for the hour.
//! The field case: fed as a plug, the fridge's cycling counts as life and a collapse stays at
//! score 0; as a meter, the collapse is seen.

use crate::common;

use anbu::{
    Action, Engine, Event, EventKind, Format, Level, Person, ReadOptions, ReasonKind, Signal, read_events_from,
};
use common::{Home, first_at_or_above};

/// A fridge's cycle in 15-minute averages: 40 to 150 W (a fixed pseudo-random sequence).
fn fridge(i: u64) -> f64 {
    let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17).wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 11;
    40.0 + 110.0 * (x as f64 / (1u64 << 53) as f64)
}

/// What the person switches on, by quarter hour of day `d`: breakfast (rice cooker, kettle),
/// lunch, cooking dinner, then the TV and lights in the evening; a little later on weekends.
fn use_watts(d: u64, quarter_of_day: u64) -> f64 {
    let late = if d % 7 >= 4 { 2 } else { 0 }; // day 0 is a Wednesday
    let q = quarter_of_day;
    match q {
        _ if (28 + late..30 + late).contains(&q) => 900.0,
        48..50 => 700.0,
        72..76 => 1200.0,
        76..88 => 250.0,
        _ => 0.0,
    }
}

const COLLAPSE_DAY: u64 = 21;
const COLLAPSE_H: f64 = COLLAPSE_DAY as f64 * 24.0 + 20.0;
const END_H: f64 = COLLAPSE_H + 72.0;

/// Three weeks of ordinary life, a collapse at 20:00 on day 21 (the TV was on at 19:00;
/// after 20:00 only the fridge cycles), then three days. Readings every 15 minutes from
/// `device`, as `kind(watts)`; an answered check-in call every morning before the collapse.
fn household(device: &str, kind: impl Fn(f64) -> EventKind) -> Home {
    let mut home = Home::new("p");
    let quarters = (END_H * 4.0) as u64;
    for q in 0..quarters {
        let hour = q as f64 / 4.0;
        let (d, qd) = (q / 96, q % 96);
        let appliances = if hour < COLLAPSE_H { use_watts(d, qd) } else { 0.0 };
        home.push(hour, device, kind(fridge(q) + appliances));
    }
    for d in 0..COLLAPSE_DAY {
        home.checkin(d as f64 * 24.0 + 10.0, anbu::CheckinOutcome::Answered);
    }
    home
}

/// Hour by hour on `plug_only` without the holiday calendar: the household's days do not
/// change on holidays (see `common::without_calendar`).
fn assess(home: &Home, devices: &str) -> Vec<anbu::Assessment> {
    let person = Person::new("p", "plug_only_no_calendar").unwrap().with_devices(devices).unwrap();
    home.hourly_with(Some(common::without_calendar("plug_only")), person, 24, END_H as u32)
}

fn at(rows: &[anbu::Assessment], home: &Home, hour: f64) -> anbu::Assessment {
    rows.iter().find(|a| a.at == home.ts(hour)).cloned().unwrap()
}

#[test]
fn a_collapse_seen_by_a_whole_home_meter_raises_the_alarm_a_plug_feed_would_not() {
    let home = household("meter-home", EventKind::meter);
    let rows = assess(&home, "meter,checkin");
    // Three weeks of ordinary life with the fridge cycling: nothing raised after the first days.
    let before: Vec<_> = rows.iter().filter(|a| a.at.hours_since(home.t0) <= COLLAPSE_H).collect();
    assert!(before.iter().filter(|a| a.at.hours_since(home.t0) >= 7.0 * 24.0).all(|a| a.level == Level::Normal));
    // After the collapse only the fridge cycles: at least a check-in call within 24 h...
    let a24 = at(&rows, &home, COLLAPSE_H + 24.0);
    assert!(a24.level >= Level::Watch && a24.action >= Action::CheckinCall, "{a24:?}");
    let first = first_at_or_above(&rows[before.len()..], Level::Watch).unwrap();
    assert!(first.at <= home.ts(COLLAPSE_H + 24.0));
    // ...and the score keeps rising.
    let scores: Vec<f64> = [24.0, 36.0, 48.0, 72.0].iter().map(|h| at(&rows, &home, COLLAPSE_H + h).score).collect();
    assert!(scores.windows(2).all(|w| w[1] >= w[0]), "{scores:?}");
    assert!(scores[3] > scores[0], "{scores:?}");
    assert!(at(&rows, &home, COLLAPSE_H + 48.0).level >= Level::Warning, "{scores:?}");
    // The reason names the meter and the base load.
    let r = &a24.reasons[0];
    assert_eq!((r.kind, r.signal), (ReasonKind::NoChange, Signal::Meter), "{r:?}");
    assert!(r.detail.starts_with("meter-home at "), "{}", r.detail);
    assert!(r.detail.contains(" W, the household's usual load (up to about "), "{}", r.detail);
    assert!(r.detail.contains("no appliance switched on or off for 2"), "{}", r.detail);

    // The field defect: the same readings fed as a plug. The seed rule's tolerance (15% of the
    // load) takes most cycles of the fridge (40-150 W) for a change, a sign of life; the learned
    // routine learns how much this plug's load wavers while on (`no_change`), and finds the
    // collapse as well, if later than the meter (no base load by the hour to judge by).
    let as_plug = household("meter-home", EventKind::plug);
    let rows = assess(&as_plug, "plug,checkin");
    assert!(at(&rows, &as_plug, COLLAPSE_H + 48.0).level >= Level::Warning);
    let before: Vec<_> = rows.iter().filter(|a| a.at.hours_since(home.t0) <= COLLAPSE_H).collect();
    assert!(before.iter().filter(|a| a.at.hours_since(home.t0) >= 7.0 * 24.0).all(|a| a.level == Level::Normal));
}

#[test]
fn a_meter_that_stops_reporting_is_a_device_fault() {
    let mut home = household("meter-home", EventKind::meter);
    // The meter goes quiet at 10:00 on day 14; the person answers the check-in calls.
    let cut = home.ts(14.0 * 24.0 + 10.0);
    home.events.retain(|e| e.signal() != Signal::Meter || e.ts < cut);
    let person = Person::new("p", "plug_only").unwrap().with_devices("meter,checkin").unwrap();
    let rows = home.hourly(person, 24, 16 * 24);
    let last = rows.last().unwrap();
    let r = last.reasons.iter().find(|r| r.kind == ReasonKind::DeviceOffline).expect("a device fault");
    assert_eq!(r.signal, Signal::Meter);
    assert!(r.detail.starts_with("meter-home has not reported for "), "{}", r.detail);
    assert!(last.level < Level::Warning, "{last:?}");
}

#[test]
fn readers_take_meter_rows_and_refuse_light_or_a_missing_watts() {
    let csv = "person,ts,signal,device,watts,lux\n\
               p-1,2024-05-01T10:00:00+09:00,meter,meter-home,412.5,\n\
               p-1,2024-05-01T10:15:00+09:00,meter,,96,\n";
    let jsonl = "{\"person\":\"p-1\",\"ts\":\"2024-05-01T10:00:00+09:00\",\"signal\":\"meter\",\"device\":\"meter-home\",\"watts\":412.5}\n\
                 {\"person\":\"p-1\",\"ts\":\"2024-05-01T10:15:00+09:00\",\"signal\":\"meter\",\"watts\":96}\n";
    let read = |text: &str, f: Format| read_events_from(text.as_bytes(), f, &ReadOptions::strict()).map(|o| o.events);
    let events = read(csv, Format::Csv).unwrap();
    assert_eq!(events, read(jsonl, Format::Jsonl).unwrap());
    assert_eq!(events[0].kind, EventKind::meter(412.5));
    assert_eq!((events[1].device(), events[1].signal()), ("meter", Signal::Meter));
    // Written and read again.
    let mut out = Vec::new();
    anbu::write_events_csv(&mut out, &events).unwrap();
    assert_eq!(read(std::str::from_utf8(&out).unwrap(), Format::Csv).unwrap(), events);

    let err = |text: &str, f: Format| read(text, f).unwrap_err().to_string();
    let h = "person,ts,signal,device,watts,lux\n";
    assert_eq!(
        err(&format!("{h}p-1,0,meter,meter-home,300,40\n"), Format::Csv),
        "line 2: field `lux`: does not apply to signal `meter`; leave it empty"
    );
    assert_eq!(
        err(&format!("{h}p-1,0,meter,meter-home,,\n"), Format::Csv),
        "line 2: field `watts`: required for signal `meter`"
    );
    assert_eq!(
        err("{\"person\":\"p-1\",\"ts\":0,\"signal\":\"meter\"}\n", Format::Jsonl),
        "line 1: field `watts`: required for signal `meter`"
    );
    assert_eq!(
        err("{\"person\":\"p-1\",\"ts\":0,\"signal\":\"meter\",\"watts\":-2}\n", Format::Jsonl),
        "line 1: field `watts`: must be >= 0, got -2"
    );
}

#[test]
fn a_meter_is_a_device_of_the_plug_channel_and_survives_a_snapshot() {
    let p = Person::new("p", "call_iot").unwrap().with_devices("meter,door,checkin").unwrap();
    assert_eq!(p.devices(), Some(&[Signal::Door, Signal::Checkin, Signal::Meter][..]));
    // A profile watches `plug`; listing `meter` is refused with the hint.
    let err = anbu::Profile::from_json(r#"{"name":"x","signals":["meter"]}"#).unwrap_err().to_string();
    assert!(err.contains("list `plug`"), "{err}");

    let home = household("meter-home", EventKind::meter);
    let cut = home.ts(10.0 * 24.0);
    let mut events = home.events.clone();
    events.sort_by_key(|e| e.ts);
    let (early, late): (Vec<Event>, Vec<Event>) = events.into_iter().partition(|e| e.ts < cut);
    let person = Person::new("p", "plug_only").unwrap().with_devices("meter,checkin").unwrap();
    let mut a = Engine::new();
    a.add_person(person).unwrap();
    a.ingest_batch(early).unwrap();
    let mut b = Engine::restore(&a.snapshot()).unwrap();
    a.ingest_batch(late.clone()).unwrap();
    b.ingest_batch(late).unwrap();
    let end = home.ts(END_H);
    assert_eq!(a.assess("p", end).unwrap(), b.assess("p", end).unwrap());
    assert_eq!(a.snapshot(), b.snapshot());
}
