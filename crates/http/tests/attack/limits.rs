//! Rate-limit dodges: spoofed `X-Forwarded-For` when no proxy is trusted, and login-name variants.

use futures::StreamExt;
use paygate_test_support::spawn_app;
use serde_json::json;

use crate::support::survives;

#[tokio::test]
async fn a_spoofed_forwarded_for_header_does_not_escape_the_per_ip_limit() {
    let app = spawn_app().await;
    // Without a trusted proxy every request counts against the socket's address, whatever the header
    // says; so a limit is reached (30/s, bursts of 120) long before 5,000 requests.
    let mut limited = false;
    for round in 0..50 {
        let statuses: Vec<u16> = futures::stream::iter(0..100)
            .map(|n| {
                let app = &app;
                async move {
                    let spoofed = format!("203.0.113.{}, 198.51.100.{}", n % 250, (round * 100 + n) % 250);
                    let response = app
                        .http
                        .get(app.url("/api/v1/currencies"))
                        .header("x-forwarded-for", spoofed)
                        .send()
                        .await
                        .expect("the app stopped answering");
                    response.status().as_u16()
                }
            })
            .buffer_unordered(20)
            .collect()
            .await;
        assert!(statuses.iter().all(|s| matches!(s, 200 | 429)), "{statuses:?}");
        if statuses.contains(&429) {
            limited = true;
            break;
        }
    }
    assert!(limited, "spoofed X-Forwarded-For headers dodged the per-IP limit");
    survives(&app).await;
}

#[tokio::test]
async fn wrong_passwords_under_every_spelling_of_one_account_share_one_budget() {
    let app = spawn_app().await;
    app.signup("carol").await;
    let variants = ["carol", "CAROL", " Carol ", "carol@example.org", "Carol@Example.ORG"];
    let mut wrong = 0;
    for attempt in 0..20 {
        let login = variants[attempt % variants.len()];
        let response =
            app.post("/api/v1/auth/login", &json!({"login": login, "password": "not-the-password"})).await;
        match response.status().as_u16() {
            401 => wrong += 1,
            429 => {}
            other => panic!("login answered {other}"),
        }
    }
    assert!(wrong <= 5, "{wrong} wrong passwords were checked for one account");
    survives(&app).await;
}

#[tokio::test]
async fn sign_ups_under_spoofed_forwarded_for_addresses_still_share_one_budget() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for n in 0..7 {
        let body = json!({"username": format!("spoof{n}"), "email": format!("spoof{n}@example.org"),
                          "password": "correct-horse-9"});
        let response = app
            .http
            .post(app.url("/api/v1/auth/signup"))
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .json(&body)
            .send()
            .await
            .expect("the app stopped answering");
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429, 429], "5 sign-ups per address per hour");
    survives(&app).await;
}
