//! Node answers classified where they happen: benign duplicates, nonce conflicts, reverts, outages.

use alloy::transports::{RpcError, TransportError};
use paygate_domain::host_wallet::WalletError;

/// What a failed RPC call means for the wallet.
#[derive(Debug)]
pub(crate) enum RpcFailure {
    /// The node already has this exact transaction: a re-broadcast, not an error.
    AlreadyKnown,
    /// The nonce is used: one of our candidates was mined (success) or someone else used it.
    NonceTooLow,
    /// Another transaction with this nonce (an earlier candidate) is in the pool with higher fees.
    Underpriced,
    InsufficientFunds,
    Reverted(String),
    Other(WalletError),
}

impl From<RpcFailure> for WalletError {
    fn from(failure: RpcFailure) -> Self {
        match failure {
            RpcFailure::AlreadyKnown => WalletError::BadResponse("already known".into()),
            RpcFailure::NonceTooLow => WalletError::NonceConflict("nonce too low".into()),
            RpcFailure::Underpriced => WalletError::NonceConflict("replacement underpriced".into()),
            RpcFailure::InsufficientFunds => WalletError::Rejected("insufficient funds".into()),
            RpcFailure::Reverted(reason) => WalletError::Reverted(reason),
            RpcFailure::Other(error) => error,
        }
    }
}

/// Sorts a node error by its message (clients differ in wording, not in these phrases).
pub(crate) fn classify(error: TransportError) -> RpcFailure {
    match &error {
        RpcError::ErrorResp(payload) => {
            let message = payload.message.to_ascii_lowercase();
            let has = |phrase: &str| message.contains(phrase);
            if has("already known")
                || has("known transaction")
                || has("already imported")
                || has("alreadyknown")
            {
                RpcFailure::AlreadyKnown
            } else if has("nonce too low") || has("noncetoolow") || has("nonce has already been used") {
                RpcFailure::NonceTooLow
            } else if has("underpriced") {
                RpcFailure::Underpriced
            } else if has("insufficient funds") {
                RpcFailure::InsufficientFunds
            } else if has("revert") {
                RpcFailure::Reverted(payload.message.to_string())
            } else if payload.code == -32603 || payload.code == -32005 || has("timeout") || has("rate limit")
            {
                RpcFailure::Other(WalletError::Unavailable(payload.message.to_string()))
            } else {
                RpcFailure::Other(WalletError::Rejected(payload.message.to_string()))
            }
        }
        RpcError::Transport(_) => RpcFailure::Other(WalletError::Unavailable(error.to_string())),
        _ => RpcFailure::Other(WalletError::BadResponse(error.to_string())),
    }
}

/// For calls where no answer is benign.
pub(crate) fn rpc(error: TransportError) -> WalletError {
    classify(error).into()
}

pub(crate) fn db(error: sqlx::Error) -> WalletError {
    WalletError::Storage(error.to_string())
}

#[cfg(test)]
mod tests {
    use alloy::{rpc::json_rpc::ErrorPayload, transports::TransportErrorKind};

    use super::*;

    fn answer(code: i64, message: &'static str) -> RpcFailure {
        classify(RpcError::ErrorResp(ErrorPayload { code, message: message.into(), data: None }))
    }

    #[test]
    fn duplicates_of_a_broadcast_are_recognised_in_each_clients_words() {
        for message in
            ["already known", "known transaction: 0xab", "transaction already imported", "AlreadyKnown"]
        {
            assert!(matches!(answer(-32000, message), RpcFailure::AlreadyKnown), "{message}");
        }
    }

    #[test]
    fn nonce_and_fee_conflicts_are_told_apart() {
        assert!(matches!(answer(-32000, "nonce too low: next nonce 3, tx nonce 2"), RpcFailure::NonceTooLow));
        assert!(matches!(answer(-32000, "replacement transaction underpriced"), RpcFailure::Underpriced));
        assert!(matches!(
            answer(-32003, "insufficient funds for gas * price + value"),
            RpcFailure::InsufficientFunds
        ));
        assert!(matches!(answer(3, "execution reverted: frozen"), RpcFailure::Reverted(_)));
    }

    #[test]
    fn outages_are_retryable_and_refusals_are_not() {
        let outage: WalletError = answer(-32603, "internal error").into();
        assert!(outage.is_retryable());
        let transport: WalletError = classify(TransportErrorKind::custom_str("connection refused")).into();
        assert!(matches!(transport, WalletError::Unavailable(_)) && transport.is_retryable());
        let refused: WalletError = answer(-32000, "invalid sender").into();
        assert!(matches!(refused, WalletError::Rejected(_)) && !refused.is_retryable());
    }
}
