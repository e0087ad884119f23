//! The owner's Telegram outbox: notifications waiting for their owner's chat, and which job is
//! sending to that chat now (one at a time, so a burst goes out as a few combined messages).

use sqlx::PgConnection;
use uuid::Uuid;

/// One notification waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub channel_id: Uuid,
    pub text: String,
}

/// Adds a notification for `chat_id`, once per `job_id` (a retried job does not add it again).
pub async fn add(
    conn: &mut PgConnection,
    job_id: i64,
    chat_id: i64,
    channel_id: Uuid,
    text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO owner_outbox (job_id, chat_id, channel_id, text) VALUES ($1, $2, $3, $4)
         ON CONFLICT (job_id) DO NOTHING",
        job_id,
        chat_id,
        channel_id,
        text
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Makes `holder` the one sender to `chat_id` for `hold_secs` (renewing its own hold); `false` when
/// another holder's hold has not expired.
pub async fn hold_chat(
    conn: &mut PgConnection,
    chat_id: i64,
    holder: &str,
    hold_secs: f64,
) -> Result<bool, sqlx::Error> {
    let held = sqlx::query_scalar!(
        r#"INSERT INTO owner_outbox_senders AS s (chat_id, holder, held_until)
           VALUES ($1, $2, now() + make_interval(secs => $3))
           ON CONFLICT (chat_id) DO UPDATE SET holder = EXCLUDED.holder, held_until = EXCLUDED.held_until
           WHERE s.holder IS NULL OR s.holder = EXCLUDED.holder OR s.held_until < now()
           RETURNING 1 AS "one!""#,
        chat_id,
        holder,
        hold_secs
    )
    .fetch_optional(conn)
    .await?;
    Ok(held.is_some())
}

/// Gives up `holder`'s hold on `chat_id`.
pub async fn release_chat(conn: &mut PgConnection, chat_id: i64, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE owner_outbox_senders SET holder = NULL, held_until = NULL WHERE chat_id = $1 AND holder = $2",
        chat_id,
        holder
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The unsent notifications of `chat_id` in the order their jobs were enqueued, at most `limit`.
pub async fn unsent(
    conn: &mut PgConnection,
    chat_id: i64,
    limit: i64,
) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    sqlx::query_as!(
        OutboxMessage,
        "SELECT id, channel_id, text FROM owner_outbox WHERE chat_id = $1 AND done_at IS NULL ORDER BY job_id LIMIT $2",
        chat_id,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Records notifications as delivered, or as dropped (the chat refuses the bot).
pub async fn mark_done(conn: &mut PgConnection, ids: &[i64], delivered: bool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE owner_outbox SET done_at = now(), delivered = $2 WHERE id = ANY($1) AND done_at IS NULL",
        ids,
        delivered
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Forgets notifications done before `days` days ago (housekeeping).
pub async fn purge_done(conn: &mut PgConnection, days: i32) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("DELETE FROM owner_outbox WHERE done_at < now() - make_interval(days => $1)", days)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}
