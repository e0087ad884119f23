//! Another owner's ids on every owner endpoint: always 404, and nothing changes.

use paygate_test_support::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{channel_body, create_channel, finished_ipn, open_invoice, post_signed, survives};

/// What the owner sees of their channel, and its row as stored.
async fn snapshot(app: &TestApp, token: &str, base: &str) -> Value {
    let mut seen = serde_json::Map::new();
    for suffix in ["", "/links", "/subscriptions", "/payments"] {
        let response = app.get_as(token, &format!("{base}{suffix}")).await;
        assert_eq!(response.status(), 200, "the owner cannot read {base}{suffix}");
        seen.insert(suffix.to_owned(), response.json().await.unwrap());
    }
    let id = base.rsplit('/').next().unwrap();
    let row: Value = sqlx::query_scalar("SELECT to_json(c) FROM channels c WHERE id = $1::uuid")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    seen.insert("row".to_owned(), row);
    Value::Object(seen)
}

#[tokio::test]
async fn another_owners_channel_is_404_on_every_endpoint_and_nothing_changes() {
    let app = spawn_app().await;
    let alice = app.owner_token("alice").await;
    let mallory = app.owner_token("mallory").await;
    let channel = create_channel(&app, &alice, -1001000000051, -1001000000052).await;
    let id = channel["id"].as_str().unwrap();
    let invoice = open_invoice(&app, id, 7201).await;
    let paid = finished_ipn(&invoice.order_id, &invoice.provider_invoice_id, 6_300_000);
    assert_eq!(post_signed(&app, &paid).await.status(), 200);
    let base = format!("/api/v1/channels/{id}");
    let before = snapshot(&app, &alice, &base).await;

    let patch = json!({"open_channel_title": "Mallory's now", "payout": {"wallet_address": "bc1qmallory"}});
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, base.clone(), None),
        (Method::PATCH, base.clone(), Some(patch)),
        (Method::GET, format!("{base}/links"), None),
        (Method::GET, format!("{base}/subscriptions"), None),
        (Method::GET, format!("{base}/payments"), None),
        (Method::POST, format!("{base}/check"), None),
        (Method::POST, format!("{base}/offer"), None),
        (Method::DELETE, base.clone(), None),
    ];
    for (method, path, body) in &attempts {
        let response = app.send_as(method.clone(), &mallory, path, body.as_ref()).await;
        assert_eq!(response.status(), 404, "{method} {path}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "not_found", "{method} {path}");
    }
    let listed: Value = app.get_as(&mallory, "/api/v1/channels").await.json().await.unwrap();
    assert!(!listed.to_string().contains(id), "mallory's list shows alice's channel: {listed}");
    let audit: Value = app.get_as(&mallory, "/api/v1/audit").await.json().await.unwrap();
    assert!(!audit.to_string().contains(id), "mallory's audit log shows alice's channel: {audit}");
    // Registering the same chats again is no way in either: it conflicts or stays separate.
    let copy = app
        .send_as(
            Method::POST,
            &mallory,
            "/api/v1/channels",
            Some(&channel_body(-1001000000051, -1001000000052)),
        )
        .await;
    assert!(matches!(copy.status().as_u16(), 201 | 409), "{}", copy.status());

    assert_eq!(snapshot(&app, &alice, &base).await, before, "another owner changed alice's channel");
    survives(&app).await;
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_for_everyone() {
    let app = spawn_app().await;
    let token = app.owner_token("prober").await;
    for id in
        [uuid::Uuid::now_v7().to_string(), "not-a-uuid".to_owned(), "%00".to_owned(), "..%2f..".to_owned()]
    {
        for suffix in ["", "/links", "/subscriptions", "/payments"] {
            let path = format!("/api/v1/channels/{id}{suffix}");
            assert_eq!(app.get_as(&token, &path).await.status(), 404, "{path}");
        }
    }
    survives(&app).await;
}
