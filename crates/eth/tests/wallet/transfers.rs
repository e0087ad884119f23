//! Happy paths: ETH and USDT-like transfers, confirmations, pipelining, the fee cap, the secret key.

use paygate_domain::host_wallet::{HostWallet, TransferStatus, WalletError};
use paygate_test_support::anvil::{WALLET_ADDRESS, WALLET_KEY};
use rust_decimal_macros::dec;

use crate::common::*;

#[tokio::test]
async fn eth_transfer_is_confirmed_only_after_the_required_blocks() {
    let s = setup(|_| {}).await;
    let id = s.prepare("payout:1:direct", RECIPIENT, eth(dec!(1.25))).await;
    let before = s.anvil.balance(RECIPIENT).await;

    let sent = s.wallet.send(id).await.unwrap();
    assert!(
        matches!(sent, TransferStatus::Broadcast { nonce: 0, ref hashes } if hashes.len() == 1),
        "{sent:?}"
    );
    assert!(matches!(s.wallet.status(id).await.unwrap(), TransferStatus::Broadcast { nonce: 0, .. }));
    s.anvil.mine(1).await;
    let mined = s.wallet.status(id).await.unwrap();
    assert!(matches!(mined, TransferStatus::Mined { confirmations: 1, .. }), "{mined:?}");
    s.anvil.mine(1).await;
    assert!(matches!(s.wallet.status(id).await.unwrap(), TransferStatus::Mined { confirmations: 2, .. }));
    s.anvil.mine(1).await;
    let done = s.wallet.status(id).await.unwrap();
    let TransferStatus::Confirmed { ref hash, .. } = done else { panic!("{done:?}") };

    assert_eq!(s.anvil.balance(RECIPIENT).await - before, 1_250_000_000_000_000_000);
    assert_eq!(s.anvil.receipt(hash.as_str()).await["status"], "0x1");
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 1);
    // Done is final: more blocks and calls change nothing.
    s.anvil.mine(2).await;
    assert_eq!(s.wallet.status(id).await.unwrap(), done);
}

#[tokio::test]
async fn usdt_like_transfer_is_confirmed_by_its_receipt_and_transfer_log() {
    let s = setup(|_| {}).await;
    s.anvil.mint(&s.token, WALLET_ADDRESS, 100_000_000).await;
    let id = s.prepare("payout:2:deposit", RECIPIENT, usdt(dec!(12.5))).await;

    s.wallet.send(id).await.unwrap();
    let TransferStatus::Confirmed { hash, .. } = s.mine_until_confirmed(id).await else { unreachable!() };

    assert_eq!(s.anvil.token_balance(&s.token, RECIPIENT).await, 12_500_000);
    assert_eq!(s.anvil.token_balance(&s.token, WALLET_ADDRESS).await, 87_500_000);
    let receipt = s.anvil.receipt(hash.as_str()).await;
    assert_eq!(receipt["to"].as_str().unwrap(), s.token);
    assert_eq!(receipt["logs"].as_array().unwrap().len(), 1, "one Transfer log");
    let balances = s.wallet.balances().await.unwrap();
    assert_eq!(balances.usdt, usdt(dec!(87.5)));
}

#[tokio::test]
async fn two_transfers_are_pipelined_with_consecutive_nonces() {
    let s = setup(|_| {}).await;
    let first = s.prepare("payout:3:direct", RECIPIENT, eth(dec!(0.5))).await;
    let second = s.prepare("payout:4:direct", OTHER_RECIPIENT, eth(dec!(0.25))).await;

    let a = s.wallet.send(first).await.unwrap();
    let b = s.wallet.send(second).await.unwrap();
    // Both are in flight together, neither mined yet.
    assert!(matches!(a, TransferStatus::Broadcast { nonce: 0, .. }), "{a:?}");
    assert!(matches!(b, TransferStatus::Broadcast { nonce: 1, .. }), "{b:?}");
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 0);
    assert_eq!(s.stored_next_nonce().await, Some(2));

    s.anvil.mine(1).await;
    s.mine_until_confirmed(first).await;
    s.mine_until_confirmed(second).await;
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 2);
    assert_eq!(s.anvil.balance(OTHER_RECIPIENT).await, 250_000_000_000_000_000);
}

#[tokio::test]
async fn no_candidate_ever_exceeds_the_fee_cap() {
    // Anvil's base fee is about 1 gwei: 2 × base + 2 gwei priority would be about 4 gwei.
    let s = setup(|c| {
        c.max_fee_gwei = 3;
        c.replace_after = std::time::Duration::ZERO;
    })
    .await;
    let id = s.prepare("payout:5:direct", RECIPIENT, eth(dec!(0.1))).await;
    s.wallet.send(id).await.unwrap();
    // Stuck and due for replacement, but +12.5 % would break the cap: it keeps waiting instead.
    s.wallet.status(id).await.unwrap();

    let candidates = s.wallet.candidates(id).await.unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].max_fee_per_gas, 3 * GWEI, "the cap, not the market, set the max fee");
    for candidate in &candidates {
        assert!(candidate.max_fee_per_gas <= 3 * GWEI, "{candidate:?}");
        assert!(candidate.max_priority_fee_per_gas <= candidate.max_fee_per_gas);
        let on_chain = s.anvil.transaction(candidate.hash.as_str()).await;
        let max_fee =
            u128::from_str_radix(on_chain["maxFeePerGas"].as_str().unwrap().trim_start_matches("0x"), 16)
                .unwrap();
        assert!(max_fee <= 3 * GWEI);
    }
    s.anvil.mine(1).await;
    s.mine_until_confirmed(id).await;
}

#[tokio::test]
async fn a_reference_names_one_transfer_forever() {
    let s = setup(|_| {}).await;
    let id = s.prepare("payout:6:direct", RECIPIENT, eth(dec!(1))).await;
    assert_eq!(s.prepare("payout:6:direct", RECIPIENT, eth(dec!(1))).await, id);

    let to = paygate_domain::wallet::WalletAddress::parse(paygate_domain::wallet::Network::Eth, RECIPIENT)
        .unwrap();
    let request = paygate_domain::host_wallet::TransferRequest {
        reference: "payout:6:direct".into(),
        to,
        amount: eth(dec!(2)),
    };
    let conflict = s.wallet.prepare_transfer(&request).await.unwrap_err();
    assert!(matches!(conflict, WalletError::ReferenceConflict(_)), "{conflict:?}");
    assert!(!conflict.is_retryable());
}

#[tokio::test]
async fn the_private_key_never_appears_in_debug_output() {
    let s = setup(|_| {}).await;
    let secret = WALLET_KEY.trim_start_matches("0x");
    let shown = [
        format!("{:?}", key()),
        format!("{:?}", config(&s.anvil, &s.token, |_| {})),
        format!("{:?}", s.wallet),
    ];
    for text in shown {
        assert!(!text.to_ascii_lowercase().contains(secret), "key leaked in {text}");
        assert!(text.contains("redacted"), "{text}");
    }
}
