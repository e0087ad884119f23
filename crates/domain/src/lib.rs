//! Paygate's pure domain: typed values with their rules, no I/O.

pub mod account;
pub mod channel;
pub mod limits;
pub mod validation;
pub mod wallet;
