//! Invoices that never received a notification are looked up at the provider before they expire: a
//! provider outage never loses a payment, an unreachable provider delays expiry, and without the
//! account login the invoice waits for the operator.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use chrono::Utc;
use paygate_app::subscribers::reconcile::ReconcileInvoices;
use paygate_domain::payment_gateway::PaymentStatus;
use paygate_test_support::fake_nowpayments::FakeNowPayments;
use serde_json::Value;
use support::{NP_KEY, NP_SECRET, World, eventually, until};

/// The provider's invoice id of our invoice `order`.
async fn provider_invoice(world: &World, order: &str) -> String {
    sqlx::query_scalar("SELECT provider_invoice_id FROM invoices WHERE id = $1::uuid")
        .bind(order)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

/// The provider knows a finished payment of `order` (none of its notifications reached Paygate).
async fn paid_at_provider(world: &World, order: &str, payment_id: &str) -> Value {
    let invoice = provider_invoice(world, order).await;
    let price = "5.00".parse().unwrap();
    let body = world.nowpayments.ipn_body(
        &invoice,
        order,
        payment_id,
        PaymentStatus::Finished,
        price,
        "0.0015".parse().unwrap(),
        Some("eth"),
    );
    world.nowpayments.set_payment(payment_id, body.clone());
    body
}

/// Lets the invoice's 24 hours run out and starts a reconciliation pass.
async fn expire_and_reconcile(world: &World, order: &str) {
    sqlx::query(
        "UPDATE invoices SET expires_at = now() - interval '1 second', next_check_at = now() - interval '1 second'
         WHERE id = $1::uuid",
    )
    .bind(order)
    .execute(&world.app.pool)
    .await
    .unwrap();
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &ReconcileInvoices { tick: Utc::now() }).await.unwrap();
}

async fn invoice_status(world: &World, order: &str) -> String {
    sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1::uuid")
        .bind(order)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

fn look_ups(world: &World) -> usize {
    world.nowpayments.requests().iter().filter(|r| r.contains("invoiceId=")).count()
}

#[tokio::test]
async fn a_payment_whose_notifications_never_arrived_is_found_before_expiry_and_grants_access_once() {
    let world = World::start().await;
    let order = world.buy(9601, 'g').await;
    let finished = paid_at_provider(&world, &order, "5077125051").await;

    expire_and_reconcile(&world, &order).await;
    eventually("the invite of the found payment", || {
        (!world.telegram.invite_links().is_empty()).then_some(())
    })
    .await;
    assert_eq!(invoice_status(&world, &order).await, "finished");
    let provider_invoice = provider_invoice(&world, &order).await;
    assert!(
        world.nowpayments.requests().iter().any(|r| r.contains(&format!("invoiceId={provider_invoice}"))),
        "{:?}",
        world.nowpayments.requests()
    );

    // The outage ends and the provider finally delivers the notification: nothing is granted twice.
    let (bytes, signature) = world.nowpayments.signed(&finished);
    let late = world
        .app
        .http
        .post(world.app.url("/webhooks/nowpayments"))
        .header("x-nowpayments-sig", signature)
        .header("content-type", "application/json")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 200);
    assert_eq!(world.count("SELECT count(*) FROM payments").await, 1);
    assert_eq!(world.count("SELECT count(*) FROM subscriptions").await, 1);
    assert_eq!(world.count("SELECT count(*) FROM invites").await, 1);
    assert_eq!(
        world.count("SELECT count(*) FROM subscriptions WHERE expires_at < now() + interval '31 days'").await,
        1,
        "one period, not two"
    );
    assert_eq!(world.count("SELECT count(*) FROM payment_events WHERE source = 'poll'").await, 1);
}

#[tokio::test]
async fn a_look_up_while_the_provider_is_unreachable_is_retried_and_the_invoice_never_expires() {
    let world = World::start().await;
    let order = world.buy(9602, 'g').await;
    paid_at_provider(&world, &order, "5077125061").await;
    world.nowpayments.fail_next("invoiceId", 1, 503);
    world.nowpayments.rate_limit_next("invoiceId", 1, 1);

    expire_and_reconcile(&world, &order).await;
    eventually("a failed look-up", || (look_ups(&world) >= 1).then_some(())).await;
    assert_ne!(invoice_status(&world, &order).await, "expired", "expired while the provider was unreachable");
    eventually("the invite after the provider came back", || {
        (!world.telegram.invite_links().is_empty()).then_some(())
    })
    .await;

    assert!(look_ups(&world) >= 3, "503, 429, then the answer: {:?}", world.nowpayments.requests());
    assert_eq!(invoice_status(&world, &order).await, "finished");
    assert_eq!(world.count("SELECT count(*) FROM payments").await, 1);
}

#[tokio::test]
async fn an_invoice_with_nothing_paid_at_the_provider_expires_after_the_look_up() {
    let world = World::start().await;
    let order = world.buy(9603, 'g').await;

    expire_and_reconcile(&world, &order).await;
    until("the expired invoice", || async {
        (invoice_status(&world, &order).await == "expired").then_some(())
    })
    .await;
    assert_eq!(look_ups(&world), 1);
    assert_eq!(world.count("SELECT count(*) FROM payments").await, 0);
}

#[tokio::test]
async fn without_the_account_login_an_invoice_without_notifications_waits_for_the_operator_instead_of_expiring()
 {
    let nowpayments = FakeNowPayments::start(NP_KEY, NP_SECRET).await;
    nowpayments.remove_account();
    let world = World::start_with(nowpayments).await;
    let order = world.buy(9604, 'g').await;
    paid_at_provider(&world, &order, "5077125071").await;

    expire_and_reconcile(&world, &order).await;
    let error: String = until("the check job in needs-attention", || async {
        sqlx::query_scalar(
            "SELECT last_error FROM jobs WHERE kind = 'payments.check_invoice' AND state = 'needs_attention'",
        )
        .fetch_optional(&world.app.pool)
        .await
        .unwrap()
        .flatten()
    })
    .await;

    assert!(error.contains("PAYGATE_NOWPAYMENTS_EMAIL") && error.contains(&order), "{error}");
    assert!(error.contains("NOT expired"), "{error}");
    assert_eq!(invoice_status(&world, &order).await, "waiting");
    let polled: Option<chrono::DateTime<Utc>> =
        sqlx::query_scalar("SELECT next_check_at FROM invoices WHERE id = $1::uuid")
            .bind(&order)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(polled, None, "no more automatic checks until the operator acts");
    assert_eq!(look_ups(&world), 0);
}
