//! Channels with their tiers and the platform-wide registry of Telegram chat ids (`channel_chats`).

use chrono::{DateTime, Utc};
use paygate_domain::channel::TierLevel;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::decoded;

/// Unique indexes whose violation means "this Telegram chat id is held by another proven live channel"
/// (chat ids are unique among channels whose owner proved control; see `channel_control`).
pub const CHAT_ID_CONSTRAINTS: [&str; 3] =
    ["channel_chats_pkey", "channels_open_chat_proven", "channels_closed_chat_proven"];

/// True when `error` says a Telegram chat id is already held by a proven live channel.
pub fn is_chat_id_taken(error: &sqlx::Error) -> bool {
    CHAT_ID_CONSTRAINTS.iter().any(|name| crate::is_unique_violation(error, Some(name)))
}

/// Every column a channel is written with (insert and update).
#[derive(Debug)]
pub struct ChannelFields<'a> {
    pub open_channel_id: i64,
    pub open_channel_title: &'a str,
    pub open_channel_description: &'a str,
    pub closed_channel_id: i64,
    pub closed_channel_title: &'a str,
    pub closed_channel_description: &'a str,
    pub payout_wallet_address: &'a str,
    pub payout_currency: &'a str,
    pub payout_network: &'a str,
    pub payout_extra_id: Option<&'a str>,
    /// `instant` or `threshold`.
    pub payout_strategy: &'a str,
    pub payout_threshold_usd: Option<Decimal>,
    pub donations_enabled: bool,
    pub donation_message: Option<&'a str>,
    pub notifications_enabled: bool,
    pub notify_telegram_user_id: Option<i64>,
    /// Level 0 (gold) first.
    pub tiers: &'a [TierRow],
}

/// One tier: level 0 gold, 1 silver, 2 bronze.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRow {
    pub level: TierLevel,
    pub price_usd: Decimal,
    pub duration_days: i32,
}

/// A live channel's own columns as stored.
#[derive(Debug, Clone)]
pub struct ChannelRow {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub open_channel_id: i64,
    pub open_channel_title: String,
    pub open_channel_description: String,
    pub closed_channel_id: i64,
    pub closed_channel_title: String,
    pub closed_channel_description: String,
    pub payout_wallet_address: String,
    pub payout_currency: String,
    pub payout_network: String,
    pub payout_extra_id: Option<String>,
    pub payout_strategy: String,
    pub payout_threshold_usd: Option<Decimal>,
    pub donations_enabled: bool,
    pub donation_message: Option<String>,
    pub notifications_enabled: bool,
    pub notify_telegram_user_id: Option<i64>,
    pub readiness: serde_json::Value,
    /// The offer message currently posted in the open channel, and the last failure to post one.
    pub offer_message_id: Option<i64>,
    pub offer_posted_at: Option<DateTime<Utc>>,
    pub offer_error: Option<String>,
    pub offer_error_at: Option<DateTime<Utc>>,
    /// The owner's chat refused notifications (blocked the bot); cleared by a new link.
    pub notify_blocked_at: Option<DateTime<Utc>>,
    pub notify_blocked_reason: Option<String>,
    /// When the owner's linked Telegram account was last shown to administer both chats (null: unproven).
    pub proven_at: Option<DateTime<Utc>>,
    /// When another owner proved control of a chat this channel names.
    pub detached_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A live channel with its tiers in level order.
#[derive(Debug, Clone)]
pub struct StoredChannel {
    pub row: ChannelRow,
    pub tiers: Vec<TierRow>,
}

/// Inserts an unproven channel and its tiers (its chat ids join the registry once control is proven).
pub async fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    owner_id: Uuid,
    fields: &ChannelFields<'_>,
) -> Result<(), sqlx::Error> {
    let f = fields;
    sqlx::query!(
        "INSERT INTO channels (id, owner_id, open_channel_id, open_channel_title, open_channel_description,
             closed_channel_id, closed_channel_title, closed_channel_description, payout_wallet_address,
             payout_currency, payout_network, payout_extra_id, payout_strategy, payout_threshold_usd,
             donations_enabled, donation_message, notifications_enabled, notify_telegram_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text::payout_strategy, $14, $15, $16,
             $17, $18)",
        id,
        owner_id,
        f.open_channel_id,
        f.open_channel_title,
        f.open_channel_description,
        f.closed_channel_id,
        f.closed_channel_title,
        f.closed_channel_description,
        f.payout_wallet_address,
        f.payout_currency,
        f.payout_network,
        f.payout_extra_id,
        f.payout_strategy,
        f.payout_threshold_usd,
        f.donations_enabled,
        f.donation_message,
        f.notifications_enabled,
        f.notify_telegram_user_id,
    )
    .execute(&mut *conn)
    .await?;
    insert_tiers(conn, id, f.tiers).await
}

