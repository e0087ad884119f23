//! Shared set-up for the ChangeNOW client tests: a fake, a client, assets, addresses and requests.

#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use paygate_changenow::ChangeNow;
use paygate_domain::{
    money::{Amount, Asset},
    swap::{NewExchange, RateId, SwapPair},
    wallet::{Network, WalletAddress},
};
use paygate_test_support::fake_changenow::FakeChangeNow;
use rust_decimal::Decimal;

pub const API_KEY: &str = "CN-KEY-5f1e0b7c9a2d-secret";
pub const ETH_ADDRESS: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
pub const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
pub const TRX_ADDRESS: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

pub fn client(base_url: url::Url, api_key: &str) -> ChangeNow {
    ChangeNow::new(base_url, api_key.to_owned().into(), reqwest::Client::new())
}

/// A client that gives up after `timeout` (for calls the fake never answers).
pub fn impatient_client(base_url: url::Url, timeout: Duration) -> ChangeNow {
    client(base_url, API_KEY).with_timeout(timeout)
}

pub async fn fake_and_client() -> (FakeChangeNow, ChangeNow) {
    let fake = FakeChangeNow::start(API_KEY).await;
    let api = client(fake.base_url(), API_KEY);
    (fake, api)
}

pub fn xmr() -> Asset {
    Asset::parse("xmr", "xmr").unwrap()
}

pub fn usdt_trx() -> Asset {
    Asset::parse("usdt", "trx").unwrap()
}

pub fn eth(value: Decimal) -> Amount {
    Amount::new(value, Asset::ETH).unwrap()
}

pub fn eth_to_xmr() -> SwapPair {
    SwapPair::new(Asset::ETH, xmr()).unwrap()
}

pub fn address(network: Network, raw: &str) -> WalletAddress {
    WalletAddress::parse(network, raw).unwrap()
}

/// `value` ETH swapped to XMR for the owner's Monero wallet, refunds to the host wallet.
pub fn xmr_exchange(value: Decimal) -> NewExchange {
    let (payout, refund) = (address(Network::Xmr, XMR_ADDRESS), address(Network::Eth, ETH_ADDRESS));
    NewExchange::new(eth(value), xmr(), payout, None, refund, None).unwrap()
}

pub fn fixed_xmr_exchange(value: Decimal, rate_id: RateId) -> NewExchange {
    let (payout, refund) = (address(Network::Xmr, XMR_ADDRESS), address(Network::Eth, ETH_ADDRESS));
    NewExchange::new(eth(value), xmr(), payout, None, refund, Some(rate_id)).unwrap()
}
