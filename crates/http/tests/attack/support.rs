//! Helpers of the attack suite: a channel with invoices to attack, signed IPNs, the survival check.

use paygate_test_support::{SANDBOX_IPN_SECRET, TestApp, assert_payments_conserved};
use reqwest::{Method, Response};
use secrecy::SecretString;
use serde_json::{Value, json};
use uuid::Uuid;

pub const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

/// A valid channel body with the given chat ids.
pub fn channel_body(open: i64, closed: i64) -> Value {
    json!({
        "open_channel_id": open, "open_channel_title": "Open", "open_channel_description": "free",
        "closed_channel_id": closed, "closed_channel_title": "Closed", "closed_channel_description": "paid",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": {"wallet_address": XMR_ADDRESS, "currency": "XMR", "network": "XMR", "extra_id": null,
                   "strategy": "threshold", "threshold_usd": "100.00"},
        "donations": {"enabled": true, "message": "Thanks for your support!"},
        "notifications": {"telegram_user_id": 123456789, "enabled": true}
    })
}

/// Creates a channel for `token` and returns its JSON.
pub async fn create_channel(app: &TestApp, token: &str, open: i64, closed: i64) -> Value {
    let response =
        app.send_as(Method::POST, token, "/api/v1/channels", Some(&channel_body(open, closed))).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "channel creation failed: {body}");
    body
}

/// One invoice of `user` for `channel` (tier 1, $5, 30 days) as the bot would have recorded it.
pub struct Invoice {
    pub order_id: String,
    pub provider_invoice_id: String,
    pub user: i64,
}

/// Records a subscriber and an open $5 / 30-day invoice straight in the database.
pub async fn open_invoice(app: &TestApp, channel_id: &str, user: i64) -> Invoice {
    sqlx::query(
        "INSERT INTO subscribers (telegram_user_id, first_name) VALUES ($1, 'Sub') ON CONFLICT DO NOTHING",
    )
    .bind(user)
    .execute(&app.pool)
    .await
    .unwrap();
    let id = Uuid::now_v7();
    let provider_invoice_id = (4_000_000_000_u64 + u64::from(id.as_fields().1)).to_string();
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd,
                               provider, provider_invoice_id, expires_at)
         VALUES ($1, $2::uuid, $3, 'subscription', 0, 30, 5.00, 'sandbox', $4, now() + interval '1 day')",
    )
    .bind(id)
    .bind(channel_id)
    .bind(user)
    .bind(&provider_invoice_id)
    .execute(&app.pool)
    .await
    .unwrap();
    Invoice { order_id: id.to_string(), provider_invoice_id, user }
}

/// A `finished` IPN shaped like NOWPayments' real ones for `order_id` ($5 paid in full).
pub fn finished_ipn(order_id: &str, provider_invoice_id: &str, payment_id: u64) -> Value {
    json!({
        "payment_id": payment_id, "parent_payment_id": null, "invoice_id": provider_invoice_id.parse::<u64>().ok(),
        "payment_status": "finished", "pay_address": "TNDFkiSmBQorNFacb3735q8MnT29sn8BLn",
        "payin_extra_id": null, "price_amount": 5, "price_currency": "usd", "pay_amount": 5.02,
        "actually_paid": 5.02, "actually_paid_at_fiat": 5, "pay_currency": "usdttrc20",
        "order_id": order_id, "order_description": "Paygate order", "purchase_id": "5837122679",
        "outcome_amount": 4.9, "outcome_currency": "usdttrc20", "payment_extra_ids": null,
        "fee": {"currency": "usdttrc20", "depositFee": 0, "withdrawalFee": 0, "serviceFee": 0.1},
        "created_at": "2026-03-01T10:00:00.000Z", "updated_at": "2026-03-01T10:12:31.000Z"
    })
}

/// The body bytes and the signature NOWPayments would send, with the tests' sandbox IPN secret.
pub fn signed(body: &Value) -> (Vec<u8>, String) {
    let bytes = serde_json::to_vec(body).unwrap();
    (bytes, paygate_nowpayments::sign_ipn(&SecretString::from(SANDBOX_IPN_SECRET), body))
}

/// Posts raw IPN bytes with an optional signature header.
pub async fn post_ipn(app: &TestApp, bytes: impl Into<reqwest::Body>, signature: Option<&str>) -> Response {
    let mut request = app
        .http
        .post(app.url("/webhooks/nowpayments"))
        .header("content-type", "application/json")
        .body(bytes);
    if let Some(signature) = signature {
        request = request.header("x-nowpayments-sig", signature);
    }
    request.send().await.expect("the app stopped answering")
}

/// Posts `body` correctly signed.
pub async fn post_signed(app: &TestApp, body: &Value) -> Response {
    let (bytes, signature) = signed(body);
    post_ipn(app, bytes, Some(&signature)).await
}

pub async fn count(app: &TestApp, query: &'static str) -> i64 {
    sqlx::query_scalar(query).fetch_one(&app.pool).await.unwrap()
}

/// The end of every attack: the process still serves (once the per-IP limit the attack may have
/// spent has refilled; waited for with a generous deadline) and the money adds up.
pub async fn survives(app: &TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let status = app.get("/healthz").await.status();
        if status == 200 {
            break;
        }
        assert!(status == 429 && std::time::Instant::now() < deadline, "/healthz answered {status}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_payments_conserved(&app.pool).await;
}