/// Replaces every field, the tiers and the chat ids of a live channel. Moving to other chat ids drops
/// the proof of control (and with it readiness, which becomes `unproven_readiness`) and any detachment.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    fields: &ChannelFields<'_>,
    unproven_readiness: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let f = fields;
    sqlx::query!("DELETE FROM channel_chats WHERE channel_id = $1", id).execute(&mut *conn).await?;
    sqlx::query!(
        "UPDATE channels SET proven_at = NULL, proven_telegram_user_id = NULL, detached_at = NULL,
             readiness = $4
         WHERE id = $1 AND deleted_at IS NULL AND (open_channel_id <> $2 OR closed_channel_id <> $3)",
        id,
        f.open_channel_id,
        f.closed_channel_id,
        unproven_readiness,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE channels SET open_channel_id = $2, open_channel_title = $3, open_channel_description = $4,
             closed_channel_id = $5, closed_channel_title = $6, closed_channel_description = $7,
             payout_wallet_address = $8, payout_currency = $9, payout_network = $10, payout_extra_id = $11,
             payout_strategy = $12::text::payout_strategy, payout_threshold_usd = $13, donations_enabled = $14,
             donation_message = $15, notifications_enabled = $16, notify_telegram_user_id = $17,
             updated_at = now()
         WHERE id = $1 AND deleted_at IS NULL",
        id,
        f.open_channel_id,
        f.open_channel_title,
        f.open_channel_description,
        f.closed_channel_id,
        f.closed_channel_title,
        f.closed_channel_description,
        f.payout_wallet_address,
        f.payout_currency,
        f.payout_network,
        f.payout_extra_id,
        f.payout_strategy,
        f.payout_threshold_usd,
        f.donations_enabled,
        f.donation_message,
        f.notifications_enabled,
        f.notify_telegram_user_id,
    )
    .execute(&mut *conn)
    .await?;
    crate::channel_control::register_chats_if_proven(conn, id).await?;
    sqlx::query!("DELETE FROM channel_tiers WHERE channel_id = $1", id).execute(&mut *conn).await?;
    insert_tiers(conn, id, f.tiers).await
}

async fn insert_tiers(conn: &mut PgConnection, id: Uuid, tiers: &[TierRow]) -> Result<(), sqlx::Error> {
    let levels: Vec<i16> = tiers.iter().map(|t| t.level.stored()).collect();
    let prices: Vec<Decimal> = tiers.iter().map(|t| t.price_usd).collect();
    let durations: Vec<i32> = tiers.iter().map(|t| t.duration_days).collect();
    sqlx::query!(
        "INSERT INTO channel_tiers (channel_id, level, price_usd, duration_days)
         SELECT $1, level, price, days FROM UNNEST($2::smallint[], $3::numeric[], $4::int[]) AS t (level, price, days)",
        id,
        &levels,
        &prices,
        &durations,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Soft-deletes a live channel and frees its chat ids; false when there was no such live channel.
pub async fn soft_delete(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE channels SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM channel_chats WHERE channel_id = $1", id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Locks a live channel's row and returns its owner.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT owner_id FROM channels WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", id)
        .fetch_optional(conn)
        .await
}

/// Stores the latest readiness check of a live channel.
pub async fn set_readiness(
    conn: &mut PgConnection,
    id: Uuid,
    readiness: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE channels SET readiness = $2 WHERE id = $1 AND deleted_at IS NULL", id, readiness)
        .execute(conn)
        .await
        .map(|_| ())
}

/// How many live channels `owner_id` has.
pub async fn count_live(conn: &mut PgConnection, owner_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM channels WHERE owner_id = $1 AND deleted_at IS NULL"#,
        owner_id
    )
    .fetch_one(conn)
    .await
}

