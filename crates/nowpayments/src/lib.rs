//! NOWPayments adapter: a JSON-over-HTTPS client for the `PaymentGateway` port, plus IPN verification.

mod canonical;
mod client;
mod error;
mod ipn;
mod listing;
mod wire;

pub use client::NowPayments;
pub use ipn::{IPN_SIGNATURE_HEADER, IpnError, VerifiedIpn, sign_ipn, verify_ipn};
