//! The `paygate` program: configuration, telemetry, embedded PostgreSQL and the wiring of each role.

pub mod cli;
pub mod config;
pub mod demo;
mod embedded_owner;
pub mod embedded_pg;
mod human_log;
mod parse;
mod payout_adapters;
mod pg_binaries;
pub mod platform;
pub mod roles;
pub mod sandbox_cli;
pub mod secret_url;
mod secrets;
pub mod shutdown;
pub mod telemetry;
