//! Exponential backoff with jitter for retried jobs.

use std::time::Duration;

use rand::Rng;

const BASE: Duration = Duration::from_secs(2);
const CAP: Duration = Duration::from_secs(3600);

/// Delay before the next try after `attempts` failed attempts: 2 s, 4 s, 8 s… capped at one hour,
/// with ±20 % jitter so a burst of failures does not retry in lockstep.
pub fn backoff_delay(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 20) as u32 - 1;
    let raw = BASE.saturating_mul(2u32.saturating_pow(exponent)).min(CAP);
    let jitter = rand::rng().random_range(0.8..1.2);
    raw.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_and_are_capped() {
        let first = backoff_delay(1);
        assert!(first >= Duration::from_millis(1600) && first <= Duration::from_millis(2400));
        let fifth = backoff_delay(5);
        assert!(fifth >= Duration::from_millis(25_600) && fifth <= Duration::from_millis(38_400));
        assert!(backoff_delay(100) <= CAP.mul_f64(1.2));
    }
}
