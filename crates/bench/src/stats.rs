//! Latency summaries: percentiles over recorded request durations (nearest-rank).

use std::time::Duration;

/// The latencies of one load phase, sorted once for percentile queries.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    sorted_micros: Vec<u64>,
}

impl Latencies {
    /// Builds a summary from raw durations in any order.
    pub fn new(samples: impl IntoIterator<Item = Duration>) -> Self {
        let mut sorted_micros: Vec<u64> =
            samples.into_iter().map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX)).collect();
        sorted_micros.sort_unstable();
        Self { sorted_micros }
    }

    /// The nearest-rank percentile `p` (0–100) in milliseconds; `None` without samples.
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.sorted_micros, p).map(|micros| micros as f64 / 1000.0)
    }
}

/// Nearest-rank percentile of an ascending slice: the smallest value with at least `p` % of the
/// samples at or below it.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let p = p.clamp(0.0, 100.0);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// `value / yardstick`, when the yardstick is positive.
pub fn ratio(value: f64, yardstick: f64) -> Option<f64> {
    (yardstick > 0.0 && value.is_finite()).then(|| value / yardstick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_pick_a_recorded_sample() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&values, 0.0), Some(1));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn latencies_are_reported_in_milliseconds_whatever_the_input_order() {
        let samples = [3, 1, 2, 4].map(Duration::from_millis);
        let latencies = Latencies::new(samples);
        assert_eq!(latencies.percentile_ms(50.0), Some(2.0));
        assert_eq!(latencies.percentile_ms(99.0), Some(4.0));
    }

    #[test]
    fn a_ratio_needs_a_positive_yardstick() {
        assert_eq!(ratio(50.0, 200.0), Some(0.25));
        assert_eq!(ratio(50.0, 0.0), None);
        assert_eq!(ratio(f64::NAN, 10.0), None);
    }
}
