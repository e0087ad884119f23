//! Balance checked before signing: short wallets wait in NeedsFunds without using a nonce and resume after a top-up.

use paygate_domain::{host_wallet::TransferStatus, money::Asset};
use paygate_test_support::anvil::WALLET_ADDRESS;
use rust_decimal_macros::dec;

use crate::common::*;

#[tokio::test]
async fn insufficient_eth_waits_in_needs_funds_without_using_a_nonce_and_resumes_after_top_up() {
    let s = setup(|_| {}).await;
    s.anvil.set_balance(WALLET_ADDRESS, ETHER / 100).await;
    let id = s.prepare("payout:20:direct", RECIPIENT, eth(dec!(2))).await;

    for _ in 0..2 {
        let status = s.wallet.send(id).await.unwrap();
        let TransferStatus::NeedsFunds { needed, available } = status else { panic!("{status:?}") };
        assert_eq!(needed.asset(), Asset::ETH);
        assert!(needed.value() > dec!(2), "amount plus gas: {needed:?}");
        assert_eq!(available, eth(dec!(0.01)));
    }
    assert!(matches!(s.wallet.status(id).await.unwrap(), TransferStatus::NeedsFunds { .. }));
    assert!(s.wallet.candidates(id).await.unwrap().is_empty(), "nothing signed");
    assert_eq!(s.stored_next_nonce().await.unwrap_or(0), 0, "no nonce used");

    s.anvil.set_balance(WALLET_ADDRESS, 10 * ETHER).await;
    let resumed = s.wallet.send(id).await.unwrap();
    assert!(matches!(resumed, TransferStatus::Broadcast { nonce: 0, .. }), "{resumed:?}");
    s.mine_until_confirmed(id).await;
    assert_eq!(s.anvil.balance(RECIPIENT).await, 2 * ETHER);
}

#[tokio::test]
async fn token_transfer_needs_the_tokens_and_eth_for_gas_before_it_is_signed() {
    let s = setup(|_| {}).await;
    s.anvil.mint(&s.token, WALLET_ADDRESS, 1_000_000).await;
    let id = s.prepare("payout:21:deposit", RECIPIENT, usdt(dec!(3))).await;

    let short_tokens = s.wallet.send(id).await.unwrap();
    assert_eq!(short_tokens, TransferStatus::NeedsFunds { needed: usdt(dec!(3)), available: usdt(dec!(1)) });

    s.anvil.mint(&s.token, WALLET_ADDRESS, 2_000_000).await;
    s.anvil.set_balance(WALLET_ADDRESS, 0).await;
    let short_gas = s.wallet.send(id).await.unwrap();
    let TransferStatus::NeedsFunds { needed, available } = short_gas else { panic!("{short_gas:?}") };
    assert_eq!(needed.asset(), Asset::ETH);
    assert!(available.is_zero());
    assert!(s.wallet.candidates(id).await.unwrap().is_empty());

    s.anvil.set_balance(WALLET_ADDRESS, ETHER).await;
    assert!(matches!(s.wallet.send(id).await.unwrap(), TransferStatus::Broadcast { nonce: 0, .. }));
    s.mine_until_confirmed(id).await;
    assert_eq!(s.anvil.token_balance(&s.token, RECIPIENT).await, 3_000_000);
}
