//! Every numeric limit of accounts, channels and donations: one source for API, bot and database.

use rust_decimal::Decimal;

/// A USD amount given in cents, as a `Decimal` with scale 2 (usable in `const`).
const fn usd_cents(cents: u32) -> Decimal {
    Decimal::from_parts(cents, 0, 0, false, 2)
}

// Accounts (characters, not bytes).
pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 50;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;
/// RFC 5321 limits for an e-mail address and its local part.
pub const EMAIL_MAX: usize = 254;
pub const EMAIL_LOCAL_MAX: usize = 64;
/// Longest label of a domain name (RFC 1035).
pub const EMAIL_DOMAIN_LABEL_MAX: usize = 63;

// Channel texts (characters, after trimming).
pub const TITLE_MIN: usize = 1;
pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;
pub const DONATION_MESSAGE_MIN: usize = 10;
pub const DONATION_MESSAGE_MAX: usize = 256;

// Tiers.
pub const TIERS_MIN: usize = 1;
pub const TIERS_MAX: usize = 3;
/// Most decimal places any USD amount may have.
pub const USD_DECIMALS: u32 = 2;
/// Cheapest tier price allowed by the platform (the provider minimum may be higher).
pub const PRICE_MIN_USD: Decimal = usd_cents(1);
pub const PRICE_MAX_USD: Decimal = usd_cents(999_999);
/// Provider minimum used when the payment provider does not tell us its own.
pub const DEFAULT_PROVIDER_MIN_PRICE_USD: Decimal = usd_cents(100);
pub const DURATION_MIN_DAYS: u32 = 1;
pub const DURATION_MAX_DAYS: u32 = 999;
/// The one duration above `DURATION_MAX_DAYS` that is allowed: a lifetime subscription.
pub const LIFETIME_DAYS: u32 = 36_500;

// Payouts.
pub const THRESHOLD_MIN_USD: Decimal = usd_cents(5_000);
pub const THRESHOLD_MAX_USD: Decimal = usd_cents(10_000_000);
/// Payout currency tickers: lower-case `[a-z0-9]`.
pub const CURRENCY_CODE_MIN: usize = 2;
pub const CURRENCY_CODE_MAX: usize = 10;

// Donations.
pub const DONATION_MIN_USD: Decimal = usd_cents(100);
pub const DONATION_MAX_USD: Decimal = usd_cents(999_999);

// Owners.
/// Channels an owner may register unless an operator changes it.
pub const MAX_CHANNELS_PER_OWNER_DEFAULT: u32 = 10;

// Telegram ids.
/// A channel chat id is negative and its decimal form is `-100` followed by digits.
pub const TELEGRAM_CHAT_ID_PREFIX: &str = "-100";
/// Length of a channel chat id's decimal form, minus sign included.
pub const TELEGRAM_CHAT_ID_MIN_LEN: usize = 10;
pub const TELEGRAM_CHAT_ID_MAX_LEN: usize = 14;
/// Digits after the `-100` prefix, derived from the lengths above.
pub const TELEGRAM_CHAT_ID_SUFFIX_MIN_DIGITS: u32 =
    (TELEGRAM_CHAT_ID_MIN_LEN - TELEGRAM_CHAT_ID_PREFIX.len()) as u32;
pub const TELEGRAM_CHAT_ID_SUFFIX_MAX_DIGITS: u32 =
    (TELEGRAM_CHAT_ID_MAX_LEN - TELEGRAM_CHAT_ID_PREFIX.len()) as u32;
/// Telegram user ids are positive and fit in 52 bits (Bot API guarantee).
pub const TELEGRAM_USER_ID_MIN: i64 = 1;
pub const TELEGRAM_USER_ID_MAX: i64 = 1 << 52;

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimal_limits_have_the_documented_values_and_two_decimals() {
        assert_eq!(PRICE_MIN_USD, dec!(0.01));
        assert_eq!(PRICE_MAX_USD, dec!(9999.99));
        assert_eq!(DEFAULT_PROVIDER_MIN_PRICE_USD, dec!(1.00));
        assert_eq!(THRESHOLD_MIN_USD, dec!(50));
        assert_eq!(THRESHOLD_MAX_USD, dec!(100000));
        assert_eq!(DONATION_MIN_USD, dec!(1));
        assert_eq!(DONATION_MAX_USD, dec!(9999.99));
        assert_eq!(PRICE_MAX_USD.to_string(), "9999.99");
        assert_eq!(THRESHOLD_MIN_USD.to_string(), "50.00");
    }

    #[test]
    fn chat_id_suffix_digits_follow_from_the_lengths() {
        assert_eq!(TELEGRAM_CHAT_ID_SUFFIX_MIN_DIGITS, 6);
        assert_eq!(TELEGRAM_CHAT_ID_SUFFIX_MAX_DIGITS, 10);
    }
}
