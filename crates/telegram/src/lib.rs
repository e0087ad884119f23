//! Telegram Bot API adapter: a small JSON-over-HTTPS client that implements the `Messenger` port, and the
//! `PacedMessenger` decorator that keeps every instance within Telegram's limits (wired by the server).

mod chat_admin;
mod client;
mod error;
mod member_updates;
mod messages;
mod messenger;
mod paced_messenger;
pub mod pacer;
mod polling;
mod types;
mod update_source;
mod updates;
mod wire;

pub use client::{BotApi, BotIdentity};
pub use paced_messenger::PacedMessenger;
pub use paygate_domain::messenger::{
    InlineButton, InlineKeyboard, InvalidCallbackData, InviteLinkRequest, MAX_CALLBACK_DATA_BYTES,
};
pub use polling::ALLOWED_UPDATES;
pub use types::{
    CallbackQuery, IncomingMessage, JoinRequest, MemberUpdate, TelegramUser, Update, UpdateKind,
};
pub use update_source::UpdateSource;
pub use updates::{InvalidUpdate, parse_update, update_from_value};
