//! Subscriber use cases behind the bot: each returns the reply to show, the bot only renders it.

mod conversation;
pub mod dialogue;
mod donations;
mod offers;
mod reply;
mod status;

pub use conversation::{HELP, cancel, help, seen, start, text};
pub use donations::donate;
pub use offers::{pay, renew};
pub use reply::Reply;
pub use status::{reissue, status};
