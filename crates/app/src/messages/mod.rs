//! Messages to subscribers: the texts the bot sends and the durable job that sends them.

pub mod notify;
pub mod texts;
