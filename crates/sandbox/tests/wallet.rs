//! The sandbox host wallet against a real PostgreSQL: idempotent transfers, funds, confirmations.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use paygate_domain::{
    host_wallet::{HostWallet, TransferId, TransferStatus, WalletBalances, WalletError},
    money::{Amount, Asset},
    wallet::{Network, WalletAddress},
};
use paygate_sandbox::SandboxWallet;
use paygate_test_support::fresh_database;

async fn confirmed(wallet: &SandboxWallet, id: TransferId) -> TransferStatus {
    eventually("the transfer to confirm", || async {
        let status = wallet.status(id).await.unwrap();
        matches!(status, TransferStatus::Confirmed { .. }).then_some(status)
    })
    .await
}

#[tokio::test]
async fn a_sent_transfer_is_debited_with_gas_and_confirms_after_the_delay() {
    let pool = fresh_database().await;
    let wallet = wallet(&pool, "1", "100", Duration::from_millis(50)).await;
    assert!(!wallet.is_live());
    assert_eq!(wallet.address(), SandboxWallet::default_address());
    let id = wallet.prepare_transfer(&request("payout:1:deposit", RECIPIENT, eth("0.25"))).await.unwrap();
    assert_eq!(wallet.status(id).await.unwrap(), TransferStatus::Prepared);

    let TransferStatus::Broadcast { hashes, .. } = wallet.send(id).await.unwrap() else {
        panic!("a funded transfer is broadcast")
    };
    assert_eq!(hashes.len(), 1);
    assert_eq!(wallet.balances().await.unwrap(), WalletBalances { eth: eth("0.7495"), usdt: usdt("100") });

    let TransferStatus::Confirmed { hash, .. } = confirmed(&wallet, id).await else { unreachable!() };
    assert_eq!(hash, hashes[0]);
    assert!(wallet.status(id).await.unwrap().is_final());
}

