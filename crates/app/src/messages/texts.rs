//! Texts the bot sends to subscribers (Telegram HTML; every dynamic part escaped).

use std::time::Duration;

use chrono::{DateTime, Utc};
use paygate_domain::limits::LIFETIME_DAYS;
use rust_decimal::Decimal;

/// Escapes `&`, `<`, `>` and `"` for Telegram's HTML parse mode (HTTP pages escape their own).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn usd(amount: Decimal) -> String {
    format!("${:.2}", amount)
}

/// Like [`usd`] with thousands separators: "$9,999.99".
pub fn usd_grouped(amount: Decimal) -> String {
    let plain = format!("{:.2}", amount.abs());
    let (integer, cents) = plain.split_once('.').unwrap_or((plain.as_str(), "00"));
    let mut grouped = String::new();
    for (i, digit) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if amount.is_sign_negative() && !amount.is_zero() { "-" } else { "" };
    format!("{sign}${grouped}.{cents}")
}

/// "30 days", "1 day", or "lifetime".
pub fn duration(days: i64) -> String {
    match days {
        d if d == i64::from(LIFETIME_DAYS) => "lifetime".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

/// A configured period as the subscriber reads it: "24 hours", "1 hour", "90 minutes".
pub fn period(period: Duration) -> String {
    let minutes = period.as_secs() / 60;
    match (minutes / 60, minutes % 60) {
        (1, 0) => "1 hour".into(),
        (hours, 0) if hours > 0 => format!("{hours} hours"),
        _ if minutes == 1 => "1 minute".into(),
        _ => format!("{minutes} minutes"),
    }
}

pub fn invite(
    title: &str,
    tier_emoji: &str,
    expires_at: DateTime<Utc>,
    link_ttl_minutes: u64,
    join_request: bool,
) -> String {
    let how = if join_request {
        "Open the link and send the join request: it is approved for you only."
    } else {
        "The link works for one person only."
    };
    format!(
        "✅ Payment confirmed.\n\n{tier_emoji} <b>{}</b>\nYour access is valid until <b>{}</b>.\n\n{how} It expires in {link_ttl_minutes} minutes; \
         use /status for a new one.",
        escape(title),
        date(expires_at)
    )
}

pub fn underpaid(price: Decimal, paid: Decimal, shortfall: Decimal) -> String {
    format!(
        "⚠️ Your payment arrived short: the price is {}, we received {} ({} missing), so access was not granted.\n\
         Please contact the channel owner; the payment is kept on hold for review.",
        usd(price),
        usd(paid),
        usd(shortfall)
    )
}

pub fn payment_on_hold() -> String {
    "⏳ Your payment arrived, but the provider did not report how much was paid, so it needs a manual check \
     before access is granted. Nothing is lost: the payment is kept on hold for review."
        .to_owned()
}

pub fn extra_deposit_on_hold() -> String {
    "ℹ️ We received a further payment for an invoice that was already paid. It does not extend your access \
     by itself: it is kept on hold for review. Please contact the channel owner."
        .to_owned()
}

pub fn donation_thanks(amount: Decimal) -> String {
    format!("💝 Thank you! Your donation of {} arrived.", usd(amount))
}

pub fn reminder(title: &str, expires_at: DateTime<Utc>) -> String {
    format!(
        "⏰ Your access to <b>{}</b> ends on <b>{}</b>. Renew to keep it.",
        escape(title),
        date(expires_at)
    )
}

pub fn expired(title: &str) -> String {
    format!("⌛ Your access to <b>{}</b> has ended. You can renew at any time.", escape(title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usd_amounts_are_grouped_by_thousands_with_two_decimals() {
        let cases =
            [("1", "$1.00"), ("999.5", "$999.50"), ("9999.99", "$9,999.99"), ("1234567", "$1,234,567.00")];
        for (raw, expected) in cases {
            assert_eq!(usd_grouped(raw.parse().unwrap_or_default()), expected);
        }
    }

    #[test]
    fn the_lifetime_duration_reads_lifetime_and_others_in_days() {
        assert_eq!(duration(i64::from(LIFETIME_DAYS)), "lifetime");
        assert_eq!(duration(1), "1 day");
        assert_eq!(duration(30), "30 days");
    }

    #[test]
    fn periods_read_in_whole_hours_or_else_minutes() {
        assert_eq!(period(Duration::from_secs(24 * 3600)), "24 hours");
        assert_eq!(period(Duration::from_secs(3600)), "1 hour");
        assert_eq!(period(Duration::from_secs(90 * 60)), "90 minutes");
        assert_eq!(period(Duration::from_secs(60)), "1 minute");
    }
}
