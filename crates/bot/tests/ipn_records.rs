//! What is kept of payment notifications (unreadable signed ones too, as received text), and
//! concurrent first purchases of one subscriber adding up.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use chrono::{DateTime, Duration, Utc};
use paygate_app::subscribers::payment_intake::{self, Outcome, Source};
use paygate_domain::payment_gateway::{PaymentStatus, PaymentUpdate};
use rust_decimal::Decimal;
use serde_json::Value;
use support::World;
use uuid::Uuid;

/// NOWPayments' signature of `body` (over its key-sorted form, so any spacing or key order verifies).
fn sign(world: &World, body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap();
    world.nowpayments.signed(&value).1
}

/// A `payment_events` row: invoice, payment id, status, raw text, parse error.
type Event = (Option<Uuid>, String, String, String, Option<String>);

#[tokio::test]
async fn signed_but_unreadable_ipns_are_stored_as_received_and_answered_200_while_bad_signatures_get_401() {
    let world = World::start().await;
    let order = world.buy(7101, 'g').await;
    let unknown_status = format!(
        r#"{{"payment_id":7001,"invoice_id":null,"payment_status":"paid","price_amount":5,"price_currency":"usd","order_id":"{order}"}}"#
    );
    let null_amount = format!(
        r#"{{"payment_id":7002,"payment_status":"finished","price_amount":null,"price_currency":"usd","actually_paid":null,"order_id":"{order}"}}"#
    );
    let payout = r#"{"id":"5000000713","batch_withdrawal_id":"5000000000","status":"FINISHED","error":null,"currency":"usdttrc20","amount":"12.5","address":"TNDFkiSmBQorNFacb3735q8MnT29sn8BLn","hash":null,"created_at":"2025-03-01T10:00:00.000Z"}"#;

    for body in [unknown_status.as_str(), null_amount.as_str(), payout] {
        let response = world.post_signed_text(body.to_owned(), &sign(&world, body)).await;
        assert_eq!(response.status(), 200, "{body}");
    }
    let forged = world.post_signed_text(payout.to_owned(), &"00".repeat(64)).await;
    assert_eq!(forged.status(), 401, "only a bad signature is refused");

    let events: Vec<Event> = sqlx::query_as(
        "SELECT invoice_id, provider_payment_id, status, raw, parse_error FROM payment_events ORDER BY id",
    )
    .fetch_all(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    let order_id = Uuid::parse_str(&order).unwrap();
    let expected = [
        (Some(order_id), "7001", "paid", unknown_status.as_str()),
        (Some(order_id), "7002", "finished", null_amount.as_str()),
        (None, "", "FINISHED", payout),
    ];
    for ((invoice, payment, status, raw, error), (want_invoice, want_payment, want_status, want_raw)) in
        events.iter().zip(expected)
    {
        assert_eq!((*invoice, payment.as_str(), status.as_str()), (want_invoice, want_payment, want_status));
        assert_eq!(raw, want_raw, "kept exactly as received");
        assert!(error.as_deref().is_some_and(|e| !e.is_empty()));
    }
    assert_eq!(world.count("SELECT count(*) FROM payments").await, 0, "nothing acted on");
    let status: String =
        sqlx::query_scalar("SELECT status FROM invoices").fetch_one(&world.app.pool).await.unwrap();
    assert_eq!(status, "waiting");
}

#[tokio::test]
async fn the_event_log_keeps_each_notification_as_the_exact_text_received() {
    let world = World::start().await;
    let order = world.buy(7201, 'g').await;
    let invoice_id = world.provider_invoice_id(&order).await;
    let body = format!(
        "{{ \"payment_status\": \"waiting\",  \"payment_id\": 7201, \"invoice_id\": {invoice_id},\n  \"price_amount\": 5, \"price_currency\": \"usd\", \"pay_amount\": 0.0017, \"order_id\": \"{order}\",\n  \"fee\": {{ \"serviceFee\": 0, \"currency\": \"eth\" }} }}"
    );
    let response = world.post_signed_text(body.clone(), &sign(&world, &body)).await;
    assert_eq!(response.status(), 200);
    let raw: String =
        sqlx::query_scalar("SELECT raw FROM payment_events").fetch_one(&world.app.pool).await.unwrap();
    assert_eq!(raw, body, "whitespace and key order as received");
}

/// A `finished` report of `invoice` paid in full, as the IPN parser would produce it.
fn paid(invoice: Uuid, payment_id: String, price: Decimal) -> PaymentUpdate {
    let amount = Some(Decimal::new(17, 4));
    PaymentUpdate {
        provider_payment_id: payment_id,
        provider_invoice_id: None,
        order_id: Some(invoice.to_string()),
        status: PaymentStatus::Finished,
        price_amount: price,
        price_currency: "usd".into(),
        pay_amount: amount,
        actually_paid: amount,
        actually_paid_at_fiat: Some(Decimal::ZERO),
        pay_currency: Some("eth".into()),
        outcome_amount: Some(Decimal::new(161, 5)),
        outcome_currency: Some("eth".into()),
        parent_payment_id: None,
        raw: "{}".into(),
    }
}

async fn invoice(world: &World, user: i64, tier: i16, days: i32, price: Decimal) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd, provider, expires_at)
         VALUES ($1, $2::uuid, $3, 'subscription', $4, $5, $6, 'nowpayments', now() + interval '1 hour')",
    )
    .bind(id)
    .bind(world.channel["id"].as_str().unwrap())
    .bind(user)
    .bind(tier)
    .bind(days)
    .bind(price)
    .execute(&world.app.pool)
    .await
    .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_first_purchases_of_one_subscriber_processed_at_once_give_both_periods() {
    let world = World::start().await;
    let (gold, silver) = (Decimal::new(500, 2), Decimal::new(1250, 2));
    for round in 0..25_i64 {
        let user = 7_300_000 + round;
        sqlx::query("INSERT INTO subscribers (telegram_user_id, first_name) VALUES ($1, 'racer')")
            .bind(user)
            .execute(&world.app.pool)
            .await
            .unwrap();
        let first = invoice(&world, user, 0, 30, gold).await;
        let second = invoice(&world, user, 1, 90, silver).await;
        let (a, b) = (paid(first, format!("{user}1"), gold), paid(second, format!("{user}2"), silver));
        let before = Utc::now();
        let (app_a, app_b) = (world.app.app.clone(), world.app.app.clone());
        let one =
            tokio::spawn(async move { payment_intake::apply_update(&app_a, &a, Source::Ipn).await.unwrap() });
        let two =
            tokio::spawn(async move { payment_intake::apply_update(&app_b, &b, Source::Ipn).await.unwrap() });
        assert_eq!((one.await.unwrap(), two.await.unwrap()), (Outcome::Accepted, Outcome::Accepted));
        let after = Utc::now();

        let expires: DateTime<Utc> =
            sqlx::query_scalar("SELECT expires_at FROM subscriptions WHERE telegram_user_id = $1")
                .bind(user)
                .fetch_one(&world.app.pool)
                .await
                .unwrap();
        // Both periods count from the moment of the first purchase (a minute of slack for clocks).
        let start = expires - Duration::days(120);
        assert!(
            start >= before - Duration::minutes(1) && start <= after + Duration::minutes(1),
            "round {round}: expiry {expires} is not start + 30 + 90 days (processed between {before} and {after})"
        );
    }
}
