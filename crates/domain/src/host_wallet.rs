//! The `HostWallet` port: balances and transfers from the operator's wallet, recorded before every irreversible step.
//!
//! The workflow drives one transfer in three calls, each safe to repeat after a crash:
//! 1. `prepare_transfer` records the intent under the caller's reference (idempotent);
//! 2. `send` checks the balance (not enough → `NeedsFunds`, nothing signed, no nonce used), signs
//!    and stores the raw transaction and its hash, then broadcasts it; called again it re-broadcasts
//!    the same stored bytes, never signs a second nonce for the same transfer;
//! 3. `status` follows it: confirmations of every candidate, re-broadcast, and a same-nonce
//!    replacement with higher fees when it is not mined in time.

use std::fmt;

use async_trait::async_trait;

use crate::money::{Amount, Asset};
use crate::wallet::WalletAddress;

/// Paygate's id of one host wallet transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransferId(uuid::Uuid);

impl TransferId {
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7())
    }

    pub fn from_uuid(id: uuid::Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl Default for TransferId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A transaction hash as `0x` + 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxHash(String);

impl TxHash {
    pub fn parse(raw: &str) -> Option<Self> {
        let hex = raw.strip_prefix("0x")?;
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(raw.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TxHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What to send, to whom, under which caller reference (one transfer per reference, ever).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    /// The caller's idempotency key, e.g. `payout:<id>:deposit` (1–200 printable ASCII characters).
    pub reference: String,
    pub to: WalletAddress,
    pub amount: Amount,
}

/// Where a transfer stands. Never goes back to "unsent" once signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferStatus {
    /// Intent recorded; nothing signed yet.
    Prepared,
    /// Not enough of `needed`'s asset (the amount, or ETH for gas); nothing signed, no nonce used.
    /// `send` again once the wallet is topped up.
    NeedsFunds { needed: Amount, available: Amount },
    /// Signed and stored, not yet accepted by a node.
    Signed { nonce: u64, hash: TxHash },
    /// Accepted by a node; `hashes` are every candidate at this nonce, oldest first.
    Broadcast { nonce: u64, hashes: Vec<TxHash> },
    /// Mined with a successful receipt but fewer than the required confirmations.
    Mined { hash: TxHash, block: u64, confirmations: u64 },
    /// Done: a candidate has the required confirmations and a successful receipt (and, for a token,
    /// its `Transfer` log).
    Confirmed { hash: TxHash, block: u64 },
    /// Final failure: the mined candidate reverted (or moved no tokens). Never re-sent by itself.
    Failed { hash: TxHash, reverted: bool, reason: String },
}

impl TransferStatus {
    /// No further change will happen.
    pub fn is_final(&self) -> bool {
        match self {
            Self::Confirmed { .. } | Self::Failed { .. } => true,
            Self::Prepared
            | Self::NeedsFunds { .. }
            | Self::Signed { .. }
            | Self::Broadcast { .. }
            | Self::Mined { .. } => false,
        }
    }
}

/// The host wallet's balances, each in its own asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletBalances {
    pub eth: Amount,
    pub usdt: Amount,
}

/// Host wallet failures, classified where they happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    /// Transport failure, timeout or an RPC server error: try again later.
    #[error("Ethereum node unavailable: {0}")]
    Unavailable(String),
    /// The node refused the nonce and none of our candidates is mined yet (or the wallet is used
    /// elsewhere): try again later; the operator is told if it persists.
    #[error("nonce conflict: {0}")]
    NonceConflict(String),
    #[error("the database failed: {0}")]
    Storage(String),
    #[error("invalid destination address: {0}")]
    InvalidAddress(String),
    #[error("asset {0:?} is not sent by this wallet")]
    UnsupportedAsset(Asset),
    /// The transfer would revert (gas estimation failed) or did revert on chain.
    #[error("transfer reverted: {0}")]
    Reverted(String),
    /// The reference is already used by a different transfer.
    #[error("reference already used by another transfer: {0}")]
    ReferenceConflict(String),
    #[error("no such transfer")]
    NotFound,
    #[error("the node refused the transaction: {0}")]
    Rejected(String),
    #[error("unexpected answer from the node: {0}")]
    BadResponse(String),
}

impl WalletError {
    /// Worth trying again later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unavailable(_) | Self::NonceConflict(_) | Self::Storage(_) | Self::BadResponse(_) => true,
            Self::InvalidAddress(_)
            | Self::UnsupportedAsset(_)
            | Self::Reverted(_)
            | Self::ReferenceConflict(_)
            | Self::NotFound
            | Self::Rejected(_) => false,
        }
    }
}

#[async_trait]
pub trait HostWallet: Send + Sync {
    /// The wallet's own address (the refund address for swaps).
    fn address(&self) -> WalletAddress;
    async fn balances(&self) -> Result<WalletBalances, WalletError>;
    /// Records the intent (nothing is signed). The same reference returns the same transfer; a
    /// different destination or amount under a used reference is a `ReferenceConflict`.
    async fn prepare_transfer(&self, request: &TransferRequest) -> Result<TransferId, WalletError>;
    /// Checks funds, signs and stores the transaction before broadcasting it; a repeated call
    /// re-broadcasts the stored bytes. Returns `NeedsFunds` (not an error) when the wallet is short.
    async fn send(&self, id: TransferId) -> Result<TransferStatus, WalletError>;
    /// Follows the transfer: receipts of every candidate, re-broadcast, same-nonce replacement with
    /// higher fees once the latest candidate waited too long. A transfer waiting for funds reports
    /// `NeedsFunds` again, or `Prepared` once the wallet can pay (then `send` it).
    async fn status(&self, id: TransferId) -> Result<TransferStatus, WalletError>;
    /// `true` for a real chain, `false` for a simulator.
    fn is_live(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_hash_accepts_only_0x_and_64_hex_digits() {
        let good = format!("0x{}", "aB".repeat(32));
        assert_eq!(
            TxHash::parse(&good).map(|h| h.as_str().to_owned()),
            Some(format!("0x{}", "ab".repeat(32)))
        );
        for bad in
            ["", "0x", &"a".repeat(64), &format!("0x{}", "a".repeat(63)), &format!("0x{}", "g".repeat(64))]
        {
            assert_eq!(TxHash::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_transient_wallet_errors_are_retryable() {
        assert!(WalletError::Unavailable("timeout".into()).is_retryable());
        assert!(WalletError::NonceConflict("nonce too low".into()).is_retryable());
        assert!(!WalletError::Reverted("0x".into()).is_retryable());
        assert!(!WalletError::InvalidAddress("x".into()).is_retryable());
        assert!(
            !WalletError::UnsupportedAsset(Asset::parse("btc", "btc").unwrap_or(Asset::ETH)).is_retryable()
        );
    }

    #[test]
    fn only_confirmed_and_failed_are_final() {
        let hash = TxHash::parse(&format!("0x{}", "1".repeat(64))).unwrap_or_else(|| unreachable!());
        assert!(TransferStatus::Confirmed { hash: hash.clone(), block: 1 }.is_final());
        assert!(
            TransferStatus::Failed { hash: hash.clone(), reverted: true, reason: String::new() }.is_final()
        );
        assert!(!TransferStatus::Broadcast { nonce: 0, hashes: vec![hash] }.is_final());
        assert!(!TransferStatus::Prepared.is_final());
    }
}
