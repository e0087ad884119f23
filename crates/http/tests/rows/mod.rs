//! Rows straight in the database for the dashboard read tests: channels (through the API), payments
//! at a given age, subscriptions and payouts, as the bot and the payout engine would have stored them.

#![allow(dead_code, clippy::unwrap_used)] // each test binary uses some of these helpers

use paygate_test_support::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

pub async fn channel(app: &TestApp, token: &str, open: i64, closed: i64, title: &str) -> Uuid {
    let body = json!({
        "open_channel_id": open, "open_channel_title": "Open", "open_channel_description": "free",
        "closed_channel_id": closed, "closed_channel_title": title, "closed_channel_description": "paid",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": {"wallet_address": XMR_ADDRESS, "currency": "XMR", "network": "XMR", "extra_id": null,
                   "strategy": "threshold", "threshold_usd": "100.00"},
        "donations": {"enabled": false, "message": null},
        "notifications": {"telegram_user_id": null, "enabled": false}
    });
    let response = app.send_as(Method::POST, token, "/api/v1/channels", Some(&body)).await;
    let status = response.status();
    let created: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "channel creation failed: {created}");
    created["id"].as_str().unwrap().parse().unwrap()
}

/// A payment of `user` to `channel` made `days_ago` days ago, settled as (amount, currency) (fee 5%).
pub async fn payment(
    app: &TestApp,
    channel: Uuid,
    user: i64,
    days_ago: i32,
    usd: &str,
    (settled, currency): (&str, &str),
    verdict: &str,
) -> Uuid {
    sqlx::query(
        "INSERT INTO subscribers (telegram_user_id, first_name) VALUES ($1, 'Sub') ON CONFLICT DO NOTHING",
    )
    .bind(user)
    .execute(&app.pool)
    .await
    .unwrap();
    let invoice = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd,
                               provider, expires_at, created_at)
         VALUES ($1, $2, $3, 'subscription', 0, 30, $4::numeric, 'sandbox', now(), now() - make_interval(days => $5))",
    )
    .bind(invoice)
    .bind(channel)
    .bind(user)
    .bind(usd)
    .bind(days_ago)
    .execute(&app.pool)
    .await
    .unwrap();
    let id = Uuid::now_v7();
    let held = verdict != "accepted";
    sqlx::query(
        "INSERT INTO payments (id, invoice_id, provider_payment_id, channel_id, telegram_user_id, kind, verdict,
                               price_usd, paid_usd, outcome_amount, outcome_currency, fee_percent, platform_fee,
                               owner_share, payout_status, hold_reason, created_at)
         VALUES ($1, $2, $1::text, $3, $4, 'subscription', $5, $6::numeric, $6::numeric, $7::numeric, $8, 5,
                 $7::numeric * 0.05, $7::numeric * 0.95, $9, $10, now() - make_interval(days => $11))",
    )
    .bind(id)
    .bind(invoice)
    .bind(channel)
    .bind(user)
    .bind(verdict)
    .bind(usd)
    .bind(settled)
    .bind(currency)
    .bind(if held { "on_hold" } else { "awaiting_payout" })
    .bind(held.then_some("underpaid"))
    .bind(days_ago)
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

pub async fn subscription(app: &TestApp, channel: Uuid, user: i64, status: &str, expires_in_days: i32) {
    sqlx::query(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         VALUES ($1, $2, $3, $4, 0, now() + make_interval(days => $5))",
    )
    .bind(Uuid::now_v7())
    .bind(channel)
    .bind(user)
    .bind(status)
    .bind(expires_in_days)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// A payout of `payment` in `status`, as the payout engine would have stored it.
pub async fn payout(app: &TestApp, channel: Uuid, payment: Uuid, status: &str) {
    sqlx::query(
        "INSERT INTO payouts (id, purpose, payment_id, channel_id, owner_id, kind, status, resume_status,
                              source_amount, source_code, source_network, dest_address, dest_code, dest_network)
         SELECT $1, 'payment', $2, c.id, c.owner_id, 'direct', $3, CASE WHEN $3 = 'needs_attention' THEN 'sending' END,
                1, 'usdt', 'eth', c.payout_wallet_address, 'usdt', 'eth'
         FROM channels c WHERE c.id = $4",
    )
    .bind(Uuid::now_v7())
    .bind(payment)
    .bind(status)
    .bind(channel)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// A job of `kind` in `state` (e.g. `needs_attention` after its retries ran out); its id.
pub async fn job(app: &TestApp, kind: &str, state: &str, payload: Value) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, last_error)
         VALUES ($1, $2, $3::job_state, 5, 5, CASE WHEN $3 = 'needs_attention' THEN 'telegram said no' END)
         RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(state)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}
