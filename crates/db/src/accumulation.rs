//! Accumulation entries: owner value held for a later batch, and each channel's held balance.

use paygate_domain::status::{EntryReason, EntryStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// A share to hold for the next batch.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub owner_id: Uuid,
    pub payment_id: Uuid,
    pub payout_id: Option<Uuid>,
    pub reason: EntryReason,
    pub source_amount: Decimal,
    pub source_code: &'a str,
    pub source_network: &'a str,
    pub status: EntryStatus,
    /// Set when the value is already in USDT (locked at once).
    pub usdt_amount: Option<Decimal>,
}

/// Inserts the entry unless its payment has one already; `false` for a duplicate.
pub async fn insert_once(conn: &mut PgConnection, e: &NewEntry<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        "INSERT INTO accumulation_entries (id, channel_id, owner_id, payment_id, payout_id, reason, source_amount,
                                           source_code, source_network, status, usdt_amount)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (payment_id) DO NOTHING
         RETURNING id",
        e.id,
        e.channel_id,
        e.owner_id,
        e.payment_id,
        e.payout_id,
        e.reason.as_str(),
        e.source_amount,
        e.source_code,
        e.source_network,
        e.status.as_str(),
        e.usdt_amount,
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// What a channel holds in accumulation, per status and source asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceLine {
    pub status: String,
    pub source_code: String,
    pub source_network: String,
    pub entries: i64,
    pub source_amount: Decimal,
    /// Sum of the locked USDT values (converted entries only).
    pub usdt_amount: Decimal,
}

/// The channel's unpaid accumulation, grouped by status and source asset.
pub async fn balance_of_channel(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<Vec<BalanceLine>, sqlx::Error> {
    sqlx::query_as!(
        BalanceLine,
        r#"SELECT status, source_code, source_network, count(*) AS "entries!",
                  sum(source_amount) AS "source_amount!", COALESCE(sum(usdt_amount), 0) AS "usdt_amount!"
           FROM accumulation_entries WHERE channel_id = $1 AND status <> 'paid'
           GROUP BY status, source_code, source_network ORDER BY status, source_code, source_network"#,
        channel_id
    )
    .fetch_all(conn)
    .await
}
