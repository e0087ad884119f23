//! Public Bot API models of incoming updates (outgoing keyboards and invite requests live in the domain).

/// A Telegram account as updates report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramUser {
    pub id: i64,
    /// Without the leading `@`; absent for accounts without a public username.
    pub username: Option<String>,
    pub first_name: String,
}

/// One incoming update; `update_id + 1` is the offset that confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub update_id: i64,
    pub kind: UpdateKind,
}

/// The update kinds Paygate acts on; everything else (and any malformed known kind) is `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateKind {
    Message(IncomingMessage),
    CallbackQuery(CallbackQuery),
    ChatJoinRequest(JoinRequest),
    /// A member's status changed in a chat the bot administers (`chat_member`).
    ChatMember(MemberUpdate),
    Other,
}

/// A message sent to the bot (private chat) or seen in a chat it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    pub chat_id: i64,
    pub message_id: i64,
    pub from: Option<TelegramUser>,
    pub text: Option<String>,
}

/// A press on an inline callback button; answer it with `answer_callback_query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackQuery {
    pub id: String,
    pub from: TelegramUser,
    pub data: Option<String>,
    /// The chat and message of the keyboard; absent when the message is too old or inline.
    pub message_chat_id: Option<i64>,
    pub message_id: Option<i64>,
}

/// Someone asked to join `chat_id` through a join-request link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub chat_id: i64,
    pub from: TelegramUser,
    /// The link they used, when it was one of the bot's links.
    pub invite_link: Option<String>,
}

/// A member's status changed in `chat_id` (`chat_member` update, sent to administrator bots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberUpdate {
    pub chat_id: i64,
    /// The member whose status changed.
    pub user: TelegramUser,
    pub old_status: paygate_domain::messenger::MemberStatus,
    pub new_status: paygate_domain::messenger::MemberStatus,
    /// The link they joined with, when they joined through one (only links the bot may see).
    pub invite_link: Option<String>,
}

impl MemberUpdate {
    /// Whether this update is someone entering the chat (from outside it).
    pub fn joined(&self) -> bool {
        use paygate_domain::messenger::MemberStatus::{
            Administrator, Creator, Kicked, Left, Member, Restricted,
        };
        matches!(self.old_status, Left | Kicked)
            && matches!(self.new_status, Member | Restricted | Administrator | Creator)
    }
}
