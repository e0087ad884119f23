//! ChangeNOW adapter: a JSON-over-HTTPS client (API v2) for the `SwapProvider` port.

mod client;
mod convert;
mod error;
mod listing;
mod wire;

pub use client::ChangeNow;
