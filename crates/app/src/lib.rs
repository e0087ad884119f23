//! Paygate's use cases and workflows; front doors (HTTP, bot, jobs) call into this crate.

pub mod accounts;
pub mod channels;
mod error;
pub mod housekeeping;
pub mod ip_key;
pub mod jobs;
pub mod messages;
pub mod operator;
pub mod owners;
pub mod payouts;
pub mod rate_limit;
mod state;
pub mod subscribers;
mod telegram_errors;

pub use error::{AppError, AppResult};
pub use state::{AdapterMode, AdapterStatus, Adapters, App, Settings};
