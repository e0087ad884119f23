//! Swap payouts: quote, pair minimum, one exchange, one deposit, followed to the end.

use std::collections::HashSet;

use paygate_app::subscribers::payment_intake::Outcome;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::*;

#[tokio::test]
async fn an_xmr_owner_is_paid_through_one_exchange_funded_once_with_exactly_the_share() {
    let world = PayoutWorld::start(Payout::Xmr).await;

    let payment = world.pay(dec!(0.05), "eth").await;
    let payout = world.payout_reaches(payment, &["completed"]).await;

    let share = world.share(payment).await;
    let exchange = payout["exchange_id"].as_str().unwrap();
    assert_eq!(world.changenow.funded_exchanges(), vec![exchange.to_owned()]);
    assert_eq!(world.changenow.deposit_received(exchange), Some(share));
    assert_eq!(world.changenow.deposit_asked(exchange), share);
    // The fake pays rate × received − fee: 10.5 × share − 0.0001 XMR, floored to 12 decimals.
    let expected = (share * dec!(10.5) - dec!(0.0001))
        .round_dp_with_strategy(12, rust_decimal::RoundingStrategy::ToZero);
    assert_eq!(payout["received"]["amount"].as_str().unwrap().parse::<Decimal>().unwrap(), expected);
    assert_eq!(payout["received"]["currency"], "xmr");
    assert_eq!(payout["destination_address"], XMR_OWNER);
    assert!(payout["payout_hash"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(payout["deposit_hashes"].as_array().unwrap().len(), 1);
    assert_eq!(world.transfers_of(payout["id"].as_str().unwrap()).await, 1);
    let statuses: Vec<&str> =
        payout["steps"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    for expected in ["quoting", "creating_exchange", "sending", "confirming", "exchanging", "completed"] {
        assert!(statuses.contains(&expected), "{expected} missing from {statuses:?}");
    }
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_usdt_settlement_pays_a_usdt_trx_owner_from_the_test_token() {
    let world = PayoutWorld::start(Payout::UsdtTrx).await;
    let before = world.anvil.token_balance(&world.token, paygate_test_support::anvil::WALLET_ADDRESS).await;

    let payment = world.pay(dec!(48.123456), "usdterc20").await;
    let payout = world.payout_reaches(payment, &["completed"]).await;

    let share = world.share(payment).await;
    assert!(share.normalize().scale() <= 6, "a USDT share has at most 6 decimals: {share}");
    let exchange = payout["exchange_id"].as_str().unwrap();
    assert_eq!(world.changenow.deposit_received(exchange), Some(share));
    let units: u128 = (share * Decimal::from(1_000_000)).try_into().unwrap();
    let after = world.anvil.token_balance(&world.token, paygate_test_support::anvil::WALLET_ADDRESS).await;
    assert_eq!(before - after, units, "exactly the share left the host wallet, in token units");
    assert_eq!(payout["source"]["currency"], "usdt");
    assert_eq!(payout["received"]["currency"], "usdt");
    assert_eq!(payout["received"]["network"], "trx");
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_share_below_the_pair_minimum_goes_to_the_owners_accumulation_without_any_exchange() {
    let world = PayoutWorld::start(Payout::Xmr).await;

    // The fake's ETH→XMR minimum is 0.01 ETH.
    let payment = world.pay(dec!(0.005), "eth").await;
    let payout = world.payout_reaches(payment, &["accumulated"]).await;

    assert!(world.changenow.exchanges().is_empty(), "no exchange for a share below the minimum");
    assert_eq!(payout["pair_minimum"]["amount"], "0.01");
    let balance: serde_json::Value = world
        .app
        .get_as(&world.owner, &format!("/api/v1/channels/{}/balance", world.channel_id))
        .await
        .json()
        .await
        .unwrap();
    let line = &balance["lines"][0];
    assert_eq!(line["status"], "pending_conversion");
    assert_eq!(line["source"]["amount"], world.share(payment).await.normalize().to_string());
    assert_eq!(world.transfers_of(payout["id"].as_str().unwrap()).await, 0);
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_create_call_that_times_out_after_the_provider_made_the_exchange_never_leads_to_a_second_funded_one()
 {
    let world = PayoutWorld::start(Payout::Xmr).await;
    world.changenow.stall_next_create();

    let payment = world.pay(dec!(0.05), "eth").await;
    let payout = world.payout_reaches(payment, &["completed"]).await;

    let exchanges = world.changenow.exchanges();
    let funded = world.changenow.funded_exchanges();
    assert_eq!(funded.len(), 1, "one funded exchange: {exchanges:#?}");
    assert_eq!(payout["exchange_id"].as_str(), Some(funded[0].as_str()));
    assert_eq!(exchanges.len(), 1, "the timed-out exchange was found and used, not made again");
    assert!(world.changenow.requests().iter().any(|r| r.starts_with("GET /v2/exchanges")), "looked up first");
    world.assert_conserved().await;
}

#[tokio::test]
async fn duplicate_and_concurrent_reports_of_one_payment_make_one_payout_and_one_deposit() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    let report = world.finished_report(dec!(0.05), "eth").await;

    let mut tasks = Vec::new();
    for _ in 0..6 {
        let app = world.app.app.clone();
        let report = report.clone();
        tasks.push(tokio::spawn(async move {
            paygate_app::subscribers::payment_intake::apply_update(
                &app,
                &report,
                paygate_app::subscribers::payment_intake::Source::Ipn,
            )
            .await
            .unwrap()
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::Accepted).count(), 1, "{outcomes:?}");
    assert_eq!(world.report(&report).await, Outcome::Duplicate);

    let payment = world.payment_id(&report.provider_payment_id).await;
    world.payout_reaches(payment, &["completed"]).await;
    assert_eq!(world.count("SELECT count(*) FROM payouts").await, 1);
    assert_eq!(world.count("SELECT count(*) FROM wallet_transfers").await, 1);
    assert_eq!(world.changenow.funded_exchanges().len(), 1);
    let ids: HashSet<_> = world.changenow.exchanges().iter().map(|e| e["id"].to_string()).collect();
    assert_eq!(ids.len(), 1);
    world.assert_conserved().await;
}
