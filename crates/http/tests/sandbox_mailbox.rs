//! The sandbox mailbox of the API: each account reads only the mails sent to its own address.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_test_support::{TestApp, spawn_app_with_worker};
use serde_json::Value;

async fn mails_of(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get_as(token, "/api/v1/account/sandbox-mails").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["mails"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_owner_reads_their_own_verification_mail_and_no_one_elses() {
    let app = spawn_app_with_worker().await;
    let alice = app.owner_token("alice").await;
    let bob = app.owner_token("bob").await;
    // Up to a minute for the mail jobs: a loaded machine is slow, not wrong.
    let mut mine = Vec::new();
    for _ in 0..1200 {
        mine = mails_of(&app, &alice).await;
        if !mine.is_empty() && app.sandbox_mails().await.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0]["subject"].as_str().unwrap().contains("Confirm"));
    assert!(mine[0]["body"].as_str().unwrap().contains("/verify-email?token="));
    let kept = app.sandbox_mails().await;
    let bobs_body = &kept.iter().find(|(to, _, _)| to.starts_with("bob@")).unwrap().2;
    assert_ne!(mine[0]["body"].as_str().unwrap(), bobs_body);
    assert_eq!(mails_of(&app, &bob).await.len(), 1);
}

#[tokio::test]
async fn the_mailbox_needs_a_signed_in_caller() {
    let app = spawn_app_with_worker().await;
    assert_eq!(app.get("/api/v1/account/sandbox-mails").await.status(), 401);
}
