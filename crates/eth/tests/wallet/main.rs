//! Host wallet against a real dev chain (anvil) and a real PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod concurrency;
mod funds;
mod recovery;
mod transfers;
