//! Paygate's use cases and workflows; front doors (HTTP, bot, jobs) call into this crate.

pub mod housekeeping;
pub mod jobs;
mod state;

pub use state::{AdapterMode, AdapterStatus, App};
