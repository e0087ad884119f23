//! Payment notifications: signature checks, duplicates and concurrency, statuses, underpayment,
//! renewals, and reconciliation of a lost IPN.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use chrono::{DateTime, Utc};
use paygate_app::subscribers::reconcile::ReconcileInvoices;
use support::{World, eventually};

#[tokio::test]
async fn the_same_ipn_delivered_twice_and_twenty_times_concurrently_records_one_payment_and_one_invite() {
    let world = World::start().await;
    let order = world.buy(9101, 'g').await;
    assert_eq!(world.ipn(&order, "777", "finished", "5.00", "0.0015").await.status(), 200);
    assert_eq!(world.ipn(&order, "777", "finished", "5.00", "0.0015").await.status(), 200);
    let parallel =
        (0..20).map(|_| async { world.ipn(&order, "777", "finished", "5.00", "0.0015").await.status() });
    let statuses = futures::future::join_all(parallel).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    eventually("the invite", || (!world.telegram.invite_links().is_empty()).then_some(())).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(world.count("SELECT count(*) FROM payments").await, 1);
    assert_eq!(world.count("SELECT count(*) FROM invites").await, 1);
    assert_eq!(world.telegram.invite_links().len(), 1);
    assert_eq!(world.count("SELECT count(*) FROM payment_events").await, 22, "every delivery is kept");
}

#[tokio::test]
async fn a_bad_or_missing_signature_gets_401_and_stores_nothing() {
    let world = World::start().await;
    let order = world.buy(9201, 'g').await;
    let body = world.nowpayments.ipn_body(
        "1",
        &order,
        "555",
        paygate_domain::payment_gateway::PaymentStatus::Finished,
        "5.00".parse().unwrap(),
        "0.0015".parse().unwrap(),
        Some("eth"),
    );
    let (bytes, signature) = world.nowpayments.signed(&body);
    let url = world.app.url("/webhooks/nowpayments");
    let missing = world.app.http.post(&url).body(bytes.clone()).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let mut forged = signature.clone();
    forged.replace_range(0..2, if signature.starts_with("00") { "11" } else { "00" });
    let wrong = world
        .app
        .http
        .post(&url)
        .header("x-nowpayments-sig", forged)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    // A right signature over a tampered body (price changed) is rejected too.
    let tampered = String::from_utf8(bytes).unwrap().replace("\"price_amount\":5", "\"price_amount\":500");
    let response =
        world.app.http.post(&url).header("x-nowpayments-sig", signature).body(tampered).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(world.count("SELECT count(*) FROM payment_events").await, 0);
    assert_eq!(world.count("SELECT count(*) FROM payments").await, 0);
}

#[tokio::test]
async fn non_final_statuses_are_stored_without_access_and_an_underpaid_finished_tells_the_subscriber() {
    let world = World::start().await;
    let user = 9301;
    let order = world.buy(user, 'g').await;
    for status in ["waiting", "confirming", "partially_paid"] {
        assert_eq!(world.ipn(&order, "888", status, "5.00", "0").await.status(), 200);
    }
    let status: String =
        sqlx::query_scalar("SELECT status FROM invoices").fetch_one(&world.app.pool).await.unwrap();
    assert_eq!(status, "partially_paid");
    assert_eq!(world.count("SELECT count(*) FROM subscriptions").await, 0);

    // finished, but only $2.00 of $5.00 arrived: 40 % of the crypto amount asked (fiat not reported).
    let mut body = world.nowpayments.ipn_body(
        &world.provider_invoice_id(&order).await,
        &order,
        "888",
        paygate_domain::payment_gateway::PaymentStatus::Finished,
        "5.00".parse().unwrap(),
        "0.0006".parse().unwrap(),
        Some("eth"),
    );
    body["pay_amount"] = serde_json::json!(0.0015);
    body["actually_paid"] = serde_json::json!(0.0006);
    assert_eq!(body["actually_paid_at_fiat"], 0, "shaped like a real IPN");
    let (bytes, signature) = world.nowpayments.signed(&body);
    let response = world
        .app
        .http
        .post(world.app.url("/webhooks/nowpayments"))
        .header("x-nowpayments-sig", signature)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let message = eventually("the shortfall message", || {
        world.telegram.messages_to(user).into_iter().find(|m| m.text.contains("short"))
    })
    .await;
    assert!(message.text.contains("$3.00"), "{}", message.text);
    assert_eq!(world.count("SELECT count(*) FROM subscriptions").await, 0);
    assert_eq!(
        world
            .count("SELECT count(*) FROM payments WHERE verdict = 'underpaid' AND payout_status = 'on_hold'")
            .await,
        1
    );
    assert!(world.telegram.invite_links().is_empty());

    // An expired invoice is stored and grants nothing.
    let other = world.buy(9302, 'g').await;
    assert_eq!(world.ipn(&other, "889", "expired", "5.00", "0").await.status(), 200);
    let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1::uuid")
        .bind(&other)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "expired");
}

#[tokio::test]
async fn a_renewal_before_expiry_extends_from_the_old_expiry() {
    let world = World::start().await;
    let user = 9401;
    let first = world.buy(user, 'g').await;
    world.ipn(&first, "1001", "finished", "5.00", "0.0015").await;
    let expiry = || async {
        sqlx::query_scalar::<_, DateTime<Utc>>(
            "SELECT expires_at FROM subscriptions WHERE telegram_user_id = $1",
        )
        .bind(user)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
    };
    let before = expiry().await;
    let second = world.buy(user, 's').await;
    world.ipn(&second, "1002", "finished", "12.50", "0.004").await;
    let after = expiry().await;
    assert_eq!(after - before, chrono::Duration::days(90));
}

#[tokio::test]
async fn a_lost_ipn_is_recovered_by_the_reconciliation_job() {
    let world = World::start().await;
    let user = 9501;
    let order = world.buy(user, 'g').await;
    // Only `waiting` arrives; the `finished` IPN is lost, but the provider knows the payment finished.
    world.ipn(&order, "4242", "waiting", "5.00", "0").await;
    let finished = world.nowpayments.ipn_body(
        &world.provider_invoice_id(&order).await,
        &order,
        "4242",
        paygate_domain::payment_gateway::PaymentStatus::Finished,
        "5.00".parse().unwrap(),
        "0.0015".parse().unwrap(),
        Some("eth"),
    );
    world.nowpayments.set_payment("4242", finished);
    sqlx::query("UPDATE invoices SET next_check_at = now() - interval '1 second'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &ReconcileInvoices { tick: Utc::now() }).await.unwrap();
    eventually("the recovered payment", || (!world.telegram.invite_links().is_empty()).then_some(())).await;
    assert_eq!(world.count("SELECT count(*) FROM payments WHERE provider_payment_id = '4242'").await, 1);
    assert_eq!(world.count("SELECT count(*) FROM payment_events WHERE source = 'poll'").await, 1);
}
