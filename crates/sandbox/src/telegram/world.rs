//! The sandbox world: people, the owners' channels, messages, memberships and join requests, as the
//! sandbox chat page shows them.

use serde_json::Value;

use super::{ClientError, SandboxTelegram};

/// A sandbox person (subscriber or owner).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SandboxUser {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
    /// Has written to the bot (the bot may message them).
    pub started: bool,
}

/// Which of an owner's two channels a chat is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    Open,
    Closed,
}

/// A sandbox channel; the bot administers it with every right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxChat {
    pub id: i64,
    pub title: String,
    pub kind: ChatKind,
    pub creator_id: i64,
}

/// One button under a bot message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Button {
    Url { text: String, url: String },
    Callback { text: String, data: String },
}

/// A message in a private chat or a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxMessage {
    pub chat_id: i64,
    pub message_id: i64,
    pub from_bot: bool,
    /// Telegram HTML as sent (see [`super::rules::parse_html`]).
    pub text: String,
    pub buttons: Vec<Vec<Button>>,
}

/// A member of a channel and their status (`creator`, `member`, `left`, `kicked`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub user_id: i64,
    pub first_name: String,
    pub status: String,
}

/// A join request and what the bot decided (`pending`, `approved`, `declined`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JoinRequestView {
    pub chat_id: i64,
    pub user_id: i64,
    pub link: String,
    pub status: String,
}

