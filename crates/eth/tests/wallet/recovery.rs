//! Crashes and stuck or failing transactions: stored bytes re-broadcast, same-nonce replacement, reverts final.

use paygate_domain::host_wallet::TransferStatus;
use paygate_test_support::anvil::WALLET_ADDRESS;
use rust_decimal_macros::dec;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn raw_transaction_and_hash_are_stored_before_broadcast_and_a_retry_sends_the_same_bytes() {
    let s = setup(|_| {}).await;
    let id = s.prepare("payout:10:direct", RECIPIENT, eth(dec!(0.3))).await;

    // The process signs and stores, then dies before broadcasting.
    let signed = s.wallet.sign(id).await.unwrap();
    let TransferStatus::Signed { nonce: 0, hash } = signed else { panic!("{signed:?}") };
    let stored = s.wallet.candidates(id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].hash, hash);
    assert!(!stored[0].broadcast);
    assert_eq!(s.anvil.transaction(hash.as_str()).await, Value::Null, "nothing reached the node");

    // After the restart the retry broadcasts exactly the stored bytes, and a second retry (after a
    // lost answer) changes nothing.
    let restarted = s.restarted_wallet(|_| {}).await;
    assert!(matches!(restarted.send(id).await.unwrap(), TransferStatus::Broadcast { nonce: 0, .. }));
    assert!(
        matches!(restarted.send(id).await.unwrap(), TransferStatus::Broadcast { nonce: 0, ref hashes } if hashes.as_slice() == std::slice::from_ref(&hash))
    );
    let on_chain = s.anvil.rpc("eth_getRawTransactionByHash", serde_json::json!([hash.as_str()])).await;
    assert_eq!(on_chain.as_str().unwrap(), format!("0x{}", hex(&stored[0].raw_tx)));

    // Mined, then a retry whose node answers "nonce too low": our own hash is mined, so that is success.
    s.anvil.mine(1).await;
    assert!(matches!(restarted.broadcast(id).await.unwrap(), TransferStatus::Broadcast { nonce: 0, .. }));
    s.mine_until_confirmed(id).await;
    let after = s.wallet.candidates(id).await.unwrap();
    assert_eq!(after.len(), 1, "no second signature");
    assert!(after[0].broadcast);
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 1, "one transaction on chain");
    assert_eq!(s.anvil.balance(RECIPIENT).await, 300_000_000_000_000_000);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn stuck_transaction_is_replaced_at_the_same_nonce_with_higher_fees_and_only_one_is_mined() {
    let s = setup(|c| c.replace_after = std::time::Duration::ZERO).await;
    let id = s.prepare("payout:11:direct", RECIPIENT, eth(dec!(0.7))).await;
    s.wallet.send(id).await.unwrap();

    // Not mined and past its waiting time: replaced.
    let status = s.wallet.status(id).await.unwrap();
    let TransferStatus::Broadcast { nonce: 0, hashes } = status else { panic!("{status:?}") };
    assert_eq!(hashes.len(), 2, "both hashes kept");
    let candidates = s.wallet.candidates(id).await.unwrap();
    let (old, new) = (&candidates[0], &candidates[1]);
    assert_eq!((old.nonce, new.nonce), (0, 0));
    assert_ne!(old.hash, new.hash);
    assert!(new.max_fee_per_gas * 8 >= old.max_fee_per_gas * 9, "{old:?} → {new:?}");
    assert!(new.max_priority_fee_per_gas * 8 >= old.max_priority_fee_per_gas * 9, "{old:?} → {new:?}");
    assert!(new.broadcast);

    s.anvil.mine(1).await;
    let TransferStatus::Confirmed { hash, .. } = s.mine_until_confirmed(id).await else { unreachable!() };
    let mined: Vec<_> = [&old.hash, &new.hash].into_iter().filter(|h| h.as_str() == hash.as_str()).collect();
    assert_eq!(mined.len(), 1);
    let mut receipts = 0;
    for candidate in &candidates {
        if s.anvil.receipt(candidate.hash.as_str()).await != Value::Null {
            receipts += 1;
        }
    }
    assert_eq!(receipts, 1, "exactly one candidate mined");
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 1);
    assert_eq!(s.anvil.balance(RECIPIENT).await, 700_000_000_000_000_000, "paid once");
}

#[tokio::test]
async fn reverted_token_transfer_is_a_final_failure_and_never_resent() {
    let s = setup(|_| {}).await;
    s.anvil.mint(&s.token, WALLET_ADDRESS, 50_000_000).await;
    let id = s.prepare("payout:12:deposit", RECIPIENT, usdt(dec!(5))).await;
    // Signed while the token worked; it reverts once broadcast.
    s.wallet.sign(id).await.unwrap();
    s.anvil.freeze_token(&s.token).await;
    s.wallet.send(id).await.unwrap();
    s.anvil.mine(1).await;

    let failed = s.wallet.status(id).await.unwrap();
    assert!(matches!(failed, TransferStatus::Failed { reverted: true, .. }), "{failed:?}");
    assert!(failed.is_final());
    // Final: more polls and sends neither sign nor broadcast anything new.
    s.anvil.mine(3).await;
    assert_eq!(s.wallet.status(id).await.unwrap(), failed);
    assert_eq!(s.wallet.send(id).await.unwrap(), failed);
    assert_eq!(s.wallet.candidates(id).await.unwrap().len(), 1);
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 1);
    assert_eq!(s.anvil.token_balance(&s.token, RECIPIENT).await, 0);
}
