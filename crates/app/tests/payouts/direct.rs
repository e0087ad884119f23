//! Owner asset = settlement asset: one host wallet transfer of exactly the owner share.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::*;

#[tokio::test]
async fn an_eth_owner_is_paid_exactly_the_owner_share_in_wei_by_one_transfer() {
    let world = PayoutWorld::start(Payout::Eth).await;
    let before = world.anvil.balance(ETH_OWNER).await;

    let payment = world.pay(dec!(0.0123456789), "eth").await;
    let payout = world.payout_reaches(payment, &["completed"]).await;

    let share = world.share(payment).await;
    assert_eq!(
        share,
        dec!(0.0123456789)
            - (dec!(0.0123456789) * dec!(0.03))
                .round_dp_with_strategy(18, rust_decimal::RoundingStrategy::ToZero)
    );
    let wei: u128 = (share * Decimal::from(1_000_000_000_000_000_000u64)).try_into().unwrap();
    assert_eq!(world.anvil.balance(ETH_OWNER).await - before, wei, "exactly the owner share");
    assert_eq!(payout["kind"], "direct");
    assert_eq!(payout["source"]["amount"], share.normalize().to_string());
    assert_eq!(payout["received"]["amount"], share.normalize().to_string());
    let hash = payout["payout_hash"].as_str().unwrap();
    assert_eq!(world.anvil.receipt(hash).await["status"], "0x1");
    assert_eq!(world.transfers_of(payout["id"].as_str().unwrap()).await, 1);
    let steps: Vec<&str> =
        payout["steps"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(steps.first(), Some(&"sending"));
    assert_eq!(steps.last(), Some(&"completed"));
    let paid: String = sqlx::query_scalar("SELECT payout_status FROM payments WHERE id = $1")
        .bind(payment)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(paid, "paid_out");
    let path = format!("/api/v1/channels/{}/payments", world.channel_id);
    let payments: serde_json::Value = world.app.get_as(&world.owner, &path).await.json().await.unwrap();
    assert_eq!(payments["payments"][0]["payout_id"], payout["id"], "the payment links to its payout");
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_short_host_wallet_waits_in_needs_funds_and_pays_once_topped_up() {
    let world = PayoutWorld::start(Payout::Eth).await;
    // Enough for nothing: the share alone is 0.0097 ETH.
    world.anvil.set_balance(paygate_test_support::anvil::WALLET_ADDRESS, 1_000_000_000_000).await;

    let payment = world.pay(dec!(0.01), "eth").await;
    let waiting = world.payout_reaches(payment, &["needs_funds"]).await;
    assert!(waiting["deposit_hashes"].as_array().unwrap().is_empty(), "nothing signed");
    let operator = world.operator_token().await;
    let queue: serde_json::Value =
        world.app.get_as(&operator, "/api/v1/operator/payouts/attention").await.json().await.unwrap();
    assert!(queue["payouts"].as_array().unwrap().iter().any(|p| p["id"] == waiting["id"]));
    world.assert_conserved().await;

    world.anvil.set_balance(paygate_test_support::anvil::WALLET_ADDRESS, 10 * ETHER).await;
    let payout = world.payout_reaches(payment, &["completed"]).await;
    assert_eq!(world.transfers_of(payout["id"].as_str().unwrap()).await, 1);
    assert!(world.anvil.balance(ETH_OWNER).await > 0);
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_stuck_transaction_is_replaced_at_the_same_nonce_and_only_one_candidate_is_mined() {
    let world = PayoutWorld::start_with(
        Payout::Eth,
        |config| config.replace_after = std::time::Duration::from_secs(1),
        |wallet| wallet,
    )
    .await;
    world.mining.store(false, std::sync::atomic::Ordering::SeqCst);
    let payment = world.pay(dec!(0.02), "eth").await;
    // Nothing is mined: the first candidate waits past its time and is replaced with higher fees.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let payout = world.payout_of(payment).await.unwrap();
        if payout["deposit_hashes"].as_array().unwrap().len() >= 2 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never replaced: {payout:#}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    world.mining.store(true, std::sync::atomic::Ordering::SeqCst);
    let payout = world.payout_reaches(payment, &["completed"]).await;

    let hashes: Vec<String> =
        payout["deposit_hashes"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_owned()).collect();
    let mut mined = 0;
    for hash in &hashes {
        let receipt = world.anvil.receipt(hash).await;
        if !receipt.is_null() {
            mined += 1;
        }
    }
    assert_eq!(mined, 1, "exactly one candidate mined of {hashes:?}");
    assert_eq!(world.anvil.nonce(paygate_test_support::anvil::WALLET_ADDRESS).await, 1, "one nonce used");
    let share = world.share(payment).await;
    let wei: u128 = (share * Decimal::from(1_000_000_000_000_000_000u64)).try_into().unwrap();
    assert_eq!(world.anvil.balance(ETH_OWNER).await, wei);
    world.assert_conserved().await;
}
