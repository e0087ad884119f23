//! Subscribers: the bot conversation (each use case returns the reply to show, the bot only renders it),
//! invoices and payments, invites and joins, expiry and removal.

mod conversation;
pub mod dialogue;
mod donations;
pub mod expiry;
pub mod invite_joins;
pub mod invites;
pub mod invoicing;
mod offers;
pub mod payment_intake;
pub mod payment_verdict;
pub mod reconcile;
mod removal;
mod reply;
pub mod sandbox_time;
mod status;

pub use conversation::{HELP, cancel, help, seen, start, text};
pub use donations::donate;
pub use offers::{pay, renew};
pub use reply::Reply;
pub use status::{reissue, status};
