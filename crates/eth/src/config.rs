//! Host wallet settings and its private key (a secret: never printed, logged or in `Debug`).

use std::{fmt, time::Duration};

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Confirmations after which a transfer is done (`PAYGATE_ETH_CONFIRMATIONS`).
pub const DEFAULT_CONFIRMATIONS: u64 = 3;
/// Cap on the max fee per gas, in gwei (`PAYGATE_ETH_MAX_FEE_GWEI`).
pub const DEFAULT_MAX_FEE_GWEI: u64 = 200;
/// How long a candidate may wait unmined before it is replaced at the same nonce.
pub const DEFAULT_REPLACE_AFTER: Duration = Duration::from_secs(180);
/// Mainnet USDT (6 decimals, `transfer` returns nothing).
pub const MAINNET_USDT: Address = alloy::primitives::address!("dAC17F958D2ee523a2206206994597C13D831ec7");

/// The host wallet's private key. `Debug` shows only the address it controls.
#[derive(Clone)]
pub struct HostWalletKey(PrivateKeySigner);

impl HostWalletKey {
    /// A 32-byte hex key, with or without `0x`. The error never repeats the input.
    pub fn parse(secret: &SecretString) -> Result<Self, InvalidKey> {
        let raw = secret.expose_secret().trim();
        raw.parse::<PrivateKeySigner>().map(Self).map_err(|_| InvalidKey)
    }

    pub fn address(&self) -> Address {
        self.0.address()
    }

    pub(crate) fn signer(&self) -> &PrivateKeySigner {
        &self.0
    }
}

impl fmt::Debug for HostWalletKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HostWalletKey({:#x}, key: <redacted>)", self.0.address())
    }
}

/// The key text is not a valid secp256k1 private key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the host wallet key is not a 32-byte hex private key")]
pub struct InvalidKey;

/// Everything the Ethereum host wallet needs.
#[derive(Clone)]
pub struct EthWalletConfig {
    pub rpc_url: Url,
    pub key: HostWalletKey,
    /// Checked against the node at start (1 mainnet, 11155111 Sepolia, 31337 anvil).
    pub chain_id: u64,
    pub usdt_contract: Address,
    pub confirmations: u64,
    pub max_fee_gwei: u64,
    pub replace_after: Duration,
    /// Per RPC call.
    pub rpc_timeout: Duration,
}

impl EthWalletConfig {
    /// Defaults for everything but the node, key, chain and token.
    pub fn new(rpc_url: Url, key: HostWalletKey, chain_id: u64, usdt_contract: Address) -> Self {
        Self {
            rpc_url,
            key,
            chain_id,
            usdt_contract,
            confirmations: DEFAULT_CONFIRMATIONS,
            max_fee_gwei: DEFAULT_MAX_FEE_GWEI,
            replace_after: DEFAULT_REPLACE_AFTER,
            rpc_timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for EthWalletConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Node URLs often carry an API key in the path or query: show the host only.
        f.debug_struct("EthWalletConfig")
            .field("rpc_host", &self.rpc_url.host_str())
            .field("key", &self.key)
            .field("chain_id", &self.chain_id)
            .field("usdt_contract", &self.usdt_contract)
            .field("confirmations", &self.confirmations)
            .field("max_fee_gwei", &self.max_fee_gwei)
            .field("replace_after", &self.replace_after)
            .finish_non_exhaustive()
    }
}
