//! Paygate's use cases and workflows; front doors (HTTP, bot, jobs) call into this crate.

pub mod account_recovery;
pub mod accounts;
pub mod audit;
pub mod auth;
mod error;
pub mod housekeeping;
pub mod jobs;
pub mod mail;
pub mod rate_limit;
mod state;

pub use error::{AppError, AppResult};
pub use state::{AdapterMode, AdapterStatus, App, Settings};
