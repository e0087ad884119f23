//! The operator area's API beyond payouts: the jobs needing attention with retry and cancel, every
//! payment and every payout of the platform; all of it 404 for owners and 401 without a session.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod rows;

use paygate_test_support::spawn_app;
use reqwest::Method;
use rows::{channel, job, payment, payout};
use serde_json::{Value, json};

const OPERATOR_GETS: [&str; 3] =
    ["/api/v1/operator/jobs/attention", "/api/v1/operator/payments", "/api/v1/operator/payouts"];

#[tokio::test]
async fn an_operator_retries_and_cancels_jobs_that_need_attention() {
    let app = spawn_app().await;
    let ops = app.operator_token("ops").await;
    let stuck =
        job(&app, "offers.post", "needs_attention", json!({"channel_id": "c1", "text": "secret"})).await;
    let other = job(&app, "mail.send", "needs_attention", json!({"to": "a@b.c", "body": "token=abc"})).await;
    job(&app, "subscriptions.remove", "succeeded", json!({})).await;

    let response = app.get_as(&ops, "/api/v1/operator/jobs/attention").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let jobs = body["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "only the jobs that need attention: {jobs:?}");
    let listed = jobs.iter().find(|j| j["id"] == stuck).unwrap();
    assert_eq!(listed["kind"], "offers.post");
    assert_eq!(listed["state"], "needs_attention");
    assert_eq!(listed["last_error"], "telegram said no");
    assert_eq!(listed["refs"], json!(["channel_id=c1"]));
    assert!(!body.to_string().contains("token=abc"), "payloads are not shown");

    let retried =
        app.send_as(Method::POST, &ops, &format!("/api/v1/operator/jobs/{stuck}/retry"), None).await;
    assert_eq!(retried.status(), 200);
    let retried: Value = retried.json().await.unwrap();
    assert_eq!(retried["state"], "pending");
    assert_eq!(retried["attempts"], 0);
    let again = app.send_as(Method::POST, &ops, &format!("/api/v1/operator/jobs/{stuck}/retry"), None).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.unwrap()["error"]["code"], "job_not_retryable");

    let cancelled =
        app.send_as(Method::POST, &ops, &format!("/api/v1/operator/jobs/{other}/cancel"), None).await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(cancelled.json::<Value>().await.unwrap()["state"], "cancelled");
    let again = app.send_as(Method::POST, &ops, &format!("/api/v1/operator/jobs/{other}/cancel"), None).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.unwrap()["error"]["code"], "job_not_cancellable");

    let body: Value = app.get_as(&ops, "/api/v1/operator/jobs/attention").await.json().await.unwrap();
    assert_eq!(body["jobs"], json!([]), "both left the queue");
    for action in ["retry", "cancel"] {
        let missing =
            app.send_as(Method::POST, &ops, &format!("/api/v1/operator/jobs/999999/{action}"), None).await;
        assert_eq!(missing.status(), 404);
        let malformed =
            app.send_as(Method::POST, &ops, &format!("/api/v1/operator/jobs/abc/{action}"), None).await;
        assert_eq!(malformed.status(), 404);
    }
}

#[tokio::test]
async fn an_operator_lists_every_owners_payments_and_payouts_newest_first_in_pages() {
    let app = spawn_app().await;
    let ops = app.operator_token("ops").await;
    let alice = app.owner_token("alice").await;
    let bob = app.owner_token("bob").await;
    let alpha = channel(&app, &alice, -1001000000001, -1001000000002, "Alpha").await;
    let bobs = channel(&app, &bob, -1001000000003, -1001000000004, "Bob's").await;
    let older = payment(&app, alpha, 11, 2, "5.00", ("5", "usdttrc20"), "accepted").await;
    let newer = payment(&app, bobs, 12, 1, "7.00", ("7", "usdttrc20"), "accepted").await;
    payout(&app, alpha, older, "completed").await;
    payout(&app, bobs, newer, "failed").await;

    let body: Value = app.get_as(&ops, "/api/v1/operator/payments").await.json().await.unwrap();
    let payments = body["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 2);
    assert_eq!(payments[0]["id"], newer.to_string());
    assert_eq!(payments[0]["owner_username"], "bob");
    assert_eq!(payments[0]["channel_title"], "Bob's");
    assert_eq!(payments[1]["owner_username"], "alice");
    assert!(payments[1]["payout_id"].is_string());

    let page: Value =
        app.get_as(&ops, "/api/v1/operator/payments?limit=1&offset=1").await.json().await.unwrap();
    assert_eq!(page["payments"].as_array().unwrap().len(), 1);
    assert_eq!(page["payments"][0]["id"], older.to_string());
    assert_eq!((page["limit"].clone(), page["offset"].clone()), (json!(1), json!(1)));

    let body: Value = app.get_as(&ops, "/api/v1/operator/payouts").await.json().await.unwrap();
    let payouts = body["payouts"].as_array().unwrap();
    assert_eq!(payouts.len(), 2);
    assert_eq!(payouts[0]["payment_id"], newer.to_string());
    assert_eq!(payouts[0]["status"], "failed");
    assert_eq!(payouts[1]["status"], "completed");
    let page: Value = app.get_as(&ops, "/api/v1/operator/payouts?limit=1").await.json().await.unwrap();
    assert_eq!(page["payouts"].as_array().unwrap().len(), 1);

    for path in ["/api/v1/operator/payments?limit=many", "/api/v1/operator/payouts?offset=x"] {
        assert_eq!(app.get_as(&ops, path).await.status(), 422, "{path}");
    }
}

#[tokio::test]
async fn owners_get_not_found_and_strangers_unauthorized_from_the_operator_area() {
    let app = spawn_app().await;
    let alice = app.owner_token("alice").await;
    let stuck = job(&app, "offers.post", "needs_attention", json!({})).await;
    for path in OPERATOR_GETS {
        assert_eq!(app.get_as(&alice, path).await.status(), 404, "{path}");
        assert_eq!(app.get(path).await.status(), 401, "{path}");
    }
    for action in ["retry", "cancel"] {
        let path = format!("/api/v1/operator/jobs/{stuck}/{action}");
        assert_eq!(app.send_as(Method::POST, &alice, &path, None).await.status(), 404, "{path}");
        assert_eq!(app.http.post(app.url(&path)).send().await.unwrap().status(), 401, "{path}");
    }
    let state: String = sqlx::query_scalar("SELECT state::text FROM jobs WHERE id = $1")
        .bind(stuck)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state, "needs_attention", "an owner changed nothing");
}
