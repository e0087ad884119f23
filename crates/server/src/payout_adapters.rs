//! The payout adapters: ChangeNOW and the Ethereum host wallet when configured, their sandboxes otherwise.

use std::sync::Arc;

use anyhow::Context;
use paygate_domain::{
    host_wallet::{HostWallet, WalletBalances},
    money::{Amount, Asset},
    swap::SwapProvider,
};
use secrecy::SecretString;

use crate::config::Config;

/// The swap provider: live ChangeNOW with an API key, the simulator without.
pub fn swap(pool: &sqlx::PgPool, config: &Config, http: &reqwest::Client) -> Arc<dyn SwapProvider> {
    match &config.changenow_api_key {
        Some(key) => Arc::new(paygate_changenow::ChangeNow::new(
            config.changenow_api_url.clone(),
            key.clone(),
            http.clone(),
        )),
        None => {
            tracing::warn!(
                kind = "warning",
                "ChangeNOW not configured: sandbox swaps (simulated, no real money)"
            );
            Arc::new(paygate_sandbox::SandboxSwap::new(pool.clone(), config.sandbox_swap_step))
        }
    }
}

/// The host wallet: the Ethereum wallet with a node and a key, the sandbox wallet without.
pub async fn wallet(pool: &sqlx::PgPool, config: &Config) -> anyhow::Result<Arc<dyn HostWallet>> {
    let Some(rpc_url) = &config.eth_rpc_url else {
        tracing::warn!(
            kind = "warning",
            "🏦 Ethereum wallet not configured: sandbox wallet (simulated, no real money)"
        );
        let balances = WalletBalances {
            eth: Amount::floor_to_asset(config.sandbox_wallet_eth, Asset::ETH)?,
            usdt: Amount::floor_to_asset(config.sandbox_wallet_usdt, Asset::USDT_ERC20)?,
        };
        let address = paygate_sandbox::SandboxWallet::default_address();
        let wallet = paygate_sandbox::SandboxWallet::new(
            pool.clone(),
            address,
            balances,
            config.sandbox_wallet_confirm,
        )
        .await
        .context("the sandbox wallet could not start")?;
        return Ok(Arc::new(wallet));
    };
    let secret = match (&config.host_wallet_private_key, &config.host_wallet_private_key_file) {
        (Some(key), _) => key.clone(),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("PAYGATE_HOST_WALLET_PRIVATE_KEY_FILE {} cannot be read", path.display())
            })?;
            SecretString::from(text.trim().to_owned())
        }
        (None, None) => anyhow::bail!("PAYGATE_ETH_RPC_URL is set but no host wallet key is configured"),
    };
    let key = paygate_eth::HostWalletKey::parse(&secret)
        .map_err(|_| anyhow::anyhow!("the host wallet key is not a 32-byte hex private key"))?;
    let usdt = config.usdt_contract.parse().context("PAYGATE_USDT_CONTRACT is not an address")?;
    let mut eth = paygate_eth::EthWalletConfig::new(rpc_url.expose().clone(), key, config.eth_chain_id, usdt);
    eth.confirmations = u64::from(config.eth_confirmations);
    eth.max_fee_gwei = config.eth_max_fee_gwei;
    eth.replace_after = config.eth_replace_after;
    let wallet = paygate_eth::EthWallet::connect(pool.clone(), eth)
        .await
        .map_err(|error| anyhow::anyhow!("🏦 the Ethereum host wallet could not start: {error}"))?;
    tracing::info!(kind = "wallet", address = %wallet.address_hex(), "🏦 Ethereum host wallet ready");
    Ok(Arc::new(wallet))
}
