//! The `Messenger` port: what Paygate asks of Telegram, independent of any client library.

use std::time::Duration;

use async_trait::async_trait;

/// The bot's membership in a chat, as Telegram reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Creator,
    Administrator,
    Member,
    Restricted,
    Left,
    Kicked,
}

/// What the bot may do in one chat.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChatRights {
    pub status: MemberStatus,
    pub can_invite_users: bool,
    pub can_restrict_members: bool,
    pub can_post_messages: bool,
}

/// Failures talking to Telegram, classified where they happen.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum MessengerError {
    #[error("no Telegram bot token is configured")]
    NotConfigured,
    #[error("the chat does not exist or the bot is not in it")]
    ChatNotFound,
    #[error("Telegram rejected the bot token")]
    Unauthorized,
    #[error("the bot was blocked by the user or removed from the chat")]
    Forbidden,
    #[error("Telegram rate limit; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    #[error("Telegram is unreachable or failing: {0}")]
    Unavailable(String),
    #[error("Telegram refused the request ({code}): {description}")]
    Rejected { code: u16, description: String },
}

impl MessengerError {
    /// True when trying again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Unavailable(_))
    }
}

/// Telegram as Paygate uses it. Implemented by the Bot API adapter; tests point it at a fake server.
#[async_trait]
pub trait Messenger: Send + Sync {
    /// The bot's own username (for deep links), without `@`.
    async fn bot_username(&self) -> Result<String, MessengerError>;

    /// The bot's status and rights in `chat_id`.
    async fn bot_rights(&self, chat_id: i64) -> Result<ChatRights, MessengerError>;

    /// The status and rights of another Telegram user in `chat_id` (e.g. whether a channel owner
    /// administers the chat); Telegram answers only where the bot may see the members.
    async fn member_rights(&self, chat_id: i64, user_id: i64) -> Result<ChatRights, MessengerError>;
}
