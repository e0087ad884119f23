//! Real-shaped NOWPayments notifications (fiat 0, numeric ids, child payments) are judged right:
//! accepted when paid, held with a reason when unknown, mismatched or an extra deposit.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use chrono::{DateTime, Utc};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::{World, eventually, until};

/// NOWPayments' documented `finished` sample with our ids, written as the provider writes it.
fn real_finished(order: &str, invoice_id: &str, payment_id: u64) -> Value {
    serde_json::from_str(&format!(
        r#"{{"payment_id":{payment_id},"parent_payment_id":null,"invoice_id":{invoice_id},"payment_status":"finished",
        "pay_address":"0x9d6a2c1b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b","payin_extra_id":null,"price_amount":5,
        "price_currency":"usd","pay_amount":0.0017,"actually_paid":0.0017,"actually_paid_at_fiat":0,
        "pay_currency":"eth","order_id":"{order}","order_description":"Alpha VIP, 30 days",
        "purchase_id":"5312822613","outcome_amount":0.00161,"outcome_currency":"eth","payment_extra_ids":null,
        "fee":{{"currency":"eth","depositFee":0.00002,"withdrawalFee":0,"serviceFee":0.00007}}}}"#
    ))
    .unwrap()
}

async fn payment_row(world: &World, payment_id: &str) -> (String, String, Option<String>) {
    sqlx::query_as("SELECT verdict, payout_status, hold_reason FROM payments WHERE provider_payment_id = $1")
        .bind(payment_id)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn expiry(world: &World, user: i64) -> Option<DateTime<Utc>> {
    sqlx::query_scalar("SELECT expires_at FROM subscriptions WHERE telegram_user_id = $1")
        .bind(user)
        .fetch_optional(&world.app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_real_shaped_finished_ipn_with_fiat_zero_goes_through_the_purchase_loop_and_grants_access() {
    let world = World::start().await;
    let user = 8101;
    let order = world.buy(user, 'g').await;
    let invoice_id = world.provider_invoice_id(&order).await;

    let response = world.post_ipn(&real_finished(&order, &invoice_id, 5077125051)).await;

    assert_eq!(response.status(), 200);
    eventually("the invite link", || (!world.telegram.invite_links().is_empty()).then_some(())).await;
    let (verdict, payout, reason) = payment_row(&world, "5077125051").await;
    assert_eq!((verdict.as_str(), reason), ("accepted", None));
    // The owner share is routed at once: a payout (or, below the pair minimum, the accumulation).
    assert!(["in_payout", "accumulated"].contains(&payout.as_str()), "{payout}");
    let paid: Option<Decimal> =
        sqlx::query_scalar("SELECT paid_usd FROM payments").fetch_one(&world.app.pool).await.unwrap();
    assert_eq!(paid, Some(Decimal::new(500, 2)));
    assert!(expiry(&world, user).await.is_some_and(|at| at > Utc::now() + chrono::Duration::days(29)));
}

#[tokio::test]
async fn a_finished_ipn_without_any_usable_amount_is_held_for_the_operator_with_a_reason() {
    let world = World::start().await;
    let user = 8201;
    let order = world.buy(user, 'g').await;
    let mut body = real_finished(&order, &world.provider_invoice_id(&order).await, 700);
    body["actually_paid"] = Value::Null;
    body["pay_amount"] = Value::Null;

    assert_eq!(world.post_ipn(&body).await.status(), 200);

    let (verdict, payout, reason) = payment_row(&world, "700").await;
    assert_eq!((verdict.as_str(), payout.as_str()), ("amount_unknown", "on_hold"));
    assert!(reason.is_some_and(|r| r.contains("amount unknown")));
    assert_eq!(expiry(&world, user).await, None, "no access");
    let status: String =
        sqlx::query_scalar("SELECT status FROM invoices").fetch_one(&world.app.pool).await.unwrap();
    assert_eq!(status, "on_hold");
    let page = world.app.get(&format!("/pay/{order}")).await.text().await.unwrap();
    assert!(page.contains("checked by hand") && !page.contains("http-equiv=\"refresh\""), "{page}");
    eventually("the hold message", || {
        world.telegram.messages_to(user).into_iter().find(|m| m.text.contains("manual check"))
    })
    .await;
    // The operator (and the owner) see the payment on hold and why.
    let page: Value = world
        .app
        .send_as(Method::GET, &world.owner, &world.channel_path("/payments"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["payments"][0]["payout_status"], "on_hold");
    assert!(
        page["payments"][0]["hold_reason"].as_str().is_some_and(|r| r.contains("amount unknown")),
        "{page}"
    );
}

#[tokio::test]
async fn a_finished_ipn_for_another_provider_invoice_or_price_is_held_as_a_mismatch_and_grants_nothing() {
    let world = World::start().await;
    let user = 8301;
    let order = world.buy(user, 'g').await;
    let invoice_id = world.provider_invoice_id(&order).await;

    let other_invoice = real_finished(&order, "4000000001", 801);
    assert_eq!(world.post_ipn(&other_invoice).await.status(), 200, "it is signed: acknowledged");
    let mut cheaper = real_finished(&order, &invoice_id, 802);
    cheaper["price_amount"] = json!(0.5);
    assert_eq!(world.post_ipn(&cheaper).await.status(), 200);
    let mut euros = real_finished(&order, &invoice_id, 803);
    euros["price_currency"] = json!("eur");
    assert_eq!(world.post_ipn(&euros).await.status(), 200);

    for (id, words) in [("801", "provider invoice 4000000001"), ("802", "0.5 USD"), ("803", "\"eur\"")] {
        let (verdict, payout, reason) = payment_row(&world, id).await;
        assert_eq!((verdict.as_str(), payout.as_str()), ("mismatch", "on_hold"), "{id}");
        assert!(reason.as_deref().is_some_and(|r| r.contains(words)), "{id}: {reason:?}");
    }
    assert_eq!(expiry(&world, user).await, None, "a mismatch grants nothing");
    assert!(world.telegram.invite_links().is_empty());

    // The invoice stays open: its genuine notification still grants access.
    assert_eq!(world.post_ipn(&real_finished(&order, &invoice_id, 804)).await.status(), 200);
    assert_eq!(payment_row(&world, "804").await.0, "accepted");
    eventually("the invite link", || (!world.telegram.invite_links().is_empty()).then_some(())).await;
}

#[tokio::test]
async fn a_second_payment_of_a_paid_invoice_or_a_child_payment_is_an_extra_deposit_on_hold_without_a_second_period()
 {
    let world = World::start().await;
    let user = 8401;
    let order = world.buy(user, 'g').await;
    let invoice_id = world.provider_invoice_id(&order).await;
    assert_eq!(world.post_ipn(&real_finished(&order, &invoice_id, 901)).await.status(), 200);
    let paid_until = until("the subscription", || expiry(&world, user)).await;

    // The payer sends the same amount again to the same address: a new payment id.
    assert_eq!(world.post_ipn(&real_finished(&order, &invoice_id, 902)).await.status(), 200);
    // A child payment of the first one (NOWPayments' repeated deposit).
    let mut child = real_finished(&order, &invoice_id, 903);
    child["parent_payment_id"] = json!(901);
    assert_eq!(world.post_ipn(&child).await.status(), 200);

    for id in ["902", "903"] {
        let (verdict, payout, reason) = payment_row(&world, id).await;
        assert_eq!((verdict.as_str(), payout.as_str()), ("extra_deposit", "on_hold"), "{id}");
        assert!(reason.is_some_and(|r| r.contains("extra deposit")));
    }
    assert_eq!(expiry(&world, user).await, Some(paid_until), "no second period");
    assert_eq!(world.count("SELECT count(*) FROM invites").await, 1);
    let parent: Option<String> =
        sqlx::query_scalar("SELECT parent_payment_id FROM payments WHERE provider_payment_id = '903'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(parent.as_deref(), Some("901"));
    eventually("the extra deposit message", || {
        world.telegram.messages_to(user).into_iter().find(|m| m.text.contains("further payment"))
    })
    .await;
}

#[tokio::test]
async fn a_child_payment_of_an_unpaid_invoice_is_held_too() {
    let world = World::start().await;
    let user = 8501;
    let order = world.buy(user, 'g').await;
    let mut child = real_finished(&order, &world.provider_invoice_id(&order).await, 1002);
    child["parent_payment_id"] = json!(1001);
    assert_eq!(world.post_ipn(&child).await.status(), 200);
    assert_eq!(payment_row(&world, "1002").await.0, "extra_deposit");
    assert_eq!(expiry(&world, user).await, None);
}

#[tokio::test]
async fn a_finished_ipn_without_a_settled_amount_or_in_an_unknown_asset_is_held_never_a_zero_share() {
    let world = World::start().await;
    for (user, payment_id, change) in [(8601_i64, 8601_u64, "no outcome"), (8602, 8602, "unknown asset")] {
        let order = world.buy(user, 'g').await;
        let mut body = real_finished(&order, &world.provider_invoice_id(&order).await, payment_id);
        match change {
            "no outcome" => body["outcome_amount"] = Value::Null,
            _ => body["outcome_currency"] = json!("usdttrc20"),
        }

        assert_eq!(world.post_ipn(&body).await.status(), 200);

        let (verdict, payout, reason) = payment_row(&world, &payment_id.to_string()).await;
        assert_eq!((verdict.as_str(), payout.as_str()), ("accepted", "on_hold"), "{change}");
        assert!(
            reason.as_deref().is_some_and(|r| r.starts_with("settlement unusable")),
            "{change}: {reason:?}"
        );
        let share: (Option<Decimal>, Option<Decimal>, Option<Decimal>) = sqlx::query_as(
            "SELECT outcome_amount, platform_fee, owner_share FROM payments WHERE provider_payment_id = $1",
        )
        .bind(payment_id.to_string())
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
        assert_eq!(share, (None, None, None), "{change}: no zero share is recorded");
        // The subscriber paid in full: access is granted; only the payout waits for the operator.
        assert!(expiry(&world, user).await.is_some(), "{change}");
    }
    let token = world.owner_token().await;
    let listed: Value = world
        .app
        .send_as(Method::GET, &token, &world.channel_path("/payments"), None)
        .await
        .json()
        .await
        .unwrap();
    let held: Vec<&Value> = listed["payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["payout_status"] == "on_hold" && p["owner_share"].is_null())
        .collect();
    assert_eq!(held.len(), 2, "both held payments are visible with their reason: {listed}");
    assert!(
        held.iter().all(|p| p["hold_reason"].as_str().is_some_and(|r| r.contains("settlement unusable")))
    );
}
