//! Rate accounting of the fake: when each send-like call arrived, and Telegram-style 429 enforcement.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use super::{ApiError, FakeState, FakeTelegram};

const WINDOW: Duration = Duration::from_secs(1);

#[derive(Default)]
pub(super) struct RateBook {
    /// Arrival of every accepted send-like call, with the chat (or, for admin actions, the member) it
    /// counts against per chat — `None` for calls limited only globally — in arrival order.
    sends: Vec<(Instant, Option<i64>)>,
    /// `(global per second, per chat per second)` when enforcement is on.
    limits: Option<(usize, usize)>,
    rejected: usize,
}

impl FakeTelegram {
    /// Answers 429 (with `retry_after`) to send-like calls beyond these rates, like Telegram does.
    pub fn enforce_limits(&self, global_per_sec: usize, per_chat_per_sec: usize) {
        self.lock().rates.limits = Some((global_per_sec, per_chat_per_sec));
    }

    /// How many calls the enforced limits refused with 429.
    pub fn rate_limited_calls(&self) -> usize {
        self.lock().rates.rejected
    }

    /// Arrival instants and per-chat keys of every accepted send-like call.
    pub fn send_log(&self) -> Vec<(Instant, Option<i64>)> {
        self.lock().rates.sends.clone()
    }

    /// The most send-like calls to one chat within any sliding one-second window.
    pub fn max_per_chat_in_any_second(&self) -> usize {
        let mut per_chat: HashMap<i64, Vec<Instant>> = HashMap::new();
        for &(at, key) in &self.lock().rates.sends {
            if let Some(chat_id) = key {
                per_chat.entry(chat_id).or_default().push(at);
            }
        }
        per_chat.values().map(|instants| max_in_window(instants)).max().unwrap_or(0)
    }

    /// The most send-like calls overall within any sliding one-second window.
    pub fn max_global_in_any_second(&self) -> usize {
        let instants: Vec<Instant> = self.lock().rates.sends.iter().map(|&(at, _)| at).collect();
        max_in_window(&instants)
    }
}

/// Records a message-like call to `chat_id` (global and per-chat limits), or refuses it with 429.
pub(super) fn admit(state: &mut FakeState, chat_id: i64) -> Result<(), ApiError> {
    admit_keyed(state, Some(chat_id))
}

/// Records an admin action (invite links, bans, join requests), limited only by the global rate:
/// Telegram's per-chat rate is about messages posted in a chat.
pub(super) fn admit_action(state: &mut FakeState) -> Result<(), ApiError> {
    admit_keyed(state, None)
}

fn admit_keyed(state: &mut FakeState, key: Option<i64>) -> Result<(), ApiError> {
    let now = Instant::now();
    let book = &mut state.rates;
    if let Some((global, per_chat)) = book.limits {
        let recent: Vec<&(Instant, Option<i64>)> =
            book.sends.iter().rev().take_while(|(at, _)| now.duration_since(*at) < WINDOW).collect();
        let in_chat: Vec<Instant> = match key {
            Some(chat_id) => {
                recent.iter().filter(|(_, chat)| *chat == Some(chat_id)).map(|(at, _)| *at).collect()
            }
            None => Vec::new(),
        };
        // Both lists run newest first: waiting for the `limit`-th newest to age out frees one place.
        let blocking = |newest_first: Vec<Instant>, limit: usize| {
            (newest_first.len() >= limit)
                .then(|| newest_first.get(limit.saturating_sub(1)).copied().unwrap_or(now))
        };
        let oldest_blocking = blocking(recent.iter().map(|(at, _)| *at).collect(), global)
            .or_else(|| blocking(in_chat, per_chat));
        if let Some(oldest) = oldest_blocking {
            book.rejected += 1;
            let wait = (oldest + WINDOW).saturating_duration_since(now);
            let retry_after = u32::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u32::MAX).max(1);
            let description = format!("Too Many Requests: retry after {retry_after}");
            return Err(ApiError(429, description, Some(retry_after)));
        }
    }
    book.sends.push((now, key));
    Ok(())
}

/// The largest number of `instants` (in any order) within one window `[t, t + 1 s)`.
fn max_in_window(instants: &[Instant]) -> usize {
    let mut sorted = instants.to_vec();
    sorted.sort_unstable();
    let mut start = 0;
    let mut best = 0;
    for end in 0..sorted.len() {
        while sorted[end].duration_since(sorted[start]) >= WINDOW {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_calls_less_than_one_second_apart() {
        let t = Instant::now();
        let ms = |n| t + Duration::from_millis(n);
        assert_eq!(max_in_window(&[]), 0);
        assert_eq!(max_in_window(&[ms(0), ms(1000), ms(2000)]), 1);
        assert_eq!(max_in_window(&[ms(2000), ms(0), ms(999), ms(1500), ms(1998)]), 3);
    }
}
