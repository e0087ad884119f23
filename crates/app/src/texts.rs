//! Texts the bot sends to subscribers (Telegram HTML; every dynamic part escaped).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// Escapes `&`, `<`, `>` and `"` for HTML (Telegram's HTML parse mode and Paygate's own pages).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn usd(amount: Decimal) -> String {
    format!("${:.2}", amount)
}

/// "30 days", "1 day", or "lifetime".
pub fn duration(days: i64) -> String {
    match days {
        36_500 => "lifetime".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
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
