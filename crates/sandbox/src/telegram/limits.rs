//! Telegram's flood limits, kept by the sandbox: a call over them is refused with 429 and `retry_after`.
//!
//! Telegram answers `429 Too Many Requests` to a bot that sends more than about 30 messages per
//! second overall, more than one per second to one private chat, or more than 20 per minute to one
//! group or channel. The sandbox keeps the same rules (per process, in memory), so a pacing defect
//! shows in the sandbox as it would in Telegram instead of passing unseen; scaled limits (the
//! benchmark's, or a bot with paid broadcasts) are kept just as strictly.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

use paygate_domain::{messenger::MessengerError, telegram_limits::TelegramLimits};

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// When accepted calls happened: all of them, and the messages of each chat.
#[derive(Debug, Default)]
pub(super) struct FloodLimits {
    limits: TelegramLimits,
    book: Mutex<Book>,
}

#[derive(Debug, Default)]
struct Book {
    global: VecDeque<Instant>,
    chats: HashMap<i64, VecDeque<Instant>>,
    refused: u64,
}

impl FloodLimits {
    pub(super) fn new(limits: TelegramLimits) -> Self {
        Self { limits, book: Mutex::default() }
    }

    /// Admits a message to `chat_id` (counts against the chat and the bot), or refuses it with 429.
    pub(super) fn message(&self, chat_id: i64) -> Result<(), MessengerError> {
        self.admit(Some(chat_id), Instant::now())
    }

    /// Admits an admin action (invite links, join requests, bans): only the bot's overall rate applies.
    pub(super) fn action(&self) -> Result<(), MessengerError> {
        self.admit(None, Instant::now())
    }

    /// How many calls were refused with 429 so far.
    pub(super) fn refused(&self) -> u64 {
        self.lock().refused
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn admit(&self, chat_id: Option<i64>, now: Instant) -> Result<(), MessengerError> {
        let mut book = self.lock();
        let book = &mut *book;
        let global = count(self.limits.global_per_second);
        if let Some(wait) = blocked(&mut book.global, now, SECOND, global) {
            book.refused += 1;
            return Err(too_many(wait));
        }
        if let Some(chat_id) = chat_id {
            let (window, limit) = if chat_id < 0 {
                (MINUTE, count(self.limits.group_chat_per_minute))
            } else {
                (SECOND, count(self.limits.private_chat_per_second))
            };
            let sent = book.chats.entry(chat_id).or_default();
            if let Some(wait) = blocked(sent, now, window, limit) {
                book.refused += 1;
                return Err(too_many(wait));
            }
            sent.push_back(now);
        }
        book.global.push_back(now);
        Ok(())
    }
}

fn count(limit: u32) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// Forgets calls older than `window`; when `limit` calls remain inside it, how long until the oldest
/// of them leaves the window.
fn blocked(sent: &mut VecDeque<Instant>, now: Instant, window: Duration, limit: usize) -> Option<Duration> {
    while sent.front().is_some_and(|at| now.duration_since(*at) >= window) {
        sent.pop_front();
    }
    (sent.len() >= limit).then(|| sent.front().map_or(window, |oldest| (*oldest + window) - now))
}

/// Telegram's answer: retry after whole seconds (at least one).
fn too_many(wait: Duration) -> MessengerError {
    let seconds = wait.as_millis().div_ceil(1000).max(1);
    MessengerError::RateLimited { retry_after: Duration::from_secs(u64::try_from(seconds).unwrap_or(1)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: i64 = 42;
    const CHANNEL: i64 = -1_000_042;

    #[test]
    fn a_second_message_to_a_private_chat_within_a_second_is_refused_and_admitted_after_it() {
        let limits = FloodLimits::default();
        let t = Instant::now();
        assert!(limits.admit(Some(USER), t).is_ok());
        let refused = limits.admit(Some(USER), t + Duration::from_millis(900)).unwrap_err();
        assert_eq!(refused, MessengerError::RateLimited { retry_after: Duration::from_secs(1) });
        assert!(limits.admit(Some(USER + 1), t + Duration::from_millis(900)).is_ok(), "other chats are free");
        assert!(limits.admit(Some(USER), t + Duration::from_millis(1000)).is_ok());
        assert_eq!(limits.refused(), 1);
    }

    #[test]
    fn a_channel_takes_twenty_messages_a_minute() {
        let limits = FloodLimits::default();
        let t = Instant::now();
        for i in 0..20 {
            assert!(limits.admit(Some(CHANNEL), t + Duration::from_millis(1100 * i)).is_ok(), "message {i}");
        }
        let refused = limits.admit(Some(CHANNEL), t + Duration::from_secs(30)).unwrap_err();
        assert_eq!(refused, MessengerError::RateLimited { retry_after: Duration::from_secs(30) });
        assert!(limits.admit(Some(CHANNEL), t + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn the_bot_makes_thirty_calls_a_second_overall_of_any_kind() {
        let limits = FloodLimits::default();
        let t = Instant::now();
        for i in 0..30 {
            let at = t + Duration::from_millis(10 * i);
            let admitted =
                if i % 2 == 0 { limits.admit(None, at) } else { limits.admit(Some(1000 + i as i64), at) };
            assert!(admitted.is_ok(), "call {i}");
        }
        assert!(limits.admit(None, t + Duration::from_millis(500)).is_err());
        assert!(limits.admit(Some(5), t + Duration::from_millis(500)).is_err(), "a fresh chat too");
        assert!(
            limits.admit(None, t + Duration::from_millis(1000)).is_ok(),
            "the first call left the window"
        );
        assert_eq!(limits.refused(), 2);
    }

    #[test]
    fn scaled_limits_are_kept_as_strictly() {
        let limits = FloodLimits::new(TelegramLimits {
            global_per_second: 1000,
            private_chat_per_second: 10,
            group_chat_per_minute: 600,
        });
        let t = Instant::now();
        for i in 0..10 {
            assert!(limits.admit(Some(USER), t + Duration::from_millis(i)).is_ok(), "message {i}");
        }
        assert!(limits.admit(Some(USER), t + Duration::from_millis(500)).is_err(), "the 11th in a second");
        for i in 0..990 {
            assert!(limits.admit(None, t + Duration::from_micros(600_000 + i)).is_ok(), "call {i}");
        }
        assert!(limits.admit(None, t + Duration::from_millis(999)).is_err(), "the 1,001st in a second");
        assert!(limits.admit(None, t + Duration::from_millis(1000)).is_ok(), "the first ten left the window");
        assert_eq!(limits.refused(), 2);
    }

    #[test]
    fn a_refused_call_does_not_count() {
        let limits = FloodLimits::default();
        let t = Instant::now();
        assert!(limits.admit(Some(USER), t).is_ok());
        for ms in [100, 200, 300] {
            assert!(limits.admit(Some(USER), t + Duration::from_millis(ms)).is_err());
        }
        assert!(limits.admit(Some(USER), t + SECOND).is_ok(), "refusals never push the window");
    }
}
