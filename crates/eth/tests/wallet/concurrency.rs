//! One sender per wallet: concurrent sends share the nonce sequence without gaps or duplicates.

use std::collections::BTreeSet;

use paygate_domain::host_wallet::TransferStatus;
use paygate_test_support::anvil::WALLET_ADDRESS;
use rust_decimal_macros::dec;

use crate::common::*;

#[tokio::test]
async fn concurrent_sends_take_distinct_consecutive_nonces() {
    let s = setup(|_| {}).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(s.prepare(&format!("payout:{n}:concurrent"), RECIPIENT, eth(dec!(0.01))).await);
    }
    // Each transfer sent twice at once, all ten calls concurrently.
    let wallet = &s.wallet;
    let sends = ids.iter().chain(ids.iter()).map(|id| wallet.send(*id));
    let results = futures::future::join_all(sends).await;

    for result in &results {
        assert!(matches!(result, Ok(TransferStatus::Broadcast { .. })), "{result:?}");
    }
    let mut nonces = BTreeSet::new();
    for (id, result) in ids.iter().zip(&results) {
        let TransferStatus::Broadcast { nonce, .. } = result.as_ref().unwrap() else { panic!("{result:?}") };
        nonces.insert(*nonce);
        assert_eq!(s.wallet.candidates(*id).await.unwrap().len(), 1, "one signature per transfer");
    }
    assert_eq!(nonces, (0..5).collect::<BTreeSet<u64>>());
    assert_eq!(s.stored_next_nonce().await, Some(5));

    s.anvil.mine(1).await;
    for id in &ids {
        s.mine_until_confirmed(*id).await;
    }
    assert_eq!(s.anvil.nonce(WALLET_ADDRESS).await, 5);
    assert_eq!(s.anvil.balance(RECIPIENT).await, 5 * ETHER / 100);
}