#[tokio::test]
async fn preparing_and_sending_again_returns_the_same_transfer_and_debits_once() {
    let pool = fresh_database().await;
    let wallet = wallet(&pool, "1", "100", Duration::ZERO).await;
    let transfer = request("payout:2:deposit", RECIPIENT, usdt("40"));
    let id = wallet.prepare_transfer(&transfer).await.unwrap();
    assert_eq!(wallet.prepare_transfer(&transfer).await.unwrap(), id);

    let first = wallet.send(id).await.unwrap();
    let again = wallet.send(id).await.unwrap();
    let hash_of = |status: &TransferStatus| match status {
        TransferStatus::Broadcast { hashes, .. } => hashes.clone(),
        TransferStatus::Confirmed { hash, .. } => vec![hash.clone()],
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(hash_of(&first), hash_of(&again));
    confirmed(&wallet, id).await;
    assert_eq!(hash_of(&wallet.send(id).await.unwrap()), hash_of(&first));
    assert_eq!(wallet.prepare_transfer(&transfer).await.unwrap(), id);
    assert_eq!(wallet.balances().await.unwrap(), WalletBalances { eth: eth("0.9995"), usdt: usdt("60") });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_of_one_transfer_debit_once() {
    let pool = fresh_database().await;
    let wallet = wallet(&pool, "1", "0", Duration::ZERO).await;
    let id = wallet.prepare_transfer(&request("payout:3:deposit", RECIPIENT, eth("0.1"))).await.unwrap();
    let sends: Vec<_> = (0..6)
        .map(|_| {
            let wallet = wallet.clone();
            tokio::spawn(async move { wallet.send(id).await.unwrap() })
        })
        .collect();
    for send in sends {
        assert!(matches!(
            send.await.unwrap(),
            TransferStatus::Broadcast { .. } | TransferStatus::Confirmed { .. }
        ));
    }
    assert_eq!(wallet.balances().await.unwrap().eth, eth("0.8995"));
}

#[tokio::test]
async fn a_used_reference_with_another_destination_or_amount_is_a_conflict() {
    let pool = fresh_database().await;
    let wallet = wallet(&pool, "1", "100", Duration::ZERO).await;
    wallet.prepare_transfer(&request("payout:4:deposit", RECIPIENT, eth("0.1"))).await.unwrap();
    for other in [
        request("payout:4:deposit", OTHER_RECIPIENT, eth("0.1")),
        request("payout:4:deposit", RECIPIENT, eth("0.2")),
        request("payout:4:deposit", RECIPIENT, usdt("0.1")),
    ] {
        assert!(
            matches!(wallet.prepare_transfer(&other).await, Err(WalletError::ReferenceConflict(_))),
            "{other:?}"
        );
    }
}

#[tokio::test]
async fn a_short_wallet_reports_needs_funds_debits_nothing_and_sends_after_a_top_up() {
    let pool = fresh_database().await;
    let wallet = wallet(&pool, "0.1", "5", Duration::ZERO).await;
    let id = wallet.prepare_transfer(&request("payout:5:deposit", RECIPIENT, eth("0.1"))).await.unwrap();
    let short = TransferStatus::NeedsFunds { needed: eth("0.1005"), available: eth("0.1") };
    assert_eq!(wallet.send(id).await.unwrap(), short);
    assert_eq!(wallet.status(id).await.unwrap(), short);
    assert_eq!(wallet.balances().await.unwrap(), WalletBalances { eth: eth("0.1"), usdt: usdt("5") });

    let token = wallet.prepare_transfer(&request("payout:6:deposit", RECIPIENT, usdt("10"))).await.unwrap();
    assert_eq!(
        wallet.send(token).await.unwrap(),
        TransferStatus::NeedsFunds { needed: usdt("10"), available: usdt("5") }
    );

    let topped = wallet.top_up(eth("1"), usdt("0")).await.unwrap();
    assert_eq!(topped, WalletBalances { eth: eth("1.1"), usdt: usdt("5") });
    assert_eq!(wallet.status(id).await.unwrap(), TransferStatus::Prepared);
    assert!(matches!(wallet.send(id).await.unwrap(), TransferStatus::Broadcast { .. }));
    confirmed(&wallet, id).await;
    assert_eq!(wallet.balances().await.unwrap().eth, eth("0.9995"));

    wallet.set_balances(WalletBalances { eth: eth("0.0004"), usdt: usdt("10") }).await.unwrap();
    assert_eq!(
        wallet.send(token).await.unwrap(),
        TransferStatus::NeedsFunds { needed: eth("0.0005"), available: eth("0.0004") }
    );
}

#[tokio::test]
async fn only_eth_and_usdt_erc20_to_an_ethereum_address_are_accepted() {
    let pool = fresh_database().await;
    let wallet = wallet(&pool, "1", "100", Duration::ZERO).await;
    let btc = Amount::new(dec("0.1"), Asset::parse("btc", "btc").unwrap()).unwrap();
    assert!(matches!(
        wallet.prepare_transfer(&request("r1", RECIPIENT, btc)).await,
        Err(WalletError::UnsupportedAsset(_))
    ));
    let mut to_tron = request("r2", RECIPIENT, usdt("1"));
    to_tron.to = WalletAddress::parse(Network::Trx, TRX_ADDRESS).unwrap();
    assert!(matches!(wallet.prepare_transfer(&to_tron).await, Err(WalletError::InvalidAddress(_))));
    assert!(matches!(
        wallet.prepare_transfer(&request("r3", RECIPIENT, eth("0"))).await,
        Err(WalletError::Rejected(_))
    ));
    assert!(matches!(wallet.status(TransferId::new()).await, Err(WalletError::NotFound)));
}

#[tokio::test]
async fn a_restarted_wallet_keeps_its_balances_and_transfers() {
    let pool = fresh_database().await;
    let first = wallet(&pool, "1", "100", Duration::ZERO).await;
    let id = pay(&first, "payout:7:deposit", RECIPIENT, usdt("30")).await;
    let restarted = wallet(&pool, "50", "5000", Duration::ZERO).await;
    assert_eq!(restarted.balances().await.unwrap(), WalletBalances { eth: eth("0.9995"), usdt: usdt("70") });
    confirmed(&restarted, id).await;
}
