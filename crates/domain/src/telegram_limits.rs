//! Telegram's flood limits for one bot, and the spacing between sends that keeps within them.
//!
//! Telegram answers 429 to a bot that sends more than about 30 calls a second overall, more than one
//! message a second to one private chat, or more than 20 a minute to one group or channel. A bot with
//! paid broadcasts may send up to 1,000 a second overall, and the benchmark scales every limit. The
//! sender paces itself with evenly spaced slots; a send may land a little after its slot (a slow
//! process, the network), so the spacing leaves room for that lateness.

use std::time::Duration;

/// How many calls Telegram accepts from one bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelegramLimits {
    /// Calls of any kind in any one second.
    pub global_per_second: u32,
    /// Messages to one private chat in any one second.
    pub private_chat_per_second: u32,
    /// Messages to one group or channel (negative chat ids) in any one minute.
    pub group_chat_per_minute: u32,
}

impl TelegramLimits {
    /// Telegram's documented limits for a bot without paid broadcasts.
    pub const STANDARD: Self =
        Self { global_per_second: 30, private_chat_per_second: 1, group_chat_per_minute: 20 };

    /// The spacings that keep within these limits when a send may arrive up to `lateness` after its
    /// slot (and never before it).
    pub fn spacing(&self, lateness: Duration) -> SendSpacing {
        let second = Duration::from_secs(1);
        let minute = Duration::from_secs(60);
        SendSpacing {
            global: spacing_within(second, self.global_per_second, lateness),
            private_chat: spacing_within(second, self.private_chat_per_second, lateness),
            group_chat: spacing_within(minute, self.group_chat_per_minute, lateness),
        }
    }
}

impl Default for TelegramLimits {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// The least time between two reserved sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendSpacing {
    /// Between any two calls of the bot.
    pub global: Duration,
    /// Between two messages to one private chat.
    pub private_chat: Duration,
    /// Between two messages to one group or channel.
    pub group_chat: Duration,
}

impl SendSpacing {
    /// The spacing between two sends to `chat_id` (groups and channels have negative ids).
    pub fn chat(&self, chat_id: i64) -> Duration {
        if chat_id < 0 { self.group_chat } else { self.private_chat }
    }
}

/// Slots `spacing` apart, each send arriving within `lateness` after its slot: `limit + 1` arrivals
/// span at least `limit × spacing − lateness`, which must reach `window` so that no window of that
/// length holds more than `limit` of them. Rounded up to whole microseconds (the slot calendar's unit).
fn spacing_within(window: Duration, limit: u32, lateness: Duration) -> Duration {
    let micros = (window + lateness).as_micros().div_ceil(u128::from(limit.max(1)));
    Duration::from_micros(u64::try_from(micros).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_standard_limits_with_200_ms_of_lateness_give_25_calls_a_second() {
        let spacing = TelegramLimits::STANDARD.spacing(Duration::from_millis(200));
        assert_eq!(spacing.global, Duration::from_millis(40));
        assert_eq!(spacing.private_chat, Duration::from_millis(1200));
        assert_eq!(spacing.group_chat, Duration::from_millis(3010));
        assert_eq!(spacing.chat(-100), spacing.group_chat);
        assert_eq!(spacing.chat(100), spacing.private_chat);
    }

    #[test]
    fn scaled_limits_with_80_ms_of_lateness_keep_over_nine_tenths_of_the_rate() {
        let limits = TelegramLimits {
            global_per_second: 1000,
            private_chat_per_second: 10,
            group_chat_per_minute: 600,
        };
        let spacing = limits.spacing(Duration::from_millis(80));
        assert_eq!(spacing.global, Duration::from_micros(1080));
        let rate = 1.0 / spacing.global.as_secs_f64();
        assert!((900.0..1000.0).contains(&rate), "{rate}/s");
    }

    /// The most arrivals in any half-open window `[t, t + window)`.
    fn most_in_any_window(arrivals: &mut [u128], window: u128) -> usize {
        arrivals.sort_unstable();
        let mut start = 0;
        let mut most = 0;
        for end in 0..arrivals.len() {
            while arrivals[end] - arrivals[start] >= window {
                start += 1;
            }
            most = most.max(end - start + 1);
        }
        most
    }

    proptest! {
        /// Sends on consecutive slots, each arriving anywhere up to `lateness` late (the worst case
        /// being early sends bunched behind late ones), never exceed the limit in any window.
        #[test]
        fn late_arrivals_on_consecutive_slots_never_exceed_the_limit(
            limit in 1u32..2000,
            lateness_micros in 0u64..500_000,
            late in proptest::collection::vec(0.0f64..=1.0, 1..3000),
            window_is_minute in any::<bool>(),
        ) {
            let window = if window_is_minute { Duration::from_secs(60) } else { Duration::from_secs(1) };
            let lateness = Duration::from_micros(lateness_micros);
            let spacing = spacing_within(window, limit, lateness).as_micros();
            let mut arrivals: Vec<u128> = late
                .iter()
                .enumerate()
                .map(|(i, fraction)| i as u128 * spacing + (fraction * lateness_micros as f64) as u128)
                .collect();
            let most = most_in_any_window(&mut arrivals, window.as_micros());
            prop_assert!(most <= limit as usize, "{most} arrivals in one window, limit {limit}");
        }

        /// Nor do the worst arrivals: every `limit`-th send as late as allowed, the next ones on time.
        #[test]
        fn the_worst_lateness_pattern_stays_within_the_limit(limit in 1u32..2000, lateness_micros in 0u64..500_000) {
            let window = Duration::from_secs(1);
            let spacing = spacing_within(window, limit, Duration::from_micros(lateness_micros)).as_micros();
            let count = (limit as usize) * 3 + 1;
            let mut arrivals: Vec<u128> = (0..count)
                .map(|i| i as u128 * spacing + if i % (limit as usize + 1) == 0 { u128::from(lateness_micros) } else { 0 })
                .collect();
            prop_assert!(most_in_any_window(&mut arrivals, window.as_micros()) <= limit as usize);
        }
    }
}
