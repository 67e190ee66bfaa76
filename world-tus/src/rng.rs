//! A small deterministic pseudo-random generator (SplitMix64) and the draws the world needs.
//!
//! Written here rather than taken from `rand`: twenty lines, no dependency, and its output
//! can never change under a crate upgrade, so a seed names the same world forever.

/// SplitMix64's output function: a well-mixed 64-bit value of `z`.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in `[0, 1)` that depends only on `keys`: draws that must not depend on the order
/// in which they are asked for (the responder's).
pub fn unit_of(keys: &[u64]) -> f64 {
    to_unit(keys.iter().fold(0x5EED_0FAB_u64, |h, k| mix(h ^ mix(k.wrapping_add(0x9E37_79B9_7F4A_7C15)))))
}

fn to_unit(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A SplitMix64 stream.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The stream named by a seed and keys (a person, a purpose...).
    pub fn stream(seed: u64, keys: &[u64]) -> Rng {
        Rng(keys.iter().fold(mix(seed ^ 0x0A2B_C3D4_E5F6_0718), |h, k| mix(h ^ mix(*k))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        to_unit(self.next_u64())
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[lo, hi]`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Poisson with mean `lambda` (Knuth's method; the world's means are small).
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u32;
        }
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }

    /// One of `items` (which must not be empty), uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.int(0, items.len() as i64 - 1) as usize]
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.int(0, i as i64) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(1, &[2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::stream(1, &[2]).next_u64(), Rng::stream(1, &[3]).next_u64());
        assert_eq!(unit_of(&[1, 2, 3]), unit_of(&[1, 2, 3]));
        let mut r = Rng::stream(7, &[]);
        let mean = (0..20_000).map(|_| r.poisson(2.5) as f64).sum::<f64>() / 20_000.0;
        assert!((mean - 2.5).abs() < 0.1, "{mean}");
    }
}
