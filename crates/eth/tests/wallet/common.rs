//! Shared set-up: anvil with the test token, a fresh database, a funded host wallet.

use std::time::Duration;

use paygate_domain::{
    host_wallet::{HostWallet, TransferId, TransferRequest, TransferStatus},
    money::{Amount, Asset},
    wallet::{Network, WalletAddress},
};
use paygate_eth::{EthWallet, EthWalletConfig, HostWalletKey};
use paygate_test_support::{
    anvil::{ANVIL_CHAIN_ID, Anvil, WALLET_ADDRESS, WALLET_KEY, spawn_anvil},
    fresh_database,
};
use rust_decimal::Decimal;
use secrecy::SecretString;
use sqlx::PgPool;

pub const ETHER: u128 = 1_000_000_000_000_000_000;
pub const GWEI: u128 = 1_000_000_000;
pub const RECIPIENT: &str = "0x1111111111111111111111111111111111111111";
pub const OTHER_RECIPIENT: &str = "0x2222222222222222222222222222222222222222";

pub struct Setup {
    pub anvil: Anvil,
    pub pool: PgPool,
    pub token: String,
    pub wallet: EthWallet,
}

pub fn key() -> HostWalletKey {
    HostWalletKey::parse(&SecretString::from(WALLET_KEY)).unwrap()
}

/// Confirmations 3, fee cap 200 gwei, no replacement within the test unless `tune` says so;
/// automining off.
pub async fn setup(tune: impl FnOnce(&mut EthWalletConfig)) -> Setup {
    let anvil = spawn_anvil().await;
    let pool = fresh_database().await;
    let token = anvil.deploy_test_usdt().await;
    // Blocks are mined only when a test says so: its assertions never race the miner.
    anvil.set_automine(false).await;
    let config = config(&anvil, &token, tune);
    let wallet = EthWallet::connect(pool.clone(), config).await.unwrap();
    assert_eq!(wallet.address_hex(), WALLET_ADDRESS);
    Setup { anvil, pool, token, wallet }
}

pub fn config(anvil: &Anvil, token: &str, tune: impl FnOnce(&mut EthWalletConfig)) -> EthWalletConfig {
    let mut config =
        EthWalletConfig::new(anvil.url.parse().unwrap(), key(), ANVIL_CHAIN_ID, token.parse().unwrap());
    config.confirmations = 3;
    config.replace_after = Duration::from_secs(3600);
    tune(&mut config);
    config
}

impl Setup {
    /// The same wallet as a freshly started process would build it.
    pub async fn restarted_wallet(&self, tune: impl FnOnce(&mut EthWalletConfig)) -> EthWallet {
        EthWallet::connect(self.pool.clone(), config(&self.anvil, &self.token, tune)).await.unwrap()
    }

    pub async fn prepare(&self, reference: &str, to: &str, amount: Amount) -> TransferId {
        let to = WalletAddress::parse(Network::Eth, to).unwrap();
        let request = TransferRequest { reference: reference.to_owned(), to, amount };
        self.wallet.prepare_transfer(&request).await.unwrap()
    }

    /// Mines one block at a time until the transfer is confirmed (bounded, never timed).
    pub async fn mine_until_confirmed(&self, id: TransferId) -> TransferStatus {
        for _ in 0..10 {
            let status = self.wallet.status(id).await.unwrap();
            if matches!(status, TransferStatus::Confirmed { .. }) {
                return status;
            }
            assert!(!status.is_final(), "transfer failed: {status:?}");
            self.anvil.mine(1).await;
        }
        panic!("transfer {id} not confirmed after 10 blocks");
    }

    /// The wallet's stored next nonce (`None` before the first signature).
    pub async fn stored_next_nonce(&self) -> Option<i64> {
        sqlx::query_scalar::<_, i64>("SELECT next_nonce FROM wallet_nonces WHERE wallet_address = $1")
            .bind(WALLET_ADDRESS)
            .fetch_optional(&self.pool)
            .await
            .unwrap()
    }
}

pub fn eth(value: Decimal) -> Amount {
    Amount::new(value, Asset::ETH).unwrap()
}

pub fn usdt(value: Decimal) -> Amount {
    Amount::new(value, Asset::USDT_ERC20).unwrap()
}
