//! One device of a person, as the state keeps it: its channels, its last report and, for a
//! plug or a meter, its last reading.

use serde::{Deserialize, Serialize};

use crate::names::Name;
use crate::time::Timestamp;
use crate::vocab::Signal;

/// A smart plug's (or a whole-home meter's) last reading (40 bytes: an absent `lux` is kept as
/// a NaN's bits, which no reading has; written as the optional number it is). For a meter,
/// `steady_since` is the last reading that was a sign of life (or the first reading).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct PlugReading {
    pub watts: f64,
    #[serde(with = "serde_lux")]
    lux: u64,
    /// When the reading last changed (or was first seen).
    pub steady_since: Timestamp,
    /// How fast the light moved from the reading before to this one, lux an hour (0 without
    /// light, or after a gap longer than `LIGHT_TREND_H`): daylight's trend.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lux_trend: f32,
    /// How much the load wavers from one reading to the next while the appliance stays on,
    /// watts (the root of an exponential average of the squared changes; see `WAVER_RATE`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waver: f32,
    /// Since when the light at the plug has stayed above `no_change.lux_tolerance` at every
    /// reading, if it does now (a lamp left on, or daylight; see the routine's module docs, "An
    /// appliance left on"). Absent from older snapshots and from readings without light.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lit_since: Option<Timestamp>,
}

/// Whether a learned figure is still at its start (left out of a snapshot, so that a reading
/// written before the figure existed reads and writes back as it was).
fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

/// `PlugReading::lux` of a reading without light.
const NO_LUX: u64 = u64::MAX;

impl PlugReading {
    pub(crate) fn new(watts: f64, lux: Option<f64>, steady_since: Timestamp) -> Self {
        PlugReading {
            watts,
            lux: lux.map_or(NO_LUX, f64::to_bits),
            steady_since,
            lux_trend: 0.0,
            waver: 0.0,
            lit_since: None,
        }
    }

    /// The light measured with the reading.
    pub fn lux(&self) -> Option<f64> {
        (self.lux != NO_LUX).then(|| f64::from_bits(self.lux))
    }
}

impl DeviceState {
    /// Whether this is a plug (not a meter) whose last reading is on: above `standby_watts`.
    pub fn appliance_on(&self, standby_watts: f64) -> bool {
        !self.meter && self.plug.is_some_and(|r| r.watts > standby_watts)
    }

    /// Since when a plug (not a meter) has been lit (see [`PlugReading::lit_since`]).
    pub fn lit_since(&self) -> Option<Timestamp> {
        if self.meter { None } else { self.plug.and_then(|r| r.lit_since) }
    }

    /// A device just registered (see `coder`): no event of it folded yet.
    pub fn new(id: Name) -> Self {
        DeviceState {
            id,
            channels: 0,
            last_report: Timestamp::EPOCH,
            periodic: false,
            meter: false,
            plug: None,
            reported_fault: false,
        }
    }

    /// Whether the device reports on an activity channel.
    pub fn reports_on(&self, channel: Signal) -> bool {
        channel.channel_index().is_some_and(|i| self.channels & (1 << i) != 0)
    }

    /// The first activity channel the device reports on.
    pub fn first_channel(&self) -> Option<Signal> {
        Signal::CHANNELS.into_iter().find(|c| self.reports_on(*c))
    }
}

/// One device of the person.
///
/// A device is registered when its first event is taken (see `coder`),
/// so that events waiting in the lateness buffer can name it by index. Until one of its
/// events is folded it reports on no channel, is not periodic and has no plug reading,
/// which every detector reads as "not there".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DeviceState {
    /// The device id, interned (see `names`).
    #[serde(with = "serde_name")]
    pub id: Name,
    /// The activity channels the device reports on (bits by `Signal::CHANNELS` index);
    /// a phone reports calls, steps and phone use.
    pub channels: u8,
    pub last_report: Timestamp,
    /// Reports on a schedule (plugs, meters, step apps that report hours without steps too,
    /// anything that sends heartbeats), so its silence means it is offline.
    pub periodic: bool,
    /// A whole-home meter (its readings are in `plug`, judged against the base load).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub meter: bool,
    pub plug: Option<PlugReading>,
    /// A `disposition` of `device_fault` reported the device faulty; cleared by its next
    /// sign of life (absent from snapshots written before dispositions).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reported_fault: bool,
}

/// Serde for an interned id: written as text.
mod serde_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::names::Name;

    pub fn serialize<S: Serializer>(n: &Name, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(n)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        let text: String = Deserialize::deserialize(d)?;
        Ok(Name::new(text))
    }
}

/// Serde for a reading's light: written as an optional number.
mod serde_lux {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(lux: &u64, s: S) -> Result<S::Ok, S::Error> {
        (*lux != super::NO_LUX).then(|| f64::from_bits(*lux)).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let lux: Option<f64> = Deserialize::deserialize(d)?;
        Ok(lux.map_or(super::NO_LUX, f64::to_bits))
    }
}
