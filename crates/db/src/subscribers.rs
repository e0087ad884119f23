//! Telegram subscribers and their per-user bot dialogue state.

use sqlx::PgConnection;

/// Records (or refreshes) a subscriber seen by the bot.
pub async fn upsert(
    conn: &mut PgConnection,
    id: i64,
    username: Option<&str>,
    first_name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO subscribers (telegram_user_id, username, first_name) VALUES ($1, $2, $3)
         ON CONFLICT (telegram_user_id) DO UPDATE
         SET username = EXCLUDED.username, first_name = EXCLUDED.first_name, updated_at = now()",
        id,
        username,
        first_name
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn username(conn: &mut PgConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    Ok(sqlx::query_scalar!("SELECT username FROM subscribers WHERE telegram_user_id = $1", id)
        .fetch_optional(conn)
        .await?
        .flatten())
}

pub async fn dialogue(conn: &mut PgConnection, id: i64) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!("SELECT state FROM bot_dialogues WHERE telegram_user_id = $1", id)
        .fetch_optional(conn)
        .await
}

pub async fn set_dialogue(
    conn: &mut PgConnection,
    id: i64,
    state: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO bot_dialogues (telegram_user_id, state) VALUES ($1, $2)
         ON CONFLICT (telegram_user_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
        id,
        state
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn clear_dialogue(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM bot_dialogues WHERE telegram_user_id = $1", id).execute(conn).await.map(|_| ())
}
