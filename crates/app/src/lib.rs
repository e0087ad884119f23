//! Paygate's use cases and workflows; front doors (HTTP, bot, jobs) call into this crate.

pub mod account_recovery;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod channel_activity;
pub mod channel_views;
pub mod channels;
pub mod currencies;
mod error;
pub mod expiry;
pub mod housekeeping;
pub mod invite_joins;
pub mod invites;
pub mod invoicing;
pub mod ip_key;
pub mod jobs;
pub mod links;
pub mod mail;
pub mod notify;
pub mod offer_posts;
pub mod offer_requests;
pub mod owner_link;
pub mod owner_notify;
pub mod pacer;
pub mod payment_intake;
pub mod payment_verdict;
pub mod rate_limit;
pub mod readiness;
pub mod reconcile;
mod removal;
mod state;
mod telegram_errors;
pub mod telegram_sender;
pub mod texts;

pub use error::{AppError, AppResult};
pub use state::{AdapterMode, AdapterStatus, Adapters, App, Settings};
