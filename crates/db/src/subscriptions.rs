//! Subscriptions: one row per (channel, subscriber), extended by renewals, expired by the sweep.

use chrono::{DateTime, Utc};
use paygate_domain::{channel::TierLevel, status::SubscriptionStatus};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

#[derive(Debug, Clone)]
pub struct SubscriptionRow {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub telegram_user_id: i64,
    pub status: SubscriptionStatus,
    pub tier_level: TierLevel,
    pub expires_at: DateTime<Utc>,
    pub removal_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl SubscriptionRow {
    /// Grants access now: active and not past its expiry.
    pub fn is_live(&self) -> bool {
        self.status == SubscriptionStatus::Active && self.expires_at > Utc::now()
    }
}

/// A subscription row as stored, before its status and tier level are parsed.
struct RawSubscription {
    id: Uuid,
    channel_id: Uuid,
    telegram_user_id: i64,
    status: String,
    tier_level: i16,
    expires_at: DateTime<Utc>,
    removal_error: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<RawSubscription> for SubscriptionRow {
    type Error = sqlx::Error;

    fn try_from(raw: RawSubscription) -> Result<SubscriptionRow, sqlx::Error> {
        Ok(SubscriptionRow {
            id: raw.id,
            channel_id: raw.channel_id,
            telegram_user_id: raw.telegram_user_id,
            status: decoded(SubscriptionStatus::parse(&raw.status))?,
            tier_level: decoded(TierLevel::from_stored(raw.tier_level))?,
            expires_at: raw.expires_at,
            removal_error: raw.removal_error,
            created_at: raw.created_at,
        })
    }
}

/// Locks the subscriber's subscription to a channel, if any.
pub async fn lock(
    conn: &mut PgConnection,
    channel_id: Uuid,
    user: i64,
) -> Result<Option<SubscriptionRow>, sqlx::Error> {
    sqlx::query_as!(
        RawSubscription,
        "SELECT id, channel_id, telegram_user_id, status, tier_level, expires_at, removal_error, created_at
         FROM subscriptions WHERE channel_id = $1 AND telegram_user_id = $2 FOR UPDATE",
        channel_id,
        user
    )
    .fetch_optional(conn)
    .await?
    .map(SubscriptionRow::try_from)
    .transpose()
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<SubscriptionRow>, sqlx::Error> {
    sqlx::query_as!(
        RawSubscription,
        "SELECT id, channel_id, telegram_user_id, status, tier_level, expires_at, removal_error, created_at
         FROM subscriptions WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .map(SubscriptionRow::try_from)
    .transpose()
}

/// Creates the subscription or (re)activates it with a new expiry; returns its id.
pub async fn activate(
    conn: &mut PgConnection,
    channel_id: Uuid,
    user: i64,
    tier_level: TierLevel,
    expires_at: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         VALUES ($1, $2, $3, 'active', $4, $5)
         ON CONFLICT (channel_id, telegram_user_id) DO UPDATE
         SET status = 'active', tier_level = EXCLUDED.tier_level, expires_at = EXCLUDED.expires_at,
             removal_error = NULL, removed_at = NULL, updated_at = now()
         RETURNING id",
        Uuid::now_v7(),
        channel_id,
        user,
        tier_level.stored(),
        expires_at
    )
    .fetch_one(conn)
    .await
}

/// Adds `days` to the subscriber's subscription in one statement: from its expiry while it is
/// active and in the future, else from now; creates it if missing. Concurrent purchases of one
/// subscriber wait for each other on the row (or its unique key), so each adds its full period.
/// Returns the subscription id and the new expiry.
pub async fn extend(
    conn: &mut PgConnection,
    channel_id: Uuid,
    user: i64,
    tier_level: TierLevel,
    days: i32,
) -> Result<(Uuid, DateTime<Utc>), sqlx::Error> {
    let row = sqlx::query!(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         VALUES ($1, $2, $3, 'active', $4, now() + make_interval(days => $5))
         ON CONFLICT (channel_id, telegram_user_id) DO UPDATE
         SET status = 'active', tier_level = EXCLUDED.tier_level,
             expires_at = CASE WHEN subscriptions.status = 'active' THEN GREATEST(subscriptions.expires_at, now())
                               ELSE now() END + make_interval(days => $5),
             removal_error = NULL, removed_at = NULL, updated_at = now()
         RETURNING id, expires_at",
        Uuid::now_v7(),
        channel_id,
        user,
        tier_level.stored(),
        days
    )
    .fetch_one(conn)
    .await?;
    Ok((row.id, row.expires_at))
}

/// The subscriber's subscriptions (any status) with their channel titles.
pub async fn for_subscriber(
    conn: &mut PgConnection,
    user: i64,
) -> Result<Vec<(SubscriptionRow, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.id, s.channel_id, s.telegram_user_id, s.status, s.tier_level, s.expires_at, s.removal_error, s.created_at,
                  c.closed_channel_title AS title
           FROM subscriptions s JOIN channels c ON c.id = s.channel_id
           WHERE s.telegram_user_id = $1 ORDER BY s.expires_at DESC"#,
        user
    )
    .fetch_all(conn)
    .await?;
    all(rows, |r| {
        let sub = SubscriptionRow::try_from(RawSubscription {
            id: r.id,
            channel_id: r.channel_id,
            telegram_user_id: r.telegram_user_id,
            status: r.status,
            tier_level: r.tier_level,
            expires_at: r.expires_at,
            removal_error: r.removal_error,
            created_at: r.created_at,
        })?;
        Ok((sub, r.title))
    })
}

/// A channel's subscriptions, soonest expiry first after `after` when paging.
pub async fn for_channel(
    conn: &mut PgConnection,
    channel_id: Uuid,
    status: Option<SubscriptionStatus>,
    limit: i64,
    offset: i64,
) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawSubscription,
        "SELECT id, channel_id, telegram_user_id, status, tier_level, expires_at, removal_error, created_at
         FROM subscriptions WHERE channel_id = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY expires_at DESC, id LIMIT $3 OFFSET $4",
        channel_id,
        status.map(SubscriptionStatus::as_str),
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    all(rows, SubscriptionRow::try_from)
}

/// Active subscriptions that expired by `now` (index-backed, oldest first).
pub async fn expired_active(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, expires_at FROM subscriptions
         WHERE status = 'active' AND expires_at <= $1 AND removal_enqueued_for IS DISTINCT FROM expires_at
         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.expires_at)).collect())
}

