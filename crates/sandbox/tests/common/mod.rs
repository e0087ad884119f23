//! Helpers shared by the sandbox wallet and swap tests: amounts, addresses, a seeded wallet, polling.

#![allow(dead_code)]

use std::{future::Future, time::Duration};

use paygate_domain::{
    host_wallet::{HostWallet, TransferId, TransferRequest, WalletBalances},
    money::{Amount, Asset},
    wallet::{Network, WalletAddress},
};
use paygate_sandbox::SandboxWallet;
use rust_decimal::Decimal;
use sqlx::PgPool;

pub fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

pub fn eth(text: &str) -> Amount {
    Amount::new(dec(text), Asset::ETH).unwrap()
}

pub fn usdt(text: &str) -> Amount {
    Amount::new(dec(text), Asset::USDT_ERC20).unwrap()
}

pub fn eth_address(raw: &str) -> WalletAddress {
    WalletAddress::parse(Network::Eth, raw).unwrap()
}

pub const RECIPIENT: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
pub const OTHER_RECIPIENT: &str = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
pub const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
pub const TRX_ADDRESS: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
pub const BTC_ADDRESS: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

/// A sandbox wallet at the default address holding `eth_balance` ETH and `usdt_balance` USDT.
pub async fn wallet(pool: &PgPool, eth_balance: &str, usdt_balance: &str, delay: Duration) -> SandboxWallet {
    let initial = WalletBalances { eth: eth(eth_balance), usdt: usdt(usdt_balance) };
    SandboxWallet::new(pool.clone(), SandboxWallet::default_address(), initial, delay).await.unwrap()
}

pub fn request(reference: &str, to: &str, amount: Amount) -> TransferRequest {
    TransferRequest { reference: reference.to_owned(), to: eth_address(to), amount }
}

/// Prepares and sends `amount` to `to`, returning the transfer.
pub async fn pay(wallet: &SandboxWallet, reference: &str, to: &str, amount: Amount) -> TransferId {
    let id = wallet.prepare_transfer(&request(reference, to, amount)).await.unwrap();
    wallet.send(id).await.unwrap();
    id
}

/// Polls `probe` until it returns `Some`, failing after a generous deadline (never a timing assertion).
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
