//! Test harness for Paygate: fresh databases, the real app on port 0, and fake provider servers.

#![allow(clippy::expect_used)] // a harness that cannot start should fail the test loudly

mod app;
mod conservation;
mod database;
mod fake_server;

pub use app::{
    SANDBOX_IPN_SECRET, TEST_JWT_SECRET, TestApp, TestAppOptions, spawn_app, spawn_app_with,
    spawn_app_with_messenger, spawn_app_with_worker,
};
pub use conservation::{assert_payments_conserved, payment_violations};
pub use database::fresh_database;
pub mod anvil;
pub mod fake_changenow;
pub mod fake_nowpayments;
pub mod fake_telegram;
pub mod in_memory_messenger;
pub mod sandbox_world;
