//! The update queue the bot polls: Bot API JSON in PostgreSQL, forgotten once a later offset confirms it.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use paygate_domain::messenger::MessengerError;
use paygate_telegram::{Update, UpdateSource, update_from_value};
use serde_json::{Value, json};
use sqlx::PgConnection;

use super::{SANDBOX_BOT_ID, SANDBOX_BOT_USERNAME, SandboxTelegram, world::SandboxUser};

/// How often an idle long poll looks at the table when no wake-up came (another process wrote).
const IDLE_LOOK: Duration = Duration::from_millis(250);

/// Queues `body` (an update without `update_id`) and returns its update id.
pub(super) async fn enqueue(conn: &mut PgConnection, body: Value) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO sandbox_telegram_updates (body) VALUES ($1) RETURNING update_id")
        .bind(body)
        .fetch_one(conn)
        .await
}

/// A person as the Bot API's `User` object.
pub(super) fn user_json(user: &SandboxUser) -> Value {
    let mut value = json!({"id": user.id, "is_bot": false, "first_name": user.first_name});
    if let Some(username) = &user.username {
        value["username"] = json!(username);
    }
    value
}

/// The bot as a `User` object (the creator of its invite links).
pub(super) fn bot_json() -> Value {
    json!({"id": SANDBOX_BOT_ID, "is_bot": true, "first_name": "Paygate (sandbox)", "username": SANDBOX_BOT_USERNAME})
}

/// A channel as a `Chat` object.
pub(super) fn channel_json(chat_id: i64, title: &str) -> Value {
    json!({"id": chat_id, "type": "channel", "title": title})
}

/// An invite link as a `ChatInviteLink` object.
pub(super) fn invite_link_json(link: &str, creates_join_request: bool) -> Value {
    json!({"invite_link": link, "creator": bot_json(), "creates_join_request": creates_join_request,
           "is_primary": false, "is_revoked": false})
}

/// Now as Unix time, for the `date` fields.
pub(super) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl SandboxTelegram {
    /// Whether the bot has confirmed (handled) update `update_id`.
    pub async fn is_handled(&self, update_id: i64) -> Result<bool, sqlx::Error> {
        let pending: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sandbox_telegram_updates WHERE update_id = $1)")
                .bind(update_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(!pending)
    }

    /// Waits up to `timeout` for the bot to handle `update_id`; true when it did.
    pub async fn wait_handled(&self, update_id: i64, timeout: Duration) -> Result<bool, sqlx::Error> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.is_handled(update_id).await? {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits up to `timeout` until the bot has handled every update (including those its own actions
    /// caused, e.g. a `chat_member` update after an approval); true when nothing is pending.
    pub async fn wait_idle(&self, timeout: Duration) -> Result<bool, sqlx::Error> {
        let deadline = Instant::now() + timeout;
        loop {
            let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM sandbox_telegram_updates")
                .fetch_one(&self.pool)
                .await?;
            if pending == 0 {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wakes a long poll waiting in this process.
    pub(super) fn wake(&self) {
        self.wake.notify_waiters();
    }

    async fn pending(&self, offset: Option<i64>) -> Result<Vec<(i64, Value)>, sqlx::Error> {
        if let Some(offset) = offset {
            sqlx::query("DELETE FROM sandbox_telegram_updates WHERE update_id < $1")
                .bind(offset)
                .execute(&self.pool)
                .await?;
        }
        sqlx::query_as(
            "SELECT update_id, body FROM sandbox_telegram_updates WHERE update_id >= $1 ORDER BY update_id LIMIT 100",
        )
        .bind(offset.unwrap_or(0))
        .fetch_all(&self.pool)
        .await
    }
}

#[async_trait]
impl UpdateSource for SandboxTelegram {
    async fn delete_webhook(&self) -> Result<(), MessengerError> {
        Ok(())
    }

    async fn set_my_commands(&self, _commands: &[(&str, &str)]) -> Result<(), MessengerError> {
        Ok(())
    }

    async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u32,
    ) -> Result<Vec<Update>, MessengerError> {
        let deadline = Instant::now() + Duration::from_secs(timeout_secs.into());
        loop {
            let woken = self.wake.notified();
            let rows = self.pending(offset).await.map_err(super::unavailable)?;
            if !rows.is_empty() || Instant::now() >= deadline {
                return rows
                    .into_iter()
                    .map(|(update_id, mut body)| {
                        body["update_id"] = json!(update_id);
                        update_from_value(body).map_err(|error| MessengerError::Rejected {
                            code: 500,
                            description: format!("sandbox update unreadable: {error}"),
                        })
                    })
                    .collect();
            }
            let _ = tokio::time::timeout(IDLE_LOOK, woken).await;
        }
    }
}
