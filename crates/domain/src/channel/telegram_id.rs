//! Telegram ids: channel chat ids (`-100…`) and user ids, always 64-bit integers, never strings.

use std::fmt;

use crate::limits::{
    TELEGRAM_CHAT_ID_PREFIX, TELEGRAM_CHAT_ID_SUFFIX_MAX_DIGITS, TELEGRAM_CHAT_ID_SUFFIX_MIN_DIGITS,
    TELEGRAM_USER_ID_MAX, TELEGRAM_USER_ID_MIN,
};

/// A channel's chat id: negative, its decimal form `-100` followed by 6–10 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TelegramChatId(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "must be a Telegram channel id: {TELEGRAM_CHAT_ID_PREFIX} followed by {TELEGRAM_CHAT_ID_SUFFIX_MIN_DIGITS} to {TELEGRAM_CHAT_ID_SUFFIX_MAX_DIGITS} digits"
)]
pub struct TelegramChatIdError;

impl TelegramChatId {
    /// Checked arithmetically, so the sign and every digit are kept (no string slicing).
    pub fn parse(raw: i64) -> Result<TelegramChatId, TelegramChatIdError> {
        if raw >= 0 {
            return Err(TelegramChatIdError);
        }
        let magnitude = raw.unsigned_abs();
        // Digits after "-": "100" plus the suffix.
        let digits = magnitude.checked_ilog10().map_or(1, |log| log + 1);
        let suffix_digits = digits.saturating_sub(3);
        let in_range = (TELEGRAM_CHAT_ID_SUFFIX_MIN_DIGITS..=TELEGRAM_CHAT_ID_SUFFIX_MAX_DIGITS)
            .contains(&suffix_digits);
        if in_range && magnitude / 10u64.pow(suffix_digits) == 100 {
            Ok(TelegramChatId(raw))
        } else {
            Err(TelegramChatIdError)
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for TelegramChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<i64> for TelegramChatId {
    type Error = TelegramChatIdError;

    fn try_from(raw: i64) -> Result<Self, Self::Error> {
        TelegramChatId::parse(raw)
    }
}

/// A Telegram user's id: positive and at most 2^52.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TelegramUserId(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a Telegram user id: a whole number from {TELEGRAM_USER_ID_MIN} to {TELEGRAM_USER_ID_MAX}")]
pub struct TelegramUserIdError;

impl TelegramUserId {
    pub fn parse(raw: i64) -> Result<TelegramUserId, TelegramUserIdError> {
        if (TELEGRAM_USER_ID_MIN..=TELEGRAM_USER_ID_MAX).contains(&raw) {
            Ok(TelegramUserId(raw))
        } else {
            Err(TelegramUserIdError)
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for TelegramUserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<i64> for TelegramUserId {
    type Error = TelegramUserIdError;

    fn try_from(raw: i64) -> Result<Self, Self::Error> {
        TelegramUserId::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_ids_of_ten_to_fourteen_characters_starting_with_minus_100_are_accepted() {
        for raw in [-1001234567890, -1009876543210, -100123456, -1000000000, -1000000000000, -1009999999999] {
            assert_eq!(TelegramChatId::parse(raw).map(TelegramChatId::get), Ok(raw));
        }
    }

    #[test]
    fn positive_short_long_or_differently_prefixed_ids_are_rejected() {
        for raw in [
            1234,
            -1234,
            0,
            -1,
            -100,
            -10012345,       // 9 characters
            -10012345678901, // 15 characters
            1001234567890,   // positive
            -1011234567890,  // -101…
            -2001234567890,  // -200…
            -123456789,      // ordinary group id
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(TelegramChatId::parse(raw), Err(TelegramChatIdError), "{raw}");
        }
    }

    #[test]
    fn user_ids_from_one_to_two_to_the_52_are_accepted() {
        for raw in [1, 123456789, 1 << 52] {
            assert_eq!(TelegramUserId::parse(raw).map(TelegramUserId::get), Ok(raw));
        }
    }

    #[test]
    fn zero_negative_and_too_large_user_ids_are_rejected() {
        for raw in [0, -1, -1001234567890, (1 << 52) + 1, i64::MAX, i64::MIN] {
            assert_eq!(TelegramUserId::parse(raw), Err(TelegramUserIdError), "{raw}");
        }
    }
}
