//! The sandbox payment provider end to end, the "payment processing" page, the owner's read API,
//! one-person invite links, and the Telegram webhook mode.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use paygate_test_support::{TestAppOptions, fake_telegram::FakeTelegram, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};
use support::{CLOSED, OPEN, eventually, urls};

const XMR: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

fn body() -> Value {
    json!({
        "open_channel_id": OPEN, "open_channel_title": "Open", "closed_channel_id": CLOSED, "closed_channel_title": "Closed",
        "tiers": [{"price_usd": "9.00", "duration_days": 7}],
        "payout": {"wallet_address": XMR, "currency": "xmr", "network": "xmr", "strategy": "instant"}
    })
}

fn one_person_links(settings: &mut paygate_app::Settings) {
    settings.invite_join_requests = false;
}

#[tokio::test]
async fn the_sandbox_checkout_pays_through_the_signed_webhook_and_the_owner_sees_it() {
    let telegram = FakeTelegram::start("1:sandbox").await;
    telegram.bot_is_admin(OPEN, false, false, true);
    telegram.bot_is_admin(CLOSED, true, true, false);
    let options = TestAppOptions {
        worker: true,
        telegram: Some(&telegram),
        nowpayments: None,
        settings: Some(one_person_links),
        ..TestAppOptions::default()
    };
    let app = spawn_app_with(options).await;
    let owner = app.owner_token("sandboxowner").await;
    app.link_telegram("sandboxowner", 31_000).await;
    telegram.user_is_creator(OPEN, 31_000);
    telegram.user_is_creator(CLOSED, 31_000);
    let channel: Value =
        app.send_as(Method::POST, &owner, "/api/v1/channels", Some(&body())).await.json().await.unwrap();
    let id = channel["id"].as_str().unwrap().to_owned();
    app.send_as(Method::POST, &owner, &format!("/api/v1/channels/{id}/check"), None).await;
    tokio::spawn(paygate_bot::run_polling(app.app.clone(), app.bot(), app.shutdown_token()));

    let user = 31_001;
    let payload = format!("{}_g", id.replace('-', ""));
    telegram.push_update(FakeTelegram::text_message_update(user, "sam", &format!("/start {payload}")));
    eventually("the offer", || (telegram.messages_to(user).len() == 1).then_some(())).await;
    telegram.push_update(FakeTelegram::callback_update(user, &format!("pay:{payload}"), 1));
    let invoice_message = eventually("the invoice", || telegram.messages_to(user).get(1).cloned()).await;
    let checkout =
        urls(&invoice_message.reply_markup).into_iter().find(|u| u.contains("/sandbox/checkout/")).unwrap();
    let page = app.http.get(&checkout).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sandbox") && page.contains("$9.00"), "{page}");
    let invoice_id = checkout.rsplit('/').next().unwrap().to_owned();

    // "Pay in full": the sandbox posts signed IPNs to our webhook and the browser lands on /pay/{id}.
    let paid = app.http.post(format!("{checkout}/pay")).send().await.unwrap();
    assert!(paid.url().path().starts_with("/pay/"), "{}", paid.url());
    let text = paid.text().await.unwrap();
    assert!(text.contains("Payment received"), "{text}");
    let status: Value = app.get(&format!("/pay/{invoice_id}/status")).await.json().await.unwrap();
    assert_eq!(status["status"], "finished");
    // Reconciliation can find the sandbox payment by the invoice too (as it would a lost IPN's).
    let found = app.app.payments.payments_of_invoice(&format!("sandbox-{invoice_id}")).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].status, paygate_domain::payment_gateway::PaymentStatus::Finished);
    assert_eq!(found[0].order_id.as_deref(), Some(invoice_id.as_str()));
    let link = eventually("a one-person link", || telegram.invite_links().first().cloned()).await;
    assert_eq!(link["member_limit"], 1);
    assert!(link.get("creates_join_request").is_none_or(|v| v == false));

    let subs: Value =
        app.get_as(&owner, &format!("/api/v1/channels/{id}/subscriptions")).await.json().await.unwrap();
    assert_eq!(subs["subscriptions"][0]["telegram_user_id"], user);
    assert_eq!(subs["subscriptions"][0]["username"], "sam");
    assert_eq!(subs["subscriptions"][0]["status"], "active");
    let payments: Value =
        app.get_as(&owner, &format!("/api/v1/channels/{id}/payments")).await.json().await.unwrap();
    let payment = &payments["payments"][0];
    assert_eq!(payment["price_usd"], "9.00");
    assert_eq!(payment["settled_currency"], "eth");
    // The owner share is routed at once: a payout (or, below the pair minimum, the accumulation).
    let routed = payment["payout_status"].as_str().unwrap();
    assert!(["in_payout", "accumulated"].contains(&routed), "{routed}");
    let settled: rust_decimal::Decimal = payment["settled_amount"].as_str().unwrap().parse().unwrap();
    let fee: rust_decimal::Decimal = payment["platform_fee"].as_str().unwrap().parse().unwrap();
    let share: rust_decimal::Decimal = payment["owner_share"].as_str().unwrap().parse().unwrap();
    assert_eq!(fee + share, settled);

    // Another owner sees neither.
    let stranger = app.owner_token("stranger").await;
    assert_eq!(app.get_as(&stranger, &format!("/api/v1/channels/{id}/subscriptions")).await.status(), 404);
    assert_eq!(app.get_as(&stranger, &format!("/api/v1/channels/{id}/payments")).await.status(), 404);
    assert_eq!(app.get(&format!("/api/v1/channels/{id}/payments")).await.status(), 401);
}

#[tokio::test]
async fn the_telegram_webhook_needs_the_secret_token() {
    let telegram = FakeTelegram::start("1:webhook").await;
    fn webhook_mode(settings: &mut paygate_app::Settings) {
        settings.telegram_webhook_secret = Some("s3cret-token".to_owned().into());
    }
    let options = TestAppOptions {
        worker: false,
        telegram: Some(&telegram),
        nowpayments: None,
        settings: Some(webhook_mode),
        ..TestAppOptions::default()
    };
    let app = spawn_app_with(options).await;
    let update = FakeTelegram::text_message_update(41_001, "wendy", "/help");
    let url = app.url("/webhooks/telegram");
    let without = app.http.post(&url).json(&update).send().await.unwrap();
    assert_eq!(without.status(), 401);
    let wrong = app
        .http
        .post(&url)
        .header("x-telegram-bot-api-secret-token", "nope")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(telegram.messages_to(41_001).is_empty());
    let right = app
        .http
        .post(&url)
        .header("x-telegram-bot-api-secret-token", "s3cret-token")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    let reply = eventually("the help reply", || telegram.messages_to(41_001).pop()).await;
    assert!(reply.text.contains("/status"));
}
