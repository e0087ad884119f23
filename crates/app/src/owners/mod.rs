//! Channel owners in Telegram: linking their account, their bot commands and their notifications.

pub mod commands;
pub mod link;
pub mod notify;
mod outbox;
