//! The numbers and local times in reasons' sentences, written without `core::fmt`'s float
//! machinery: exactly the text `format!` writes, at a fraction of its cost (a replay writes a
//! sentence for every reported reason of every hourly row).

use std::fmt;

use crate::time::Timestamp;

/// `x` with `decimals` digits after the point (at most 3): the text of
/// `format!("{x:.decimals$}")`, which rounds the exact binary value of `x`.
pub(crate) fn fixed(x: f64, decimals: u8) -> Fixed {
    Fixed { x, decimals: decimals.min(3) }
}

/// See [`fixed`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixed {
    x: f64,
    decimals: u8,
}

impl Fixed {
    /// `x × 10^decimals` rounded to a whole number as `format!` rounds it, where that can be
    /// told without its exact arithmetic: `None` for a negative, huge or non-finite `x`, and
    /// for one whose scaled value lies within rounding error of a half (only there could the
    /// product's rounding error, at most half an ulp, change the side it rounds to).
    fn scaled(self) -> Option<u64> {
        const POWERS: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];
        const LIMIT: f64 = (1u64 << 50) as f64;
        if !self.x.is_sign_positive() {
            return None;
        }
        let s = self.x * POWERS[usize::from(self.decimals)];
        if s.is_nan() || s >= LIMIT {
            return None;
        }
        let whole = s.floor();
        let frac = s - whole;
        if (frac - 0.5).abs() <= s * f64::EPSILON * 4.0 + f64::MIN_POSITIVE {
            return None;
        }
        Some(whole as u64 + u64::from(frac > 0.5))
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(mut n) = self.scaled() else {
            return write!(f, "{:.*}", usize::from(self.decimals), self.x);
        };
        // Digits from the right: the decimals, the point, then the whole part.
        let mut buf = [0u8; 24];
        let mut at = buf.len();
        let mut put = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        for _ in 0..self.decimals {
            put(b'0' + (n % 10) as u8);
            n /= 10;
        }
        if self.decimals > 0 {
            put(b'.');
        }
        loop {
            put(b'0' + (n % 10) as u8);
            n /= 10;
            if n == 0 {
                break;
            }
        }
        f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| fmt::Error)?)
    }
}

impl Timestamp {
    /// Formats the time in a time zone as `YYYY-MM-DD HH:MM`, for human-readable reasons.
    pub fn local_minute(self, tz: &jiff::tz::TimeZone) -> String {
        local_minute(self, tz).to_string()
    }
}

/// A time in a time zone as `YYYY-MM-DD HH:MM` (what `strftime("%Y-%m-%d %H:%M")` writes).
pub(crate) fn local_minute(t: Timestamp, tz: &jiff::tz::TimeZone) -> LocalMinute {
    LocalMinute(tz.to_datetime(t.to_jiff()))
}

/// See [`local_minute`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct LocalMinute(jiff::civil::DateTime);

impl fmt::Display for LocalMinute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dt = self.0;
        if !(1000..=9999).contains(&dt.year()) {
            return write!(f, "{}", dt.strftime("%Y-%m-%d %H:%M"));
        }
        // Every field has a fixed width.
        let mut buf = *b"0000-00-00 00:00";
        let mut put = |end: usize, width: usize, v: i16| {
            let mut v = v.unsigned_abs();
            for i in (end - width..end).rev() {
                buf[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(4, 4, dt.year());
        put(7, 2, dt.month().into());
        put(10, 2, dt.day().into());
        put(13, 2, dt.hour().into());
        put(16, 2, dt.minute().into());
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn writes_what_format_writes() {
        for x in [
            0.0, 0.04, 0.05, 0.15, 0.25, 0.35, 0.45, 0.5, 1.5, 2.5, 9.95, 9.949999, 10.0, 99.5, 123.456, 0.001, 1e14,
            1e20,
        ] {
            for d in 0..=3u8 {
                assert_eq!(fixed(x, d).to_string(), format!("{x:.*}", usize::from(d)), "{x} {d}");
            }
        }
        for x in [-0.0, -0.04, -1.25, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(fixed(x, 1).to_string(), format!("{x:.1}"), "{x}");
        }
    }

    #[test]
    fn writes_local_minutes_as_strftime() {
        let tz = jiff::tz::TimeZone::get("Asia/Seoul").unwrap();
        let t: Timestamp = "2024-12-31T15:05:59.999Z".parse().unwrap();
        assert_eq!(local_minute(t, &tz).to_string(), "2025-01-01 00:05");
    }

    proptest! {
        #[test]
        fn any_number_is_written_as_format_writes_it(x in proptest::num::f64::ANY, d in 0..=3u8) {
            prop_assert_eq!(fixed(x, d).to_string(), format!("{x:.*}", usize::from(d)));
        }

        #[test]
        fn numbers_near_halves_are_written_as_format_writes_them(k in 0u64..2_000_000, d in 0..=3u8, ulps in -4i64..=4) {
            let half = (k as f64 + 0.5) / [1.0, 10.0, 100.0, 1000.0][usize::from(d)];
            let x = f64::from_bits((half.to_bits() as i64 + ulps) as u64);
            prop_assert_eq!(fixed(x, d).to_string(), format!("{x:.*}", usize::from(d)));
        }

        #[test]
        fn any_time_is_written_as_strftime_writes_it(ms in 0i64..=253_402_207_200_000, zone in 0usize..4) {
            let tz = jiff::tz::TimeZone::get(["Asia/Seoul", "America/New_York", "Asia/Kolkata", "UTC"][zone]).unwrap();
            let t = Timestamp::from_millis(ms).unwrap();
            let want = t.to_jiff().to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string();
            prop_assert_eq!(local_minute(t, &tz).to_string(), want);
        }
    }
}
