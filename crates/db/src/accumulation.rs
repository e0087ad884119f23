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
    pub status: EntryStatus,
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
    let rows = sqlx::query!(
        r#"SELECT status, source_code, source_network, count(*) AS "entries!",
                  sum(source_amount) AS "source_amount!", COALESCE(sum(usdt_amount), 0) AS "usdt_amount!"
           FROM accumulation_entries WHERE channel_id = $1 AND status <> 'paid'
           GROUP BY status, source_code, source_network ORDER BY status, source_code, source_network"#,
        channel_id
    )
    .fetch_all(conn)
    .await?;
    crate::typed::all(rows, |row| {
        Ok(BalanceLine {
            status: crate::typed::decoded(EntryStatus::parse(&row.status))?,
            source_code: row.source_code,
            source_network: row.source_network,
            entries: row.entries,
            source_amount: row.source_amount,
            usdt_amount: row.usdt_amount,
        })
    })
}

/// Pending entries of one source asset: how many, their sum, and when the oldest arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSummary {
    pub entries: i64,
    pub source_amount: Decimal,
    pub oldest: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn pending_summary(
    conn: &mut PgConnection,
    code: &str,
    network: &str,
) -> Result<PendingSummary, sqlx::Error> {
    sqlx::query_as!(
        PendingSummary,
        r#"SELECT count(*) AS "entries!", COALESCE(sum(source_amount), 0) AS "source_amount!", min(created_at) AS oldest
           FROM accumulation_entries
           WHERE status = 'pending_conversion' AND source_code = $1 AND source_network = $2"#,
        code,
        network
    )
    .fetch_one(conn)
    .await
}

/// One entry as a conversion or a batch sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAmount {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub source_amount: Decimal,
    pub usdt_amount: Option<Decimal>,
}

