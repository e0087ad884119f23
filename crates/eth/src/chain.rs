//! The node, through alloy without fillers: reads, fee history, gas estimates, raw broadcasts, receipts.

use alloy::{
    eips::BlockNumberOrTag,
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, U256},
    providers::{Provider, RootProvider},
    rpc::{
        client::RpcClient,
        types::{TransactionReceipt, TransactionRequest},
    },
    sol,
    sol_types::SolCall,
    transports::http::Http,
};
use paygate_domain::host_wallet::WalletError;

use crate::{
    config::EthWalletConfig,
    error::{RpcFailure, classify, rpc},
    fees::{self, Fees},
};

sol! {
    /// The ERC-20 surface the wallet uses. `transfer` is declared without a return value: USDT
    /// returns nothing, and success is judged by the receipt and the `Transfer` log.
    event Transfer(address indexed from, address indexed to, uint256 value);
    function transfer(address to, uint256 value);
    function balanceOf(address owner) returns (uint256);
}

#[derive(Clone)]
pub(crate) struct Chain {
    provider: RootProvider,
}

impl Chain {
    pub(crate) fn new(config: &EthWalletConfig) -> Result<Self, WalletError> {
        let client = reqwest::Client::builder()
            .timeout(config.rpc_timeout)
            .build()
            .map_err(|e| WalletError::Unavailable(e.to_string()))?;
        let http = Http::with_client(client, config.rpc_url.clone());
        let is_local = http.guess_local();
        Ok(Self { provider: RootProvider::new(RpcClient::new(http, is_local)) })
    }

    pub(crate) async fn chain_id(&self) -> Result<u64, WalletError> {
        self.provider.get_chain_id().await.map_err(rpc)
    }

    pub(crate) async fn block_number(&self) -> Result<u64, WalletError> {
        self.provider.get_block_number().await.map_err(rpc)
    }

    /// Transactions of `address` in the latest block: every nonce below is mined.
    pub(crate) async fn mined_nonce(&self, address: Address) -> Result<u64, WalletError> {
        self.provider.get_transaction_count(address).latest().await.map_err(rpc)
    }

    /// Including the node's pending pool.
    pub(crate) async fn pending_nonce(&self, address: Address) -> Result<u64, WalletError> {
        self.provider.get_transaction_count(address).pending().await.map_err(rpc)
    }

    pub(crate) async fn eth_balance(&self, address: Address) -> Result<U256, WalletError> {
        self.provider.get_balance(address).latest().await.map_err(rpc)
    }

    pub(crate) async fn token_balance(&self, token: Address, owner: Address) -> Result<U256, WalletError> {
        let call =
            TransactionRequest::default().with_to(token).with_input(balanceOfCall { owner }.abi_encode());
        let answer = self.provider.call(call).await.map_err(rpc)?;
        balanceOfCall::abi_decode_returns(&answer).map_err(|e| WalletError::BadResponse(e.to_string()))
    }

    /// Fees for a new transaction from the last block (see `fees::initial`).
    pub(crate) async fn fees(&self, cap: u128) -> Result<Fees, WalletError> {
        let history =
            self.provider.get_fee_history(1, BlockNumberOrTag::Latest, &[50.0]).await.map_err(rpc)?;
        let base_fee = history
            .next_block_base_fee()
            .ok_or_else(|| WalletError::BadResponse("fee history without a base fee".into()))?;
        let median = history.reward.as_ref().and_then(|r| r.last()).and_then(|r| r.first()).copied();
        Ok(fees::initial(base_fee, median, cap))
    }

    pub(crate) async fn estimate_gas(
        &self,
        from: Address,
        to: Address,
        value: U256,
        input: Bytes,
    ) -> Result<u64, RpcFailure> {
        let call =
            TransactionRequest::default().with_from(from).with_to(to).with_value(value).with_input(input);
        self.provider.estimate_gas(call).await.map_err(classify)
    }

    /// Broadcasts exactly these bytes; the node's hash is returned.
    pub(crate) async fn send_raw(&self, raw: &[u8]) -> Result<B256, RpcFailure> {
        self.provider.send_raw_transaction(raw).await.map(|pending| *pending.tx_hash()).map_err(classify)
    }

    pub(crate) async fn receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>, WalletError> {
        self.provider.get_transaction_receipt(hash).await.map_err(rpc)
    }
}
