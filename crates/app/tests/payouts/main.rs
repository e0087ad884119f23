//! Instant payouts end to end: real PostgreSQL, the host wallet on anvil, ChangeNOW's fake watching the chain.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod crashes;
mod direct;
mod faults;
mod mixed;
mod random;
mod sandbox;
mod support;
mod swap;
mod threshold;
