//! Issue 8 item 1: nesting deep enough to overflow a recursive walker, sent to every JSON door.

use paygate_test_support::{TestAppOptions, spawn_app, spawn_app_with};
use reqwest::Method;

use crate::support::{count, post_ipn, survives};

const LEVELS: usize = 100_000;

/// `[[[[…1…]]]]` and `{"a":{"a":…1…}}`, balanced, `LEVELS` deep, and the unclosed variants.
fn deep_bodies() -> Vec<Vec<u8>> {
    let arrays = format!("{}1{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(LEVELS), "}".repeat(LEVELS));
    vec![
        arrays.into_bytes(),
        objects.into_bytes(),
        "[".repeat(LEVELS).into_bytes(),
        r#"{"a":"#.repeat(LEVELS).into_bytes(),
    ]
}

#[tokio::test]
async fn a_hundred_thousand_nested_levels_to_the_ipn_webhook_get_401_and_the_app_lives_on() {
    let app = spawn_app().await;
    let signature = "ab".repeat(64);
    for body in deep_bodies() {
        for signature in [Some(signature.as_str()), None] {
            let response = post_ipn(&app, body.clone(), signature).await;
            assert_eq!(response.status(), 401, "a forged deep body is refused");
        }
    }
    assert_eq!(count(&app, "SELECT count(*) FROM payment_events").await, 0);
    survives(&app).await;
}

#[tokio::test]
async fn deep_json_to_every_json_api_endpoint_is_a_400_never_a_crash() {
    let app = spawn_app().await;
    let token = app.owner_token("nester").await;
    let channel = crate::support::create_channel(&app, &token, -1001000000001, -1001000000002).await;
    let channel_path = format!("/api/v1/channels/{}", channel["id"].as_str().unwrap());
    let endpoints = [
        (Method::POST, "/api/v1/auth/signup".to_owned()),
        (Method::POST, "/api/v1/auth/login".to_owned()),
        (Method::POST, "/api/v1/auth/refresh".to_owned()),
        (Method::POST, "/api/v1/auth/logout".to_owned()),
        (Method::POST, "/api/v1/auth/verify-email".to_owned()),
        (Method::POST, "/api/v1/auth/forgot-password".to_owned()),
        (Method::POST, "/api/v1/auth/reset-password".to_owned()),
        (Method::POST, "/api/v1/auth/change-password".to_owned()),
        (Method::POST, "/api/v1/channels".to_owned()),
        (Method::PATCH, channel_path.clone()),
    ];
    for (method, path) in &endpoints {
        for body in deep_bodies() {
            let response = app
                .http
                .request(method.clone(), app.url(path))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("the app stopped answering");
            assert_eq!(response.status(), 400, "{method} {path}");
            let error: serde_json::Value = response.json().await.unwrap();
            assert_eq!(error["error"]["code"], "malformed_body", "{method} {path}");
        }
    }
    // POSTs that take no body never read the deep one.
    for path in [
        "/api/v1/auth/resend-verification".to_owned(),
        "/api/v1/account/telegram-link".to_owned(),
        format!("{channel_path}/check"),
        format!("{channel_path}/offer"),
    ] {
        let response = app
            .http
            .post(app.url(&path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(deep_bodies().remove(0))
            .send()
            .await
            .expect("the app stopped answering");
        assert!(!response.status().is_server_error(), "POST {path}: {}", response.status());
    }
    let unchanged: serde_json::Value = app.get_as(&token, &channel_path).await.json().await.unwrap();
    assert_eq!(unchanged["open_channel_title"], channel["open_channel_title"]);
    assert_eq!(unchanged["payout"], channel["payout"]);
    survives(&app).await;
}

/// Webhook mode: the Telegram secret is configured.
fn telegram_webhook(settings: &mut paygate_app::Settings) {
    settings.telegram_webhook_secret = Some(secrecy::SecretString::from("tg-webhook-secret"));
}

#[tokio::test]
async fn deep_json_to_the_telegram_webhook_is_ignored_with_or_without_the_secret() {
    let app =
        spawn_app_with(TestAppOptions { settings: Some(telegram_webhook), ..TestAppOptions::default() })
            .await;
    for body in deep_bodies() {
        let with_secret = app
            .http
            .post(app.url("/webhooks/telegram"))
            .header("x-telegram-bot-api-secret-token", "tg-webhook-secret")
            .body(body.clone())
            .send()
            .await
            .expect("the app stopped answering");
        assert_eq!(with_secret.status(), 200, "an unreadable update is dropped, not retried forever");
        let without = app.http.post(app.url("/webhooks/telegram")).body(body).send().await.unwrap();
        assert_eq!(without.status(), 401);
    }
    survives(&app).await;
}
