//! Confirmed payments: recorded once per provider payment id, with fee and owner share.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug)]
pub struct NewPayment<'a> {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub provider_payment_id: &'a str,
    pub channel_id: Uuid,
    pub telegram_user_id: i64,
    pub kind: &'a str,
    pub verdict: &'a str,
    pub price_usd: Decimal,
    pub paid_usd: Option<Decimal>,
    /// `None` (with `platform_fee`, `owner_share`) when no usable settlement was reported: held.
    pub outcome_amount: Option<Decimal>,
    pub outcome_currency: Option<&'a str>,
    pub fee_percent: Decimal,
    pub platform_fee: Option<Decimal>,
    pub owner_share: Option<Decimal>,
    pub payout_status: &'a str,
    /// Why the payment is on hold (set exactly when `payout_status` is `on_hold`).
    pub hold_reason: Option<&'a str>,
    pub parent_payment_id: Option<&'a str>,
}

/// Inserts the payment unless this provider payment id was recorded before; `false` for a duplicate.
pub async fn insert_once(conn: &mut PgConnection, p: &NewPayment<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO payments (id, invoice_id, provider_payment_id, channel_id, telegram_user_id, kind, verdict, price_usd,
                                paid_usd, outcome_amount, outcome_currency, fee_percent, platform_fee, owner_share, payout_status,
                                hold_reason, parent_payment_id)
           VALUES ($1, $2, $3, $4, $5, $6::text::offer_kind, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           ON CONFLICT (provider_payment_id) DO NOTHING
           RETURNING id"#,
        p.id,
        p.invoice_id,
        p.provider_payment_id,
        p.channel_id,
        p.telegram_user_id,
        p.kind,
        p.verdict,
        p.price_usd,
        p.paid_usd,
        p.outcome_amount,
        p.outcome_currency,
        p.fee_percent,
        p.platform_fee,
        p.owner_share,
        p.payout_status,
        p.hold_reason,
        p.parent_payment_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// The provider payment id of a payment already recorded for the invoice under another id (any
/// verdict except `mismatch`: a mismatched notification did not pay this invoice).
pub async fn other_payment_of_invoice(
    conn: &mut PgConnection,
    invoice_id: Uuid,
    provider_payment_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT provider_payment_id FROM payments
         WHERE invoice_id = $1 AND provider_payment_id <> $2 AND verdict <> 'mismatch'
         ORDER BY created_at LIMIT 1",
        invoice_id,
        provider_payment_id
    )
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub telegram_user_id: i64,
    pub kind: String,
    pub verdict: String,
    pub price_usd: Decimal,
    pub paid_usd: Option<Decimal>,
    pub outcome_amount: Option<Decimal>,
    pub outcome_currency: Option<String>,
    pub platform_fee: Option<Decimal>,
    pub owner_share: Option<Decimal>,
    pub payout_status: String,
    pub hold_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A channel's payments, newest first.
pub async fn for_channel(
    conn: &mut PgConnection,
    channel_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    sqlx::query_as!(
        PaymentRow,
        r#"SELECT id, invoice_id, telegram_user_id, kind::text AS "kind!", verdict, price_usd, paid_usd, outcome_amount,
                  outcome_currency, platform_fee, owner_share, payout_status, hold_reason, created_at
           FROM payments WHERE channel_id = $1
           ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"#,
        channel_id,
        limit,
        offset
    )
    .fetch_all(conn)
    .await
}
