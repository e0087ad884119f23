//! Invite links: at most one per payment, recorded before Telegram is asked, revocable on request.

use chrono::{DateTime, Utc};
use paygate_domain::status::{InviteMode, InviteStatus};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

#[derive(Debug, Clone)]
pub struct InviteRow {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub payment_id: Option<Uuid>,
    pub chat_id: i64,
    pub telegram_user_id: i64,
    pub mode: InviteMode,
    pub status: InviteStatus,
    pub invite_link: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An invite row as stored, before its mode and status are parsed.
struct RawInvite {
    id: Uuid,
    subscription_id: Uuid,
    payment_id: Option<Uuid>,
    chat_id: i64,
    telegram_user_id: i64,
    mode: String,
    status: String,
    invite_link: Option<String>,
    expires_at: Option<DateTime<Utc>>,
}

impl TryFrom<RawInvite> for InviteRow {
    type Error = sqlx::Error;

    fn try_from(raw: RawInvite) -> Result<InviteRow, sqlx::Error> {
        Ok(InviteRow {
            id: raw.id,
            subscription_id: raw.subscription_id,
            payment_id: raw.payment_id,
            chat_id: raw.chat_id,
            telegram_user_id: raw.telegram_user_id,
            mode: decoded(InviteMode::parse(&raw.mode))?,
            status: decoded(InviteStatus::parse(&raw.status))?,
            invite_link: raw.invite_link,
            expires_at: raw.expires_at,
        })
    }
}

#[derive(Debug)]
pub struct NewInvite {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub payment_id: Option<Uuid>,
    pub chat_id: i64,
    pub telegram_user_id: i64,
    pub mode: InviteMode,
}

pub async fn insert(conn: &mut PgConnection, new: &NewInvite) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO invites (id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
        new.id,
        new.subscription_id,
        new.payment_id,
        new.chat_id,
        new.telegram_user_id,
        new.mode.as_str()
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        RawInvite,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?
    .map(InviteRow::try_from)
    .transpose()
}

pub async fn by_link(
    conn: &mut PgConnection,
    chat_id: i64,
    link: &str,
) -> Result<Option<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        RawInvite,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE chat_id = $1 AND invite_link = $2",
        chat_id,
        link
    )
    .fetch_optional(conn)
    .await?
    .map(InviteRow::try_from)
    .transpose()
}

/// Issued links of a subscription that are still usable (for revocation on re-issue).
pub async fn open_for_subscription(
    conn: &mut PgConnection,
    subscription_id: Uuid,
) -> Result<Vec<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        RawInvite,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE subscription_id = $1 AND status IN ('pending', 'issued') ORDER BY created_at",
        subscription_id
    )
    .fetch_all(conn)
    .await
    .and_then(|rows| all(rows, InviteRow::try_from))
}

pub async fn set_issued(
    conn: &mut PgConnection,
    id: Uuid,
    link: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invites SET status = 'issued', invite_link = $2, expires_at = $3, updated_at = now() WHERE id = $1",
        id,
        link,
        expires_at
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn set_status(conn: &mut PgConnection, id: Uuid, status: InviteStatus) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE invites SET status = $2, updated_at = now() WHERE id = $1", id, status.as_str())
        .execute(conn)
        .await
        .map(|_| ())
}

/// Marks an invite as one the subscriber asked for (a re-issue counted by the limits).
pub async fn mark_requested(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE invites SET requested = true WHERE id = $1", id).execute(conn).await.map(|_| ())
}

/// When the subscription's requested re-issues since `since` were made, oldest first.
pub async fn requested_since(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT created_at FROM invites WHERE subscription_id = $1 AND requested AND created_at > $2
         ORDER BY created_at",
        subscription_id,
        since
    )
    .fetch_all(conn)
    .await
}

/// The invite whose link is `link` in `chat_id`, locked for the caller's transaction.
pub async fn lock_by_link(
    conn: &mut PgConnection,
    chat_id: i64,
    link: &str,
) -> Result<Option<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        RawInvite,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE chat_id = $1 AND invite_link = $2 FOR UPDATE",
        chat_id,
        link
    )
    .fetch_optional(conn)
    .await?
    .map(InviteRow::try_from)
    .transpose()
}

/// Records that `user` joined `chat_id` with `invite_id`; false when it was already recorded.
pub async fn record_join(
    conn: &mut PgConnection,
    invite_id: Uuid,
    user: i64,
    chat_id: i64,
    paying: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO invite_joins (invite_id, telegram_user_id, chat_id, paying) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        invite_id,
        user,
        chat_id,
        paying
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes join records older than `before` (they matter while the link could still be used).
pub async fn purge_joins_before(conn: &mut PgConnection, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM invite_joins WHERE joined_at < $1", before).execute(conn).await?;
    Ok(done.rows_affected())
}
