//! The people's side of the sandbox Telegram: writing to the bot, opening deep links, pressing
//! buttons and following invite links, each turned into the update Telegram would send the bot.

use serde_json::json;

use super::{
    SANDBOX_BOT_USERNAME, SandboxTelegram, membership,
    updates::{channel_json, enqueue, invite_link_json, unix_now, user_json},
    world::{Button, SandboxUser},
};

/// Why a person's action did not happen (what the Telegram app would show).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Refused(String),
    #[error("sandbox Telegram database: {0}")]
    Database(#[from] sqlx::Error),
}

/// What following a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// A deep link to the bot: this text was sent as update `update_id`.
    Started { command: String, update_id: i64 },
    /// An invite link: the person is now a member of `chat_id`.
    Joined { chat_id: i64 },
    /// A join-request link: the request waits for the bot (update `update_id`).
    Requested { chat_id: i64, update_id: i64 },
    /// An invite link of a channel the person is already in.
    AlreadyMember { chat_id: i64 },
}

impl SandboxTelegram {
    /// `user_id` writes `text` to the bot; returns the update id.
    pub async fn send_text(&self, user_id: i64, text: &str) -> Result<i64, ClientError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 4096 {
            return Err(ClientError::Refused("a message is 1 to 4096 characters".into()));
        }
        let mut tx = self.pool.begin().await?;
        let user: SandboxUser = sqlx::query_as(
            "UPDATE sandbox_telegram_users SET started = true WHERE id = $1 RETURNING id, first_name, username, started",
        )
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ClientError::NotFound("no such sandbox person"))?;
        let message_id: i64 = sqlx::query_scalar(
            "INSERT INTO sandbox_telegram_messages (chat_id, from_bot, text) VALUES ($1, false, $2) RETURNING message_id",
        )
        .bind(user_id)
        .bind(text)
        .fetch_one(&mut *tx)
        .await?;
        let person = user_json(&user);
        let chat = json!({"id": user.id, "type": "private", "first_name": user.first_name});
        let body = json!({"message": {"message_id": message_id, "date": unix_now(), "chat": chat, "from": person, "text": text}});
        let update_id = enqueue(&mut tx, body).await?;
        tx.commit().await?;
        self.wake();
        Ok(update_id)
    }

    /// `user_id` presses the callback button carrying `data` under bot message `message_id` of `chat_id`
    /// (their chat with the bot, or a channel post); returns the update id. Only data that is on one of
    /// the message's buttons can be sent, as in Telegram.
    pub async fn press(
        &self,
        user_id: i64,
        chat_id: i64,
        message_id: i64,
        data: &str,
    ) -> Result<i64, ClientError> {
        let user = self.user(user_id).await?;
        let message = self
            .messages(chat_id)
            .await?
            .into_iter()
            .find(|m| m.message_id == message_id && m.from_bot)
            .ok_or(ClientError::NotFound("no such message"))?;
        let on_message = message
            .buttons
            .iter()
            .flatten()
            .any(|b| matches!(b, Button::Callback { data: d, .. } if d == data));
        if !on_message {
            return Err(ClientError::NotFound("no such button"));
        }
        let mut tx = self.pool.begin().await?;
        let query_id: i64 = sqlx::query_scalar(
            "INSERT INTO sandbox_telegram_callbacks (user_id, chat_id, message_id, data) VALUES ($1, $2, $3, $4)
             RETURNING id",
        )
        .bind(user_id)
        .bind(chat_id)
        .bind(message_id)
        .bind(data)
        .fetch_one(&mut *tx)
        .await?;
        let body = json!({"callback_query": {
            "id": query_id.to_string(),
            "from": user_json(&user),
            "message": {"message_id": message_id, "date": unix_now(), "chat": {"id": chat_id, "type": if chat_id > 0 { "private" } else { "channel" }}},
            "chat_instance": format!("sandbox-{chat_id}"),
            "data": data,
        }});
        let update_id = enqueue(&mut tx, body).await?;
        tx.commit().await?;
        self.wake();
        Ok(update_id)
    }

    /// `user_id` opens `url`: a deep link to the bot (sent as `/start …`) or an invite link.
    pub async fn open_link(&self, user_id: i64, url: &str) -> Result<LinkOutcome, ClientError> {
        let url = url.trim();
        if let Some(command) = super::rules::deep_link_command(url, SANDBOX_BOT_USERNAME) {
            let update_id = self.send_text(user_id, &command).await?;
            return Ok(LinkOutcome::Started { command, update_id });
        }
        if url.starts_with("https://t.me/+") {
            return self.follow_invite(user_id, url).await;
        }
        Err(ClientError::Refused("not a link to the sandbox bot or a sandbox invite link".into()))
    }

    /// `user_id` follows invite link `link`, with Telegram's rules: a revoked, expired or used-up link
    /// does not work, a banned person cannot join, a join-request link asks the bot.
    pub async fn follow_invite(&self, user_id: i64, link: &str) -> Result<LinkOutcome, ClientError> {
        let user = self.user(user_id).await?;
        let mut tx = self.pool.begin().await?;
        let found: Option<(i64, bool, bool, bool)> = sqlx::query_as(
            "SELECT chat_id, creates_join_request, revoked OR coalesce(expire_at <= now(), false),
                    member_limit IS NOT NULL AND uses >= member_limit
             FROM sandbox_telegram_invite_links WHERE link = $1 FOR UPDATE",
        )
        .bind(link)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((chat_id, join_request, expired, used_up)) = found else {
            return Err(ClientError::Refused("this invite link is invalid".into()));
        };
        if expired || used_up {
            return Err(ClientError::Refused("this invite link has expired".into()));
        }
        let status = membership::status(&mut tx, chat_id, user_id).await?;
        match status.as_str() {
            "kicked" => return Err(ClientError::Refused("you are banned from this channel".into())),
            "member" | "creator" => return Ok(LinkOutcome::AlreadyMember { chat_id }),
            _ => {}
        }
        if join_request {
            let pending = sqlx::query(
                "INSERT INTO sandbox_telegram_join_requests (chat_id, user_id, link) VALUES ($1, $2, $3)
                 ON CONFLICT (chat_id, user_id) WHERE status = 'pending' DO NOTHING",
            )
            .bind(chat_id)
            .bind(user_id)
            .bind(link)
            .execute(&mut *tx)
            .await?;
            if pending.rows_affected() == 0 {
                return Err(ClientError::Refused(
                    "you already asked to join; the administrators decide".into(),
                ));
            }
            let (title,): (String,) =
                sqlx::query_as("SELECT title FROM sandbox_telegram_chats WHERE id = $1")
                    .bind(chat_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let body = json!({"chat_join_request": {
                "chat": channel_json(chat_id, &title),
                "from": user_json(&user),
                "user_chat_id": user.id,
                "date": unix_now(),
                "invite_link": invite_link_json(link, true),
            }});
            let update_id = enqueue(&mut tx, body).await?;
            tx.commit().await?;
            self.wake();
            return Ok(LinkOutcome::Requested { chat_id, update_id });
        }
        sqlx::query("UPDATE sandbox_telegram_invite_links SET uses = uses + 1 WHERE link = $1")
            .bind(link)
            .execute(&mut *tx)
            .await?;
        let old = membership::set_status(&mut tx, chat_id, user_id, "member").await?;
        membership::announce(&mut tx, chat_id, user_id, (&old, "member"), Some((link, false))).await?;
        tx.commit().await?;
        self.wake();
        Ok(LinkOutcome::Joined { chat_id })
    }

    /// `user_id` leaves `chat_id` (the bot is told, as Telegram tells administrator bots).
    pub async fn leave(&self, user_id: i64, chat_id: i64) -> Result<(), ClientError> {
        let mut tx = self.pool.begin().await?;
        let status = membership::status(&mut tx, chat_id, user_id).await?;
        if status == "member" {
            membership::set_status(&mut tx, chat_id, user_id, "left").await?;
            membership::announce(&mut tx, chat_id, user_id, ("member", "left"), None).await?;
        }
        tx.commit().await?;
        self.wake();
        Ok(())
    }
}
