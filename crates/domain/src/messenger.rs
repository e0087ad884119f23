//! The `Messenger` port: what Paygate asks of Telegram, independent of any client library.

mod outgoing;

use std::time::Duration;

use async_trait::async_trait;

pub use outgoing::{
    InlineButton, InlineKeyboard, InvalidCallbackData, InviteLinkRequest, MAX_CALLBACK_DATA_BYTES,
};

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

/// Telegram as Paygate uses it: every Bot API call the use cases make. Implemented by the Bot API
/// adapter (tests point it at a fake server, or use an in-memory messenger); the app wraps it in a
/// pacing decorator, and uses [`DisabledMessenger`] when no bot token is configured.
#[async_trait]
pub trait Messenger: Send + Sync {
    /// Whether a bot is configured at all (only [`DisabledMessenger`] says no): a state to show, not
    /// an error, where the answer is displayed (channel readiness, deep links).
    fn is_configured(&self) -> bool {
        true
    }

    /// Whether this is the real Telegram (false for the sandbox Telegram), for `/readyz`.
    fn is_live(&self) -> bool {
        true
    }

    /// The bot's own username (for deep links), without `@`.
    async fn bot_username(&self) -> Result<String, MessengerError>;

    /// The bot's status and rights in `chat_id`.
    async fn bot_rights(&self, chat_id: i64) -> Result<ChatRights, MessengerError>;

    /// The status and rights of another Telegram user in `chat_id` (e.g. whether a channel owner
    /// administers the chat); Telegram answers only where the bot may see the members.
    async fn member_rights(&self, chat_id: i64, user_id: i64) -> Result<ChatRights, MessengerError>;

    /// A member's status in `chat_id`, asked while changing it (removals): paced like an admin action,
    /// unlike the rights checks above.
    async fn member_status(&self, chat_id: i64, user_id: i64) -> Result<MemberStatus, MessengerError> {
        Ok(self.member_rights(chat_id, user_id).await?.status)
    }

    /// Sends an HTML message (link previews off) and returns its message id.
    async fn send_message(
        &self,
        chat_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<i64, MessengerError>;

    /// Replaces the text (and keyboard) of a message the bot sent.
    async fn edit_message(
        &self,
        chat_id: i64,
        message_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError>;

    /// Deletes a message.
    async fn delete_message(&self, chat_id: i64, message_id: i64) -> Result<(), MessengerError>;

    /// Stops a pressed button's spinner, optionally with a toast.
    async fn answer_callback(&self, query_id: &str, toast: Option<&str>) -> Result<(), MessengerError>;

    /// Creates an invite link for `chat_id` and returns it.
    async fn create_invite_link(
        &self,
        chat_id: i64,
        request: &InviteLinkRequest,
    ) -> Result<String, MessengerError>;

    /// Revokes a link the bot created.
    async fn revoke_invite_link(&self, chat_id: i64, invite_link: &str) -> Result<(), MessengerError>;

    /// Lets `user_id` in after a join request.
    async fn approve_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError>;

    /// Refuses `user_id`'s join request.
    async fn decline_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError>;

    /// Removes and bans `user_id` from `chat_id`.
    async fn ban_member(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError>;

    /// Lifts a ban; with `only_if_banned` a current member is left alone.
    async fn unban_member(
        &self,
        chat_id: i64,
        user_id: i64,
        only_if_banned: bool,
    ) -> Result<(), MessengerError>;
}

/// The messenger of a Paygate without a bot token: every call answers [`MessengerError::NotConfigured`].
/// The one place "no bot configured" is decided; use cases classify the error like any other.
#[derive(Debug, Clone, Copy, Default)]
pub struct DisabledMessenger;

#[async_trait]
impl Messenger for DisabledMessenger {
    fn is_configured(&self) -> bool {
        false
    }

    async fn bot_username(&self) -> Result<String, MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn bot_rights(&self, _: i64) -> Result<ChatRights, MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn member_rights(&self, _: i64, _: i64) -> Result<ChatRights, MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn send_message(&self, _: i64, _: &str, _: Option<&InlineKeyboard>) -> Result<i64, MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn edit_message(
        &self,
        _: i64,
        _: i64,
        _: &str,
        _: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn delete_message(&self, _: i64, _: i64) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn answer_callback(&self, _: &str, _: Option<&str>) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn create_invite_link(&self, _: i64, _: &InviteLinkRequest) -> Result<String, MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn revoke_invite_link(&self, _: i64, _: &str) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn approve_join_request(&self, _: i64, _: i64) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn decline_join_request(&self, _: i64, _: i64) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn ban_member(&self, _: i64, _: i64) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }

    async fn unban_member(&self, _: i64, _: i64, _: bool) -> Result<(), MessengerError> {
        Err(MessengerError::NotConfigured)
    }
}