/// A live channel by id (deleted ones are not found).
pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<StoredChannel>, sqlx::Error> {
    let head = sqlx::query_as!(
        ChannelRow,
        r#"SELECT id, owner_id, open_channel_id, open_channel_title, open_channel_description, closed_channel_id,
               closed_channel_title, closed_channel_description, payout_wallet_address, payout_currency,
               payout_network, payout_extra_id, payout_strategy::text AS "payout_strategy!", payout_threshold_usd,
               donations_enabled, donation_message, notifications_enabled, notify_telegram_user_id, readiness,
               offer_message_id, offer_posted_at, offer_error, offer_error_at, notify_blocked_at, notify_blocked_reason,
               proven_at, detached_at, created_at, updated_at
           FROM channels WHERE id = $1 AND deleted_at IS NULL"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    match head {
        Some(head) => Ok(with_tiers(conn, vec![head]).await?.pop()),
        None => Ok(None),
    }
}

/// The live channels of one owner, oldest first.
pub async fn list_by_owner(
    conn: &mut PgConnection,
    owner_id: Uuid,
) -> Result<Vec<StoredChannel>, sqlx::Error> {
    let heads = sqlx::query_as!(
        ChannelRow,
        r#"SELECT id, owner_id, open_channel_id, open_channel_title, open_channel_description, closed_channel_id,
               closed_channel_title, closed_channel_description, payout_wallet_address, payout_currency,
               payout_network, payout_extra_id, payout_strategy::text AS "payout_strategy!", payout_threshold_usd,
               donations_enabled, donation_message, notifications_enabled, notify_telegram_user_id, readiness,
               offer_message_id, offer_posted_at, offer_error, offer_error_at, notify_blocked_at, notify_blocked_reason,
               proven_at, detached_at, created_at, updated_at
           FROM channels WHERE owner_id = $1 AND deleted_at IS NULL ORDER BY created_at, id"#,
        owner_id
    )
    .fetch_all(&mut *conn)
    .await?;
    with_tiers(conn, heads).await
}

/// Every live channel of every owner (operators), oldest first.
pub async fn list_all(conn: &mut PgConnection) -> Result<Vec<StoredChannel>, sqlx::Error> {
    let heads = sqlx::query_as!(
        ChannelRow,
        r#"SELECT id, owner_id, open_channel_id, open_channel_title, open_channel_description, closed_channel_id,
               closed_channel_title, closed_channel_description, payout_wallet_address, payout_currency,
               payout_network, payout_extra_id, payout_strategy::text AS "payout_strategy!", payout_threshold_usd,
               donations_enabled, donation_message, notifications_enabled, notify_telegram_user_id, readiness,
               offer_message_id, offer_posted_at, offer_error, offer_error_at, notify_blocked_at, notify_blocked_reason,
               proven_at, detached_at, created_at, updated_at
           FROM channels WHERE deleted_at IS NULL ORDER BY created_at, id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    with_tiers(conn, heads).await
}

/// Loads the tiers of `heads` in one query and attaches them in level order.
async fn with_tiers(
    conn: &mut PgConnection,
    heads: Vec<ChannelRow>,
) -> Result<Vec<StoredChannel>, sqlx::Error> {
    let ids: Vec<Uuid> = heads.iter().map(|h| h.id).collect();
    let tiers = sqlx::query!(
        "SELECT channel_id, level, price_usd, duration_days FROM channel_tiers
         WHERE channel_id = ANY($1) ORDER BY channel_id, level",
        &ids
    )
    .fetch_all(conn)
    .await?;
    heads
        .into_iter()
        .map(|row| {
            let tiers = tiers
                .iter()
                .filter(|t| t.channel_id == row.id)
                .map(|t| {
                    let level = decoded(TierLevel::from_stored(t.level))?;
                    Ok(TierRow { level, price_usd: t.price_usd, duration_days: t.duration_days })
                })
                .collect::<Result<_, sqlx::Error>>()?;
            Ok(StoredChannel { row, tiers })
        })
        .collect()
}
