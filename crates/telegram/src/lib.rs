//! Telegram Bot API adapter: a small JSON-over-HTTPS client that implements the `Messenger` port.

mod chat_admin;
mod client;
mod error;
mod member_updates;
mod messages;
mod messenger;
mod polling;
mod types;
mod updates;
mod wire;

pub use client::{BotApi, BotIdentity};
pub use paygate_domain::messenger::{
    InlineButton, InlineKeyboard, InvalidCallbackData, InviteLinkRequest, MAX_CALLBACK_DATA_BYTES,
};
pub use polling::ALLOWED_UPDATES;
pub use types::{
    CallbackQuery, IncomingMessage, JoinRequest, MemberUpdate, TelegramUser, Update, UpdateKind,
};
pub use updates::{InvalidUpdate, parse_update, update_from_value};