/// Locks up to `limit` pending entries of one source asset (oldest first), skipping rows another
/// pass holds.
pub async fn lock_pending(
    conn: &mut PgConnection,
    code: &str,
    network: &str,
    limit: i64,
) -> Result<Vec<EntryAmount>, sqlx::Error> {
    sqlx::query_as!(
        EntryAmount,
        "SELECT id, channel_id, source_amount, usdt_amount FROM accumulation_entries
         WHERE status = 'pending_conversion' AND source_code = $1 AND source_network = $2
         ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED",
        code,
        network,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Marks `ids` as part of conversion `conversion_id`.
pub async fn mark_converting(
    conn: &mut PgConnection,
    ids: &[Uuid],
    conversion_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accumulation_entries SET status = 'converting', conversion_id = $2, updated_at = now()
         WHERE id = ANY($1) AND status = 'pending_conversion'",
        ids,
        conversion_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The entries a conversion covers, in a stable order (the last one takes the rounding remainder).
pub async fn of_conversion(
    conn: &mut PgConnection,
    conversion_id: Uuid,
) -> Result<Vec<EntryAmount>, sqlx::Error> {
    sqlx::query_as!(
        EntryAmount,
        "SELECT id, channel_id, source_amount, usdt_amount FROM accumulation_entries
         WHERE conversion_id = $1 AND status = 'converting' ORDER BY created_at, id FOR UPDATE",
        conversion_id
    )
    .fetch_all(conn)
    .await
}

/// Locks the entry's USDT value: it now counts in the channel's balance.
pub async fn set_converted(conn: &mut PgConnection, id: Uuid, usdt: Decimal) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accumulation_entries SET status = 'converted', usdt_amount = $2, updated_at = now()
         WHERE id = $1 AND status = 'converting'",
        id,
        usdt
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A conversion that failed or was cancelled returns its entries to pending conversion.
pub async fn return_to_pending(conn: &mut PgConnection, conversion_id: Uuid) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE accumulation_entries SET status = 'pending_conversion', conversion_id = NULL, updated_at = now()
         WHERE conversion_id = $1 AND status = 'converting'",
        conversion_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Locks the channel's balance row (created when missing): one batch decision per channel at a time.
pub async fn lock_balance(conn: &mut PgConnection, channel_id: Uuid) -> Result<Decimal, sqlx::Error> {
    sqlx::query!("INSERT INTO channel_balances (channel_id) VALUES ($1) ON CONFLICT DO NOTHING", channel_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar!(
        "SELECT converted_usdt FROM channel_balances WHERE channel_id = $1 FOR UPDATE",
        channel_id
    )
    .fetch_one(conn)
    .await
}

/// The channel's converted entries not in any batch, locked.
pub async fn lock_converted(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<Vec<EntryAmount>, sqlx::Error> {
    sqlx::query_as!(
        EntryAmount,
        "SELECT id, channel_id, source_amount, usdt_amount FROM accumulation_entries
         WHERE channel_id = $1 AND status = 'converted' ORDER BY created_at, id FOR UPDATE",
        channel_id
    )
    .fetch_all(conn)
    .await
}

/// Puts `ids` into batch `batch_id`.
pub async fn mark_in_batch(
    conn: &mut PgConnection,
    ids: &[Uuid],
    batch_id: Uuid,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE accumulation_entries SET status = 'in_batch', batch_id = $2, updated_at = now()
         WHERE id = ANY($1) AND status = 'converted'",
        ids,
        batch_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Moves every entry of batch `batch_id` from `from` to `to` (`batch_id` cleared when `to` is
/// `converted`, i.e. released to the balance).
pub async fn move_batch(
    conn: &mut PgConnection,
    batch_id: Uuid,
    from: EntryStatus,
    to: EntryStatus,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE accumulation_entries
         SET status = $3, batch_id = CASE WHEN $3 = 'converted' THEN NULL ELSE batch_id END, updated_at = now()
         WHERE batch_id = $1 AND status = $2",
        batch_id,
        from.as_str(),
        to.as_str()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Channels holding converted USDT that a pass should pay: threshold channels at or over their
/// threshold, and channels switched to instant with anything left. Reads `channel_balances` only
/// (one row per channel holding something), never the entries.
pub async fn channels_due(conn: &mut PgConnection) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT b.channel_id FROM channel_balances b JOIN channels c ON c.id = b.channel_id
         WHERE b.converted_usdt > 0
           AND (c.payout_strategy = 'instant' OR b.converted_usdt >= c.payout_threshold_usd)
         ORDER BY b.channel_id"
    )
    .fetch_all(conn)
    .await
}

/// The channel's converted USDT and its threshold (none for an instant channel).
pub async fn balance_and_threshold(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<(Decimal, Option<Decimal>), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT COALESCE(b.converted_usdt, 0) AS "converted!", c.payout_threshold_usd AS threshold
           FROM channels c LEFT JOIN channel_balances b ON b.channel_id = c.id WHERE c.id = $1"#,
        channel_id
    )
    .fetch_one(conn)
    .await?;
    Ok((row.converted, row.threshold))
}

/// One entry of a batch, as the batch's view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry {
    pub id: Uuid,
    pub batch_id: Uuid,
    pub payment_id: Uuid,
    pub reason: EntryReason,
    pub status: EntryStatus,
    pub source_amount: Decimal,
    pub source_code: String,
    pub source_network: String,
    pub usdt_amount: Option<Decimal>,
}

struct RawBatchEntry {
    id: Uuid,
    batch_id: Option<Uuid>,
    payment_id: Uuid,
    reason: String,
    status: String,
    source_amount: Decimal,
    source_code: String,
    source_network: String,
    usdt_amount: Option<Decimal>,
}

/// The entries of the batches `batch_ids`, oldest first within each batch.
pub async fn of_batches(conn: &mut PgConnection, batch_ids: &[Uuid]) -> Result<Vec<BatchEntry>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawBatchEntry,
        "SELECT id, batch_id, payment_id, reason, status, source_amount, source_code, source_network, usdt_amount
         FROM accumulation_entries WHERE batch_id = ANY($1) ORDER BY batch_id, created_at, id",
        batch_ids
    )
    .fetch_all(conn)
    .await?;
    crate::typed::all(rows, |raw| {
        Ok(BatchEntry {
            id: raw.id,
            batch_id: raw
                .batch_id
                .ok_or_else(|| sqlx::Error::Decode("batch entry without its batch".into()))?,
            payment_id: raw.payment_id,
            reason: crate::typed::decoded(EntryReason::parse(&raw.reason))?,
            status: crate::typed::decoded(EntryStatus::parse(&raw.status))?,
            source_amount: raw.source_amount,
            source_code: raw.source_code,
            source_network: raw.source_network,
            usdt_amount: raw.usdt_amount,
        })
    })
}
