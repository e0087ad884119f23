//! Threshold payouts: entries converted to USDT together, a batch once the balance crosses the
//! threshold, never an entry in two batches, failed batches held, payout-now and strategy switch.

use std::collections::HashSet;

use paygate_app::payouts::threshold::{self, BatchStart};
use paygate_domain::money::Asset;
use paygate_test_support::{anvil::WALLET_ADDRESS, fake_changenow::PairTerms};
use reqwest::Method;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::*;

const TRX_OWNER_2: &str = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7";

/// A threshold world whose pending entries convert at once (no waiting interval) at 3000 USDT/ETH.
async fn threshold_world() -> PayoutWorld {
    let world = PayoutWorld::start(Payout::ThresholdUsdtTrx).await;
    let terms = PairTerms { rate: dec!(3000), min: dec!(0.005), withdrawal_fee: dec!(1) };
    world.changenow.set_pair(Asset::ETH, Asset::USDT_ERC20, terms);
    world
}

fn conversion_due_now(settings: &mut paygate_app::Settings) {
    settings.conversion_interval = std::time::Duration::ZERO;
}

async fn entry_statuses(world: &PayoutWorld) -> Vec<(String, Option<Uuid>)> {
    sqlx::query_as("SELECT status, batch_id FROM accumulation_entries ORDER BY created_at, id")
        .fetch_all(&world.app.pool)
        .await
        .unwrap()
}

/// Pays `n` shares of 0.01 ETH, converts them together and waits for the USDT to be divided.
async fn pay_and_convert(world: &PayoutWorld, app: &paygate_app::App, n: usize) -> Uuid {
    for _ in 0..n {
        world.pay(dec!(0.01), "eth").await;
    }
    let conversion = threshold::convert_pending(app).await.unwrap().expect("a conversion starts");
    assert_eq!(world.payout_id_reaches(conversion, &["completed"]).await, "completed");
    conversion
}

fn app_with_due_conversions(world: &PayoutWorld) -> paygate_app::App {
    let mut app = world.app.app.clone();
    let mut settings = (*app.settings).clone();
    conversion_due_now(&mut settings);
    app.settings = std::sync::Arc::new(settings);
    app
}