/// Active subscriptions expiring within `window` of `now` whose reminder for this expiry is not done.
pub async fn due_reminders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    days: i32,
    limit: i64,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, expires_at FROM subscriptions
         WHERE status = 'active' AND expires_at > $1 AND expires_at <= $1 + make_interval(days => $2)
           AND (CASE WHEN $2 >= 3 THEN reminded_3d_for ELSE reminded_1d_for END) IS DISTINCT FROM expires_at
         ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED",
        now,
        days,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.expires_at)).collect())
}

/// Notes that the `days`-before reminder for expiry `for_expiry` was sent.
pub async fn mark_reminded(
    conn: &mut PgConnection,
    id: Uuid,
    days: i32,
    for_expiry: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE subscriptions SET
           reminded_3d_for = CASE WHEN $2 >= 3 THEN $3 ELSE reminded_3d_for END,
           reminded_1d_for = CASE WHEN $2 < 3 THEN $3 ELSE reminded_1d_for END,
           updated_at = now()
         WHERE id = $1",
        id,
        days,
        for_expiry
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Notes that the removal job for this expiry was enqueued.
pub async fn mark_removal_enqueued(
    conn: &mut PgConnection,
    id: Uuid,
    for_expiry: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE subscriptions SET removal_enqueued_for = $2 WHERE id = $1", id, for_expiry)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Marks a subscription removed, only if it is still the expiry that was processed.
pub async fn mark_expired(
    conn: &mut PgConnection,
    id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE subscriptions SET status = 'expired', removed_at = now(), removal_error = NULL, updated_at = now()
         WHERE id = $1 AND status = 'active' AND expires_at = $2",
        id,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the last removal failure visible to the owner.
pub async fn set_removal_error(conn: &mut PgConnection, id: Uuid, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE subscriptions SET removal_error = $2, updated_at = now() WHERE id = $1", id, error)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Locks a subscription by id for the caller's transaction (removals re-check it under this lock).
pub async fn lock_by_id(conn: &mut PgConnection, id: Uuid) -> Result<Option<SubscriptionRow>, sqlx::Error> {
    sqlx::query_as!(
        RawSubscription,
        "SELECT id, channel_id, telegram_user_id, status, tier_level, expires_at, removal_error, created_at
         FROM subscriptions WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?
    .map(SubscriptionRow::try_from)
    .transpose()
}

/// Sandbox time: moves `telegram_user_id`'s active subscriptions to an expiry that has just passed;
/// returns how many moved. Only the sandbox may call this (see `paygate_app::subscribers::sandbox_time`).
pub async fn expire_now(conn: &mut PgConnection, telegram_user_id: i64) -> Result<u64, sqlx::Error> {
    let moved = sqlx::query!(
        "UPDATE subscriptions SET expires_at = now() - interval '1 second'
         WHERE telegram_user_id = $1 AND status = 'active'",
        telegram_user_id
    )
    .execute(conn)
    .await?;
    Ok(moved.rows_affected())
}

/// Sandbox time: moves one active subscription to an expiry that has just passed; returns whether it
/// moved (false when it does not exist or is not active). Only the sandbox may call this.
pub async fn expire_one_now(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query!(
        "UPDATE subscriptions SET expires_at = now() - interval '1 second' WHERE id = $1 AND status = 'active'",
        id
    )
    .execute(conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}
