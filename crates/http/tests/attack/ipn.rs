//! Replayed and misdirected IPNs: a replay changes nothing, a payment never grants twice, and an
//! IPN carrying another invoice's order id never grants anything beyond one period per invoice.

use paygate_test_support::{TestApp, spawn_app};
use serde_json::{Value, json};

use crate::support::{
    Invoice, count, create_channel, finished_ipn, open_invoice, post_ipn, post_signed, signed, survives,
};

/// Everything a payment can change, as one comparable snapshot.
async fn state(app: &TestApp) -> Value {
    let query = "SELECT json_build_object(
        'payments', (SELECT COALESCE(json_agg(json_build_object('id', id, 'verdict', verdict, 'owner_share', owner_share)
                      ORDER BY id), '[]') FROM payments),
        'subscriptions', (SELECT COALESCE(json_agg(json_build_object('id', id, 'expires_at', expires_at, 'status', status)
                      ORDER BY id), '[]') FROM subscriptions),
        'invites', (SELECT count(*) FROM invites),
        'jobs', (SELECT count(*) FROM jobs))";
    sqlx::query_scalar(query).fetch_one(&app.pool).await.unwrap()
}

async fn setup() -> (TestApp, String) {
    let app = spawn_app().await;
    let token = app.owner_token("payee").await;
    let channel = create_channel(&app, &token, -1001000000021, -1001000000022).await;
    (app, channel["id"].as_str().unwrap().to_owned())
}

/// Days between the subscription's creation and its expiry, for `user`.
async fn subscription_days(app: &TestApp, user: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT round(extract(epoch FROM expires_at - created_at) / 86400)::bigint FROM subscriptions
         WHERE telegram_user_id = $1",
    )
    .bind(user)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_replayed_ipn_changes_nothing_and_forged_ones_are_refused() {
    let (app, channel) = setup().await;
    let invoice: Invoice = open_invoice(&app, &channel, 7001).await;
    let body = finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 5_000_001);
    assert_eq!(post_signed(&app, &body).await.status(), 200);
    let after_first = state(&app).await;
    assert_eq!(after_first["payments"].as_array().unwrap().len(), 1, "{after_first}");
    assert_eq!(after_first["invites"], 1);
    let replays = (0..10).map(|_| post_signed(&app, &body));
    for response in futures::future::join_all(replays).await {
        assert_eq!(response.status(), 200, "a repeat delivery is acknowledged");
    }
    assert_eq!(state(&app).await, after_first, "replays changed something");

    let (bytes, signature) = signed(&body);
    let mut tampered = body.clone();
    tampered["price_amount"] = json!(500);
    tampered["payment_id"] = json!(5_000_002);
    let tampered_bytes = serde_json::to_vec(&tampered).unwrap();
    assert_eq!(post_ipn(&app, tampered_bytes, Some(&signature)).await.status(), 401);
    assert_eq!(post_ipn(&app, bytes.clone(), None).await.status(), 401);
    assert_eq!(post_ipn(&app, bytes, Some(&"0".repeat(128))).await.status(), 401);
    assert_eq!(state(&app).await, after_first, "forged notifications changed something");
    assert_eq!(subscription_days(&app, invoice.user).await, [30]);
    survives(&app).await;
}

#[tokio::test]
async fn a_second_payment_id_for_a_paid_invoice_does_not_grant_a_second_period() {
    let (app, channel) = setup().await;
    let invoice = open_invoice(&app, &channel, 7002).await;
    let first = finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 5_000_101);
    assert_eq!(post_signed(&app, &first).await.status(), 200);
    let mut repeat = finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 5_000_102);
    repeat["parent_payment_id"] = json!(5_000_101);
    assert_eq!(post_signed(&app, &repeat).await.status(), 200);
    let another = finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 5_000_103);
    assert_eq!(post_signed(&app, &another).await.status(), 200);
    assert_eq!(subscription_days(&app, invoice.user).await, [30], "one invoice, one period");
    assert_eq!(count(&app, "SELECT count(*) FROM payments WHERE verdict = 'accepted'").await, 1);
    survives(&app).await;
}

#[tokio::test]
async fn an_ipn_carrying_another_invoices_order_id_grants_nothing_twice() {
    let (app, channel) = setup().await;
    let victim = open_invoice(&app, &channel, 7003).await;
    let attacker = open_invoice(&app, &channel, 7004).await;
    // The attacker's own paid invoice, then its payment replayed under the victim's order id (and the
    // other way round: the victim's order id with the attacker's provider invoice id).
    let own = finished_ipn(&attacker.order_id, &attacker.provider_invoice_id, 5_000_201);
    assert_eq!(post_signed(&app, &own).await.status(), 200);
    let mut misdirected = own.clone();
    misdirected["order_id"] = json!(victim.order_id);
    let response = post_signed(&app, &misdirected).await;
    assert!(matches!(response.status().as_u16(), 200 | 401), "{}", response.status());
    let crossed = finished_ipn(&victim.order_id, &attacker.provider_invoice_id, 5_000_202);
    let response = post_signed(&app, &crossed).await;
    assert!(matches!(response.status().as_u16(), 200 | 401), "{}", response.status());
    assert_eq!(subscription_days(&app, attacker.user).await, [30], "the attacker got exactly one period");
    let victim_days = subscription_days(&app, victim.user).await;
    assert!(victim_days.len() <= 1 && victim_days.iter().all(|d| *d <= 30), "{victim_days:?}");
    assert!(count(&app, "SELECT count(*) FROM payments WHERE verdict = 'accepted'").await <= 2);
    survives(&app).await;
}
