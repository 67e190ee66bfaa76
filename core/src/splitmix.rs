//! SplitMix64's mixing step: the deterministic draws of [`crate::AnswerRate`] and the
//! simulator's random generator.

/// SplitMix64's output for the state `z` (the state advanced once, then finalized): a
/// well-mixed 64-bit value of `z`. The simulator's generator steps with it too.
pub(crate) fn mix(z: u64) -> u64 {
    let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
