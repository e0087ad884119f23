//! `GET /api/v1/overview`: the owner's revenue windows, per-asset and per-day revenue, subscribers,
//! balances and attention counts, counted over the caller's own channels only.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod rows;

use paygate_test_support::{TestApp, spawn_app};
use rows::{channel, payment, payout, subscription};
use serde_json::{Value, json};
use uuid::Uuid;

async fn overview(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_as(token, &format!("/api/v1/overview{query}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A decimal string of the API as a number (exact for the small test amounts).
fn decimal(value: &Value) -> f64 {
    value.as_str().unwrap_or_else(|| panic!("not a decimal string: {value}")).parse().unwrap()
}

#[tokio::test]
async fn the_overview_counts_the_owners_channels_only_in_both_windows_and_per_asset() {
    let app = spawn_app().await;
    let alice = app.owner_token("alice").await;
    let bob = app.owner_token("bob").await;
    let alpha = channel(&app, &alice, -1001000000001, -1001000000002, "Alpha").await;
    let beta = channel(&app, &alice, -1001000000003, -1001000000004, "Beta").await;
    let bobs = channel(&app, &bob, -1001000000005, -1001000000006, "Bob's").await;

    // Last 30 days: $10 + $20 accepted (two assets), one underpaid (not revenue); before: $7.
    payment(&app, alpha, 11, 0, "10.00", ("10", "usdttrc20"), "accepted").await;
    let p2 = payment(&app, beta, 12, 3, "20.00", ("0.005", "eth"), "accepted").await;
    payment(&app, alpha, 13, 1, "9.00", ("4", "usdttrc20"), "underpaid").await;
    payment(&app, alpha, 14, 40, "7.00", ("7", "usdttrc20"), "accepted").await;
    // Older than both windows, and another owner's: never counted.
    payment(&app, alpha, 15, 90, "100.00", ("100", "usdttrc20"), "accepted").await;
    let bobs_payment = payment(&app, bobs, 16, 0, "500.00", ("500", "usdttrc20"), "accepted").await;

    subscription(&app, alpha, 11, "active", 10).await;
    subscription(&app, beta, 11, "active", 20).await; // the same person in two channels: one subscriber
    subscription(&app, beta, 12, "active", 5).await;
    subscription(&app, alpha, 13, "expired", -1).await;
    subscription(&app, bobs, 16, "active", 10).await;

    payout(&app, beta, p2, "needs_attention").await;
    payout(&app, bobs, bobs_payment, "failed").await;
    sqlx::query(
        "INSERT INTO channel_balances (channel_id, converted_usdt, pending_entries) VALUES ($1, 60, 2)",
    )
    .bind(alpha)
    .execute(&app.pool)
    .await
    .unwrap();

    let all = overview(&app, &alice, "").await;
    assert_eq!(all["period_days"], 30);
    assert_eq!(decimal(&all["revenue_usd"]["usd"]), 30_f64);
    assert_eq!(all["revenue_usd"]["payments"], 2);
    assert_eq!(decimal(&all["revenue_usd"]["previous_usd"]), 7_f64);
    assert_eq!(all["revenue_usd"]["previous_payments"], 1);

    let assets = all["revenue_by_asset"].as_array().unwrap();
    assert_eq!(assets.len(), 2, "{assets:?}");
    let eth = assets.iter().find(|a| a["currency"] == "eth").unwrap();
    assert_eq!(eth["network"], "eth");
    assert_eq!(decimal(&eth["settled"]), 0.005_f64);
    assert_eq!(decimal(&eth["owner_share"]), 0.00475_f64);
    let usdt = assets.iter().find(|a| a["currency"] == "usdttrc20").unwrap();
    assert_eq!(decimal(&usdt["settled"]), 10_f64);
    assert_eq!(decimal(&usdt["previous_settled"]), 7_f64);
    assert_eq!(usdt["payments"], 1);

    let days = all["revenue_per_day"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let total: f64 = days.iter().map(|d| decimal(&d["usd"])).sum();
    assert_eq!(total, 30_f64, "the chart holds the window's accepted payments");
    assert_eq!(decimal(&days[29]["usd"]), 10_f64, "today is last");
    assert!(days.windows(2).all(|w| w[0]["day"].as_str() < w[1]["day"].as_str()), "oldest first");

    assert_eq!(all["active_subscribers"], 2);
    assert_eq!(all["payouts_needing_attention"], 1);
    let held = all["held_balances"].as_array().unwrap();
    assert_eq!(held.len(), 2, "both threshold channels");
    let alpha_held = held.iter().find(|h| h["channel_title"] == "Alpha").unwrap();
    assert_eq!(decimal(&alpha_held["converted_usdt"]), 60_f64);
    assert_eq!(decimal(&alpha_held["progress_percent"]), 60_f64);
    assert_eq!(alpha_held["pending_entries"], 2);

    let recent = all["recent_payments"].as_array().unwrap();
    assert_eq!(recent.len(), 5);
    assert!(recent.iter().all(|p| p["channel_title"] != "Bob's"));
    assert_eq!(all["recent_payouts"].as_array().unwrap().len(), 1);

    // One channel: only its numbers.
    let only_beta = overview(&app, &alice, &format!("?channel_id={beta}")).await;
    assert_eq!(decimal(&only_beta["revenue_usd"]["usd"]), 20_f64);
    assert_eq!(only_beta["active_subscribers"], 2);
    assert_eq!(only_beta["recent_payments"].as_array().unwrap().len(), 1);

    // Bob sees his own numbers only.
    let bobs_view = overview(&app, &bob, "").await;
    assert_eq!(decimal(&bobs_view["revenue_usd"]["usd"]), 500_f64);
    assert_eq!(bobs_view["active_subscribers"], 1);
    assert_eq!(bobs_view["payouts_needing_attention"], 1);
}

#[tokio::test]
async fn an_owner_without_channels_gets_zeros_and_thirty_empty_days() {
    let app = spawn_app().await;
    let carol = app.owner_token("carol").await;
    let body = overview(&app, &carol, "").await;
    assert_eq!(decimal(&body["revenue_usd"]["usd"]), 0.0);
    assert_eq!(body["revenue_by_asset"], json!([]));
    assert_eq!(body["revenue_per_day"].as_array().unwrap().len(), 30);
    assert_eq!(body["active_subscribers"], 0);
    assert_eq!(body["payouts_needing_attention"], 0);
}

#[tokio::test]
async fn another_owners_channel_is_not_found_and_a_bad_id_is_refused() {
    let app = spawn_app().await;
    let alice = app.owner_token("alice").await;
    let bob = app.owner_token("bob").await;
    let bobs = channel(&app, &bob, -1001000000005, -1001000000006, "Bob's").await;
    let response = app.get_as(&alice, &format!("/api/v1/overview?channel_id={bobs}")).await;
    assert_eq!(response.status(), 404);
    let response = app.get_as(&alice, &format!("/api/v1/overview?channel_id={}", Uuid::now_v7())).await;
    assert_eq!(response.status(), 404);
    let response = app.get_as(&alice, "/api/v1/overview?channel_id=not-a-uuid").await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn the_overview_needs_a_signed_in_caller() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/overview").await.status(), 401);
}