impl SandboxTelegram {
    /// Creates a person; `username` (5–32 of `A-Za-z0-9_`, starting with a letter) is optional.
    pub async fn create_user(
        &self,
        first_name: &str,
        username: Option<&str>,
    ) -> Result<SandboxUser, ClientError> {
        let first_name = first_name.trim();
        if first_name.is_empty() || first_name.chars().count() > 64 {
            return Err(ClientError::Refused("a first name of 1 to 64 characters is needed".into()));
        }
        let username = username.map(str::trim).filter(|u| !u.is_empty());
        if let Some(name) = username {
            let valid = (5..=32).contains(&name.len())
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid {
                return Err(ClientError::Refused("usernames are 5–32 letters, digits or _".into()));
            }
        }
        sqlx::query_as(
            "INSERT INTO sandbox_telegram_users (first_name, username) VALUES ($1, $2)
             RETURNING id, first_name, username, started",
        )
        .bind(first_name)
        .bind(username)
        .fetch_one(&self.pool)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                ClientError::Refused("that username is taken".into())
            }
            _ => ClientError::Database(error),
        })
    }

    pub async fn users(&self) -> Result<Vec<SandboxUser>, ClientError> {
        Ok(sqlx::query_as("SELECT id, first_name, username, started FROM sandbox_telegram_users ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn user(&self, id: i64) -> Result<SandboxUser, ClientError> {
        sqlx::query_as("SELECT id, first_name, username, started FROM sandbox_telegram_users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ClientError::NotFound("no such sandbox person"))
    }

    /// Creates `owner`'s open and closed channel (`name` and `name VIP`), the owner their creator.
    pub async fn create_channels(
        &self,
        owner: i64,
        name: &str,
    ) -> Result<(SandboxChat, SandboxChat), ClientError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ClientError::Refused("a channel name of 1 to 100 characters is needed".into()));
        }
        self.user(owner).await?;
        let mut tx = self.pool.begin().await?;
        let mut made = Vec::new();
        for (kind, title) in [(ChatKind::Open, name.to_owned()), (ChatKind::Closed, format!("{name} VIP"))] {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sandbox_telegram_chats (title, kind, creator_id) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&title)
            .bind(kind_text(kind))
            .bind(owner)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO sandbox_telegram_members (chat_id, user_id, status) VALUES ($1, $2, 'creator')",
            )
            .bind(id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
            made.push(SandboxChat { id, title, kind, creator_id: owner });
        }
        tx.commit().await?;
        let closed = made.pop().ok_or(ClientError::NotFound("channel"))?;
        let open = made.pop().ok_or(ClientError::NotFound("channel"))?;
        Ok((open, closed))
    }

    pub async fn chats(&self) -> Result<Vec<SandboxChat>, ClientError> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, title, kind, creator_id FROM sandbox_telegram_chats ORDER BY created_at, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, kind, creator_id)| SandboxChat {
                id,
                title,
                kind: if kind == "open" { ChatKind::Open } else { ChatKind::Closed },
                creator_id,
            })
            .collect())
    }

    /// The messages of a chat (a person's id for their chat with the bot), oldest first.
    pub async fn messages(&self, chat_id: i64) -> Result<Vec<SandboxMessage>, ClientError> {
        let rows: Vec<(i64, bool, String, Option<Value>)> = sqlx::query_as(
            "SELECT message_id, from_bot, text, keyboard FROM sandbox_telegram_messages
             WHERE chat_id = $1 AND NOT deleted ORDER BY message_id",
        )
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(message_id, from_bot, text, keyboard)| SandboxMessage {
                chat_id,
                message_id,
                from_bot,
                text,
                buttons: keyboard.as_ref().map(buttons).unwrap_or_default(),
            })
            .collect())
    }

    /// Everyone with a status in `chat_id`, including those who left or were banned.
    pub async fn members(&self, chat_id: i64) -> Result<Vec<Member>, ClientError> {
        Ok(sqlx::query_as(
            "SELECT m.user_id, u.first_name, m.status FROM sandbox_telegram_members m
             JOIN sandbox_telegram_users u ON u.id = m.user_id WHERE m.chat_id = $1 ORDER BY m.updated_at, m.user_id",
        )
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `user_id`'s status in `chat_id` (`left` without a row).
    pub async fn member_status_text(&self, chat_id: i64, user_id: i64) -> Result<String, ClientError> {
        let status: Option<String> = sqlx::query_scalar(
            "SELECT status FROM sandbox_telegram_members WHERE chat_id = $1 AND user_id = $2",
        )
        .bind(chat_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(status.unwrap_or_else(|| "left".to_owned()))
    }

    /// Join requests to `chat_id`, oldest first.
    pub async fn join_requests(&self, chat_id: i64) -> Result<Vec<JoinRequestView>, ClientError> {
        Ok(sqlx::query_as(
            "SELECT chat_id, user_id, link, status FROM sandbox_telegram_join_requests WHERE chat_id = $1 ORDER BY id",
        )
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The bot's answer to `user_id`'s latest button press, if it showed a toast.
    pub async fn last_toast(&self, user_id: i64) -> Result<Option<String>, ClientError> {
        let toast: Option<Option<String>> = sqlx::query_scalar(
            "SELECT toast FROM sandbox_telegram_callbacks WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(toast.flatten())
    }

    /// Invite links the bot created for `chat_id`: (link, revoked).
    pub async fn invite_links(&self, chat_id: i64) -> Result<Vec<(String, bool)>, ClientError> {
        Ok(sqlx::query_as(
            "SELECT link, revoked FROM sandbox_telegram_invite_links WHERE chat_id = $1 ORDER BY created_at, link",
        )
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

pub(super) fn kind_text(kind: ChatKind) -> &'static str {
    match kind {
        ChatKind::Open => "open",
        ChatKind::Closed => "closed",
    }
}

/// The buttons of a stored `InlineKeyboardMarkup`.
pub(super) fn buttons(markup: &Value) -> Vec<Vec<Button>> {
    let rows = markup["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .map(|row| {
            row.as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| {
                    let text = b["text"].as_str()?.to_owned();
                    match (b["url"].as_str(), b["callback_data"].as_str()) {
                        (Some(url), _) => Some(Button::Url { text, url: url.to_owned() }),
                        (_, Some(data)) => Some(Button::Callback { text, data: data.to_owned() }),
                        _ => None,
                    }
                })
                .collect()
        })
        .collect()
}
