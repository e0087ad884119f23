//! Membership changes in sandbox channels and the `chat_member` updates Telegram sends about them.

use serde_json::json;
use sqlx::PgConnection;

use super::{
    updates::{channel_json, enqueue, invite_link_json, unix_now, user_json},
    world::SandboxUser,
};

/// Sets `user_id`'s status in `chat_id` and returns the one before (`left` without a row). Locks the row.
pub(super) async fn set_status(
    conn: &mut PgConnection,
    chat_id: i64,
    user_id: i64,
    status: &str,
) -> Result<String, sqlx::Error> {
    let old: Option<String> = sqlx::query_scalar(
        "SELECT status FROM sandbox_telegram_members WHERE chat_id = $1 AND user_id = $2 FOR UPDATE",
    )
    .bind(chat_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO sandbox_telegram_members (chat_id, user_id, status) VALUES ($1, $2, $3)
         ON CONFLICT (chat_id, user_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()",
    )
    .bind(chat_id)
    .bind(user_id)
    .bind(status)
    .execute(&mut *conn)
    .await?;
    Ok(old.unwrap_or_else(|| "left".to_owned()))
}

/// The current status, locking the row (`left` without one).
pub(super) async fn status(
    conn: &mut PgConnection,
    chat_id: i64,
    user_id: i64,
) -> Result<String, sqlx::Error> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM sandbox_telegram_members WHERE chat_id = $1 AND user_id = $2 FOR UPDATE",
    )
    .bind(chat_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(status.unwrap_or_else(|| "left".to_owned()))
}

/// Queues the `chat_member` update an administrator bot receives when a status changes; `link` is
/// the invite link (and whether it makes join requests) the member joined with.
pub(super) async fn announce(
    conn: &mut PgConnection,
    chat_id: i64,
    user_id: i64,
    (old, new): (&str, &str),
    link: Option<(&str, bool)>,
) -> Result<(), sqlx::Error> {
    let (title,): (String,) = sqlx::query_as("SELECT title FROM sandbox_telegram_chats WHERE id = $1")
        .bind(chat_id)
        .fetch_one(&mut *conn)
        .await?;
    let user: SandboxUser =
        sqlx::query_as("SELECT id, first_name, username, started FROM sandbox_telegram_users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    let person = user_json(&user);
    let mut body = json!({"chat_member": {
        "chat": channel_json(chat_id, &title),
        "from": person,
        "date": unix_now(),
        "old_chat_member": {"status": old, "user": person},
        "new_chat_member": {"status": new, "user": person},
    }});
    if let Some((link, join_request)) = link {
        body["chat_member"]["invite_link"] = invite_link_json(link, join_request);
    }
    enqueue(conn, body).await.map(|_| ())
}
