//! The swap simulator against a real PostgreSQL, paid by the sandbox wallet: quotes, exchanges, the status walk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use common::*;
use paygate_domain::{
    host_wallet::{HostWallet, TransferStatus},
    money::{Amount, Asset},
    swap::{
        Exchange, ExchangeId, ExchangeQuery, ExchangeStatus, NewExchange, RateFlow, SwapError, SwapPair,
        SwapProvider,
    },
    wallet::{Network, WalletAddress},
};
use paygate_sandbox::{SandboxSwap, SandboxWallet};
use paygate_test_support::fresh_database;
use sqlx::PgPool;

const STEP: Duration = Duration::from_millis(20);

fn xmr() -> Asset {
    Asset::parse("xmr", "xmr").unwrap()
}

fn usdt_trx() -> Asset {
    Asset::parse("usdt", "trx").unwrap()
}

fn payout_address(asset: Asset) -> WalletAddress {
    let network = Network::from_code(asset.network()).unwrap();
    let raw = match network {
        Network::Xmr => XMR_ADDRESS,
        Network::Trx => TRX_ADDRESS,
        Network::Btc => BTC_ADDRESS,
        _ => OTHER_RECIPIENT,
    };
    WalletAddress::parse(network, raw).unwrap()
}

fn new_exchange(from: Amount, to: Asset) -> NewExchange {
    let refund = SandboxWallet::default_address();
    NewExchange::new(from, to, payout_address(to), None, refund, None).unwrap()
}

async fn setup() -> (PgPool, SandboxSwap, SandboxWallet) {
    let pool = fresh_database().await;
    let swap = SandboxSwap::new(pool.clone(), STEP);
    let wallet = wallet(&pool, "10", "1000", Duration::ZERO).await;
    (pool, swap, wallet)
}

