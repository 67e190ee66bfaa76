//! `no_change`: smart plugs whose power and light stay flat.
//!
//! A plug reading that merely repeats the last one is not a sign of life; only a change
//! is (see the profile's `no_change` tolerances). So a TV left on day and night, whose
//! steady load the plug reports every few minutes, looks exactly as silent as a TV that
//! is off: it is caught, not mistaken for activity. Thresholds and weights are those of
//! the plug channel in `inactivity`.
//!
//! A whole-home meter feeds the same channel (its readings are signs of life when they stand
//! out from the household's base load, see `meter`); when the device described is a meter,
//! the reason says so in its own words and under the signal `meter`.

use super::inactivity::ChannelScore;
use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say, say_more};
use crate::text::fixed;
use crate::vocab::Signal;

pub(crate) fn detect(view: &View<'_>, scores: &[ChannelScore], out: &mut Vec<Evidence>) {
    let Some(sc) = scores.iter().find(|sc| sc.channel == Signal::Plug && sc.reported()) else { return };
    let p = &view.rules.profile;
    let loc = p.locale;
    // Describe the plug that reported last.
    let plug = view
        .state
        .devices
        .iter()
        .filter(|d| d.plug.is_some())
        .max_by(|a, b| a.last_report.cmp(&b.last_report).then_with(|| b.id.cmp(&a.id)));
    if let Some(d) = plug.filter(|d| d.meter) {
        let hour = view.rules.local_parts(view.at.as_millis()).1;
        let unattended = view.state.meter.as_ref().and_then(|m| m.unattended(hour, &p.meter));
        let detail = match (unattended, d.plug) {
            (Some((top, _)), Some(r)) => say!(
                loc,
                Msg::MeterUsualLoad,
                d.id,
                fixed(r.watts, 0),
                fixed(top, 0),
                view.hours(sc.silence.hours),
                sc.judged
            ),
            _ => say!(loc, Msg::MeterNoSwitch, d.id, view.hours(sc.silence.hours), sc.judged),
        };
        out.push(Evidence::new(Signal::Meter, ReasonKind::NoChange, detail, sc.points).contradicted(sc.contradicted));
        return;
    }
    let mut how = match plug.and_then(|d| d.plug.map(|r| (d, r))) {
        Some((d, r)) if r.watts > p.no_change.standby_watts && sc.usually_off_h >= 1.0 => {
            say!(loc, Msg::PlugUsuallyOff, d.id, fixed(r.watts, 0), view.hours(sc.usually_off_h))
        }
        Some((d, r)) if r.watts > p.no_change.standby_watts => {
            say!(loc, Msg::PlugSteady, d.id, fixed(r.watts, 0))
        }
        Some((d, _)) => say!(loc, Msg::PlugOff, d.id),
        None => say!(loc, Msg::PlugNoReading),
    };
    if let Some(lux) = plug.and_then(|d| d.plug).and_then(|r| r.lux()).filter(|_| sc.usually_dark_h >= 1.0) {
        say_more!(how, loc, Msg::PlugLitUsuallyDark, fixed(lux, 0), view.hours(sc.usually_dark_h));
    }
    let detail = say!(loc, Msg::NoChange, how, view.hours(sc.silence.hours), sc.judged);
    out.push(Evidence::new(Signal::Plug, ReasonKind::NoChange, detail, sc.points).contradicted(sc.contradicted));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{View, inactivity};

    fn detail(profile: &str, events: &[crate::event::Event], hours: f64) -> Option<(String, f64)> {
        let r = rules(profile, false);
        let st = state(&r, events);
        let view = View::new(&st, &r, at(hours), None);
        let scores = inactivity::channels(&view, None);
        let mut out = Vec::new();
        super::detect(&view, &scores, &mut out);
        out.first().map(|e| (e.reason.detail.clone(), e.reason.contribution))
    }

    #[test]
    fn a_steady_load_is_not_a_sign_of_life() {
        // Off, then on at 85 W with 1 W of noise for 30 hours: the last change is at 1:00.
        let mut events = plug(0.0, 1.0, 0.5);
        events.extend(plug(1.0, 31.0, 85.0).into_iter().enumerate().map(|(i, mut e)| {
            if let crate::event::EventKind::Plug { watts, .. } = &mut e.kind {
                *watts += (i % 2) as f64;
            }
            e
        }));
        let (d, points) = detail("plug_only", &events, 31.0).unwrap();
        assert!(d.starts_with("plug-tv on at a steady 8"), "{d}");
        assert!(d.contains("for 30 h (alert at 24 h)"), "{d}");
        assert!(points > 50.0, "{points}");
    }

    /// Where the plug's last change was, after hourly readings of `lux(h)` and `watts(h)`
    /// from 00:00 to `until`, in the learned routine (`adaptive`) or the seed rule.
    fn steady_since(
        adaptive: bool,
        until: f64,
        every: f64,
        watts: impl Fn(f64) -> f64,
        lux: impl Fn(f64) -> f64,
    ) -> f64 {
        use crate::event::EventKind;
        let r = rules("plug_only", adaptive);
        let n = (until / every).floor() as usize;
        let events: Vec<_> = (0..=n)
            .map(|k| k as f64 * every)
            .map(|h| ev(h, "plug-tv", EventKind::plug(watts(h)).with_lux(lux(h).round())))
            .collect();
        let st = state(&r, &events);
        st.devices.iter().find_map(|d| d.plug).unwrap().steady_since.hours_since(at(0.0))
    }

    #[test]
    fn daylight_is_not_a_sign_of_life_but_a_lamp_is() {
        // A TV on standby; the light at the plug rises and falls with the sun through a window
        // (hourly readings), then a lamp is switched on at 20:00.
        let sun = |h: f64| (((h - 6.0) / 12.0 * std::f64::consts::PI).sin() * 400.0).max(0.0);
        let lamp = |h: f64| sun(h) + if h >= 20.0 { 150.0 } else { 0.0 };
        let standby = |_| 0.5;
        // The learned routine sees the light come up at dawn (it breaks the dark night), then
        // nothing: daylight goes on with its trend.
        assert_eq!(steady_since(true, 19.0, 1.0, standby, lamp), 7.0);
        // The seed rule counts every change beyond the tolerance, daylight's too.
        assert_eq!(steady_since(false, 19.0, 1.0, standby, lamp), 18.0);
        // The lamp breaks the trend: a sign of life in both.
        assert_eq!(steady_since(true, 20.0, 1.0, standby, lamp), 20.0);
        assert_eq!(steady_since(false, 20.0, 1.0, standby, lamp), 20.0);
    }

    #[test]
    fn a_tv_whose_power_wavers_is_untouched_until_switched() {
        // On at about 110 W from 01:00, its power wavering by up to 15 W from one reading to
        // the next (every 15 minutes, a fixed pattern), then switched off at 30:00.
        let waver = [0.0, 12.0, -3.0, 9.0, -6.0, 15.0, 1.0, -9.0, 6.0, -12.0, 3.0, 10.0, -5.0];
        let tv = |h: f64| match h {
            h if !(1.0..30.0).contains(&h) => 0.5,
            h => 110.0 + waver[((h * 4.0).round() as usize * 7) % waver.len()],
        };
        let dark = |_| 0.0;
        // The seed rule takes the larger wavers for changes (beyond 15% of the load).
        assert!(steady_since(false, 29.9, 0.25, tv, dark) > 20.0);
        // The learned routine learns within hours how much this plug wavers: nothing changed
        // since.
        assert!(steady_since(true, 29.9, 0.25, tv, dark) < 6.0);
        // Switched off: a sign of life in both.
        assert_eq!(steady_since(true, 30.0, 0.25, tv, dark), 30.0);
        assert_eq!(steady_since(false, 30.0, 0.25, tv, dark), 30.0);
    }

    #[test]
    fn a_change_resets_the_silence() {
        let mut events = plug(0.0, 20.0, 0.5);
        events.extend(plug(20.0, 31.0, 85.0));
        assert_eq!(detail("plug_only", &events, 31.0), None);
    }
}
