//! Telegram Bot API adapter: a small JSON-over-HTTPS client that implements the `Messenger` port.

mod client;
mod error;
mod messenger;
mod wire;

pub use client::{BotApi, BotIdentity};