/// Polls the exchange until its status is final, recording every status seen on the way.
async fn until_final(swap: &SandboxSwap, id: &ExchangeId) -> (Exchange, Vec<ExchangeStatus>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut seen: Vec<ExchangeStatus> = Vec::new();
    loop {
        let exchange = swap.exchange_by_id(id).await.unwrap();
        if seen.last() != Some(&exchange.status) {
            seen.push(exchange.status.clone());
        }
        if exchange.status.is_final() {
            return (exchange, seen);
        }
        assert!(tokio::time::Instant::now() < deadline, "exchange {id} did not end: {seen:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Whether `seen` lists statuses in the order of `path` (some may be skipped between two polls).
fn in_order(seen: &[ExchangeStatus], path: &[ExchangeStatus]) -> bool {
    let mut rest = path.iter();
    seen.iter().all(|status| rest.any(|step| step == status))
}

#[tokio::test]
async fn quotes_minimums_and_new_exchanges_follow_the_price_table() {
    let (_pool, swap, _wallet) = setup().await;
    assert!(!swap.is_live());
    let pair = SwapPair::new(Asset::ETH, xmr()).unwrap();
    assert_eq!(swap.min_amount(pair, RateFlow::Standard).await.unwrap().min, eth("0.005"));

    let standard = swap.estimate(eth("0.01"), xmr(), RateFlow::Standard).await.unwrap();
    // 0.01 ETH × 20 XMR/ETH × 0.995 − 0.0005 XMR network fee
    assert_eq!(standard.to.value(), dec("0.1985"));
    assert_eq!((standard.rate_id, standard.valid_until), (None, None));
    let fixed = swap.estimate(eth("0.01"), xmr(), RateFlow::FixedRate).await.unwrap();
    assert_eq!(fixed.flow, RateFlow::FixedRate);
    assert!(fixed.valid_until.is_some_and(|until| until > Utc::now()));

    let request = NewExchange::new(
        eth("0.01"),
        xmr(),
        payout_address(xmr()),
        None,
        SandboxWallet::default_address(),
        fixed.rate_id.clone(),
    )
    .unwrap();
    let created = swap.create_exchange(&request).await.unwrap();
    assert_eq!(created.to_amount, Some(fixed.to));
    assert!(created.valid_until.is_some());
    let payin = WalletAddress::parse(Network::Eth, &created.payin_address).unwrap();
    assert_eq!(payin.as_str(), created.payin_address);
    let other = swap.create_exchange(&new_exchange(eth("0.01"), xmr())).await.unwrap();
    assert_ne!(other.payin_address, created.payin_address);
    assert_ne!(other.id, created.id);

    let exchange = swap.exchange_by_id(&created.id).await.unwrap();
    assert_eq!(exchange.status, ExchangeStatus::Waiting);
    assert_eq!(exchange.expected_from, Some(eth("0.01")));
    assert_eq!(exchange.expected_to, Some(fixed.to));
    assert_eq!((exchange.amount_from, exchange.amount_to), (None, None));
    assert_eq!(exchange.payout_address, XMR_ADDRESS);
    assert!(matches!(
        swap.exchange_by_id(&ExchangeId::parse("nosuchexchange").unwrap()).await,
        Err(SwapError::NotFound)
    ));
}

#[tokio::test]
async fn an_amount_below_the_pair_minimum_or_an_unknown_pair_is_refused() {
    let (_pool, swap, _wallet) = setup().await;
    assert!(matches!(
        swap.create_exchange(&new_exchange(eth("0.0049"), xmr())).await,
        Err(SwapError::AmountOutOfRange(_))
    ));
    assert!(matches!(
        swap.estimate(usdt("14.99"), xmr(), RateFlow::Standard).await,
        Err(SwapError::AmountOutOfRange(_))
    ));
    let xmr_amount = Amount::new(dec("1"), xmr()).unwrap();
    assert!(matches!(
        swap.estimate(xmr_amount, Asset::ETH, RateFlow::Standard).await,
        Err(SwapError::PairUnavailable(_))
    ));
}

#[tokio::test]
async fn an_exchange_paid_by_the_sandbox_wallet_walks_to_finished_with_the_exact_payout() {
    let (pool, swap, wallet) = setup().await;
    let created = swap.create_exchange(&new_exchange(eth("0.01"), xmr())).await.unwrap();
    // The wallet sends more than announced: the payout follows what actually arrived.
    let transfer = pay(&wallet, "payout:1:deposit", &created.payin_address, eth("0.02")).await;
    let (finished, seen) = until_final(&swap, &created.id).await;

    use ExchangeStatus::*;
    assert_eq!(finished.status, Finished);
    assert!(in_order(&seen, &[Waiting, Confirming, Exchanging, Sending, Finished]), "{seen:?}");
    assert_eq!(finished.amount_from, Some(eth("0.02")));
    // 0.02 × 20 × 0.995 − 0.0005
    assert_eq!(finished.amount_to, Some(Amount::new(dec("0.3975"), xmr()).unwrap()));
    assert!(finished.payout_hash.is_some());
    let TransferStatus::Confirmed { hash, .. } = wallet.status(transfer).await.unwrap() else {
        panic!("the deposit confirms at once with a zero delay")
    };
    assert_eq!(finished.payin_hash.as_deref(), Some(hash.as_str()));
    // Another instance on the same database reports the same exchange.
    let other_instance = SandboxSwap::new(pool, STEP);
    assert_eq!(other_instance.exchange_by_id(&created.id).await.unwrap(), finished);
}

#[tokio::test]
async fn a_usdt_deposit_pays_out_usdt_on_tron() {
    let (_pool, swap, wallet) = setup().await;
    let created = swap.create_exchange(&new_exchange(usdt("20"), usdt_trx())).await.unwrap();
    pay(&wallet, "payout:2:deposit", &created.payin_address, usdt("20")).await;
    let (finished, _) = until_final(&swap, &created.id).await;
    assert_eq!(finished.status, ExchangeStatus::Finished);
    // 20 × 1 × 0.995 − 1 USDT network fee on TRON
    assert_eq!(finished.amount_to, Some(Amount::new(dec("18.9"), usdt_trx()).unwrap()));
}

#[tokio::test]
async fn a_deposit_below_the_minimum_is_refunded_in_full() {
    let (_pool, swap, wallet) = setup().await;
    let created = swap.create_exchange(&new_exchange(eth("0.01"), xmr())).await.unwrap();
    pay(&wallet, "payout:3:deposit", &created.payin_address, eth("0.003")).await;
    let (refunded, _) = until_final(&swap, &created.id).await;
    assert_eq!(refunded.status, ExchangeStatus::Refunded);
    assert_eq!(refunded.refund_amount, Some(eth("0.003")));
    assert_eq!(refunded.amount_to, None);
}

#[tokio::test]
async fn find_exchanges_matches_pair_payout_address_and_creation_window() {
    let (_pool, swap, _wallet) = setup().await;
    let before = Utc::now() - TimeDelta::minutes(5);
    let created = swap.create_exchange(&new_exchange(eth("0.01"), xmr())).await.unwrap();
    swap.create_exchange(&new_exchange(eth("0.01"), Asset::parse("btc", "btc").unwrap())).await.unwrap();
    let after = Utc::now() + TimeDelta::minutes(5);
    let query = |pair, payout_address, created_after, created_before| ExchangeQuery {
        pair,
        payout_address,
        created_after,
        created_before,
    };
    let eth_xmr = SwapPair::new(Asset::ETH, xmr()).unwrap();
    let found = swap.find_exchanges(&query(eth_xmr, payout_address(xmr()), before, after)).await.unwrap();
    assert_eq!(found.iter().map(|e| &e.id).collect::<Vec<_>>(), [&created.id]);
    assert_eq!(found[0].status, ExchangeStatus::Waiting);

    let elsewhere = payout_address(usdt_trx());
    assert!(swap.find_exchanges(&query(eth_xmr, elsewhere, before, after)).await.unwrap().is_empty());
    let earlier = query(eth_xmr, payout_address(xmr()), before - TimeDelta::hours(1), before);
    assert!(swap.find_exchanges(&earlier).await.unwrap().is_empty());
    let usdt_xmr = SwapPair::new(Asset::USDT_ERC20, xmr()).unwrap();
    assert!(
        swap.find_exchanges(&query(usdt_xmr, payout_address(xmr()), before, after)).await.unwrap().is_empty()
    );
}

#[tokio::test]
async fn an_injected_fault_fails_only_the_next_exchange_after_its_deposit() {
    let (_pool, swap, wallet) = setup().await;
    swap.fail_next_exchange().await.unwrap();
    let faulted = swap.create_exchange(&new_exchange(eth("0.01"), xmr())).await.unwrap();
    let healthy = swap.create_exchange(&new_exchange(eth("0.01"), xmr())).await.unwrap();
    assert_eq!(swap.exchange_by_id(&faulted.id).await.unwrap().status, ExchangeStatus::Waiting);
    pay(&wallet, "payout:4:deposit", &faulted.payin_address, eth("0.01")).await;
    pay(&wallet, "payout:5:deposit", &healthy.payin_address, eth("0.01")).await;
    let (failed, _) = until_final(&swap, &faulted.id).await;
    assert_eq!(failed.status, ExchangeStatus::Failed);
    assert_eq!(failed.amount_to, None);
    assert_eq!(until_final(&swap, &healthy.id).await.0.status, ExchangeStatus::Finished);
}