#[tokio::test]
async fn eth_payments_are_converted_together_then_paid_in_one_batch_with_one_token_deposit() {
    let world = threshold_world().await;
    let app = app_with_due_conversions(&world);
    let token_before = world.anvil.token_balance(&world.token, WALLET_ADDRESS).await;

    let conversion = pay_and_convert(&world, &app, 3).await;

    // One ETH deposit of exactly the three shares; the USDT received divided exactly among them.
    let shares: Decimal =
        sqlx::query_scalar("SELECT sum(owner_share) FROM payments").fetch_one(&world.app.pool).await.unwrap();
    let funded = world.changenow.funded_exchanges();
    assert_eq!(funded.len(), 1);
    assert_eq!(world.changenow.deposit_received(&funded[0]), Some(shares));
    let received: Decimal = sqlx::query_scalar("SELECT received_amount FROM payouts WHERE id = $1")
        .bind(conversion)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(
        received,
        (shares * dec!(3000) - dec!(1)).round_dp_with_strategy(6, rust_decimal::RoundingStrategy::ToZero)
    );
    let parts: Decimal = sqlx::query_scalar("SELECT sum(usdt_amount) FROM accumulation_entries")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(parts, received, "the parts add up to what was received");
    let balance = world.balance().await;
    assert_eq!(balance["converted_usdt"], received.normalize().to_string());
    assert_eq!(balance["threshold_usd"], "50.00");
    assert_eq!(balance["progress_percent"], "100");
    world.assert_conserved().await;

    // The balance (≈ $86) is over the $50 threshold: the pass pays it in one batch.
    let started = threshold::batch_pass(&app).await.unwrap();
    assert_eq!(started.len(), 1);
    assert_eq!(world.payout_id_reaches(started[0], &["completed"]).await, "completed");
    let units: u128 = (received * Decimal::from(1_000_000)).try_into().unwrap();
    let token_after = world.anvil.token_balance(&world.token, WALLET_ADDRESS).await;
    assert_eq!(token_before - token_after, units, "one token deposit of exactly the balance");
    assert!(
        entry_statuses(&world)
            .await
            .iter()
            .all(|(status, batch)| status == "paid" && *batch == Some(started[0]))
    );
    let paid: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE payout_status = 'paid_out'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(paid, 3);
    let list: Value = world
        .app
        .get_as(&world.owner, &format!("/api/v1/channels/{}/payouts", world.channel_id))
        .await
        .json()
        .await
        .unwrap();
    let batch = list["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["purpose"] == "batch" && p["status"] == "completed")
        .expect("the completed batch is listed");
    // The batch lists the entries it paid: the three payments, their USDT adding up to the deposit.
    let entries = batch["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{batch}");
    assert!(entries.iter().all(|e| e["status"] == "paid" && e["reason"] == "threshold"), "{batch}");
    let listed: Decimal =
        entries.iter().map(|e| e["usdt"].as_str().unwrap().parse::<Decimal>().unwrap()).sum();
    assert_eq!(listed, received);
    assert_eq!(batch["source"]["amount"], received.normalize().to_string());
    let mut payment_ids: Vec<&str> = entries.iter().map(|e| e["payment_id"].as_str().unwrap()).collect();
    payment_ids.sort_unstable();
    payment_ids.dedup();
    assert_eq!(payment_ids.len(), 3, "one entry per payment");
    assert!(
        list["payouts"].as_array().unwrap().iter().all(|p| p["purpose"] == "batch"),
        "a conversion (it spans channels) is never in a channel's list"
    );
    assert_eq!(world.balance().await["converted_usdt"], "0");
    world.assert_conserved().await;
}

#[tokio::test]
async fn concurrent_passes_and_a_late_payment_never_put_an_entry_in_two_batches() {
    let world = threshold_world().await;
    let app = app_with_due_conversions(&world);
    pay_and_convert(&world, &app, 3).await;
    world.changenow.hold_next_at("verifying");

    let (a, b, c, late) = tokio::join!(
        threshold::batch_pass(&app),
        threshold::batch_pass(&app),
        threshold::start_batch(&app, world.channel_id, true),
        world.pay(dec!(60), "usdterc20"),
    );
    let mut batches: HashSet<Uuid> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    if let BatchStart::Started(id) = c.unwrap() {
        batches.insert(id);
    }
    assert_eq!(batches.len(), 1, "one batch for the channel");
    let batch = *batches.iter().next().unwrap();
    let entries = entry_statuses(&world).await;
    for (status, batch_id) in &entries {
        assert!(batch_id.is_none() || *batch_id == Some(batch), "{entries:?}");
        assert!(status == "in_batch" || status == "converted", "{entries:?}");
    }
    let late_entry: (String, Option<Uuid>) =
        sqlx::query_as("SELECT status, batch_id FROM accumulation_entries WHERE payment_id = $1")
            .bind(late)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    // The late payment is locked in USDT at once; it joined this batch only if it arrived first.
    assert!(late_entry.0 == "converted" || late_entry.1 == Some(batch), "{late_entry:?}");
    // While the batch is under way, nothing else starts.
    assert_eq!(threshold::start_batch(&app, world.channel_id, true).await.unwrap(), BatchStart::InFlight);
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_failed_batch_holds_its_entries_until_the_operator_releases_them() {
    let world = threshold_world().await;
    let app = app_with_due_conversions(&world);
    pay_and_convert(&world, &app, 3).await;
    world.changenow.fail_next_after_deposit();

    let batch = threshold::batch_pass(&app).await.unwrap()[0];
    assert_eq!(world.payout_id_reaches(batch, &["failed"]).await, "failed");
    assert!(entry_statuses(&world).await.iter().all(|(status, _)| status == "held"));
    assert!(
        threshold::batch_pass(&app).await.unwrap().is_empty(),
        "held entries are never batched again by themselves"
    );
    world.assert_conserved().await;

    let operator = world.operator_token().await;
    let path = format!("/api/v1/operator/payouts/{batch}/cancel");
    let response = world.app.send_as(Method::POST, &operator, &path, None).await;
    assert_eq!(response.status(), 200);
    assert!(
        entry_statuses(&world).await.iter().all(|(status, batch)| status == "converted" && batch.is_none())
    );
    let again = threshold::batch_pass(&app).await.unwrap();
    assert_eq!(again.len(), 1, "released entries are paid by the next pass");
    assert_eq!(world.payout_id_reaches(again[0], &["completed"]).await, "completed");
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_wallet_change_during_a_batch_keeps_the_batch_snapshot_and_applies_to_the_next() {
    let world = threshold_world().await;
    let app = app_with_due_conversions(&world);
    pay_and_convert(&world, &app, 3).await;
    world.changenow.hold_next_at("verifying");
    let batch = threshold::batch_pass(&app).await.unwrap()[0];
    let patch = json!({"payout": {"wallet_address": TRX_OWNER_2}});
    let path = format!("/api/v1/channels/{}", world.channel_id);
    let response = world.app.send_as(Method::PATCH, &world.owner, &path, Some(&patch)).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let dest: String = sqlx::query_scalar("SELECT dest_address FROM payouts WHERE id = $1")
        .bind(batch)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(dest, TRX_OWNER, "the batch keeps the settings it was created with");
    world.pay(dec!(60), "usdterc20").await;
    // Let the held exchange finish, then the next batch goes to the new wallet.
    let held = world.changenow.exchanges().last().unwrap()["id"].as_str().unwrap().to_owned();
    world.payout_id_reaches(batch, &["exchanging"]).await;
    // The payout counts its deposit confirmed on its own; the fake sees the deposit when it next reads
    // the chain. Moving the exchange on before that would be undone by the fake's own walk.
    world.exchange_held_at(&held, "verifying").await;
    world.changenow.set_status(&held, "exchanging");
    world.changenow.finish(&held);
    assert_eq!(world.payout_id_reaches(batch, &["completed"]).await, "completed");
    let next = threshold::batch_pass(&app).await.unwrap()[0];
    let dest: String = sqlx::query_scalar("SELECT dest_address FROM payouts WHERE id = $1")
        .bind(next)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(dest, TRX_OWNER_2);
    world.payout_id_reaches(next, &["completed"]).await;
    world.assert_conserved().await;
}

#[tokio::test]
async fn payout_now_pays_below_the_threshold_and_answers_409_with_a_clear_code_otherwise() {
    let world = threshold_world().await;
    let path = format!("/api/v1/channels/{}/payout-now", world.channel_id);
    let post = || world.app.send_as(Method::POST, &world.owner, &path, None);
    let code = |body: Value| body["error"]["code"].as_str().unwrap_or_default().to_owned();

    let empty = post().await;
    assert_eq!(empty.status(), 409);
    assert_eq!(code(empty.json().await.unwrap()), "nothing_to_pay");

    // 5 USDT, below the USDT→USDT-TRX minimum of 10.
    world.pay(dec!(5.2), "usdterc20").await;
    let small = post().await;
    assert_eq!(small.status(), 409);
    assert_eq!(code(small.json().await.unwrap()), "balance_below_minimum");

    // 25 USDT more: ≈ $30, below the $50 threshold, paid on request.
    world.changenow.hold_next_at("verifying");
    world.pay(dec!(25), "usdterc20").await;
    let started = post().await;
    assert_eq!(started.status(), 200);
    let batch: Value = started.json().await.unwrap();
    assert_eq!(batch["purpose"], "batch");
    let busy = post().await;
    assert_eq!(busy.status(), 409);
    assert_eq!(code(busy.json().await.unwrap()), "batch_in_flight");
    let stranger = world.app.owner_token("stranger").await;
    assert_eq!(world.app.send_as(Method::POST, &stranger, &path, None).await.status(), 404);
    world.assert_conserved().await;
}

#[tokio::test]
async fn switching_to_instant_pays_the_whole_balance_in_the_next_pass_below_the_threshold() {
    let world = threshold_world().await;
    let app = world.app.app.clone();
    world.pay(dec!(20), "usdterc20").await;
    assert!(threshold::batch_pass(&app).await.unwrap().is_empty(), "below the $50 threshold");

    let patch = json!({"payout": {"strategy": "instant", "threshold_usd": null}});
    let path = format!("/api/v1/channels/{}", world.channel_id);
    let response = world.app.send_as(Method::PATCH, &world.owner, &path, Some(&patch)).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let started = threshold::batch_pass(&app).await.unwrap();
    assert_eq!(started.len(), 1);
    assert_eq!(world.payout_id_reaches(started[0], &["completed"]).await, "completed");
    world.assert_conserved().await;
}
