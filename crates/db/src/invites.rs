//! Invite links: at most one per payment, recorded before Telegram is asked, revocable on request.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct InviteRow {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub payment_id: Option<Uuid>,
    pub chat_id: i64,
    pub telegram_user_id: i64,
    pub mode: String,
    pub status: String,
    pub invite_link: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct NewInvite<'a> {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub payment_id: Option<Uuid>,
    pub chat_id: i64,
    pub telegram_user_id: i64,
    pub mode: &'a str,
}

pub async fn insert(conn: &mut PgConnection, new: &NewInvite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO invites (id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
        new.id,
        new.subscription_id,
        new.payment_id,
        new.chat_id,
        new.telegram_user_id,
        new.mode
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        InviteRow,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn by_link(
    conn: &mut PgConnection,
    chat_id: i64,
    link: &str,
) -> Result<Option<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        InviteRow,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE chat_id = $1 AND invite_link = $2",
        chat_id,
        link
    )
    .fetch_optional(conn)
    .await
}

/// Issued links of a subscription that are still usable (for revocation on re-issue).
pub async fn open_for_subscription(
    conn: &mut PgConnection,
    subscription_id: Uuid,
) -> Result<Vec<InviteRow>, sqlx::Error> {
    sqlx::query_as!(
        InviteRow,
        "SELECT id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status, invite_link, expires_at
         FROM invites WHERE subscription_id = $1 AND status IN ('pending', 'issued') ORDER BY created_at",
        subscription_id
    )
    .fetch_all(conn)
    .await
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

pub async fn set_status(conn: &mut PgConnection, id: Uuid, status: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE invites SET status = $2, updated_at = now() WHERE id = $1", id, status)
        .execute(conn)
        .await
        .map(|_| ())
}
