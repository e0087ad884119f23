//! The Ethereum host wallet (alloy): ETH and ERC-20 transfers, nonces in PostgreSQL, raw transactions stored before broadcast, same-nonce replacement.
//!
//! Implements the `HostWallet` port of `paygate-domain`. See docs/providers.md (Ethereum) for the
//! nonce and replacement policy.

mod chain;
mod config;
mod error;
pub mod fees;
mod follow;
mod plan;
mod store;
pub mod units;
mod wallet;

pub use config::{
    DEFAULT_CONFIRMATIONS, DEFAULT_MAX_FEE_GWEI, DEFAULT_REPLACE_AFTER, EthWalletConfig, HostWalletKey,
    InvalidKey, MAINNET_USDT,
};
pub use wallet::{Candidate, EthWallet};
