//! The offer message the bot keeps posted in each open channel: its content, state and due re-posts.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// What an offer post is built from, with the state of the current post.
#[derive(Debug, Clone)]
pub struct OfferContent {
    pub channel_id: Uuid,
    pub open_chat_id: i64,
    pub open_title: String,
    pub open_description: String,
    pub closed_title: String,
    pub closed_description: String,
    pub ready: bool,
    pub donations_enabled: bool,
    pub offer_posted_at: Option<DateTime<Utc>>,
}

/// A live channel's offer content (deleted channels are not found).
/// Takes the channel's posting lock until the transaction ends: one offer post per channel at a
/// time, so a post asked for twice at once is made once (the second sees the first one's record).
pub async fn lock_posting(conn: &mut PgConnection, channel_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('offers.post:' || $1::uuid::text, 0))",
        channel_id
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

pub async fn content(conn: &mut PgConnection, channel_id: Uuid) -> Result<Option<OfferContent>, sqlx::Error> {
    sqlx::query_as!(
        OfferContent,
        r#"SELECT id AS channel_id, open_channel_id AS open_chat_id, open_channel_title AS open_title,
                  open_channel_description AS open_description, closed_channel_title AS closed_title,
                  closed_channel_description AS closed_description,
                  COALESCE((readiness->>'ready')::boolean, false) AS "ready!", donations_enabled, offer_posted_at
           FROM channels WHERE id = $1 AND deleted_at IS NULL"#,
        channel_id
    )
    .fetch_optional(conn)
    .await
}

/// Locks a live channel's row and returns its stored readiness JSON (before a new check is stored).
pub async fn lock_readiness(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT readiness FROM channels WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
        channel_id
    )
    .fetch_optional(conn)
    .await
}

/// Records a new post and clears the last failure; returns the message id it replaces, if any.
pub async fn record_posted(
    conn: &mut PgConnection,
    channel_id: Uuid,
    message_id: i64,
    posted_at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let previous = sqlx::query_scalar!(
        "UPDATE channels c SET offer_message_id = $2, offer_posted_at = $3, offer_error = NULL,
             offer_error_at = NULL
         FROM (SELECT id, offer_message_id FROM channels WHERE id = $1 FOR UPDATE) old
         WHERE c.id = old.id
         RETURNING old.offer_message_id",
        channel_id,
        message_id,
        posted_at,
    )
    .fetch_optional(conn)
    .await?;
    Ok(previous.flatten())
}

/// Records why the last post failed (readable on the channel).
pub async fn record_failure(
    conn: &mut PgConnection,
    channel_id: Uuid,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE channels SET offer_error = $2, offer_error_at = now() WHERE id = $1",
        channel_id,
        error
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// What a manual post request is decided on, read under a row lock.
#[derive(Debug, Clone)]
pub struct RequestState {
    pub owner_id: Uuid,
    pub ready: bool,
    pub offer_requested_at: Option<DateTime<Utc>>,
}

/// Locks a live channel's row for a manual post request.
pub async fn lock_for_request(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<Option<RequestState>, sqlx::Error> {
    sqlx::query_as!(
        RequestState,
        r#"SELECT owner_id, COALESCE((readiness->>'ready')::boolean, false) AS "ready!", offer_requested_at
           FROM channels WHERE id = $1 AND deleted_at IS NULL FOR UPDATE"#,
        channel_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn set_requested(
    conn: &mut PgConnection,
    channel_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE channels SET offer_requested_at = $2 WHERE id = $1", channel_id, at)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A ready channel whose offer is due again, with the post and failure times that make it due.
#[derive(Debug, Clone)]
pub struct DuePost {
    pub channel_id: Uuid,
    pub offer_posted_at: Option<DateTime<Utc>>,
    pub offer_error_at: Option<DateTime<Utc>>,
}

/// Ready live channels last posted (and last failed) before `cutoff`, or never; longest waiting first.
pub async fn due(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DuePost>, sqlx::Error> {
    sqlx::query_as!(
        DuePost,
        r#"SELECT id AS channel_id, offer_posted_at, offer_error_at FROM channels
           WHERE deleted_at IS NULL AND COALESCE((readiness->>'ready')::boolean, false)
             AND (offer_posted_at IS NULL OR offer_posted_at < $1)
             AND (offer_error_at IS NULL OR offer_error_at < $1)
           ORDER BY offer_posted_at NULLS FIRST, id
           LIMIT $2"#,
        cutoff,
        limit
    )
    .fetch_all(conn)
    .await
}
