//! Paygate's use cases and workflows; front doors (HTTP, bot, jobs) call into this crate.

pub mod account_recovery;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod channel_views;
pub mod channels;
pub mod currencies;
mod error;
pub mod housekeeping;
pub mod jobs;
pub mod links;
pub mod mail;
pub mod rate_limit;
pub mod readiness;
mod state;

pub use error::{AppError, AppResult};
pub use state::{AdapterMode, AdapterStatus, App, Settings};
