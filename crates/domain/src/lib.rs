//! Paygate's pure domain: typed values with their rules, no I/O.

pub mod account;
pub mod channel;
pub mod host_wallet;
pub mod ids;
pub mod limits;
pub mod mailer;
pub mod messenger;
pub mod money;
pub mod payment_gateway;
pub mod payment_identity;
pub mod payment_rules;
pub mod split;
pub mod status;
pub mod swap;
pub mod telegram_limits;
pub mod validation;
pub mod wallet;
