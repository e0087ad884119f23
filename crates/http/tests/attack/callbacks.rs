//! Issue 8 item 11: verified provider callbacks are never throttled; failing ones are.

use futures::StreamExt;
use paygate_test_support::spawn_app;
use serde_json::json;

use crate::support::{
    count, create_channel, finished_ipn, open_invoice, post_ipn, post_signed, signed, survives,
};

#[tokio::test]
async fn two_thousand_signed_ipns_from_one_address_are_all_answered_200() {
    let app = spawn_app().await;
    let token = app.owner_token("burst").await;
    let channel = create_channel(&app, &token, -1001000000031, -1001000000032).await;
    let invoice = open_invoice(&app, channel["id"].as_str().unwrap(), 7101).await;
    // Repeats of one real payment and notifications for orders Paygate never issued, as a provider
    // re-delivering a backlog would send them.
    let bodies: Vec<_> = (0..2_000_u64)
        .map(|n| {
            if n % 10 == 0 {
                finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 6_000_000)
            } else {
                let mut body = finished_ipn(&uuid::Uuid::now_v7().to_string(), "1", 6_000_000 + n);
                body["payment_status"] = json!("waiting");
                body
            }
        })
        .map(|body| signed(&body))
        .collect();
    let statuses: Vec<u16> = futures::stream::iter(bodies)
        .map(|(bytes, signature)| {
            let app = &app;
            async move { post_ipn(app, bytes, Some(&signature)).await.status().as_u16() }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let refused: Vec<_> = statuses.iter().filter(|s| **s != 200).collect();
    assert!(refused.is_empty(), "{} of 2000 refused: {:?}", refused.len(), &refused[..refused.len().min(10)]);
    assert_eq!(count(&app, "SELECT count(*) FROM payment_events").await, 2_000);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    survives(&app).await;
}

#[tokio::test]
async fn a_flood_of_badly_signed_ipns_is_throttled_but_signed_ones_still_pass() {
    let app = spawn_app().await;
    let token = app.owner_token("flood").await;
    let channel = create_channel(&app, &token, -1001000000041, -1001000000042).await;
    let invoice = open_invoice(&app, channel["id"].as_str().unwrap(), 7102).await;
    let body = finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 6_100_000);
    let bytes = serde_json::to_vec(&body).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..300 {
        let status = post_ipn(&app, bytes.clone(), Some(&"0".repeat(128))).await.status().as_u16();
        statuses.push(status);
        if status == 429 {
            break;
        }
    }
    assert!(statuses.iter().all(|s| matches!(s, 401 | 429)), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "the failures were never limited");
    assert_eq!(
        post_signed(&app, &body).await.status(),
        200,
        "a signed IPN is not caught by the failure limit"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    survives(&app).await;
}

fn telegram_webhook(settings: &mut paygate_app::Settings) {
    settings.telegram_webhook_secret = Some(secrecy::SecretString::from("tg-webhook-secret"));
}

#[tokio::test]
async fn telegram_webhook_calls_without_the_secret_are_throttled_but_telegram_is_not() {
    let options = paygate_test_support::TestAppOptions {
        settings: Some(telegram_webhook),
        ..paygate_test_support::TestAppOptions::default()
    };
    let app = paygate_test_support::spawn_app_with(options).await;
    let post = |secret: &'static str| {
        app.http
            .post(app.url("/webhooks/telegram"))
            .header("x-telegram-bot-api-secret-token", secret)
            .header("content-type", "application/json")
            .body(r#"{"no_update_id": true}"#)
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..300 {
        let status = post("wrong").await.unwrap().status().as_u16();
        statuses.push(status);
        if status == 429 {
            break;
        }
    }
    assert!(statuses.iter().all(|s| matches!(s, 401 | 429)), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "the failures were never limited");
    for _ in 0..200 {
        assert_eq!(post("tg-webhook-secret").await.unwrap().status(), 200, "Telegram itself was throttled");
    }
    survives(&app).await;
}
