//! Open invoices of one subscriber: one is reused instead of creating another, and only a few may be open.

use chrono::{DateTime, Utc};
use paygate_domain::{channel::TierLevel, status::OfferKind};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

/// An invoice that may still be paid.
#[derive(Debug, Clone)]
pub struct OpenInvoice {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub kind: OfferKind,
    pub tier_level: Option<TierLevel>,
    pub duration_days: Option<i32>,
    pub price_usd: Decimal,
    /// `None` while the provider call that creates it is in flight.
    pub invoice_url: Option<String>,
    pub expires_at: DateTime<Utc>,
}

struct RawOpenInvoice {
    id: Uuid,
    channel_id: Uuid,
    kind: String,
    tier_level: Option<i16>,
    duration_days: Option<i32>,
    price_usd: Decimal,
    invoice_url: Option<String>,
    expires_at: DateTime<Utc>,
}

impl TryFrom<RawOpenInvoice> for OpenInvoice {
    type Error = sqlx::Error;

    fn try_from(raw: RawOpenInvoice) -> Result<OpenInvoice, sqlx::Error> {
        Ok(OpenInvoice {
            id: raw.id,
            channel_id: raw.channel_id,
            kind: decoded(OfferKind::parse(&raw.kind))?,
            tier_level: raw.tier_level.map(|level| decoded(TierLevel::from_stored(level))).transpose()?,
            duration_days: raw.duration_days,
            price_usd: raw.price_usd,
            invoice_url: raw.invoice_url,
            expires_at: raw.expires_at,
        })
    }
}

/// Serialises invoice creation of one subscriber until the transaction ends (two "Pay" presses at
/// once must not both create an invoice).
pub async fn lock_subscriber(conn: &mut PgConnection, telegram_user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('paygate.open_invoices.' || $1::bigint::text, 0))",
        telegram_user_id
    )
    .fetch_one(conn)
    .await
    .map(|_| ())
}

/// Invoices of the subscriber that are not final, not past their expiry and not abandoned while being
/// created (a row without URL older than two minutes is a creation that never finished), newest first.
pub async fn of_subscriber(
    conn: &mut PgConnection,
    telegram_user_id: i64,
) -> Result<Vec<OpenInvoice>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawOpenInvoice,
        r#"SELECT id, channel_id, kind::text AS "kind!", tier_level, duration_days, price_usd, invoice_url, expires_at
           FROM invoices
           WHERE telegram_user_id = $1
             AND status IN ('created', 'waiting', 'confirming', 'confirmed', 'sending', 'partially_paid')
             AND expires_at > now()
             AND (invoice_url IS NOT NULL OR created_at > now() - interval '2 minutes')
           ORDER BY created_at DESC"#,
        telegram_user_id
    )
    .fetch_all(conn)
    .await?;
    all(rows, OpenInvoice::try_from)
}
