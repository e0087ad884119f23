//! Where owner notifications go: the channel's notification settings, the owner's linked Telegram
//! account, and whether that chat blocked the bot; plus the one-time codes that link accounts.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct OwnerContact {
    pub channel_id: Uuid,
    pub owner_id: Uuid,
    pub closed_title: String,
    pub notifications_enabled: bool,
    pub notify_telegram_user_id: Option<i64>,
    pub owner_telegram_user_id: Option<i64>,
    pub notify_blocked_at: Option<DateTime<Utc>>,
}

pub async fn for_channel(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<Option<OwnerContact>, sqlx::Error> {
    sqlx::query_as!(
        OwnerContact,
        r#"SELECT c.id AS channel_id, c.owner_id, c.closed_channel_title AS closed_title, c.notifications_enabled,
                  c.notify_telegram_user_id, u.telegram_user_id AS owner_telegram_user_id, c.notify_blocked_at
           FROM channels c JOIN users u ON u.id = c.owner_id
           WHERE c.id = $1 AND c.deleted_at IS NULL"#,
        channel_id
    )
    .fetch_optional(conn)
    .await
}

/// Records that the owner's chat refused a notification (blocked the bot); shown on the channel.
pub async fn mark_blocked(
    conn: &mut PgConnection,
    channel_id: Uuid,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE channels SET notify_blocked_at = now(), notify_blocked_reason = $2 WHERE id = $1",
        channel_id,
        reason
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A successful delivery (or a new link) clears the blocked mark of every channel of the owner.
pub async fn clear_blocked(conn: &mut PgConnection, owner_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE channels SET notify_blocked_at = NULL, notify_blocked_reason = NULL WHERE owner_id = $1 AND notify_blocked_at IS NOT NULL",
        owner_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn insert_link_code(
    conn: &mut PgConnection,
    hash: &[u8],
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO telegram_link_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        hash,
        user_id,
        expires_at
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Spends an unexpired, unused code; returns its account.
pub async fn consume_link_code(conn: &mut PgConnection, hash: &[u8]) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE telegram_link_codes SET used_at = now()
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id",
        hash
    )
    .fetch_optional(conn)
    .await
}

/// Links a Telegram account to an owner, moving it away from any other owner that had it.
pub async fn link_telegram(
    conn: &mut PgConnection,
    user_id: Uuid,
    telegram_user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET telegram_user_id = NULL WHERE telegram_user_id = $1 AND id <> $2",
        telegram_user_id,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE users SET telegram_user_id = $2, updated_at = now() WHERE id = $1",
        user_id,
        telegram_user_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The owner account linked to a Telegram user, if any.
pub async fn owner_by_telegram(
    conn: &mut PgConnection,
    telegram_user_id: i64,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM users WHERE telegram_user_id = $1", telegram_user_id)
        .fetch_optional(conn)
        .await
}

/// One line of `/mychannels`.
#[derive(Debug, Clone)]
pub struct ChannelSummary {
    pub title: String,
    pub ready: bool,
    pub active_subscribers: i64,
    pub revenue_today_usd: rust_decimal::Decimal,
}

/// The owner's live channels with readiness, active subscribers and today's (UTC) accepted revenue.
pub async fn summaries(conn: &mut PgConnection, owner_id: Uuid) -> Result<Vec<ChannelSummary>, sqlx::Error> {
    sqlx::query_as!(
        ChannelSummary,
        r#"SELECT c.closed_channel_title AS title,
                  COALESCE((c.readiness->>'ready')::boolean, false) AS "ready!",
                  (SELECT count(*) FROM subscriptions s
                     WHERE s.channel_id = c.id AND s.status = 'active' AND s.expires_at > now()) AS "active_subscribers!",
                  (SELECT COALESCE(sum(p.price_usd), 0) FROM payments p
                     WHERE p.channel_id = c.id AND p.verdict = 'accepted'
                       AND p.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS "revenue_today_usd!"
           FROM channels c WHERE c.owner_id = $1 AND c.deleted_at IS NULL ORDER BY c.created_at"#,
        owner_id
    )
    .fetch_all(conn)
    .await
}

/// Per channel with notifications on: how many subscriptions expired on the UTC day starting at `day`.
pub async fn expired_counts(
    conn: &mut PgConnection,
    day: DateTime<Utc>,
) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.channel_id, count(*) AS "count!" FROM subscriptions s JOIN channels c ON c.id = s.channel_id
           WHERE s.status = 'expired' AND s.removed_at >= $1 AND s.removed_at < $1 + interval '1 day'
             AND c.notifications_enabled AND c.deleted_at IS NULL
           GROUP BY s.channel_id"#,
        day
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.channel_id, r.count)).collect())
}

/// The Telegram account linked to the owner, if any, and whether a notification was refused since.
pub async fn link_status(
    conn: &mut PgConnection,
    owner_id: Uuid,
) -> Result<(Option<i64>, bool), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT telegram_user_id,
                  EXISTS (SELECT 1 FROM channels c WHERE c.owner_id = u.id AND c.deleted_at IS NULL
                          AND c.notify_blocked_at IS NOT NULL) AS "blocked!"
           FROM users u WHERE id = $1"#,
        owner_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map_or((None, false), |row| (row.telegram_user_id, row.blocked)))
}
